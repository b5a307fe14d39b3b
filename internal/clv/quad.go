package clv

import (
	"math"
	"sync"
)

// expectedQuad is E[X(t)] for a new customer by integrating the
// conditional expectation over the churn probability:
//
//	E[X(t)] = ∫₀¹ (1 − (α/(α+pt))^r)/p · Beta(p; a, b) dp
//
// (the inner factor is E over λ ~ Gamma(r, α) of (1 − e^{−λpt})/p, FHL
// 2005 eq. 7). It is the fallback where ₂F₁ in double precision breaks
// down: Cephes needs Γ of parameters above 171 when z nears 1, which
// happens for very frequent buyers or nearly churn-free fits over long
// horizons. Tanh-sinh quadrature copes with the endpoint singularities of
// the Beta density and resolves features on a log scale near p = 0, where
// both the Beta mass for large b and the sharp drop of the integrand for
// large t/α sit.
func expectedQuad(r, al, a, b, t float64) float64 {
	g := func(p float64) float64 {
		if p == 0 {
			return r * t / al
		}
		return -math.Expm1(-r*math.Log1p(p*t/al)) / p
	}
	sum := 0.0
	for _, n := range betaNodesOf(a, b) {
		sum += n.w * g(n.p)
	}
	return sum
}

// betaNode is a quadrature node for integrals against a Beta density: a
// point p and its weight (the density, the change of variable and the
// rule's step in one).
type betaNode struct{ p, w float64 }

// Tanh-sinh rule: step h on u in [−uMax, uMax]. Nodes reach p = e^{−π sinh
// 7} ≈ e^{−1722}: shapes near 0 pile the Beta mass up against the ends over
// hundreds of e-folds.
const (
	quadH    = 1.0 / 64
	quadUMax = 7
	// quadDrop leaves out nodes whose weight is below e^−quadDrop of the
	// largest: with an integrand that varies by far less than e^20 over
	// (0, 1), they cannot move the sum's 17th digit.
	quadDrop = 60
)

// betaNodes keeps the nodes of recent shapes: the weights cost a sinh, a
// cosh, two logs and an exponential each, and a customer base asks for
// the same few shapes (a, b + x for each purchase count x) again and again
// with only the horizon and the customer's age changing.
var betaNodes = struct {
	sync.Mutex
	m map[[2]float64][]betaNode
}{m: map[[2]float64][]betaNode{}}

func betaNodesOf(a, b float64) []betaNode {
	k := [2]float64{a, b}
	betaNodes.Lock()
	ns, ok := betaNodes.m[k]
	betaNodes.Unlock()
	if ok {
		return ns
	}
	ns = newBetaNodes(a, b)
	betaNodes.Lock()
	if len(betaNodes.m) >= 4096 {
		clear(betaNodes.m)
	}
	betaNodes.m[k] = ns
	betaNodes.Unlock()
	return ns
}

func newBetaNodes(a, b float64) []betaNode {
	lb := lbeta(a, b)
	n := int(quadUMax / quadH)
	type logNode struct{ p, lw float64 }
	all := make([]logNode, 0, 2*n+3)
	for k := -n; k <= n; k++ {
		u := float64(k) * quadH
		s := math.Pi * math.Sinh(u)
		// p and 1−p each in a form that keeps its digits near its own end.
		lp, lq := logSigmoid(s), logSigmoid(-s)
		// Beta density times dp/du = π·cosh u·p·(1−p), times the step.
		lw := a*lp + b*lq - lb + math.Log(math.Pi*math.Cosh(u)*quadH)
		if k == -n || k == n {
			// Trapezoid end weights: for shapes near 0 the integrand has not
			// decayed at ±uMax, and full weights would add h/2 of it.
			lw -= math.Ln2
		}
		all = append(all, logNode{math.Exp(lp), lw})
	}
	// The ends left out hold Beta mass ε^a/(a·B) and ε^b/(b·B), which is
	// not negligible for shapes near 0 (the density piles up at the end);
	// the integrand is flat there, so they count at p = 0 and p = 1.
	le := logSigmoid(-math.Pi * math.Sinh(float64(n)*quadH))
	all = append(all, logNode{0, a*le - math.Log(a) - lb}, logNode{1, b*le - math.Log(b) - lb})
	top := math.Inf(-1)
	for _, x := range all {
		top = max(top, x.lw)
	}
	var ns []betaNode
	for _, x := range all {
		if x.lw >= top-quadDrop {
			ns = append(ns, betaNode{x.p, math.Exp(x.lw)})
		}
	}
	return ns
}

// logSigmoid is log(1/(1+e^{−s})) without overflow for large |s|.
func logSigmoid(s float64) float64 {
	if s < -30 {
		return s - math.Exp(s)
	}
	return -math.Log1p(math.Exp(-s))
}
