package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// BGNBD is a fitted beta-geometric/negative-binomial model (Fader, Hardie &
// Lee 2005, "Counting your customers the easy way"). While alive a customer
// buys at a Poisson rate λ ~ Gamma(R, Alpha); after each purchase she drops
// out with probability p ~ Beta(A, B). Times are in units of UnitDays days.
type BGNBD struct {
	R, Alpha, A, B float64
	// LL is the log-likelihood of the calibration data at the estimate.
	LL float64
	// Customers is how many summaries the fit used.
	Customers int
	// Converged is false when the optimizer stopped before a stationary
	// point; the estimate is then the best one found, to be shown with a
	// warning.
	Converged bool
	UnitDays  float64
}

// LogLikelihood is the log-likelihood of one customer's history.
func (m BGNBD) LogLikelihood(s Summary) float64 {
	r, al, a, b := m.R, m.Alpha, m.A, m.B
	if s.X == 0 {
		return r * (math.Log(al) - math.Log(al+s.T))
	}
	x := float64(s.X)
	lt, lT := math.Log(al+s.TX), math.Log(al+s.T)
	e := math.Exp((r + x) * (lt - lT))
	return lgamma(r+x) - lgamma(r) + r*math.Log(al) +
		lgamma(a+b) - lgamma(b) - lgamma(a+b+x) + lgamma(b+x-1) -
		(r+x)*lt + math.Log(a+(b+x-1)*e)
}

// PAlive is the probability that the customer is still active at the end
// of the calibration period. It is 1 for customers without repeat purchases
// because the model lets customers drop out only right after a purchase.
func (m BGNBD) PAlive(s Summary) float64 {
	if s.X == 0 {
		return 1
	}
	x := float64(s.X)
	// ((α+T)/(α+t_x))^(r+x) overflows for long-silent frequent buyers;
	// its log keeps the ratio exact until the result underflows to 0.
	lr := math.Log(m.A/(m.B+x-1)) + (m.R+x)*(math.Log(m.Alpha+s.T)-math.Log(m.Alpha+s.TX))
	return 1 / (1 + math.Exp(lr))
}

// ExpectedRepeat is the expected number of transactions in (T, T+t] given
// the customer's history (eq. 10 of the paper), t in units. It equals
// PAlive times the new-customer expectation under the posterior
// parameters r+x, α+T, a, b+x.
func (m BGNBD) ExpectedRepeat(s Summary, t float64) float64 {
	if t <= 0 {
		return 0
	}
	x := float64(s.X)
	return m.PAlive(s) * expectedNew(m.R+x, m.Alpha+s.T, m.A, m.B+x, t)
}

// Expected is the expected number of repeat transactions in (0, t] of a
// customer just acquired at time 0, t in units.
func (m BGNBD) Expected(t float64) float64 {
	if t <= 0 {
		return 0
	}
	return expectedNew(m.R, m.Alpha, m.A, m.B, t)
}

// expectedNew is E[X(t)] = (a+b−1)/(a−1)·[1 − (α/(α+t))^r ₂F₁(r, b; a+b−1;
// z)] with z = t/(α+t) in [0, 1), the range where mathext.Hypergeo uses
// the Cephes series. Where double precision cannot be trusted with that
// series it integrates instead (expectedQuad).
func expectedNew(r, al, a, b, t float64) float64 {
	if c := a + b - 1; c > 0 && math.Max(1, r)*t/al <= 0.5 {
		return expectedSeries(r, al, a, c, t)
	}
	// The formula is 0/0 at a = 1 and loses digits near it; interpolating
	// between a = 1 ± h is accurate to O(h²).
	const h = 1e-4
	var v float64
	var ok bool
	if math.Abs(a-1) < h {
		lo, okLo := expectedHyp(r, al, 1-h, b, t)
		hi, okHi := expectedHyp(r, al, 1+h, b, t)
		v, ok = lo+(a-(1-h))/(2*h)*(hi-lo), okLo && okHi
	} else {
		v, ok = expectedHyp(r, al, a, b, t)
	}
	// A purchase count while alive is at most a Poisson(λt) count, so
	// 0 ≤ E[X(t)] ≤ E[λ]t = rt/α; outside that the series has failed.
	if !ok || !(v >= 0) || v > r*t/al*(1+1e-9) {
		return expectedQuad(r, al, a, b, t)
	}
	return v
}

