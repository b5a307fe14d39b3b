package stats_test

import (
	"testing"

	"pulse/internal/stats"
)

// rosner is the example of Rosner (1983) as the NIST/SEMATECH e-Handbook
// of Statistical Methods presents it (section 1.3.5.17.3): 54 values, 10
// rounds at α = 0.05, with R_i and λ_i printed to three decimals and 3
// outliers found.
var rosner = []float64{-0.25, 0.68, 0.94, 1.15, 1.20, 1.26, 1.26, 1.34, 1.38, 1.43, 1.49, 1.49, 1.55, 1.56,
	1.58, 1.65, 1.69, 1.70, 1.76, 1.77, 1.81, 1.91, 1.94, 1.96, 1.99, 2.06, 2.09, 2.10, 2.14, 2.15, 2.23,
	2.24, 2.26, 2.35, 2.37, 2.40, 2.47, 2.54, 2.62, 2.64, 2.90, 2.92, 2.92, 2.93, 3.21, 3.26, 3.30, 3.59,
	3.68, 4.30, 4.64, 5.34, 5.42, 6.01}

func TestGeneralizedESDRosner(t *testing.T) {
	t.Parallel()
	wantR := []float64{3.118, 2.942, 3.179, 2.810, 2.815, 2.848, 2.279, 2.310, 2.101, 2.067}
	wantLambda := []float64{3.158, 3.151, 3.143, 3.136, 3.128, 3.120, 3.111, 3.103, 3.094, 3.085}
	res := stats.GeneralizedESD(rosner, 10, 0.05)
	if len(res.Steps) != 10 || res.Outliers != 3 {
		t.Fatalf("%d rounds, %d outliers; want 10 and 3", len(res.Steps), res.Outliers)
	}
	for i, s := range res.Steps {
		// The handbook truncates or rounds: allow the last printed digit.
		near(t, "R", s.R, wantR[i], 0.0015)
		near(t, "λ", s.Lambda, wantLambda[i], 0.0015)
		if (s.P < 0.05) != (s.R > s.Lambda) {
			t.Errorf("round %d: p = %g disagrees with R %g vs λ %g", i+1, s.P, s.R, s.Lambda)
		}
	}
	for i, want := range []int{53, 52, 51} {
		if got := res.Steps[i].Index; got != want {
			t.Errorf("outlier %d is index %d, want %d", i+1, got, want)
		}
	}
}

// The first round of the generalized ESD test is Grubbs' two-sided test:
// λ_1 must match the published two-sided Grubbs critical values at α = 0.05
// (Grubbs & Beck 1972; NIST handbook section 1.3.5.17.1).
func TestESDCriticalGrubbs(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n    int
		want float64
	}{
		{10, 2.290}, {20, 2.709}, {30, 2.908}, {40, 3.036}, {50, 3.128}, {100, 3.384},
	} {
		near(t, "λ_1", stats.ESDCritical(c.n, 1, 0.05), c.want, 0.0015)
	}
	// Round i on n points is round 1 on n−i+1 points.
	near(t, "λ_5(100)", stats.ESDCritical(100, 5, 0.05), stats.ESDCritical(96, 1, 0.05), 1e-12)
}

func TestGeneralizedESDConstant(t *testing.T) {
	t.Parallel()
	if r := stats.GeneralizedESD([]float64{5, 5, 5, 5, 5, 5}, 2, 0.05); r.Outliers != 0 || len(r.Steps) != 0 {
		t.Errorf("constant series: %+v", r)
	}
}
