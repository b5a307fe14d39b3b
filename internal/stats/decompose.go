package stats

// Decomposition splits a series into trend, seasonal and residual parts
// that add up to it.
type Decomposition struct {
	Trend, Seasonal, Residual []float64
}

// Decompose splits x (at least two periods long) into trend + seasonal +
// residual with medians only, so that a few extreme values bend neither the
// trend nor the seasonal pattern and stand out in the residuals:
//
//  1. a first trend is the centred running median over three periods (the
//     window widened to the next odd length), so that each phase counts
//     equally in every window;
//  2. the seasonal profile is the median of the detrended values of each
//     phase (index mod period), centred to sum to zero;
//  3. the trend is the running median of the seasonally adjusted series;
//  4. the seasonal part of each point is the median of the detrended values
//     of its phase, and the trend at a point is the median of its window,
//     both without the point itself; the residual is what remains.
//
// Leaving the point out matters for outlier tests on the residuals: a
// median over a group that includes the point is often the point itself,
// which piles residuals up at zero, shrinks their spread against their
// tails and, measured on Gaussian noise, doubles the false alarms of the
// generalized ESD test (about 10% instead of 5% on 90 days).
//
// Near the ends the window keeps its full width and stops at the edge, and
// the trend there follows Sen's line through that window instead of its
// flat median: a rising series keeps rising to its last day, and the last
// day, the one a reader cares about most, can still be an outlier.
//
// It is a median analogue of the classical moving-average decomposition,
// simpler than STL and, like STL's robust mode, resistant to outliers. The
// seasonal part is therefore not exactly periodic: each point's phase
// median leaves that point out.
func Decompose(x []float64, period int) Decomposition {
	n := len(x)
	profile := seasonalProfile(x, robustTrend(x, 3*period), period)
	adjusted := make([]float64, n)
	for i := range x {
		adjusted[i] = x[i] - profile[i%period]
	}
	d := Decomposition{Trend: robustTrend(adjusted, 3*period), Seasonal: make([]float64, n), Residual: make([]float64, n)}
	detrended := make([]float64, n)
	for i := range x {
		detrended[i] = x[i] - d.Trend[i]
	}
	centre := Mean(seasonalProfile(x, d.Trend, period))
	for i := range x {
		var others []float64
		for j := i % period; j < n; j += period {
			if j != i {
				others = append(others, detrended[j])
			}
		}
		d.Seasonal[i] = Median(others) - centre
		d.Residual[i] = x[i] - d.Trend[i] - d.Seasonal[i]
	}
	return d
}

// seasonalProfile is the median of x − trend at each phase, centred to sum
// to zero.
func seasonalProfile(x, trend []float64, period int) []float64 {
	profile := make([]float64, period)
	for k := range period {
		var vals []float64
		for i := k; i < len(x); i += period {
			vals = append(vals, x[i]-trend[i])
		}
		profile[k] = Median(vals)
	}
	mean := Mean(profile)
	for k := range profile {
		profile[k] -= mean
	}
	return profile
}

// robustTrend is the centred running median over an odd window of at
// least width points; where the window would run past an end it stays at
// the edge, and the trend follows Sen's line through it.
func robustTrend(x []float64, width int) []float64 {
	if width%2 == 0 {
		width++
	}
	n := len(x)
	width = min(width, n)
	half := width / 2
	out := make([]float64, n)
	var headSlope, tailSlope float64
	if n > width {
		headSlope, _ = SenSlope(x[:width])
		tailSlope, _ = SenSlope(x[n-width:])
	} else {
		headSlope, _ = SenSlope(x)
		tailSlope = headSlope
	}
	for i := range n {
		lo := min(max(0, i-half), n-width)
		centre := lo + half
		out[i] = medianWithout(x[lo:lo+width], i-lo)
		switch {
		case i < centre && lo == 0:
			out[i] += headSlope * float64(i-centre)
		case i > centre:
			out[i] += tailSlope * float64(i-centre)
		}
	}
	return out
}

// medianWithout is the median of x without x[skip].
func medianWithout(x []float64, skip int) float64 {
	rest := make([]float64, 0, len(x)-1)
	rest = append(rest, x[:skip]...)
	return Median(append(rest, x[skip+1:]...))
}

// SeasonalStrength is the strength of seasonality of Wang, Smith and
// Hyndman (2006) as used in Hyndman & Athanasopoulos, "Forecasting:
// Principles and Practice" §4.2: max(0, 1 − Var(R)/Var(S + R)). Near 0 the
// series has no seasonal pattern; near 1 the pattern dominates the noise.
func SeasonalStrength(d Decomposition) float64 {
	sr := make([]float64, len(d.Seasonal))
	for i := range sr {
		sr[i] = d.Seasonal[i] + d.Residual[i]
	}
	v := Variance(sr)
	if v == 0 {
		return 0
	}
	return max(0, 1-Variance(d.Residual)/v)
}

// KruskalWallis is the Kruskal–Wallis H statistic for groups, corrected for
// ties, with its p-value from the chi-square distribution with
// len(groups) − 1 degrees of freedom (the large-sample approximation,
// good when each group has five or more values).
func KruskalWallis(groups [][]float64) (h, p float64) {
	var all []float64
	for _, g := range groups {
		all = append(all, g...)
	}
	n := float64(len(all))
	ranks, ties := Ranks(all)
	at := 0
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		sum := 0.0
		for range g {
			sum += ranks[at]
			at++
		}
		h += sum * sum / float64(len(g))
	}
	h = 12/(n*(n+1))*h - 3*(n+1)
	correction := 1.0
	for _, t := range ties {
		ft := float64(t)
		correction -= (ft*ft*ft - ft) / (n*n*n - n)
	}
	if correction > 0 {
		h /= correction
	}
	k := 0
	for _, g := range groups {
		if len(g) > 0 {
			k++
		}
	}
	return h, ChiSquareSurvival(h, float64(k-1))
}
