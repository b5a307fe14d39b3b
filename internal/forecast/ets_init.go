package forecast

import "math"

// initialStates is R's ets starting point (initstate): seasonal indices
// from a classical decomposition when there are three full seasons, else
// from the deviations around a straight line; then the level and slope
// from a linear fit on the first max(10, 2m) seasonally adjusted values.
// It is only the start of the likelihood search.
func initialStates(y []float64, spec ETSSpec, m int) ETSParams {
	n := len(y)
	var p ETSParams
	sa := y
	if spec.Season != 'N' {
		mult := spec.Season == 'M'
		idx := seasonalIndices(y, m, mult)
		p.Season = idx
		sa = make([]float64, n)
		for t, v := range y {
			if mult {
				sa[t] = v / idx[t%m]
			} else {
				sa[t] = v - idx[t%m]
			}
		}
	} else {
		m = 1
	}
	maxn := max(10, 2*m)
	maxn = min(maxn, n)
	head := sa[:maxn]
	if spec.Trend == 'N' {
		p.Level = meanOf(head)
		return p
	}
	intercept, slope := lineFit(head)
	p.Level, p.Slope = intercept, slope
	if spec.Error == 'M' && math.Abs(p.Level+p.Slope) < 1e-8 {
		// A multiplicative error divides by the first forecast.
		p.Level *= 1 + 1e-3
		p.Slope *= 1 + 1e-3
	}
	return p
}

// seasonalIndices estimates m seasonal indices in calendar order (index k
// applies to y[k], y[k+m], ...), normalised to sum to 0 (additive) or m
// (multiplicative).
func seasonalIndices(y []float64, m int, mult bool) []float64 {
	n := len(y)
	level := make([]float64, n)
	if n >= 3*m {
		centredMA(y, m, level)
	} else {
		a, b := lineFit(y)
		for t := range level {
			level[t] = a + b*float64(t+1)
		}
	}
	sum := make([]float64, m)
	cnt := make([]float64, m)
	for t, v := range y {
		if math.IsNaN(level[t]) {
			continue
		}
		if mult {
			if level[t] == 0 {
				continue
			}
			sum[t%m] += v / level[t]
		} else {
			sum[t%m] += v - level[t]
		}
		cnt[t%m]++
	}
	idx := make([]float64, m)
	total := 0.0
	for k := range idx {
		switch {
		case cnt[k] > 0:
			idx[k] = sum[k] / cnt[k]
		case mult:
			idx[k] = 1
		}
		if mult {
			idx[k] = math.Max(idx[k], 1e-2)
		}
		total += idx[k]
	}
	for k := range idx {
		if mult {
			idx[k] *= float64(m) / total
		} else {
			idx[k] -= total / float64(m)
		}
	}
	return idx
}

// centredMA writes the centred moving average of order m (2 x m when m is
// even) into out, NaN where the window does not fit, as R's decompose.
func centredMA(y []float64, m int, out []float64) {
	n := len(y)
	for t := range out {
		out[t] = math.NaN()
	}
	half := m / 2
	for t := half; t < n-half; t++ {
		s := 0.0
		if m%2 == 1 {
			for j := t - half; j <= t+half; j++ {
				s += y[j]
			}
			out[t] = s / float64(m)
			continue
		}
		for j := t - half + 1; j < t+half; j++ {
			s += y[j]
		}
		s += 0.5 * (y[t-half] + y[t+half])
		out[t] = s / float64(m)
	}
}

// lineFit is the least-squares line through (1, y[0]), (2, y[1]), ...;
// it returns the value at time 0 and the slope.
func lineFit(y []float64) (intercept, slope float64) {
	n := float64(len(y))
	if len(y) < 2 {
		if len(y) == 1 {
			return y[0], 0
		}
		return 0, 0
	}
	tbar := (n + 1) / 2
	ybar := meanOf(y)
	var sxy, sxx float64
	for i, v := range y {
		dt := float64(i+1) - tbar
		sxy += dt * (v - ybar)
		sxx += dt * dt
	}
	slope = sxy / sxx
	return ybar - slope*tbar, slope
}

func meanOf(y []float64) float64 {
	if len(y) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, v := range y {
		s += v
	}
	return s / float64(len(y))
}
