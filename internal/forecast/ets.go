package forecast

import (
	"errors"
	"fmt"
	"math"
)

// ETSSpec names one exponential-smoothing state-space model in the
// (Error, Trend, Season) taxonomy of Hyndman et al. (2008).
// Error is 'A' or 'M', Trend 'N' or 'A' (multiplicative trend is not
// supported), Season 'N', 'A' or 'M'; Damped only applies to trend 'A'.
type ETSSpec struct {
	Error  byte
	Trend  byte
	Season byte
	Damped bool
}

// String formats the spec as R does, e.g. "ETS(M,Ad,N)".
func (s ETSSpec) String() string {
	trend := string(s.Trend)
	if s.Damped {
		trend += "d"
	}
	return fmt.Sprintf("ETS(%c,%s,%c)", s.Error, trend, s.Season)
}

func (s ETSSpec) validate() error {
	switch {
	case s.Error != 'A' && s.Error != 'M':
		return fmt.Errorf("error type %q: want A or M", s.Error)
	case s.Trend != 'N' && s.Trend != 'A':
		return fmt.Errorf("trend type %q: want N or A", s.Trend)
	case s.Season != 'N' && s.Season != 'A' && s.Season != 'M':
		return fmt.Errorf("season type %q: want N, A or M", s.Season)
	case s.Damped && s.Trend == 'N':
		return errors.New("a damped model needs a trend")
	}
	return nil
}

// linear reports whether the model is in class 1 of Hyndman et al. (2008):
// additive error and no multiplicative component, so the forecast variance
// has a closed form.
func (s ETSSpec) linear() bool { return s.Error == 'A' && s.Season != 'M' }

// nSmoothing counts alpha, beta, gamma and phi as the model uses them.
func (s ETSSpec) nSmoothing() int {
	k := 1
	if s.Trend != 'N' {
		k++
	}
	if s.Season != 'N' {
		k++
	}
	if s.Damped {
		k++
	}
	return k
}

// nStates counts the free initial states: the level, the slope and m-1
// seasonal states (the last one is fixed by the normalisation).
func (s ETSSpec) nStates(m int) int {
	k := 1
	if s.Trend != 'N' {
		k++
	}
	if s.Season != 'N' {
		k += m - 1
	}
	return k
}

// ETSParams are the smoothing parameters and initial states of a model.
// Season[k] is the initial seasonal state used by y[k] for k < m (so the
// states read in calendar order); it is nil for non-seasonal models. Beta
// is the slope smoothing parameter in the error-correction form (beta =
// alpha*beta* in Holt's notation), as in R's ets. Phi is 1 when not damped.
type ETSParams struct {
	Alpha, Beta, Gamma, Phi float64
	Level, Slope            float64
	Season                  []float64
}

// ETSFit is a model run over a series: its parameters, its in-sample
// errors and its final states, from which it forecasts.
type ETSFit struct {
	Spec   ETSSpec
	M      int // seasonal period used by the model (1 if non-seasonal)
	Params ETSParams
	// Residuals are y - fitted for additive error and (y - fitted)/fitted
	// for multiplicative error, as the likelihood uses them.
	Residuals []float64
	Fitted    []float64
	// Lik is n*log(SSE) (+ 2*sum(log|fitted|) for multiplicative error):
	// minus twice the log-likelihood up to a constant, as in R's ets.
	Lik        float64
	AIC, AICc  float64
	NParams    int     // estimated parameters, including the error variance
	Sigma2     float64 // residual variance, SSE/(n - free parameters)
	level      float64
	slope      float64
	season     []float64 // ring: season[k] is the latest state for positions = k (mod M)
	seasonNext int       // ring index of the first forecast step
	n          int
}

// ErrNotFinite is returned when a series holds NaN or infinite values.
var ErrNotFinite = errors.New("forecast: series has NaN or infinite values")

// FilterETS runs the model with the given parameters over y and returns
// the fit; nothing is estimated. It is the recursion FitETS optimises and
// lets tests check it against hand computations and R's fits. The states
// are updated in R's form (level, slope and season from the observation),
// which is the same filter for additive and multiplicative errors.
// Additive error with multiplicative season is accepted here, though Auto
// never considers it.
func FilterETS(y []float64, spec ETSSpec, m int, p ETSParams) (*ETSFit, error) {
	if err := spec.validate(); err != nil {
		return nil, fmt.Errorf("forecast.FilterETS: %w", err)
	}
	if spec.Season == 'N' {
		m = 1
	}
	if spec.Season != 'N' && (m < 2 || len(p.Season) != m) {
		return nil, fmt.Errorf("forecast.FilterETS: seasonal model needs m >= 2 and %d seasonal states, have m=%d and %d", m, m, len(p.Season))
	}
	if !spec.Damped {
		p.Phi = 1
	}
	if spec.Trend == 'N' {
		p.Beta, p.Slope = 0, 0
	}
	fit := &ETSFit{Spec: spec, M: m, Params: p, n: len(y)}
	fit.Residuals = make([]float64, len(y))
	fit.Fitted = make([]float64, len(y))
	fit.season = make([]float64, m)
	if spec.Season != 'N' {
		copy(fit.season, p.Season)
	}
	r := recursion{spec: spec, m: m, alpha: p.Alpha, beta: p.Beta, gamma: p.Gamma, phi: p.Phi}
	sse, sumLog, ok := r.run(y, p.Level, p.Slope, fit.season, fit.Residuals, fit.Fitted)
	if !ok {
		return nil, errors.New("forecast.FilterETS: the model produced a non-positive or non-finite forecast")
	}
	fit.level, fit.slope = r.level, r.slope
	fit.seasonNext = len(y) % m
	fit.Lik = likelihood(len(y), sse, sumLog)
	nfree := spec.nSmoothing() + spec.nStates(m)
	fit.setCriteria(sse, nfree)
	return fit, nil
}

