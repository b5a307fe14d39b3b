package forecast

import (
	"math"
	"slices"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestNaiveMethodsByHand(t *testing.T) {
	t.Parallel()
	sigmaNaive := math.Sqrt(14.0 / 3) // one-step changes 2, -1, 3
	cases := []struct {
		name   string
		res    Result
		model  string
		mean   []float64
		upper8 []float64 // Upper80
		lower9 []float64 // Lower95
	}{
		{"naive", Naive([]float64{1, 3, 2, 5}, 3), "Naive", []float64{5, 5, 5},
			[]float64{5 + z80*sigmaNaive, 5 + z80*sigmaNaive*math.Sqrt(2), 5 + z80*sigmaNaive*math.Sqrt(3)},
			[]float64{5 - z95*sigmaNaive, 5 - z95*sigmaNaive*math.Sqrt(2), 5 - z95*sigmaNaive*math.Sqrt(3)}},
		// Seasonal changes are all 4; the sd grows with whole seasons ahead.
		{"seasonal naive", SeasonalNaive([]float64{1, 2, 3, 4, 5, 6, 7, 8}, 6, 4), "Seasonal naive",
			[]float64{5, 6, 7, 8, 5, 6},
			[]float64{5 + 4*z80, 6 + 4*z80, 7 + 4*z80, 8 + 4*z80, 5 + 4*z80*math.Sqrt2, 6 + 4*z80*math.Sqrt2},
			[]float64{5 - 4*z95, 6 - 4*z95, 7 - 4*z95, 8 - 4*z95, 5 - 4*z95*math.Sqrt2, 6 - 4*z95*math.Sqrt2}},
		{"seasonal naive without a full season falls back", SeasonalNaive([]float64{1, 3, 2, 5}, 1, 4), "Naive",
			[]float64{5}, []float64{5 + z80*sigmaNaive}, []float64{5 - z95*sigmaNaive}},
		// Mean 4, sd 2, Student t with 2 df: qt(0.9, 2) = 1.8856180832,
		// qt(0.975, 2) = 4.3026527297; se = 2 sqrt(1 + 1/3).
		{"mean", Mean([]float64{2, 4, 6}, 2), "Mean", []float64{4, 4},
			[]float64{4 + 1.8856180832*2*math.Sqrt(4.0/3), 4 + 1.8856180832*2*math.Sqrt(4.0/3)},
			[]float64{4 - 4.3026527297*2*math.Sqrt(4.0/3), 4 - 4.3026527297*2*math.Sqrt(4.0/3)}},
		{"one point", Mean([]float64{7}, 1), "Mean", []float64{7}, []float64{7}, []float64{7}},
	}
	for _, c := range cases {
		if c.res.Model != c.model {
			t.Errorf("%s: model %q, want %q", c.name, c.res.Model, c.model)
		}
		for i := range c.mean {
			if !near(c.res.Mean[i], c.mean[i]) || math.Abs(c.res.Upper80[i]-c.upper8[i]) > 1e-8 || math.Abs(c.res.Lower95[i]-c.lower9[i]) > 1e-8 {
				t.Errorf("%s step %d: mean %.6f upper80 %.6f lower95 %.6f, want %.6f %.6f %.6f", c.name, i+1,
					c.res.Mean[i], c.res.Upper80[i], c.res.Lower95[i], c.mean[i], c.upper8[i], c.lower9[i])
			}
		}
	}
}

func TestNaiveOfEmptySeries(t *testing.T) {
	t.Parallel()
	for _, r := range []Result{Naive(nil, 3), SeasonalNaive(nil, 3, 7), Mean(nil, 3), Croston(nil, 3), TSB(nil, 3)} {
		if len(r.Mean) != 3 || slices.ContainsFunc(r.Mean, func(v float64) bool { return v != 0 }) {
			t.Errorf("%s of nothing: %v, want three zeros", r.Model, r.Mean)
		}
	}
}
