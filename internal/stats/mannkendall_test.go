package stats_test

import (
	"testing"

	"pulse/internal/stats"
)

// The expected values come from a separate implementation of the published
// formulas (Python, standard library only; /tmp/mkref.py when these tests
// were written), except the first case, which is small enough to do by
// hand: 1..5 has S = 10, Var(S) = 5·4·15/18, Z = 9/√Var(S).
func TestMannKendall(t *testing.T) {
	t.Parallel()
	serial := []float64{10, 12, 11, 14, 13, 15, 17, 16, 18, 20, 19, 22, 24, 23, 25, 27, 26, 28, 30, 29, 31, 33, 32, 34}
	noisy := []float64{4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69, 5.41, 5.27, 4.64, 5.08, 6.22, 5.68, 6.04, 5.94, 5.23, 6.52}
	ties := []float64{1, 3, 2, 4, 3, 5, 4, 6, 5, 7}
	for _, c := range []struct {
		name                   string
		got                    stats.MannKendall
		s, varS, z, p          float64
		slope, intercept, corr float64
	}{
		{"by hand", stats.MannKendallTest([]float64{1, 2, 3, 4, 5}), 10, 50.0 / 3, 9 / 4.08248290463863, 0.027486336110, 1, 1, 1},
		{"plain", stats.MannKendallTest(noisy), 88, 950, 2.822652727675268, 0.004762813070926963, 0.10225, 4.183625, 1},
		{"ties", stats.MannKendallTest(ties), 34, 122, 2.9876796194031114, 0.0028110405915930947, 0.5, 1.75, 1},
		{"Hamed-Rao, positive autocorrelation", stats.HamedRao(serial, 0.05), 260, 2512.495026350461, 5.167103475340928, 2.3774965329792508e-07, 1.0467391304347826, 10.4625, 1.5458336913559032},
		// The factor here would be 0.156: floored at 1, the variance stays.
		{"Hamed-Rao, negative autocorrelation", stats.HamedRao(noisy, 0.05), 88, 950, 2.822652727675268, 0.004762813070926963, 0.10225, 4.183625, 1},
	} {
		g := c.got
		near(t, c.name+": S", g.S, c.s, 0)
		near(t, c.name+": Var(S)", g.VarS, c.varS, 1e-9*c.varS)
		near(t, c.name+": Z", g.Z, c.z, 1e-9)
		near(t, c.name+": p", g.P, c.p, 1e-9)
		near(t, c.name+": slope", g.Slope, c.slope, 1e-12)
		near(t, c.name+": intercept", g.Intercept, c.intercept, 1e-12)
		near(t, c.name+": correction", g.Correction, c.corr, 1e-12)
	}
}

func TestSenSlopeIgnoresOutlier(t *testing.T) {
	t.Parallel()
	x := []float64{0, 2, 4, 6, 800, 10, 12, 14}
	slope, intercept := stats.SenSlope(x)
	near(t, "slope", slope, 2, 0)
	near(t, "intercept", intercept, 8-2*3.5, 1e-12) // median(x) − slope·(n−1)/2
}
