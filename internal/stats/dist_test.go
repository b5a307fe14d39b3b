package stats_test

import (
	"math"
	"testing"

	"pulse/internal/stats"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.10g, want %.10g (±%g)", what, got, want, tol)
	}
}

// Quantiles and tail areas against printed tables (Abramowitz & Stegun
// 26.2 and 26.7; any t and chi-square table).
func TestDistributions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"Φ(0)", stats.NormalCDF(0), 0.5},
		{"Φ(1)", stats.NormalCDF(1), 0.8413447461},
		{"Φ(-1.96)", stats.NormalCDF(-1.96), 0.0249978952},
		{"Φ⁻¹(0.975)", stats.NormalQuantile(0.975), 1.9599639845},
		{"Φ⁻¹(0.005)", stats.NormalQuantile(0.005), -2.5758293035},
		{"Φ⁻¹(1e-10)", stats.NormalQuantile(1e-10), -6.3613409025},
		{"t(0.975, 1)", stats.TQuantile(0.975, 1), 12.7062047362},
		{"t(0.975, 10)", stats.TQuantile(0.975, 10), 2.2281388520},
		{"t(0.995, 5)", stats.TQuantile(0.995, 5), 4.0321429836},
		{"t(0.95, 30)", stats.TQuantile(0.95, 30), 1.6972608866},
		{"t(0.05, 30)", stats.TQuantile(0.05, 30), -1.6972608866},
		{"T_10(2.228138852)", stats.TCDF(2.228138852, 10), 0.975},
		{"χ²_6 > 12.5916", stats.ChiSquareSurvival(12.591587, 6), 0.05},
		{"χ²_2 > 5.991465", stats.ChiSquareSurvival(5.991465, 2), 0.05},
		{"χ²_1 > 6.634897", stats.ChiSquareSurvival(6.634897, 1), 0.01},
		{"χ²_30 > 50.89218", stats.ChiSquareSurvival(50.89218, 30), 0.01},
		{"I_0.5(2,3)", stats.RegIncBeta(2, 3, 0.5), 0.6875},
	} {
		near(t, c.what, c.got, c.want, 1e-6)
	}
}

// Exact binomial p-values against sums of binomial terms computed by hand
// (Python's math.comb) the way R's binom.test defines the two-sided test.
func TestBinomialTest(t *testing.T) {
	t.Parallel()
	near(t, "2 of 20 at ½", stats.BinomialTest(2, 20, 0.5), 422.0/1048576, 1e-12)
	near(t, "18 of 20 at ½", stats.BinomialTest(18, 20, 0.5), 422.0/1048576, 1e-12)
	near(t, "10 of 20 at ½", stats.BinomialTest(10, 20, 0.5), 1, 1e-12)
	near(t, "3 of 15 at 0.4", stats.BinomialTest(3, 15, 0.4), 0.18554931055820806, 1e-12)
	near(t, "0 of 0", stats.BinomialTest(0, 0, 0.5), 1, 0)
}

func TestBenjaminiHochberg(t *testing.T) {
	t.Parallel()
	q := stats.BenjaminiHochberg([]float64{0.01, 0.04, 0.03, 0.005})
	for i, want := range []float64{0.02, 0.04, 0.04, 0.02} {
		near(t, "q", q[i], want, 1e-12)
	}
	q = stats.BenjaminiHochberg([]float64{0.9, 0.8})
	near(t, "q capped", q[0], 0.9, 1e-12)
	near(t, "q capped", q[1], 0.9, 1e-12)
}

func TestRobust(t *testing.T) {
	t.Parallel()
	x := []float64{1, 2, 3, 4, 100}
	near(t, "median", stats.Median(x), 3, 0)
	near(t, "median of even", stats.Median([]float64{4, 1, 3, 2}), 2.5, 0)
	near(t, "MAD", stats.MAD(x), 1, 0)
	z := stats.ModifiedZ(x)
	near(t, "z(100)", z[4], 0.6745*97, 1e-9)
	near(t, "z(1)", z[0], -0.6745*2, 1e-9)
	// More than half the values equal: the mean absolute deviation steps in.
	z = stats.ModifiedZ([]float64{0, 0, 0, 0, 10})
	near(t, "z with MAD 0", z[4], 10/(1.253314*2), 1e-9)
	ranks, ties := stats.Ranks([]float64{10, 20, 10, 30, 10})
	for i, want := range []float64{2, 4, 2, 5, 2} {
		near(t, "rank", ranks[i], want, 0)
	}
	if len(ties) != 1 || ties[0] != 3 {
		t.Errorf("ties = %v, want [3]", ties)
	}
}
