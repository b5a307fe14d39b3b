package m4

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"pulse/internal/forecast"
)

// Forecaster returns h point forecasts from a training series.
type Forecaster func(train []float64, h int) ([]float64, error)

// Score is a method's accuracy over a set of series: the means of the
// per-series sMAPE (percent) and MASE, as in the M4 tables.
type Score struct {
	Series int
	SMAPE  float64
	MASE   float64
}

// OWA is the overall weighted average of M4: the mean of the sMAPE and
// MASE ratios to Naive2 on the same series (below 1 beats Naive2).
func (s Score) OWA(naive2 Score) float64 {
	return (s.SMAPE/naive2.SMAPE + s.MASE/naive2.MASE) / 2
}

// Evaluate forecasts every series with f (WeeklyHorizon steps, or the
// test length) on workers goroutines (GOMAXPROCS when workers < 1) and
// scores the forecasts against the test values with lag-1 MASE scaling.
// Any forecaster error aborts the evaluation.
func Evaluate(series []Series, f Forecaster, workers int) (Score, error) {
	if len(series) == 0 {
		return Score{}, errors.New("m4.Evaluate: no series")
	}
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	smape := make([]float64, len(series))
	mase := make([]float64, len(series))
	errs := make([]error, len(series))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(series)) {
		wg.Go(func() {
			for i := range jobs {
				s := series[i]
				fc, err := f(s.Train, len(s.Test))
				if err == nil && len(fc) != len(s.Test) {
					err = fmt.Errorf("%d forecasts for %d test values", len(fc), len(s.Test))
				}
				if err != nil {
					errs[i] = fmt.Errorf("%s: %w", s.ID, err)
					continue
				}
				smape[i] = forecast.SMAPE(s.Test, fc)
				mase[i] = forecast.MASE(s.Train, s.Test, fc, WeeklyMASELag)
			}
		})
	}
	for i := range series {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Score{}, fmt.Errorf("m4.Evaluate: %w", err)
	}
	sc := Score{Series: len(series)}
	for i := range series {
		sc.SMAPE += smape[i]
		sc.MASE += mase[i]
	}
	sc.SMAPE /= float64(len(series))
	sc.MASE /= float64(len(series))
	if math.IsNaN(sc.SMAPE) || math.IsNaN(sc.MASE) || math.IsInf(sc.MASE, 0) {
		return sc, errors.New("m4.Evaluate: a series gave a non-finite score")
	}
	return sc, nil
}

// Naive2 is the M4 benchmark: naive forecasts of the series seasonally
// adjusted by classical multiplicative decomposition, reseasonalised,
// when a 90% autocorrelation test at lag ppy finds seasonality; plain
// naive otherwise (always for weekly data, where M4 uses ppy = 1).
func Naive2(train []float64, h, ppy int) []float64 {
	n := len(train)
	out := make([]float64, h)
	if n == 0 {
		return out
	}
	si := make([]float64, h)
	for i := range si {
		si[i] = 1
	}
	last := train[n-1]
	if ppy > 1 && seasonalityTest(train, ppy) {
		seas := multiplicativeSeasonal(train, ppy)
		last = train[n-1] / seas[n-1]
		for i := range si {
			si[i] = seas[n-ppy+i%ppy]
		}
	}
	for i := range out {
		out[i] = last * si[i]
	}
	return out
}

// seasonalityTest is M4's SeasonalityTest: |acf(ppy)| above 1.645 times
// its standard error under the Bartlett formula; false below three years.
func seasonalityTest(x []float64, ppy int) bool {
	n := len(x)
	if n < 3*ppy {
		return false
	}
	mean := 0.0
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	den := 0.0
	for _, v := range x {
		den += (v - mean) * (v - mean)
	}
	if den == 0 {
		return false
	}
	acf := func(k int) float64 {
		s := 0.0
		for t := 0; t+k < n; t++ {
			s += (x[t] - mean) * (x[t+k] - mean)
		}
		return s / den
	}
	sum := 1.0
	for k := 1; k < ppy; k++ {
		r := acf(k)
		sum += 2 * r * r
	}
	limit := 1.645 / math.Sqrt(float64(n)) * math.Sqrt(sum)
	return math.Abs(acf(ppy)) > limit
}

// multiplicativeSeasonal is the seasonal component of R's decompose(type =
// "multiplicative"): the mean ratio to a centred moving average per
// position in the cycle, normalised to mean 1.
func multiplicativeSeasonal(x []float64, ppy int) []float64 {
	n := len(x)
	half := ppy / 2
	figure := make([]float64, ppy)
	count := make([]float64, ppy)
	for t := half; t < n-half; t++ {
		s := 0.0
		if ppy%2 == 1 {
			for j := t - half; j <= t+half; j++ {
				s += x[j]
			}
		} else {
			for j := t - half + 1; j < t+half; j++ {
				s += x[j]
			}
			s += 0.5 * (x[t-half] + x[t+half])
		}
		figure[t%ppy] += x[t] / (s / float64(ppy))
		count[t%ppy]++
	}
	mean := 0.0
	for k := range figure {
		figure[k] /= count[k]
		mean += figure[k]
	}
	mean /= float64(ppy)
	seas := make([]float64, n)
	for t := range seas {
		seas[t] = figure[t%ppy] / mean
	}
	return seas
}

