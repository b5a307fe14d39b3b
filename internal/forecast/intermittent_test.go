package forecast

import (
	"math"
	"testing"
)

func TestCrostonByHand(t *testing.T) {
	t.Parallel()
	// Demands 3 (after 2 periods), 6 (after 3), 2 (after 2), smoothing 0.5:
	// size 3 -> 4.5 -> 3.25, interval 2 -> 2.5 -> 2.25.
	y := []float64{0, 3, 0, 0, 6, 0, 2}
	f := make([]float64, len(y))
	rate, first := croston(y, 0.5, 0.5, f)
	if first != 1 || !near(rate, 3.25/2.25) {
		t.Errorf("rate %v, first demand %d; want %v, 1", rate, first, 3.25/2.25)
	}
	want := []float64{math.NaN(), math.NaN(), 1.5, 1.5, 1.5, 1.8, 1.8}
	for i := range want {
		if !(math.IsNaN(want[i]) && math.IsNaN(f[i])) && !near(f[i], want[i]) {
			t.Errorf("one-step forecast %d: %v, want %v", i, f[i], want[i])
		}
	}
	// MSE over periods 2..6: errors -1.5, -1.5, 4.5, -1.8, 0.2.
	if mse := crostonMSE(y, 0.5, 0.5, make([]float64, len(y))); !near(mse, (1.5*1.5*2+4.5*4.5+1.8*1.8+0.2*0.2)/5) {
		t.Errorf("MSE %v", mse)
	}
}

func TestTSBByHand(t *testing.T) {
	t.Parallel()
	// Start: probability 1/4, size 4. Periods: 0 -> p 0.125; 4 -> p 0.5625,
	// size 4; 0 -> 0.28125; 0 -> 0.140625. Forecast 0.140625 * 4.
	y := []float64{0, 4, 0, 0}
	f := make([]float64, len(y))
	rate := tsb(y, 0.5, 0.5, f)
	if !near(rate, 0.5625) {
		t.Errorf("rate %v, want 0.5625", rate)
	}
	for i, want := range []float64{1, 0.5, 2.25, 1.125} {
		if !near(f[i], want) {
			t.Errorf("one-step forecast %d: %v, want %v", i, f[i], want)
		}
	}
}

func TestIsIntermittent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		y    []float64
		want bool
	}{
		{[]float64{0, 0, 1, 0, 0, 2}, true}, // ADI 3
		{[]float64{0, 1}, true},             // ADI 2
		{[]float64{1, 0, 2, 3}, true},       // ADI 1.33, just above 1.32
		{[]float64{1, 0, 2, 3, 4}, false},   // ADI 1.25
		{[]float64{1, 2, 3}, false},
		{[]float64{0, 0, 0}, false},
		{[]float64{0, -1, 0, 2}, false},
	}
	for _, c := range cases {
		if got := IsIntermittent(c.y); got != c.want {
			t.Errorf("IsIntermittent(%v) = %v, want %v", c.y, got, c.want)
		}
	}
}

// An item that sold every other period and then stopped: TSB lets the
// demand probability decay, Croston keeps forecasting the old rate.
func TestTSBForgetsObsoleteItems(t *testing.T) {
	t.Parallel()
	var y []float64
	for i := range 60 {
		if i%2 == 0 {
			y = append(y, 5)
		} else {
			y = append(y, 0)
		}
	}
	for range 30 {
		y = append(y, 0)
	}
	c, s := Croston(y, 3), TSB(y, 3)
	if !(s.Mean[0] < c.Mean[0]/4) {
		t.Errorf("after 30 periods without demand TSB forecasts %.3f, Croston %.3f; want TSB far lower", s.Mean[0], c.Mean[0])
	}
	for _, r := range []Result{c, s} {
		if r.Lower95[0] < 0 || r.Lower80[0] > r.Mean[0] || r.Upper80[0] < r.Mean[0] || r.Upper95[0] < r.Upper80[0] {
			t.Errorf("%s: interval %v..%v around %v is not ordered and non-negative", r.Model, r.Lower95[0], r.Upper95[0], r.Mean[0])
		}
		if a := r.Params["alpha"]; a < 0.01 || a > 1 {
			t.Errorf("%s: alpha %v outside [0.01, 1]", r.Model, a)
		}
	}
}
