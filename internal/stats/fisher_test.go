package stats

import (
	"math"
	"testing"
)

func TestFisherGreater(t *testing.T) {
	tests := []struct {
		name                        string
		both, onlyA, onlyB, neither int64
		want                        float64
	}{
		// Fisher's lady tasting tea: 3 of 4 right; P = (16+1)/70.
		{"tea", 3, 1, 1, 3, 17.0 / 70},
		// All four right: 1/70.
		{"tea perfect", 4, 0, 0, 4, 1.0 / 70},
		// Nothing together: every table is at least as extreme.
		{"none together", 0, 5, 5, 10, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FisherGreater(tt.both, tt.onlyA, tt.onlyB, tt.neither)
			if math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("FisherGreater = %.15g, want %.15g", got, tt.want)
			}
		})
	}
}

// TestFisherGreaterSumsHypergeometric checks a larger table against the
// tail summed term by term with exact binomial coefficients.
func TestFisherGreaterSumsHypergeometric(t *testing.T) {
	// 2×2 table: both 6, onlyA 4, onlyB 14, neither 76 (n 100, rowA 10, colB 20).
	choose := func(n, k int) float64 {
		r := 1.0
		for i := 1; i <= k; i++ {
			r = r * float64(n-k+i) / float64(i)
		}
		return r
	}
	want := 0.0
	for k := 6; k <= 10; k++ {
		want += choose(10, k) * choose(90, 20-k) / choose(100, 20)
	}
	got := FisherGreater(6, 4, 14, 76)
	if math.Abs(got-want)/want > 1e-9 {
		t.Errorf("FisherGreater = %.12g, want %.12g", got, want)
	}
}
