package clv

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// simSpend draws n repeat buyers from a Gamma-Gamma model: ν ~ Gamma(q, v)
// per customer, then x transactions of value Gamma(p, ν) each.
func simSpend(m GammaGamma, n int, seed uint64) []Summary {
	src := rand.NewPCG(seed, seed^0xabcdef)
	rng := rand.New(src)
	nu := distuv.Gamma{Alpha: m.Q, Beta: m.V, Src: src}
	ss := make([]Summary, n)
	for i := range ss {
		x := 1 + rng.IntN(8)
		z := distuv.Gamma{Alpha: m.P, Beta: nu.Rand(), Src: src}
		sum := 0.0
		for range x {
			sum += z.Rand()
		}
		ss[i] = Summary{Customer: strconv.Itoa(i), X: x, TX: 1, T: 2, Monetary: sum / float64(x), UnitDays: 1}
	}
	return ss
}

func TestFitGammaGammaRecovers(t *testing.T) {
	t.Parallel()
	truth := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	for _, seed := range []uint64{1, 2} {
		ss := simSpend(truth, 5000, seed)
		m, err := FitGammaGamma(ss)
		if err != nil {
			t.Fatal(err)
		}
		llTrue := 0.0
		for _, s := range ss {
			llTrue += truth.LogLikelihood(s)
		}
		t.Logf("seed %d: p=%.3f q=%.3f v=%.3f LL=%.2f (truth %.2f) corr=%.3f", seed, m.P, m.Q, m.V, m.LL, llTrue, m.FreqSpendCorr)
		// χ²(3) is below 16.3 with probability 0.999.
		if lr := 2 * (m.LL - llTrue); lr < -1e-6 || lr > 16.3 {
			t.Errorf("likelihood ratio %.3f, want in [0, 16.3]", lr)
		}
		// The population mean spend p·v/(q−1) is what CLV uses for new
		// customers; it is much better determined than p, q, v one by one.
		if got, want := m.P*m.V/(m.Q-1), truth.P*truth.V/(truth.Q-1); math.Abs(got/want-1) > 0.05 {
			t.Errorf("mean spend %.3f, truth %.3f", got, want)
		}
		if !m.Converged || math.Abs(m.FreqSpendCorr) > 0.05 {
			t.Errorf("converged=%v corr=%.3f (independent by construction)", m.Converged, m.FreqSpendCorr)
		}
	}
}

func TestGammaGammaHand(t *testing.T) {
	t.Parallel()
	m := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	tests := []struct {
		name string
		s    Summary
		want float64
	}{
		{"no repeat: population mean pv/(q−1)", Summary{X: 0}, 6.25 * 15.44 / 2.74},
		{"repeat without spend counts as none", Summary{X: 3, Monetary: 0}, 6.25 * 15.44 / 2.74},
		// Weighted mean of the population mean and the customer's own.
		{"one repeat", Summary{X: 1, Monetary: 100}, (2.74*(6.25*15.44/2.74) + 6.25*100) / (6.25 + 2.74)},
		{"many repeats approach own mean", Summary{X: 1000, Monetary: 100}, 6.25 * (15.44 + 1000*100) / (6250 + 2.74)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := m.ExpectedSpend(tc.s); !near(got, tc.want, 1e-12) {
				t.Errorf("ExpectedSpend = %.12g, want %.12g", got, tc.want)
			}
		})
	}
	if !math.IsNaN(GammaGamma{P: 1, Q: 0.8, V: 1}.ExpectedSpend(Summary{})) {
		t.Error("population mean with q ≤ 1 should be NaN")
	}
	// Log density against the Gamma mixture written out: x·m̄ given ν is
	// Gamma(px, ν), ν ~ Gamma(q, v), so m̄ has density
	// x^{px} m̄^{px−1} v^q Γ(px+q) / (Γ(px)Γ(q)(v+x·m̄)^{px+q}).
	s := Summary{X: 3, Monetary: 27.5}
	px := 6.25 * 3
	want := px*math.Log(3) + (px-1)*math.Log(27.5) + 3.74*math.Log(15.44) +
		lgamma(px+3.74) - lgamma(px) - lgamma(3.74) - (px+3.74)*math.Log(15.44+3*27.5)
	if got := m.LogLikelihood(s); !near(got, want, 1e-12) {
		t.Errorf("LogLikelihood %.14g, want %.14g", got, want)
	}
}

func TestGammaGammaGradient(t *testing.T) {
	t.Parallel()
	d := newGGData(simSpend(GammaGamma{P: 6, Q: 4, V: 15}, 500, 4))
	theta := []float64{math.Log(5), math.Log(3), math.Log(20)}
	grad, tmp := make([]float64, 3), make([]float64, 3)
	d.objective(theta, grad)
	for i := range theta {
		const h = 1e-6
		up := append([]float64(nil), theta...)
		dn := append([]float64(nil), theta...)
		up[i] += h
		dn[i] -= h
		num := (d.objective(up, tmp) - d.objective(dn, tmp)) / (2 * h)
		if math.Abs(num-grad[i]) > 1e-6 {
			t.Errorf("∂/∂θ%d: analytic %.9f, numeric %.9f", i, grad[i], num)
		}
	}
}
