// Package forecast predicts a univariate series (daily sales, weekly
// revenue, orders per month): automatic exponential smoothing chosen by
// AICc among the ETS state-space models (Hyndman & Khandakar 2008, as R's
// forecast::ets), an MSTL decomposition for a yearly cycle too long for
// ETS, naive methods for short histories, Croston and TSB for intermittent
// demand, and a rolling-origin backtest that reports MASE, sMAPE and
// interval coverage against a seasonal-naive baseline.
//
// Every result carries 80% and 95% prediction intervals and names the
// model that produced it. Results are deterministic: simulations use a
// fixed seed.
package forecast

import (
	"errors"
	"fmt"
	"math"
)

// Options describe the series' calendar.
type Options struct {
	// Period is the seasonal period: 7 for daily data, 12 monthly, 52
	// weekly; 0 or 1 for none. ETS only models seasons up to 24 (as R);
	// longer periods still drive the seasonal-naive baseline and MASE.
	Period int
	// YearlyPeriod is the length of a year in observations (365 daily, 52
	// weekly, 12 monthly); 0 disables yearly handling. When the series
	// covers two years and ETS does not model the year itself (it is not
	// a Period of 24 or less), a clear yearly cycle is removed by MSTL
	// before ETS and added back to the forecasts.
	YearlyPeriod int
	// Intermittent lets Auto use Croston or TSB when the series has many
	// zeros (average inter-demand interval above 1.32).
	Intermittent bool
	// NonNegative clamps forecasts and interval bounds at zero, for
	// quantities that cannot be negative (sales, order counts).
	NonNegative bool
}

// Result is a forecast h steps ahead. All slices have length h.
type Result struct {
	// Model names the method, e.g. "ETS(A,Ad,A)", "MSTL+ETS(M,N,M)",
	// "Seasonal naive", "Naive", "Mean", "Croston", "TSB".
	Model string
	// Kind is one of "ets", "mstl", "naive", "seasonal_naive", "mean",
	// "croston", "tsb".
	Kind             string
	Mean             []float64
	Lower80, Upper80 []float64
	Lower95, Upper95 []float64
	// AICc of the ETS model; NaN for the other methods (encode with care:
	// encoding/json rejects NaN).
	AICc float64
	// Params holds the fitted parameters by name: for ETS alpha, beta,
	// gamma, phi as the model has them and sigma (residual standard
	// deviation, relative for multiplicative error); sigma for the naive
	// methods; alpha (size), beta (interval or probability) and rate for
	// Croston and TSB.
	Params map[string]float64
}

func newResult(model, kind string, h int) Result {
	h = max(h, 0)
	return Result{
		Model: model, Kind: kind,
		Mean:    make([]float64, h),
		Lower80: make([]float64, h), Upper80: make([]float64, h),
		Lower95: make([]float64, h), Upper95: make([]float64, h),
		AICc:   math.NaN(),
		Params: map[string]float64{},
	}
}

// setNormal sets step i to mean with Gaussian intervals of standard
// deviation sd.
func (r *Result) setNormal(i int, mean, sd float64) {
	r.Mean[i] = mean
	r.Lower80[i], r.Upper80[i] = mean-z80*sd, mean+z80*sd
	r.Lower95[i], r.Upper95[i] = mean-z95*sd, mean+z95*sd
}

func (r *Result) clampNonNegative() {
	for _, s := range [][]float64{r.Mean, r.Lower80, r.Upper80, r.Lower95, r.Upper95} {
		for i, v := range s {
			if v < 0 {
				s[i] = 0
			}
		}
	}
}

// Errors of Auto and Backtest.
var (
	ErrEmpty    = errors.New("forecast: empty series")
	ErrHorizon  = errors.New("forecast: horizon must be at least 1")
	ErrTooShort = errors.New("forecast: series too short")
)

// minETS is the shortest series ETS is tried on; below it naive methods
// are more honest than a likelihood with more parameters than sense.
const minETS = 10

// Auto forecasts y h steps ahead with the method its length and shape
// call for:
//   - a constant series: Naive with zero-width intervals;
//   - intermittent demand (when o.Intermittent): Croston or TSB, whichever
//     fits better in-sample;
//   - two years or more, with a yearly cycle ETS does not model and whose
//     seasonal strength is at least 0.2: MSTL removes it, AutoETS forecasts
//     the rest, the yearly component is added back ("MSTL+ETS(...)");
//   - at least 10 observations: AutoETS, the ETS model of least AICc among
//     those the data supports;
//   - shorter: seasonal naive (two full seasons), naive (3+ points) or
//     the mean.
//
// The Model field says which was used.
func Auto(y []float64, h int, o Options) (Result, error) {
	if h < 1 {
		return Result{}, ErrHorizon
	}
	if len(y) == 0 {
		return Result{}, ErrEmpty
	}
	if err := checkFinite(y); err != nil {
		return Result{}, fmt.Errorf("forecast.Auto: %w", err)
	}
	res, _ := auto(y, h, o, nil)
	return res, nil
}

