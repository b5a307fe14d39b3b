package forecast

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// salesSeries is daily sales with a trend, a weekly pattern, an optional
// yearly swing of the given amplitude (relative) and 8% noise.
func salesSeries(n int, yearly float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	week := []float64{0.8, 1.0, 1.05, 1.1, 1.2, 1.3, 0.7}
	y := make([]float64, n)
	for t := range y {
		level := 100 + 0.03*float64(t)
		yr := 1 + yearly*math.Sin(2*math.Pi*float64(t)/365.25)
		y[t] = level * week[t%7] * yr * (1 + 0.08*rng.NormFloat64())
	}
	return y
}

func intermittentSeries(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	y := make([]float64, n)
	for i := range y {
		if rng.Float64() < 0.25 {
			y[i] = float64(1 + rng.IntN(4))
		}
	}
	return y
}

func TestAutoChoosesByLengthAndShape(t *testing.T) {
	t.Parallel()
	daily := salesSeries(3*365, 0.3, 2)
	cases := []struct {
		name      string
		y         []float64
		o         Options
		wantModel string // prefix
		wantKind  string
	}{
		{"one point", []float64{5}, Options{Period: 7}, "Mean", "mean"},
		{"two points", []float64{5, 7}, Options{Period: 7}, "Mean", "mean"},
		{"five points", []float64{5, 7, 6, 8, 9}, Options{Period: 7}, "Naive", "naive"},
		{"two quarters of a 4-period season", []float64{5, 7, 6, 8, 6, 8, 7, 9, 7}, Options{Period: 4}, "Seasonal naive", "seasonal_naive"},
		{"constant", []float64{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, Options{Period: 7}, "Naive", "naive"},
		{"a month of daily sales", salesSeries(30, 0, 3), Options{Period: 7}, "ETS(", "ets"},
		{"half a year of daily sales", salesSeries(180, 0, 4), Options{Period: 7, YearlyPeriod: 365}, "ETS(", "ets"},
		{"three years with a yearly swing", daily, Options{Period: 7, YearlyPeriod: 365}, "MSTL+ETS(", "mstl"},
		{"three years without one", salesSeries(3*365, 0, 5), Options{Period: 7, YearlyPeriod: 365}, "ETS(", "ets"},
		{"intermittent, allowed", intermittentSeries(120, 6), Options{Period: 7, Intermittent: true}, "", ""},
		{"intermittent, not allowed", intermittentSeries(120, 6), Options{Period: 7}, "ETS(", "ets"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			const h = 10
			res, err := Auto(c.y, h, c.o)
			if err != nil {
				t.Fatal(err)
			}
			if c.wantModel == "" { // Croston or TSB
				if res.Kind != "croston" && res.Kind != "tsb" {
					t.Errorf("model %q kind %q, want Croston or TSB", res.Model, res.Kind)
				}
			} else if !strings.HasPrefix(res.Model, c.wantModel) || res.Kind != c.wantKind {
				t.Errorf("model %q kind %q, want %q... kind %q", res.Model, res.Kind, c.wantModel, c.wantKind)
			}
			if (res.Kind == "ets" || res.Kind == "mstl") == math.IsNaN(res.AICc) {
				t.Errorf("%s: AICc %v", res.Model, res.AICc)
			}
			for _, s := range [][]float64{res.Mean, res.Lower80, res.Upper80, res.Lower95, res.Upper95} {
				if len(s) != h {
					t.Fatalf("%s: %d values, want %d", res.Model, len(s), h)
				}
			}
			for i := range h {
				if !(res.Lower95[i] <= res.Lower80[i] && res.Lower80[i] <= res.Mean[i] && res.Mean[i] <= res.Upper80[i] && res.Upper80[i] <= res.Upper95[i]) {
					t.Errorf("%s step %d: %v %v %v %v %v not ordered", res.Model, i+1, res.Lower95[i], res.Lower80[i], res.Mean[i], res.Upper80[i], res.Upper95[i])
				}
			}
		})
	}
}

