package clv

import (
	"errors"
	"math"
	"testing"
)

// Fixed parameters in days for the hand cases: the CDNOW fit rescaled from
// weeks (α×7) and its spend model.
var (
	valueBG = BGNBD{R: 0.243, Alpha: 4.414 * 7, A: 0.793, B: 2.426, UnitDays: 1}
	valueGG = GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	valueS  = Summary{Customer: "c1", X: 2, TX: 213, T: 272, Monetary: 22.35, UnitDays: 1}
)

func TestCustomerValueNoDiscountIsRevenue(t *testing.T) {
	t.Parallel()
	v, err := CustomerValue(valueBG, valueGG, valueS, ValueOptions{HorizonDays: 365})
	if err != nil {
		t.Fatal(err)
	}
	wantTxns := valueBG.ExpectedRepeat(valueS, 365)
	// E[M] = p(v + x·m̄)/(px + q − 1), by hand.
	wantSpend := 6.25 * (15.44 + 2*22.35) / (6.25*2 + 3.74 - 1)
	if !near(v.ExpectedTxns, wantTxns, 1e-12) || !near(v.ExpectedSpend, wantSpend, 1e-12) {
		t.Errorf("txns %.10g spend %.10g, want %.10g and %.10g", v.ExpectedTxns, v.ExpectedSpend, wantTxns, wantSpend)
	}
	if !near(v.Revenue, wantTxns*wantSpend, 1e-12) || !near(v.CLV, v.Revenue, 1e-12) {
		t.Errorf("revenue %.10g CLV %.10g, want both %.10g", v.Revenue, v.CLV, wantTxns*wantSpend)
	}
	if v.PAlive != valueBG.PAlive(valueS) || v.Customer != "c1" {
		t.Errorf("PAlive %g customer %q", v.PAlive, v.Customer)
	}
}

// One sub-period covering the horizon is discounted once, from its end.
func TestCustomerValueSingleStepHand(t *testing.T) {
	t.Parallel()
	o := ValueOptions{HorizonDays: 90, AnnualDiscount: 0.1, StepDays: 90}
	v, err := CustomerValue(valueBG, valueGG, valueS, o)
	if err != nil {
		t.Fatal(err)
	}
	want := v.Revenue / math.Pow(1.1, 90/365.25)
	if !near(v.CLV, want, 1e-12) {
		t.Errorf("CLV %.12g, want %.12g", v.CLV, want)
	}
}

func TestCustomerValueDiscountLowersCLV(t *testing.T) {
	t.Parallel()
	prev := math.Inf(1)
	for _, d := range []float64{0, 0.05, 0.1, 0.3, 1} {
		v, err := CustomerValue(valueBG, valueGG, valueS, ValueOptions{HorizonDays: 730, AnnualDiscount: d})
		if err != nil {
			t.Fatal(err)
		}
		if !(v.CLV < prev) || v.CLV <= 0 {
			t.Errorf("d=%g: CLV %.6f not below %.6f", d, v.CLV, prev)
		}
		prev = v.CLV
	}
}

func TestCustomerValueHorizonMonotonic(t *testing.T) {
	t.Parallel()
	for _, s := range []Summary{valueS, {Customer: "new", T: 30, UnitDays: 1}, {Customer: "lapsed", X: 5, TX: 20, T: 400, Monetary: 50, UnitDays: 1}} {
		prev := Value{}
		for _, h := range []float64{0, 1, 15, 30.4, 45, 90, 365, 730, 1825} {
			v, err := CustomerValue(valueBG, valueGG, s, ValueOptions{HorizonDays: h, AnnualDiscount: 0.1})
			if err != nil {
				t.Fatal(err)
			}
			if v.CLV < prev.CLV || v.Revenue < prev.Revenue || v.ExpectedTxns < prev.ExpectedTxns || v.CLV > v.Revenue+1e-12 {
				t.Errorf("%s, horizon %g: %+v after %+v", s.Customer, h, v, prev)
			}
			prev = v
		}
	}
}

