package stats

import "math"

// ESDStep is one round of the generalized ESD test: the point removed,
// its statistic R = max|x − mean|/sd over the points still in, the
// critical value λ, and the Bonferroni p-value of R at that round (R > λ
// exactly when P < alpha).
type ESDStep struct {
	Index     int
	R, Lambda float64
	P         float64
}

// ESD is the outcome of the generalized ESD test.
type ESD struct {
	Steps []ESDStep
	// Outliers is how many of the first Steps are outliers: the largest i
	// with R_i > λ_i, as Rosner's procedure prescribes (an earlier round
	// below its critical value does not stop a later one from counting).
	Outliers int
}

// GeneralizedESD runs Rosner's (1983) generalized extreme Studentized
// deviate test for up to maxOutliers outliers in x at significance alpha.
// It needs maxOutliers ≤ len(x) − 3 (each round needs a t distribution
// with at least one degree of freedom); larger values are reduced.
func GeneralizedESD(x []float64, maxOutliers int, alpha float64) ESD {
	n := len(x)
	maxOutliers = min(maxOutliers, n-3)
	in := make([]bool, n)
	for i := range in {
		in[i] = true
	}
	var res ESD
	for i := 1; i <= maxOutliers; i++ {
		mean, sd := meanSD(x, in)
		if sd == 0 {
			break
		}
		best, bestDev := -1, -1.0
		for j, v := range x {
			if in[j] && math.Abs(v-mean) > bestDev {
				best, bestDev = j, math.Abs(v-mean)
			}
		}
		left := n - i + 1
		step := ESDStep{Index: best, R: bestDev / sd, Lambda: ESDCritical(n, i, alpha)}
		step.P = esdPValue(step.R, left)
		res.Steps = append(res.Steps, step)
		if step.R > step.Lambda {
			res.Outliers = i
		}
		in[best] = false
	}
	return res
}

// ESDCritical is λ_i, the critical value of round i of the generalized ESD
// test on n points:
//
//	λ_i = (n−i)·t_{p, n−i−1} / √((n−i−1 + t²_{p, n−i−1})·(n−i+1)),  p = 1 − α/(2(n−i+1)).
func ESDCritical(n, i int, alpha float64) float64 {
	left := float64(n - i + 1)
	df := left - 2
	t := TQuantile(1-alpha/(2*left), df)
	return (left - 1) * t / math.Sqrt((df+t*t)*left)
}

// esdPValue inverts ESDCritical: the α at which R would sit exactly on the
// critical value for m points left, i.e. 2m·P(T > t) with
// t² = R²·m(m−2) / ((m−1)² − m·R²).
func esdPValue(r float64, m int) float64 {
	fm := float64(m)
	den := (fm-1)*(fm-1) - fm*r*r
	if den <= 0 {
		return 0
	}
	t := math.Sqrt(r * r * fm * (fm - 2) / den)
	return math.Min(1, 2*fm*TSurvival(t, fm-2))
}

// meanSD are the mean and sample standard deviation of the points of x
// still in.
func meanSD(x []float64, in []bool) (mean, sd float64) {
	var n, s float64
	for i, v := range x {
		if in[i] {
			n++
			s += v
		}
	}
	mean = s / n
	var ss float64
	for i, v := range x {
		if in[i] {
			ss += (v - mean) * (v - mean)
		}
	}
	return mean, math.Sqrt(ss / (n - 1))
}
