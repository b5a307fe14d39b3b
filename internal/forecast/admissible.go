package forecast

import "math"

// admissibility tests whether seasonal smoothing parameters give a
// forecastable model (Hyndman et al. 2008, ch. 10; R's ets admissible()):
// a few linear inequalities, then all roots of the characteristic
// polynomial within the unit circle. R finds the roots numerically; here
// the Schur–Cohn step-down recursion answers the same question without
// complex arithmetic or allocation, on the polynomial rescaled by
// 1+1e-9 so that roots on the unit circle (which R's tolerance accepts) pass.
type admissibility struct {
	m    int
	a, b []float64
}

func newAdmissibility(m int) admissibility {
	return admissibility{m: m, a: make([]float64, m+2), b: make([]float64, m+2)}
}

func (ad *admissibility) ok(alpha, beta, gamma, phi float64) bool {
	m := float64(ad.m)
	if gamma < math.Max(1-1/phi-alpha, 0) || gamma > 1+1/phi-alpha {
		return false
	}
	if alpha < 1-1/phi-gamma*(1-m+phi+phi*m)/(2*phi*m) {
		return false
	}
	if beta < -(1-phi)*(gamma/m+alpha) {
		return false
	}
	// Characteristic polynomial, increasing powers (R's P):
	// phi(1-alpha-gamma), alpha+beta-alpha*phi+gamma-1, (alpha+beta-alpha*phi) x (m-2), alpha+beta-phi, 1.
	deg := ad.m + 1
	p := ad.b[:deg+1]
	p[0] = phi * (1 - alpha - gamma)
	p[1] = alpha + beta - alpha*phi + gamma - 1
	for j := 2; j < ad.m; j++ {
		p[j] = alpha + beta - alpha*phi
	}
	p[ad.m] = alpha + beta - phi
	p[deg] = 1
	return rootsInUnitDisc(p, ad.a[:deg+1], 1+1e-9)
}

// rootsInUnitDisc reports whether every root of the monic polynomial
// p[0] + p[1] z + ... + p[deg] z^deg (p[deg] == 1) has modulus below r.
// work must have len(p) elements. p is overwritten.
func rootsInUnitDisc(p, work []float64, r float64) bool {
	deg := len(p) - 1
	// In the step-down form z^N + a1 z^(N-1) + ... + aN, a_k = p[deg-k];
	// substituting z = r w divides a_k by r^k.
	a := work
	scale := 1.0
	for k := 1; k <= deg; k++ {
		scale /= r
		a[k] = p[deg-k] * scale
	}
	for i := deg; i >= 1; i-- {
		k := a[i]
		if math.Abs(k) >= 1 || math.IsNaN(k) {
			return false
		}
		d := 1 - k*k
		// Update a[1..i-1] in place with the symmetric pairs.
		for j := 1; j <= (i-1)/2; j++ {
			lo, hi := a[j], a[i-j]
			a[j] = (lo - k*hi) / d
			a[i-j] = (hi - k*lo) / d
		}
		if (i-1)%2 == 1 {
			j := (i) / 2
			a[j] = (a[j] - k*a[j]) / d
		}
	}
	return true
}
