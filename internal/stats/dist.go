// Package stats holds the statistics Pulse's trend finder needs, written
// against the standard library alone: distributions (normal, Student's t,
// chi-square, binomial), robust location and scale, the Mann-Kendall trend
// test with Sen's slope and the Hamed–Rao correction for autocorrelation,
// a robust seasonal decomposition of daily series, the generalized ESD
// outlier test, the Kruskal–Wallis test and the Benjamini–Hochberg
// procedure. Functions take plain float64 slices and never modify them.
package stats

import "math"

// NormalCDF is the standard normal distribution function Φ(x).
func NormalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// NormalQuantile is Φ⁻¹(p) for 0 < p < 1.
func NormalQuantile(p float64) float64 {
	// Erfc keeps its precision in the tails, where 2p-1 would round to ±1.
	if p < 0.5 {
		return -math.Sqrt2 * math.Erfcinv(2*p)
	}
	return math.Sqrt2 * math.Erfcinv(2*(1-p))
}

// TCDF is the distribution function of Student's t with df degrees of
// freedom.
func TCDF(t, df float64) float64 {
	tail := 0.5 * RegIncBeta(df/2, 0.5, df/(df+t*t))
	if t > 0 {
		return 1 - tail
	}
	return tail
}

// TSurvival is 1 − TCDF(t, df), computed without the cancellation that
// subtraction would cause far in the upper tail.
func TSurvival(t, df float64) float64 { return TCDF(-t, df) }

// TQuantile is the p-quantile of Student's t with df degrees of freedom,
// found by bisection on TCDF: slow next to a closed form, but exact to the
// last bits for every df and fast enough for the few values a test needs.
func TQuantile(p, df float64) float64 {
	if p == 0.5 {
		return 0
	}
	if p < 0.5 {
		return -TQuantile(1-p, df)
	}
	lo, hi := 0.0, 1.0
	for TCDF(hi, df) < p {
		lo, hi = hi, hi*2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if mid == lo || mid == hi {
			break
		}
		if TCDF(mid, df) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// ChiSquareSurvival is P(X > x) for X chi-square with df degrees of
// freedom: the p-value of a chi-square statistic.
func ChiSquareSurvival(x, df float64) float64 {
	if x <= 0 {
		return 1
	}
	return regGammaQ(df/2, x/2)
}

// RegIncBeta is the regularized incomplete beta function I_x(a, b), by the
// continued fraction of Numerical Recipes (2nd ed., §6.4).
func RegIncBeta(a, b, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log1p(-x))
	// The fraction converges quickly only below the mean; above it, use
	// the symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
	if x < (a+1)/(a+b+2) {
		return front * betaFraction(a, b, x) / a
	}
	return 1 - front*betaFraction(b, a, 1-x)/b
}

const (
	epsilon = 1e-15
	tiny    = 1e-300
)

// betaFraction evaluates the incomplete beta continued fraction by the
// modified Lentz method.
func betaFraction(a, b, x float64) float64 {
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 10000; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d, c = lentz(d, c, aa)
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d, c = lentz(d, c, aa)
		del := d * c
		h *= del
		if math.Abs(del-1) < epsilon {
			break
		}
	}
	return h
}

// lentz is one step of the modified Lentz recurrence with coefficient aa.
func lentz(d, c, aa float64) (float64, float64) {
	d = 1 + aa*d
	if math.Abs(d) < tiny {
		d = tiny
	}
	c = 1 + aa/c
	if math.Abs(c) < tiny {
		c = tiny
	}
	return 1 / d, c
}

// regGammaQ is the regularized upper incomplete gamma function Q(a, x):
// a series below a+1, a continued fraction above (Numerical Recipes §6.2).
func regGammaQ(a, x float64) float64 {
	lga, _ := math.Lgamma(a)
	front := math.Exp(-x + a*math.Log(x) - lga)
	if x < a+1 {
		sum, term := 1/a, 1/a
		for n := 1; n <= 10000; n++ {
			term *= x / (a + float64(n))
			sum += term
			if math.Abs(term) < math.Abs(sum)*epsilon {
				break
			}
		}
		return 1 - front*sum
	}
	b := x + 1 - a
	c, d := 1/tiny, 1/b
	h := d
	for i := 1; i <= 10000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < epsilon {
			break
		}
	}
	return front * h
}

// BinomialTest is the exact two-sided p-value of k successes in n trials
// with success probability p: the total probability of every outcome no
// more likely than k, as R's binom.test computes it.
func BinomialTest(k, n int, p float64) float64 {
	if n == 0 {
		return 1
	}
	observed := binomLogPMF(k, n, p)
	// The relative tolerance keeps outcomes exactly as likely as k, which
	// rounding may put a hair above it, on the rejection side.
	limit := observed + math.Log1p(1e-7)
	total := 0.0
	for i := 0; i <= n; i++ {
		if lp := binomLogPMF(i, n, p); lp <= limit {
			total += math.Exp(lp)
		}
	}
	return math.Min(1, total)
}

func binomLogPMF(k, n int, p float64) float64 {
	ln, _ := math.Lgamma(float64(n + 1))
	lk, _ := math.Lgamma(float64(k + 1))
	lnk, _ := math.Lgamma(float64(n - k + 1))
	switch {
	case p == 0 && k == 0, p == 1 && k == n:
		return 0
	case p == 0 || p == 1:
		return math.Inf(-1)
	}
	return ln - lk - lnk + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p)
}
