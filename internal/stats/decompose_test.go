package stats_test

import (
	"math"
	"testing"

	"pulse/internal/stats"
)

// A trend plus an exact weekly pattern plus one spike: the decomposition
// gives the pattern back, leaves the trend straight, and puts the spike,
// and nothing else of note, in the residuals.
func TestDecomposeFindsPatternAndSpike(t *testing.T) {
	t.Parallel()
	pattern := []float64{-3, -1, 0, 1, 2, 5, -4}
	x := make([]float64, 63)
	for i := range x {
		x[i] = 100 + 0.5*float64(i) + pattern[i%7]
	}
	x[30] += 50
	d := stats.Decompose(x, 7)
	for i := range x {
		if got := d.Trend[i] + d.Seasonal[i] + d.Residual[i]; math.Abs(got-x[i]) > 1e-9 {
			t.Fatalf("parts do not add up at %d", i)
		}
		if i == 30 {
			near(t, "spike residual", d.Residual[i], 50, 3)
			continue
		}
		if math.Abs(d.Residual[i]) > 2 {
			t.Errorf("residual at %d = %g", i, d.Residual[i])
		}
	}
	for k, want := range pattern {
		near(t, "seasonal", d.Seasonal[k], want, 1)
	}
	near(t, "strength of a clean pattern", stats.SeasonalStrength(stats.Decompose(patternOnly(pattern), 7)), 1, 0.01)
}

func patternOnly(p []float64) []float64 {
	x := make([]float64, 28)
	for i := range x {
		x[i] = 10 + p[i%7]
	}
	return x
}

// Expected H and p from a separate implementation (Python, standard
// library; p for 2 degrees of freedom is exp(−H/2) in closed form).
func TestKruskalWallis(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		groups [][]float64
		h, p   float64
	}{
		{[][]float64{{2.9, 3.0, 2.5, 2.6, 3.2}, {3.8, 2.7, 4.0, 2.4}, {2.8, 3.4, 3.7, 2.2, 2.0}}, 0.7714285714285722, 0.6799647735788935},
		{[][]float64{{1, 2, 2, 3, 5}, {2, 4, 4, 6, 7}, {5, 6, 8, 8, 9}}, 8.354347826086963, 0.015341803629817328},
	} {
		h, p := stats.KruskalWallis(c.groups)
		near(t, "H", h, c.h, 1e-9)
		near(t, "p", p, c.p, 1e-9)
	}
}
