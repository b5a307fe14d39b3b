package forecast

import (
	"errors"
	"math"
	"testing"
)

func TestSMAPEAndMASEByHand(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		got, want float64
	}{
		{"sMAPE", SMAPE([]float64{100, 50}, []float64{110, 40}), (200*10.0/210 + 200*10.0/90) / 2},
		{"sMAPE with both zero", SMAPE([]float64{100, 0}, []float64{110, 0}), 200 * 10.0 / 210 / 2},
		// In-sample one-step changes 2, 1, 3: scale 2; errors 1, 2.
		{"MASE m=1", MASE([]float64{1, 3, 2, 5}, []float64{6, 6}, []float64{5, 8}, 1), 1.5 / 2},
		// Lag-2 changes 1, 2: scale 1.5.
		{"MASE m=2", MASE([]float64{1, 3, 2, 5}, []float64{6, 6}, []float64{5, 8}, 2), 1.5 / 1.5},
		{"MASE m longer than the sample falls back to 1", MASE([]float64{1, 3, 2, 5}, []float64{6, 6}, []float64{5, 8}, 7), 1.5 / 2},
		{"MASEScale m=0 means 1", MASEScale([]float64{1, 3, 2, 5}, 0), 2},
	}
	for _, c := range cases {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !math.IsInf(MASE([]float64{2, 2, 2}, []float64{3}, []float64{2}, 1), 1) {
		t.Error("MASE on a constant sample should be +Inf")
	}
}

func TestBacktestOrigins(t *testing.T) {
	t.Parallel()
	cases := []struct {
		n, h, origins     int
		wantK, wantStep   int
		wantErrIsTooShort bool
	}{
		{100, 10, 5, 5, 10, false}, // room for non-overlapping windows
		{40, 10, 5, 5, 5, false},   // 20 spare points: origins 5 apart
		{21, 10, 5, 2, 1, false},   // 1 spare point: two origins 1 apart
		{20, 10, 5, 1, 10, false},  // exactly h + 10
		{19, 10, 5, 0, 0, true},
		{100, 10, 0, 5, 10, false}, // 0 asks for the default 5
	}
	for _, c := range cases {
		y := make([]float64, c.n)
		for i := range y {
			y[i] = 50 + 10*math.Sin(float64(i)) + float64(i%3)
		}
		acc, err := Backtest(y, c.h, Options{}, c.origins)
		if c.wantErrIsTooShort {
			if !errors.Is(err, ErrTooShort) {
				t.Errorf("n=%d h=%d: error %v, want ErrTooShort", c.n, c.h, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("n=%d h=%d: %v", c.n, c.h, err)
		}
		if acc.Origins != c.wantK || acc.Step != c.wantStep || acc.Horizon != c.h {
			t.Errorf("n=%d h=%d origins=%d: got %d origins %d apart, want %d, %d", c.n, c.h, c.origins, acc.Origins, acc.Step, c.wantK, c.wantStep)
		}
	}
}

// On a series with a steady trend and weekly pattern ETS must beat the
// seasonal-naive baseline, and its 80% intervals must cover roughly 80%.
func TestBacktestBeatsSeasonalNaiveOnTrendingSeasonalSeries(t *testing.T) {
	t.Parallel()
	y := salesSeries(420, 0, 8)
	acc, err := Backtest(y, 14, Options{Period: 7}, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", acc)
	if !acc.BeatsBaseline || acc.MASE >= acc.BaselineMASE || acc.Baseline != "Seasonal naive" {
		t.Errorf("MASE %.3f vs seasonal naive %.3f (%s): want a win", acc.MASE, acc.BaselineMASE, acc.Baseline)
	}
	if acc.Coverage80 < 0.6 || acc.Coverage80 > 0.97 {
		t.Errorf("80%% coverage %.2f over %d points", acc.Coverage80, acc.Origins*acc.Horizon)
	}
	if acc.SMAPE <= 0 || acc.SMAPE > 20 {
		t.Errorf("sMAPE %.2f", acc.SMAPE)
	}
}

func TestBacktestErrors(t *testing.T) {
	t.Parallel()
	if _, err := Backtest(make([]float64, 50), 0, Options{}, 3); !errors.Is(err, ErrHorizon) {
		t.Errorf("h=0: %v", err)
	}
	if _, err := Backtest(make([]float64, 50), 5, Options{}, 3); err == nil {
		t.Error("constant series: no error for an undefined MASE")
	}
}
