package clv

import (
	"math"
	"testing"

	"math/rand/v2"
)

// cdnowModel is the published CDNOW fit (weeks).
var cdnowModel = BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, UnitDays: 7}

func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Max(1, math.Abs(want))
}

// Reference values of E[X(t)] for a new customer, computed with mpmath at
// 40 digits both from the ₂F₁ closed form and by adaptive quadrature of the
// Beta mixture (the two agree to 1e-14 or better). The cases cover the
// regimes where the double-precision ₂F₁ fails in different ways.
var expectedRefs = []struct {
	name           string
	r, al, a, b, t float64
	want           float64
}{
	{"CDNOW, 39 weeks", 0.243, 4.414, 0.793, 2.426, 39, 1.1967231933208169},
	{"CDNOW, 10 years", 0.243, 4.414, 0.793, 2.426, 520, 4.9746178618496597},
	{"frequent buyer, 5 years in days", 40.3, 740, 0.8, 42.5, 1825, 57.832804497348403},
	{"z near 1, large b (Cephes NaN)", 0.01, 0.5, 0.3, 200, 3650, 38.60269024953778},
	{"c-a-b far below 0", 40.3, 50, 3, 40.5, 3650, 21.245673709567088},
	{"a near 1", 0.3, 40, 1.00003, 2.5, 365, 1.3453515767698212},
	{"a+b < 1, large r", 100, 50, 0.3, 0.5, 100, 38.468459444312276},
	{"t much shorter than alpha", 0.5, 1000, 0.8, 3, 1, 0.00049992107729221542},
	{"large a and b, z near 1", 30.85, 1.1, 25.22, 6922, 775.4, 286.79686209733208},
	{"r far above a+b", 80, 200, 0.3, 0.35, 1000, 51.878332324228985},
}

func TestExpectedReference(t *testing.T) {
	t.Parallel()
	for _, tc := range expectedRefs {
		t.Run(tc.name, func(t *testing.T) {
			if got := expectedNew(tc.r, tc.al, tc.a, tc.b, tc.t); !near(got, tc.want, 1e-8) {
				t.Errorf("expectedNew = %.17g, want %.17g", got, tc.want)
			}
			if got := expectedQuad(tc.r, tc.al, tc.a, tc.b, tc.t); !near(got, tc.want, 1e-9) {
				t.Errorf("expectedQuad = %.17g, want %.17g", got, tc.want)
			}
		})
	}
}

// Over a wide random range of parameters the fast path (closed form or
// short-horizon series, quadrature only where those are unsafe) must agree
// with the quadrature, which the reference cases pin down.
func TestExpectedSweep(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	logUniform := func(lo, hi float64) float64 {
		return math.Exp(math.Log(lo) + rng.Float64()*(math.Log(hi)-math.Log(lo)))
	}
	n := 3000
	if testing.Short() {
		n = 300
	}
	for range n {
		r, al, a, b, h := logUniform(0.01, 1000), logUniform(0.1, 5000), logUniform(0.02, 50), logUniform(0.05, 1e6), logUniform(0.1, 5000)
		got, want := expectedNew(r, al, a, b, h), expectedQuad(r, al, a, b, h)
		if !near(got, want, 1e-5) || math.IsNaN(got) {
			t.Errorf("r=%g α=%g a=%g b=%g t=%g: %.12g, quadrature %.12g", r, al, a, b, h, got, want)
		}
	}
}

func TestPAliveAndConditional(t *testing.T) {
	t.Parallel()
	m := cdnowModel
	tests := []struct {
		name string
		s    Summary
		// wantAlive is computed here from eq. (13) of the paper with plain
		// powers, independently of the log form in PAlive.
		wantAlive float64
	}{
		{"no repeat", Summary{X: 0, TX: 0, T: 38.86}, 1},
		{"customer 1", Summary{X: 2, TX: 30.43, T: 38.86},
			1 / (1 + 0.793/(2.426+2-1)*math.Pow((4.414+38.86)/(4.414+30.43), 0.243+2))},
		{"recent frequent", Summary{X: 10, TX: 38, T: 38.86},
			1 / (1 + 0.793/(2.426+10-1)*math.Pow((4.414+38.86)/(4.414+38), 0.243+10))},
		{"frequent, long silent", Summary{X: 30, TX: 5, T: 38.86},
			1 / (1 + 0.793/(2.426+30-1)*math.Pow((4.414+38.86)/(4.414+5), 0.243+30))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := m.PAlive(tc.s); !near(got, tc.wantAlive, 1e-12) {
				t.Errorf("PAlive = %.12g, want %.12g", got, tc.wantAlive)
			}
			x := float64(tc.s.X)
			for _, h := range []float64{1, 39, 104} {
				want := tc.wantAlive * expectedQuad(m.R+x, m.Alpha+tc.s.T, m.A, m.B+x, h)
				if got := m.ExpectedRepeat(tc.s, h); !near(got, want, 1e-6) {
					t.Errorf("ExpectedRepeat(%g) = %.10g, want %.10g", h, got, want)
				}
			}
			if m.ExpectedRepeat(tc.s, 0) != 0 {
				t.Error("ExpectedRepeat(0) != 0")
			}
		})
	}
}