// Reference is a row of the official M4 results for weekly series.
type Reference struct {
	Method string
	SMAPE  float64
	MASE   float64
	OWA    float64
}

// WeeklyReferences reads the weekly columns of the official table
// m4_eval_2_Point_Forecasts_Frequency.csv in dir for the named methods
// (all rows when none are named), in the order asked.
func WeeklyReferences(dir string, methods ...string) ([]Reference, error) {
	rows, err := readTable(filepath.Join(dir, "m4_eval_2_Point_Forecasts_Frequency.csv"))
	if err != nil {
		return nil, fmt.Errorf("m4.WeeklyReferences: %w", err)
	}
	// Columns: method, sMAPE x7, MASE x7, OWA x7, each Yearly, Quarterly,
	// Monthly, Weekly, Daily, Hourly, Total; the data starts on line 3.
	const weekly = 4
	byName := map[string]Reference{}
	var order []string
	for _, rec := range rows[2:] {
		if len(rec) < 1+3*7 {
			continue
		}
		var v [3]float64
		for k := range v {
			v[k], err = parseFloat(rec[weekly+7*k])
			if err != nil {
				return nil, fmt.Errorf("m4.WeeklyReferences: %s: %w", rec[0], err)
			}
		}
		byName[rec[0]] = Reference{Method: rec[0], SMAPE: v[0], MASE: v[1], OWA: v[2]}
		order = append(order, rec[0])
	}
	if len(methods) == 0 {
		methods = order
	}
	out := make([]Reference, 0, len(methods))
	for _, m := range methods {
		r, ok := byName[m]
		if !ok {
			return nil, fmt.Errorf("m4.WeeklyReferences: no method %q in the table", m)
		}
		out = append(out, r)
	}
	return out, nil
}

// Method returns the named forecaster for weekly series:
//   - naive, snaive (lag 52), naive2: the M4 benchmarks;
//   - ses, holt, damped: ETS(A,N,N), ETS(A,A,N), ETS(A,Ad,N) by maximum
//     likelihood (M4's SES, Holt and Damped benchmarks);
//   - auto: forecast.Auto with Period 52, i.e. AutoETS among the
//     non-seasonal models, as R's ets on weekly data;
//   - mstl: forecast.Auto with a 52-week yearly cycle removed by MSTL when
//     the series covers two years.
func Method(name string) (Forecaster, error) {
	switch name {
	case "naive":
		return func(y []float64, h int) ([]float64, error) { return forecast.Naive(y, h).Mean, nil }, nil
	case "snaive":
		return func(y []float64, h int) ([]float64, error) { return forecast.SeasonalNaive(y, h, 52).Mean, nil }, nil
	case "naive2":
		return func(y []float64, h int) ([]float64, error) { return Naive2(y, h, 1), nil }, nil
	case "ses":
		return fixedETS(forecast.ETSSpec{Error: 'A', Trend: 'N', Season: 'N'}), nil
	case "holt":
		return fixedETS(forecast.ETSSpec{Error: 'A', Trend: 'A', Season: 'N'}), nil
	case "damped":
		return fixedETS(forecast.ETSSpec{Error: 'A', Trend: 'A', Season: 'N', Damped: true}), nil
	case "auto":
		return autoWith(forecast.Options{Period: 52}), nil
	case "mstl":
		return autoWith(forecast.Options{Period: 52, YearlyPeriod: 52}), nil
	}
	return nil, fmt.Errorf("m4.Method: unknown method %q (want one of %v)", name, MethodNames())
}

// MethodNames lists the names Method accepts.
func MethodNames() []string {
	names := []string{"naive", "snaive", "naive2", "ses", "holt", "damped", "auto", "mstl"}
	sort.Strings(names)
	return names
}

func fixedETS(spec forecast.ETSSpec) Forecaster {
	return func(y []float64, h int) ([]float64, error) {
		fit, err := forecast.FitETS(y, spec, 1)
		if err != nil {
			return nil, err
		}
		return fit.Forecast(h).Mean, nil
	}
}

func autoWith(o forecast.Options) Forecaster {
	return func(y []float64, h int) ([]float64, error) {
		res, err := forecast.Auto(y, h, o)
		if err != nil {
			return nil, err
		}
		return res.Mean, nil
	}
}
