package forecast

import (
	"errors"
	"fmt"
	"math"
)

// SMAPE is the symmetric mean absolute percentage error of the M4
// competition, in percent: mean(200*|y-f|/(|y|+|f|)). A step where both
// actual and forecast are zero counts as a perfect 0 (M4 has no zeros;
// sales do).
func SMAPE(actual, forecast []float64) float64 {
	n := min(len(actual), len(forecast))
	if n == 0 {
		return math.NaN()
	}
	s := 0.0
	for i := range n {
		d := math.Abs(actual[i]) + math.Abs(forecast[i])
		if d > 0 {
			s += 200 * math.Abs(actual[i]-forecast[i]) / d
		}
	}
	return s / float64(n)
}

// MASEScale is the in-sample mean absolute seasonal difference
// mean(|x[t] - x[t-m]|), the denominator of MASE. m < 1 counts as 1, and m
// falls back to 1 when the sample does not span m+1 points. It is 0 for a
// constant sample and NaN for fewer than two points.
func MASEScale(insample []float64, m int) float64 {
	if m < 1 || len(insample) <= m {
		m = 1
	}
	if len(insample) <= m {
		return math.NaN()
	}
	s := 0.0
	for t := m; t < len(insample); t++ {
		s += math.Abs(insample[t] - insample[t-m])
	}
	return s / float64(len(insample)-m)
}

// MASE is the mean absolute scaled error of the M4 competition: the mean
// absolute forecast error divided by MASEScale(insample, m). It is +Inf
// (or NaN) when the in-sample series is constant.
func MASE(insample, actual, forecast []float64, m int) float64 {
	n := min(len(actual), len(forecast))
	if n == 0 {
		return math.NaN()
	}
	s := 0.0
	for i := range n {
		s += math.Abs(actual[i] - forecast[i])
	}
	return s / float64(n) / MASEScale(insample, m)
}

// Accuracy summarises a rolling-origin backtest.
type Accuracy struct {
	Origins int // forecast origins evaluated
	Horizon int
	Step    int // observations between consecutive origins
	// MASE and SMAPE of Auto, averaged over origins. MASE is scaled by the
	// training data's mean absolute seasonal difference (lag Period, or 1
	// when there is no period or the training data is shorter than one).
	MASE, SMAPE float64
	// Coverage80 is the share of held-out values inside the 80% interval.
	Coverage80 float64
	// Baseline is "Seasonal naive" (lag Period) or "Naive" (no period, or
	// less than a period plus one of training data), refitted at the same
	// origins; BaselineMASE its MASE on the same scale.
	Baseline      string
	BaselineMASE  float64
	BeatsBaseline bool // MASE < BaselineMASE
}

// DefaultOrigins is the number of forecast origins Backtest uses when
// asked for none.
const DefaultOrigins = 5

// Backtest evaluates Auto on the series itself by rolling origin: at each
// origin it refits on the data before the origin and forecasts the next h
// values. The last origin leaves exactly h values out; earlier ones step
// back by h (non-overlapping test windows), or by less when the series is
// too short for that, never leaving fewer than 10 training points. Fewer
// origins are used when even one step apart they do not fit. It returns
// ErrTooShort when n < h + 10.
//
// Every training set starts at y[0], so the models fitted at one origin
// are the starting point of the same models' likelihood search at the
// next, earlier origin: the search is the full one (same models, same
// selection by AICc) but begins next to its answer, which makes the four
// later refits several times cheaper than a cold start.
func Backtest(y []float64, h int, o Options, origins int) (Accuracy, error) {
	if h < 1 {
		return Accuracy{}, ErrHorizon
	}
	if err := checkFinite(y); err != nil {
		return Accuracy{}, fmt.Errorf("forecast.Backtest: %w", err)
	}
	if origins < 1 {
		origins = DefaultOrigins
	}
	n := len(y)
	avail := n - h - minETS
	if avail < 0 {
		return Accuracy{}, fmt.Errorf("forecast.Backtest: %w: %d observations for horizon %d", ErrTooShort, n, h)
	}
	k := min(origins, avail+1)
	step := h
	if k > 1 {
		step = min(h, avail/(k-1))
	}
	acc := Accuracy{Horizon: h, Step: step}
	var sumMASE, sumSMAPE, sumBase float64
	covered, scored := 0, 0
	var warm warmStarts
	for i := range k {
		end := n - h - i*step
		train, test := y[:end], y[end:end+h]
		var res Result
		res, warm = auto(train, h, o, warm)
		base := SeasonalNaive(train, h, o.Period)
		if o.NonNegative {
			base.clampNonNegative()
		}
		if i == 0 {
			acc.Baseline = base.Model
		}
		sumSMAPE += SMAPE(test, res.Mean)
		for j, v := range test {
			if v >= res.Lower80[j] && v <= res.Upper80[j] {
				covered++
			}
		}
		scale := MASEScale(train, o.Period)
		if !(scale > 0) {
			scale = MASEScale(train, 1)
		}
		if !(scale > 0) {
			continue // a constant history has no scale to measure against
		}
		sumMASE += meanAbsError(test, res.Mean) / scale
		sumBase += meanAbsError(test, base.Mean) / scale
		scored++
	}
	if scored == 0 {
		return Accuracy{}, errors.New("forecast.Backtest: the training data is constant at every origin, MASE is undefined")
	}
	acc.Origins = k
	acc.SMAPE = sumSMAPE / float64(k)
	acc.MASE = sumMASE / float64(scored)
	acc.BaselineMASE = sumBase / float64(scored)
	acc.Coverage80 = float64(covered) / float64(k*h)
	acc.BeatsBaseline = acc.MASE < acc.BaselineMASE
	return acc, nil
}

func meanAbsError(actual, forecast []float64) float64 {
	s := 0.0
	for i := range actual {
		s += math.Abs(actual[i] - forecast[i])
	}
	return s / float64(len(actual))
}