func (f *ETSFit) setCriteria(sse float64, nfree int) {
	n := float64(f.n)
	np := float64(nfree + 1)
	f.NParams = nfree + 1
	f.AIC = f.Lik + 2*np
	if n-np-1 > 0 {
		f.AICc = f.AIC + 2*np*(np+1)/(n-np-1)
	} else {
		f.AICc = math.Inf(1)
	}
	dof := n - float64(nfree)
	if dof < 1 {
		dof = n
	}
	f.Sigma2 = sse / dof
}

// likelihood is R's ets criterion: n*log(SSE) + 2*sum(log|yhat|).
// Perfect fits are floored as R does, so they do not win by -Inf.
func likelihood(n int, sse, sumLog float64) float64 {
	if sse <= 0 {
		return -1e10
	}
	l := float64(n)*math.Log(sse) + 2*sumLog
	if l < -1e10 {
		return -1e10
	}
	return l
}

// recursion holds what one pass of the state equations needs; it does not
// allocate, so the optimiser can call it thousands of times.
type recursion struct {
	spec                    ETSSpec
	m                       int
	alpha, beta, gamma, phi float64
	level, slope            float64 // final states after run
}

// run filters y from the initial states. season is the seasonal ring in
// calendar order and is updated in place. e and fitted may be nil. It
// returns the sum of squared errors, the sum of log one-step forecasts
// (multiplicative error only) and false when a forecast is not usable.
func (r *recursion) run(y []float64, l, b float64, season, e, fitted []float64) (sse, sumLog float64, ok bool) {
	spec := r.spec
	trend := spec.Trend != 'N'
	multErr := spec.Error == 'M'
	alpha, beta, gamma, phi := r.alpha, r.beta, r.gamma, r.phi
	betaOverAlpha := beta / alpha
	k := 0
	// The product of the forecasts is logged only when it nears the limits
	// of float64: one math.Log per step was a fifth of the fitting time.
	prod := 1.0
	for t, yt := range y {
		phib := 0.0
		if trend {
			phib = phi * b
		}
		q := l + phib
		f := q
		var so float64
		switch spec.Season {
		case 'A':
			so = season[k]
			f = q + so
		case 'M':
			so = season[k]
			f = q * so
		}
		var et float64
		if multErr {
			if !(f > 0) {
				return 0, 0, false
			}
			et = (yt - f) / f
			if prod *= f; prod > 1e150 || prod < 1e-150 {
				sumLog += math.Log(prod)
				prod = 1
			}
		} else {
			et = yt - f
		}
		sse += et * et
		if e != nil {
			e[t] = et
			fitted[t] = f
		}
		p := yt
		switch spec.Season {
		case 'A':
			p = yt - so
		case 'M':
			p = yt / so
		}
		ln := q + alpha*(p-q)
		if trend {
			b = phib + betaOverAlpha*(ln-l-phib)
		}
		switch spec.Season {
		case 'A':
			season[k] = so + gamma*(yt-q-so)
		case 'M':
			if !(q > 0) {
				return 0, 0, false
			}
			season[k] = so + gamma*(yt/q-so)
		}
		l = ln
		if k++; k == r.m {
			k = 0
		}
	}
	if math.IsNaN(sse) || math.IsInf(sse, 0) || math.IsNaN(l) || math.IsInf(l, 0) {
		return 0, 0, false
	}
	r.level, r.slope = l, b
	return sse, sumLog + math.Log(prod), true
}

// pointForecast fills out with the h-step point forecasts from the final
// states: level + damped slope, times or plus the seasonal state.
func (f *ETSFit) pointForecast(out []float64) {
	phiSum := 0.0
	phiPow := 1.0
	k := f.seasonNext
	for i := range out {
		if f.Spec.Trend != 'N' {
			phiPow *= f.Params.Phi
			phiSum += phiPow
		}
		v := f.level + phiSum*f.slope
		switch f.Spec.Season {
		case 'A':
			v += f.season[k]
		case 'M':
			v *= f.season[k]
		}
		out[i] = v
		if k++; k == f.M {
			k = 0
		}
	}
}
