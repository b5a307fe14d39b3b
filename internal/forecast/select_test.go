package forecast

import (
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// AutoETS must find the model that generated a long series most of the
// time: 12 series of 300 points from each of six models, and the whole
// model (error, trend, damping and season) has to be right.
func TestAutoETSSelectsTrueModel(t *testing.T) {
	t.Parallel()
	week := []float64{0.8, 1, 1.05, 1.05, 1.1, 1.3, 0.7}
	cases := []struct {
		spec  ETSSpec
		m     int
		p     ETSParams
		sigma float64
	}{
		{ETSSpec{'A', 'N', 'N', false}, 1, ETSParams{Alpha: 0.3, Level: 100}, 5},
		{ETSSpec{'A', 'A', 'N', false}, 1, ETSParams{Alpha: 0.4, Beta: 0.1, Level: 100, Slope: 1}, 3},
		{ETSSpec{'A', 'A', 'N', true}, 1, ETSParams{Alpha: 0.5, Beta: 0.1, Phi: 0.9, Level: 100, Slope: 2}, 3},
		{ETSSpec{'M', 'N', 'N', false}, 1, ETSParams{Alpha: 0.3, Level: 100}, 0.08},
		{ETSSpec{'A', 'N', 'A', false}, 7, ETSParams{Alpha: 0.2, Gamma: 0.1, Level: 100, Season: []float64{-10, 0, 5, 5, 10, 15, -25}}, 4},
		// A growing level, so that a multiplicative season is not also an
		// additive one.
		{ETSSpec{'M', 'A', 'M', false}, 7, ETSParams{Alpha: 0.2, Beta: 0.01, Gamma: 0.1, Level: 100, Slope: 0.5, Season: week}, 0.05},
	}
	const reps = 12
	hits := make([]int, len(cases))
	parallelFor(len(cases), func(i int) {
		c := cases[i]
		rng := rand.New(rand.NewPCG(7, uint64(i)))
		for range reps {
			y, _ := simulateETS(c.spec, c.m, c.p, c.sigma, 300, rng)
			fit, err := AutoETS(y, c.m)
			if err == nil && fit.Spec == c.spec {
				hits[i]++
			}
		}
	})
	total := 0
	for i, c := range cases {
		total += hits[i]
		t.Logf("%s chosen %d/%d times", c.spec, hits[i], reps)
		if hits[i] < reps/2 {
			t.Errorf("%s chosen %d/%d times, want at least half", c.spec, hits[i], reps)
		}
	}
	// 59 of 72 at the time of writing; misses are near-ties (damped or
	// not, a weak slope, a season whose amplitude barely moves).
	if rate := float64(total) / float64(reps*len(cases)); rate < 0.75 {
		t.Errorf("true model chosen in %.0f%% of series, want at least 75%%", 100*rate)
	}
}

func TestCandidates(t *testing.T) {
	t.Parallel()
	positive := make([]float64, 730)
	for i := range positive {
		positive[i] = 10 + float64(i%7)
	}
	withZero := append([]float64{0}, positive[1:]...)
	cases := []struct {
		name string
		y    []float64
		m    int
		want int
	}{
		{"positive daily, weekly season", positive, 7, 15},
		{"a zero: additive error and season only", withZero, 7, 6},
		{"period 52 is too long for ETS", positive, 52, 6},
		{"no period", positive, 1, 6},
		{"13 points: no seasonal model for m=7", positive[:13], 7, 6},
		{"9 points: damped trend needs 10", positive[:9], 1, 4},
		{"6 points: only level models", positive[:7], 1, 2},
	}
	for _, c := range cases {
		got := Candidates(c.y, c.m)
		if len(got) != c.want {
			t.Errorf("%s: %d candidates %v, want %d", c.name, len(got), got, c.want)
		}
		for _, s := range got {
			if s.Error == 'A' && s.Season == 'M' {
				t.Errorf("%s: %s is excluded as numerically unstable", c.name, s)
			}
		}
	}
}

// The Schur–Cohn test must agree with the roots themselves (eigenvalues
// of the companion matrix) on random characteristic polynomials.
func TestRootsInUnitDiscMatchesEigenvalues(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	agree, inside := 0, 0
	for trial := range 500 {
		m := 2 + trial%11
		alpha := rng.Float64()
		beta := rng.Float64() * alpha
		gamma := rng.Float64() * 1.5
		phi := 0.8 + 0.2*rng.Float64()
		deg := m + 1
		p := make([]float64, deg+1)
		p[0] = phi * (1 - alpha - gamma)
		p[1] = alpha + beta - alpha*phi + gamma - 1
		for j := 2; j < m; j++ {
			p[j] = alpha + beta - alpha*phi
		}
		p[m] = alpha + beta - phi
		p[deg] = 1
		comp := mat.NewDense(deg, deg, nil)
		for j := range deg {
			comp.Set(0, j, -p[deg-1-j])
		}
		for i := 1; i < deg; i++ {
			comp.Set(i, i-1, 1)
		}
		var eig mat.Eigen
		if !eig.Factorize(comp, mat.EigenNone) {
			t.Fatal("eigen decomposition failed")
		}
		maxMod := 0.0
		for _, v := range eig.Values(nil) {
			maxMod = max(maxMod, cmplx.Abs(v))
		}
		if maxMod > 1-1e-6 && maxMod < 1+1e-6 {
			continue // too close to call either way
		}
		want := maxMod < 1
		got := rootsInUnitDisc(append([]float64(nil), p...), make([]float64, deg+1), 1+1e-9)
		if got == want {
			agree++
		} else {
			t.Errorf("m=%d alpha=%.3f beta=%.3f gamma=%.3f phi=%.3f: Schur-Cohn %v, largest root %.6f", m, alpha, beta, gamma, phi, got, maxMod)
		}
		if want {
			inside++
		}
	}
	if inside < 50 || agree-inside < 50 {
		t.Errorf("too one-sided a sample: %d of %d inside", inside, agree)
	}
}
