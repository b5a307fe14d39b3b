package stats

import (
	"math"
	"testing"
)

// R: quantile(c(1, 2, 4, 8), c(0, 0.1, 0.5, 0.8, 1)) = 1, 1.3, 3, 5.6, 8.
func TestQuantileSorted(t *testing.T) {
	t.Parallel()
	x := []float64{1, 2, 4, 8}
	for q, want := range map[float64]float64{0: 1, 0.1: 1.3, 0.5: 3, 0.8: 5.6, 1: 8} {
		if got := QuantileSorted(x, q); math.Abs(got-want) > 1e-12 {
			t.Errorf("QuantileSorted(%v) = %v, want %v", q, got, want)
		}
	}
	if !math.IsNaN(QuantileSorted(nil, 0.5)) {
		t.Error("no data gives a number")
	}
}