// auto is Auto on validated input, with warm starts for the ETS fits; it
// returns the fitted models' parameters for the next, shorter fit.
func auto(y []float64, h int, o Options, warm warmStarts) (Result, warmStarts) {
	res, fitted := route(y, h, o, warm)
	if o.NonNegative {
		res.clampNonNegative()
	}
	return res, fitted
}

func route(y []float64, h int, o Options, warm warmStarts) (Result, warmStarts) {
	n := len(y)
	switch {
	case n > 1 && isConstant(y):
		return Naive(y, h), nil
	case o.Intermittent && IsIntermittent(y):
		return intermittentAuto(y, h), nil
	case useMSTL(n, o):
		if res, fitted, err := mstlETS(y, h, o, warm); err == nil {
			return res, fitted
		}
	}
	if n < minETS {
		return short(y, h, o.Period), nil
	}
	fit, fitted, err := autoETS(y, o.Period, warm)
	if err != nil {
		return short(y, h, o.Period), nil
	}
	return fit.Forecast(h), fitted
}

// short is the fallback for series too short for ETS.
func short(y []float64, h, m int) Result {
	n := len(y)
	switch {
	case m > 1 && n >= 2*m:
		return SeasonalNaive(y, h, m)
	case n >= 3:
		return Naive(y, h)
	default:
		return Mean(y, h)
	}
}

func isConstant(y []float64) bool {
	for _, v := range y[1:] {
		if v != y[0] {
			return false
		}
	}
	return true
}

// maxETSPeriod is the longest season ETS models, as R's ets: beyond it
// there are too many seasonal states to estimate.
const maxETSPeriod = 24

// Candidates lists the ETS models AutoETS considers for y with period m,
// in the order they are fitted: R's ets with restrict=TRUE and no
// multiplicative trend. Multiplicative error or season needs positive
// data; additive error never goes with a multiplicative season (numerically
// unstable); seasonal models need 1 < m <= 24 and two full seasons; every
// model needs more observations than its parameters plus 4.
func Candidates(y []float64, m int) []ETSSpec {
	n := len(y)
	pos := allPositive(y)
	seasonal := m > 1 && m <= maxETSPeriod && n >= 2*m
	var out []ETSSpec
	for _, e := range []byte{'A', 'M'} {
		if e == 'M' && !pos {
			continue
		}
		for _, t := range []struct {
			trend  byte
			damped bool
		}{{'N', false}, {'A', false}, {'A', true}} {
			for _, s := range []byte{'N', 'A', 'M'} {
				if s != 'N' && !seasonal {
					continue
				}
				if s == 'M' && (e == 'A' || !pos) {
					continue
				}
				spec := ETSSpec{Error: e, Trend: t.trend, Season: s, Damped: t.damped}
				// R's count: alpha+l0, beta+b0, gamma+m seasonal states, phi.
				npars := 2
				if spec.Trend != 'N' {
					npars += 2
				}
				if spec.Season != 'N' {
					npars += m
				}
				if spec.Damped {
					npars++
				}
				if n <= npars+4 {
					continue
				}
				out = append(out, spec)
			}
		}
	}
	return out
}

// AutoETS fits every candidate model (in parallel, up to GOMAXPROCS) and
// returns the one of least AICc; ties go to the earlier candidate.
func AutoETS(y []float64, m int) (*ETSFit, error) {
	fit, _, err := autoETS(y, m, nil)
	return fit, err
}

// warmStarts are fitted parameters by model, to start the fits of the same
// models on a shorter series with the same beginning (backtest origins).
type warmStarts map[ETSSpec]ETSParams

// autoETS is AutoETS with optional warm starts; it also returns the
// parameters of every model it fitted.
func autoETS(y []float64, m int, warm warmStarts) (*ETSFit, warmStarts, error) {
	if err := checkFinite(y); err != nil {
		return nil, nil, fmt.Errorf("forecast.AutoETS: %w", err)
	}
	specs := Candidates(y, m)
	if len(specs) == 0 {
		return nil, nil, fmt.Errorf("forecast.AutoETS: %w (%d observations)", ErrTooShort, len(y))
	}
	fits := make([]*ETSFit, len(specs))
	parallelFor(len(specs), func(i int) {
		var start *ETSParams
		if p, ok := warm[specs[i]]; ok {
			start = &p
		}
		fits[i], _ = fitETS(y, specs[i], m, start) // a model that cannot be fitted is skipped
	})
	var best *ETSFit
	fitted := warmStarts{}
	for _, fit := range fits {
		if fit == nil {
			continue
		}
		fitted[fit.Spec] = fit.Params
		if best == nil || fit.AICc < best.AICc {
			best = fit
		}
	}
	if best == nil {
		return nil, nil, fmt.Errorf("forecast.AutoETS: %w", ErrNoFit)
	}
	return best, fitted, nil
}