// With a yearly swing, removing it must pay off in a backtest whose
// origins all have two years of history.
func TestMSTLImprovesOnYearlySeasonality(t *testing.T) {
	t.Parallel()
	y := salesSeries(3*365, 0.3, 7)
	withYear, err := Backtest(y, 30, Options{Period: 7, YearlyPeriod: 365}, 3)
	if err != nil {
		t.Fatal(err)
	}
	without, err := Backtest(y, 30, Options{Period: 7}, 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("MASE with yearly handling %.3f, without %.3f", withYear.MASE, without.MASE)
	if withYear.MASE >= without.MASE {
		t.Errorf("MASE with yearly handling %.3f, without %.3f", withYear.MASE, without.MASE)
	}
}

func TestAutoErrorsAndClamping(t *testing.T) {
	t.Parallel()
	if _, err := Auto([]float64{1, 2}, 0, Options{}); !errors.Is(err, ErrHorizon) {
		t.Errorf("h=0: %v", err)
	}
	if _, err := Auto(nil, 3, Options{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	if _, err := Auto([]float64{1, math.Inf(1), 3}, 3, Options{}); !errors.Is(err, ErrNotFinite) {
		t.Errorf("infinite value: %v", err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	y := make([]float64, 60)
	for i := range y {
		y[i] = math.Max(0, 2+3*rng.NormFloat64())
	}
	res, err := Auto(y, 20, Options{NonNegative: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Lower95 {
		if res.Lower95[i] < 0 || res.Mean[i] < 0 {
			t.Fatalf("NonNegative: step %d has %v / %v", i+1, res.Lower95[i], res.Mean[i])
		}
	}
}

// Results, simulated intervals included, must not depend on the run.
func TestAutoIsDeterministic(t *testing.T) {
	t.Parallel()
	y := salesSeries(200, 0, 10)
	a, err := Auto(y, 14, Options{Period: 7})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Auto(y, 14, Options{Period: 7})
	if a.Model != b.Model || !reflect.DeepEqual(a.Upper95, b.Upper95) || !reflect.DeepEqual(a.Params, b.Params) || a.AICc != b.AICc {
		t.Errorf("two runs differ: %s %v vs %s %v", a.Model, a.Upper95, b.Model, b.Upper95)
	}
}

// BenchmarkAutoAndBacktestDaily is the product's refit: two years of daily
// sales with weekly and yearly handling, forecast 30 days and a backtest
// over 5 origins.
func BenchmarkAutoAndBacktestDaily(b *testing.B) {
	y := salesSeries(730, 0.2, 3)
	o := Options{Period: 7, YearlyPeriod: 365, NonNegative: true}
	for b.Loop() {
		if _, err := Auto(y, 30, o); err != nil {
			b.Fatal(err)
		}
		if _, err := Backtest(y, 30, o, 5); err != nil {
			b.Fatal(err)
		}
	}
}

// Whatever the series, Auto returns h finite values per slice: short,
// constant, with zeros, negatives, spikes or huge values, with every
// option.
func TestAutoHandlesAwkwardSeries(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(31, 32))
	var inputs [][]float64
	for n := 1; n <= 40; n += 3 {
		y := make([]float64, n)
		for i := range y {
			switch n % 4 {
			case 0:
				y[i] = rng.NormFloat64() // negatives
			case 1:
				y[i] = float64(rng.IntN(2)) // zeros and ones
			case 2:
				y[i] = 1e9 * (1 + rng.Float64()) // huge
			default:
				y[i] = 5
			}
		}
		inputs = append(inputs, y)
	}
	spike := make([]float64, 60)
	spike[30] = 1000
	inputs = append(inputs, spike, append(make([]float64, 50), 3))
	for _, y := range inputs {
		for _, o := range []Options{{}, {Period: 7}, {Period: 7, YearlyPeriod: 14, Intermittent: true, NonNegative: true}, {Period: 52, YearlyPeriod: 52}} {
			res, err := Auto(y, 8, o)
			if err != nil {
				t.Fatalf("n=%d %+v: %v", len(y), o, err)
			}
			for _, s := range [][]float64{res.Mean, res.Lower80, res.Upper80, res.Lower95, res.Upper95} {
				if len(s) != 8 {
					t.Fatalf("n=%d %+v: %s gave %d values", len(y), o, res.Model, len(s))
				}
				for _, v := range s {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("n=%d %+v: %s gave %v", len(y), o, res.Model, s)
					}
				}
			}
		}
	}
}