// expectedSeries sums E[X(t)] for short horizons (t ≪ α), where the closed
// form is 1 minus something close to 1. Pfaff's transformation turns it
// into c/(a−1)·[1 − ₂F₁(r, a−1; c; −t/α)], and dividing (a−1)_k by a−1
// term by term leaves
//
//	E[X(t)] = −c Σ_{k≥1} (r)_k (a)_{k−1} / ((c)_k k!) · (−t/α)^k,
//
// whose first term is the rate rt/α and whose terms shrink by at least
// max(1, r)·t/α ≤ 1/2 each, so neither cancellation nor a = 1 is a problem.
func expectedSeries(r, al, a, c, t float64) float64 {
	w := -t / al
	term := r * t / al
	sum := term
	for k := 1.0; k < 200; k++ {
		term *= (r + k) * (a + k - 1) / ((c + k) * (k + 1)) * w
		sum += term
		if math.Abs(term) <= 1e-17*math.Abs(sum) {
			break
		}
	}
	return sum
}

// expectedHyp evaluates the closed form with whichever of two equal series
// has no cancellation, and reports false where neither is safe.
func expectedHyp(r, al, a, b, t float64) (float64, bool) {
	z := t / (al + t)
	l1z := math.Log(al / (al + t)) // log(1−z) without cancellation
	c := a + b - 1
	if c <= 0 {
		return 0, false
	}
	var v float64
	switch {
	case a-1-r >= 0:
		// All parameters positive and the series converges at z = 1.
		v = math.Exp(r*l1z) * mathext.Hypergeo(r, b, c, z)
	case c-r >= -eulerSlack:
		// The direct series diverges at z = 1 and Cephes loses digits as z
		// nears 1 (frequent buyers over long horizons). Euler's
		// transformation ₂F₁(r, b; c; z) = (1−z)^(c−r−b) ₂F₁(c−r, c−b; c; z)
		// gives a series that converges there; its first parameter must
		// not be far below 0 or its terms cancel.
		v = math.Exp((a-1)*l1z) * mathext.Hypergeo(c-r, a-1, c, z)
	default:
		return 0, false
	}
	return c / (a - 1) * (1 - v), !math.IsNaN(v) && !math.IsInf(v, 0)
}

// eulerSlack is how far below 0 the first parameter of the transformed
// series may go before its alternating terms lose more digits than the
// result can spare.
const eulerSlack = 5

// ProbPurchases is the probability that a customer just acquired makes
// exactly n repeat transactions in (0, t] (eq. 8 of the paper).
func (m BGNBD) ProbPurchases(n int, t float64) float64 {
	if n < 0 {
		return 0
	}
	r, al, a, b := m.R, m.Alpha, m.A, m.B
	x := float64(n)
	lq := math.Log(al / (al + t))   // log of α/(α+t)
	lz := math.Log(t / (al + t))    // log of t/(α+t)
	nb := func(j float64) float64 { // log NBD(j) term Γ(r+j)/(Γ(r) j!) q^r z^j
		v := lgamma(r+j) - lgamma(r) - lgamma(j+1) + r*lq
		if j > 0 {
			v += j * lz
		}
		return v
	}
	p := math.Exp(lbeta(a, b+x) - lbeta(a, b) + nb(x))
	if n > 0 {
		sum := 0.0
		for j := 0; j < n; j++ {
			sum += math.Exp(nb(float64(j)))
		}
		p += math.Exp(lbeta(a+1, b+x-1)-lbeta(a, b)) * math.Max(0, 1-sum)
	}
	return p
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

func lbeta(a, b float64) float64 { return lgamma(a) + lgamma(b) - lgamma(a+b) }
