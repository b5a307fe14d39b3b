package forecast

import (
	"math/rand/v2"
)

// simulateETS draws n observations from the model in its error-correction
// form (Hyndman et al. 2008, table 2.3), written independently of the
// package's recursion so that the two check each other. eps receives the
// innovations (relative for multiplicative error). p.Season is in
// calendar order, as ETSParams documents.
func simulateETS(spec ETSSpec, m int, p ETSParams, sigma float64, n int, rng *rand.Rand) (y, eps []float64) {
	phi := p.Phi
	if !spec.Damped {
		phi = 1
	}
	l, b := p.Level, p.Slope
	var s []float64
	if spec.Season != 'N' {
		s = append([]float64(nil), p.Season...)
	}
	y = make([]float64, n)
	eps = make([]float64, n)
	for t := range n {
		e := sigma * rng.NormFloat64()
		eps[t] = e
		trendPart := l
		if spec.Trend != 'N' {
			trendPart = l + phi*b
		}
		var st float64
		mu := trendPart
		switch spec.Season {
		case 'A':
			st = s[t%m]
			mu = trendPart + st
		case 'M':
			st = s[t%m]
			mu = trendPart * st
		}
		if spec.Error == 'A' {
			y[t] = mu + e
			switch spec.Season {
			case 'N', 'A':
				l = trendPart + p.Alpha*e
				if spec.Trend != 'N' {
					b = phi*b + p.Beta*e
				}
				if spec.Season == 'A' {
					s[t%m] = st + p.Gamma*e
				}
			}
			continue
		}
		y[t] = mu * (1 + e)
		switch spec.Season {
		case 'N', 'M':
			l = trendPart * (1 + p.Alpha*e)
			if spec.Trend != 'N' {
				b = phi*b + p.Beta*trendPart*e
			}
			if spec.Season == 'M' {
				s[t%m] = st * (1 + p.Gamma*e)
			}
		case 'A':
			l = trendPart + p.Alpha*mu*e
			if spec.Trend != 'N' {
				b = phi*b + p.Beta*mu*e
			}
			s[t%m] = st + p.Gamma*mu*e
		}
	}
	return y, eps
}