// For x = 0 the closed form reduces to the new-customer formula with α
// replaced by α+T; check one number by hand from eq. (10).
func TestExpectedRepeatNoRepeatHand(t *testing.T) {
	t.Parallel()
	m := cdnowModel
	T, h := 38.86, 39.0
	// 2F1(r, b; a+b−1; z) by its power series, z = h/(α+T+h) ≈ 0.47.
	z := h / (m.Alpha + T + h)
	sum, term := 1.0, 1.0
	for k := 0.0; k < 500; k++ {
		term *= (m.R + k) * (m.B + k) / ((m.A + m.B - 1 + k) * (k + 1)) * z
		sum += term
	}
	want := (m.A + m.B - 1) / (m.A - 1) * (1 - math.Pow((m.Alpha+T)/(m.Alpha+T+h), m.R)*sum)
	if got := m.ExpectedRepeat(Summary{T: T}, h); !near(got, want, 1e-10) {
		t.Errorf("ExpectedRepeat = %.12g, series %.12g", got, want)
	}
	if got := m.Expected(h); !near(got, expectedQuad(m.R, m.Alpha, m.A, m.B, h), 1e-6) {
		t.Errorf("Expected = %.10g", got)
	}
}

func TestProbPurchases(t *testing.T) {
	t.Parallel()
	m := cdnowModel
	for _, h := range []float64{0, 1, 39, 78} {
		var total, mean float64
		for n := 0; n < 400; n++ {
			p := m.ProbPurchases(n, h)
			if p < 0 || math.IsNaN(p) {
				t.Fatalf("P(X(%g)=%d) = %g", h, n, p)
			}
			total += p
			mean += float64(n) * p
		}
		if !near(total, 1, 1e-9) {
			t.Errorf("t=%g: probabilities sum to %.12f", h, total)
		}
		if !near(mean, m.Expected(h), 1e-6) {
			t.Errorf("t=%g: mean of distribution %.10f, Expected %.10f", h, mean, m.Expected(h))
		}
	}
	if m.ProbPurchases(-1, 10) != 0 {
		t.Error("negative count has positive probability")
	}
}

// LogLikelihood against eq. (6) of the paper written with Beta functions
// and plain powers.
func TestLogLikelihoodPaperForm(t *testing.T) {
	t.Parallel()
	m := cdnowModel
	r, al, a, b := m.R, m.Alpha, m.A, m.B
	for _, s := range []Summary{{X: 0, T: 30}, {X: 1, TX: 2, T: 30}, {X: 4, TX: 25, T: 30}, {X: 3, TX: 30, T: 30}} {
		x := float64(s.X)
		nb := math.Exp(lgamma(r+x)-lgamma(r)) * math.Pow(al, r)
		l := math.Exp(lbeta(a, b+x)-lbeta(a, b)) * nb / math.Pow(al+s.T, r+x)
		if s.X > 0 {
			l += math.Exp(lbeta(a+1, b+x-1)-lbeta(a, b)) * nb / math.Pow(al+s.TX, r+x)
		}
		if got := m.LogLikelihood(s); !near(got, math.Log(l), 1e-12) {
			t.Errorf("%+v: LL %.14g, paper form %.14g", s, got, math.Log(l))
		}
	}
}

// The gradient used by the optimizer against central differences.
func TestBGNBDGradient(t *testing.T) {
	t.Parallel()
	ss := simSummaries(BGNBD{R: 0.5, Alpha: 20, A: 0.7, B: 3}, 2000, 365, 3)
	d, err := newBGData(ss)
	if err != nil {
		t.Fatal(err)
	}
	theta := []float64{math.Log(0.4), math.Log(15), math.Log(0.9), math.Log(2)}
	grad := make([]float64, 4)
	d.objective(theta, grad)
	tmp := make([]float64, 4)
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
