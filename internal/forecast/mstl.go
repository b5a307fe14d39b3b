package forecast

import (
	"fmt"
	"math"
)

// useMSTL reports whether Auto removes a yearly cycle before ETS: the
// series covers two years and ETS cannot model the yearly cycle itself
// (it is longer than 24, or not the period ETS is given).
func useMSTL(n int, o Options) bool {
	y := o.YearlyPeriod
	if y < 2 || n < 2*y {
		return false
	}
	return !(y == o.Period && y <= maxETSPeriod)
}

// minYearlyStrength is the seasonal strength below which the yearly
// component is not removed: on pure noise the smoothed component scores
// about 0.02, a ±10% yearly swing in daily sales about 0.5.
const minYearlyStrength = 0.2

// mstlETS removes the yearly component found by MSTL (weekly and yearly
// periods together, so that neither leaks into the other), forecasts the
// rest with AutoETS using the short period, and adds back the yearly
// component as it was one year before each forecast step. The intervals
// are those of the ETS part: the yearly component is treated as known.
//
// With two or three years of data each day of the yearly component is the
// mean of two or three noisy values, and adding that noise to every
// forecast made backtests worse than ignoring the yearly cycle. The
// component is therefore smoothed by loess over a sixth of a year (61
// days, 9 weeks) before use, which keeps seasonal swings that build over
// weeks and drops day-to-day noise (single-day holiday peaks are smeared),
// and it is used only when its seasonal strength reaches
// minYearlyStrength; otherwise Auto falls back to plain AutoETS.
func mstlETS(y []float64, h int, o Options, warm warmStarts) (Result, warmStarts, error) {
	n, yp := len(y), o.YearlyPeriod
	periods := []int{yp}
	if o.Period > 1 && o.Period < yp && n >= 2*o.Period {
		periods = []int{o.Period, yp}
	}
	dec, err := MSTL(y, periods)
	if err != nil {
		return Result{}, nil, err
	}
	raw := dec.Seasonal[len(dec.Seasonal)-1]
	yearly := make([]float64, n)
	loess(raw, nextOdd(yp/6), 1, 1, nil, yearly, make([]float64, n))
	// What the smoothing removed from the yearly component is noise: it
	// counts with the remainder in the strength test.
	rem := make([]float64, n)
	for t := range rem {
		rem[t] = dec.Remainder[t] + raw[t] - yearly[t]
	}
	if s := seasonalStrength(yearly, rem); s < minYearlyStrength {
		return Result{}, nil, fmt.Errorf("forecast: yearly seasonality too weak (strength %.2f)", s)
	}
	adj := make([]float64, n)
	for t := range y {
		adj[t] = y[t] - yearly[t]
	}
	fit, fitted, err := autoETS(adj, o.Period, warm)
	if err != nil {
		return Result{}, nil, fmt.Errorf("forecast: ETS on the yearly-adjusted series: %w", err)
	}
	res := fit.Forecast(h)
	res.Model = "MSTL+" + res.Model
	res.Kind = "mstl"
	for i := range res.Mean {
		s := yearly[n-yp+i%yp]
		for _, v := range [][]float64{res.Mean, res.Lower80, res.Upper80, res.Lower95, res.Upper95} {
			v[i] += s
		}
	}
	return res, fitted, nil
}

// seasonalStrength is max(0, 1 - Var(remainder)/Var(seasonal + remainder))
// (Wang, Smith & Hyndman 2006): near 0 when the seasonal component is
// noise, near 1 when it dominates.
func seasonalStrength(seasonal, rem []float64) float64 {
	sr := make([]float64, len(rem))
	for t := range sr {
		sr[t] = seasonal[t] + rem[t]
	}
	v := variance(sr)
	if !(v > 0) {
		return 0
	}
	return math.Max(0, 1-variance(rem)/v)
}

func variance(x []float64) float64 {
	m := meanOf(x)
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return s / float64(len(x)-1)
}