// Weeks and days describe the same customer; the value must not depend on
// the unit the model was fitted in.
func TestCustomerValueUnitFree(t *testing.T) {
	t.Parallel()
	weeks := BGNBD{R: valueBG.R, Alpha: valueBG.Alpha / 7, A: valueBG.A, B: valueBG.B, UnitDays: 7}
	sw := valueS
	sw.TX, sw.T, sw.UnitDays = sw.TX/7, sw.T/7, 7
	o := ValueOptions{HorizonDays: 365, AnnualDiscount: 0.1}
	vd, err1 := CustomerValue(valueBG, valueGG, valueS, o)
	vw, err2 := CustomerValue(weeks, valueGG, sw, o)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	if !near(vd.CLV, vw.CLV, 1e-9) || !near(vd.PAlive, vw.PAlive, 1e-12) {
		t.Errorf("days %+v, weeks %+v", vd, vw)
	}
}

func TestValuesMatchesCustomerValue(t *testing.T) {
	t.Parallel()
	ss := []Summary{valueS, {Customer: "new", T: 30, UnitDays: 1}, valueS, {Customer: "lapsed", X: 5, TX: 20, T: 400, Monetary: 50, UnitDays: 1}}
	ss[2].Customer = "twin"
	o := ValueOptions{HorizonDays: 365, AnnualDiscount: 0.08, StepDays: 7}
	vs, err := Values(valueBG, valueGG, ss, o)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range ss {
		v, err := CustomerValue(valueBG, valueGG, s, o)
		if err != nil {
			t.Fatal(err)
		}
		if vs[i] != v {
			t.Errorf("%s: batch %+v, single %+v", s.Customer, vs[i], v)
		}
	}
}

func TestValueOptionsInvalid(t *testing.T) {
	t.Parallel()
	for _, o := range []ValueOptions{
		{HorizonDays: -1},
		{HorizonDays: math.NaN()},
		{HorizonDays: math.Inf(1)},
		{HorizonDays: 30, AnnualDiscount: -0.1},
		{HorizonDays: 30, StepDays: -7},
	} {
		if _, err := CustomerValue(valueBG, valueGG, valueS, o); !errors.Is(err, ErrBadOptions) {
			t.Errorf("%+v: err %v, want ErrBadOptions", o, err)
		}
	}
	if _, err := CustomerValue(BGNBD{R: 1, Alpha: 1, A: 1, B: 1}, valueGG, valueS, ValueOptions{HorizonDays: 30}); !errors.Is(err, ErrBadOptions) {
		t.Errorf("model without unit: err %v, want ErrBadOptions", err)
	}
}

// Discounted with the BG/NBD expectation must value a customer exactly as
// CustomerValue does, so heuristic and model values are comparable.
func TestDiscountedMatchesCustomerValue(t *testing.T) {
	t.Parallel()
	o := ValueOptions{HorizonDays: 400, AnnualDiscount: 0.12}
	v, err := CustomerValue(valueBG, valueGG, valueS, o)
	if err != nil {
		t.Fatal(err)
	}
	txns, disc, err := Discounted(func(u float64) float64 { return valueBG.ExpectedRepeat(valueS, u) }, valueBG.UnitDays, o)
	if err != nil {
		t.Fatal(err)
	}
	if !near(txns, v.ExpectedTxns, 1e-12) || !near(disc*v.ExpectedSpend, v.CLV, 1e-12) {
		t.Errorf("Discounted (%.10g, %.10g), CustomerValue %+v", txns, disc, v)
	}
	if _, _, err := Discounted(func(float64) float64 { return 0 }, 1, ValueOptions{HorizonDays: -1}); !errors.Is(err, ErrBadOptions) {
		t.Errorf("err %v, want ErrBadOptions", err)
	}
}
