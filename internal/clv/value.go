package clv

import (
	"errors"
	"math"
)

// ValueOptions sets the horizon of a customer-value forecast.
type ValueOptions struct {
	// HorizonDays is how far ahead to look, from the calibration end.
	HorizonDays float64
	// AnnualDiscount is the yearly discount rate (0.1 for 10 %); 0 gives
	// undiscounted revenue.
	AnnualDiscount float64
	// StepDays is the length of the sub-periods that are discounted as a
	// whole; 0 means a month of 365.25/12 days.
	StepDays float64
}

// Value is the forecast for one customer over the horizon.
type Value struct {
	Customer string
	PAlive   float64
	// ExpectedTxns is the expected number of transactions in the horizon.
	ExpectedTxns float64
	// ExpectedSpend is the expected value of each of those transactions.
	ExpectedSpend float64
	// Revenue is ExpectedTxns × ExpectedSpend, undiscounted.
	Revenue float64
	// CLV is the discounted expected revenue.
	CLV float64
}

// ErrBadOptions is returned for a horizon, step or discount rate that is
// negative or not finite.
var ErrBadOptions = errors.New("clv: invalid value options")

// daysPerYear converts the annual discount rate to the sub-period scale.
const daysPerYear = 365.25

// CustomerValue forecasts one customer's revenue over the horizon.
//
// Method: the horizon is cut into sub-periods of StepDays (the last one
// shorter if needed). The expected number of transactions in sub-period k
// is E[Y(t_k)] − E[Y(t_{k−1})], the difference of the BG/NBD conditional
// expectations at its ends; it is multiplied by the Gamma-Gamma expected
// spend and discounted by (1+d)^(−t_k/365.25), i.e. as if paid at the end
// of the sub-period, which errs on the low side by at most one step of
// discounting. With d = 0 the sum telescopes to the undiscounted revenue.
// Multiplying expected count by expected spend is exact because the two
// models are independent by assumption.
func CustomerValue(bg BGNBD, gg GammaGamma, s Summary, o ValueOptions) (Value, error) {
	steps, err := o.grid(bg.UnitDays)
	if err != nil {
		return Value{}, err
	}
	return value(bg, gg, s, o, steps, expectedPath(bg, s, steps)), nil
}

// Values forecasts every customer. Customers with the same (X, TX, T) share
// one path of expected transactions, which is where the time goes.
func Values(bg BGNBD, gg GammaGamma, ss []Summary, o ValueOptions) ([]Value, error) {
	steps, err := o.grid(bg.UnitDays)
	if err != nil {
		return nil, err
	}
	type key struct {
		x     int
		tx, t float64
	}
	paths := map[key][]float64{}
	out := make([]Value, len(ss))
	for i, s := range ss {
		k := key{s.X, s.TX, s.T}
		p, ok := paths[k]
		if !ok {
			p = expectedPath(bg, s, steps)
			paths[k] = p
		}
		out[i] = value(bg, gg, s, o, steps, p)
	}
	return out, nil
}

// step is the end of a sub-period, in days and in model units.
type step struct{ days, units float64 }

func (o ValueOptions) grid(unitDays float64) ([]step, error) {
	h, d, w := o.HorizonDays, o.AnnualDiscount, o.StepDays
	if w == 0 {
		w = daysPerYear / 12
	}
	if !(h >= 0) || math.IsInf(h, 0) || !(d >= 0) || math.IsInf(d, 0) || !(w > 0) || !(unitDays > 0) {
		return nil, ErrBadOptions
	}
	n := int(math.Ceil(h/w - 1e-9))
	steps := make([]step, 0, n)
	for k := 1; k <= n; k++ {
		t := math.Min(float64(k)*w, h)
		steps = append(steps, step{days: t, units: t / unitDays})
	}
	return steps, nil
}

// expectedPath is the cumulative expected transactions at each step end.
func expectedPath(bg BGNBD, s Summary, steps []step) []float64 {
	p := make([]float64, len(steps))
	for i, st := range steps {
		p[i] = bg.ExpectedRepeat(s, st.units)
	}
	return p
}

func value(bg BGNBD, gg GammaGamma, s Summary, o ValueOptions, steps []step, path []float64) Value {
	v := Value{Customer: s.Customer, PAlive: bg.PAlive(s), ExpectedSpend: gg.ExpectedSpend(s)}
	txns, discounted := discount(steps, path, o.AnnualDiscount)
	v.ExpectedTxns = txns
	v.Revenue = txns * v.ExpectedSpend
	v.CLV = discounted * v.ExpectedSpend
	return v
}

// discount sums cumulative expected transactions path at the step ends:
// the total, and the total with each step's share discounted at the
// annual rate as if paid at the step's end.
func discount(steps []step, path []float64, rate float64) (total, discounted float64) {
	prev := 0.0
	for i, st := range steps {
		discounted += (path[i] - prev) * math.Pow(1+rate, -st.days/daysPerYear)
		prev = path[i]
	}
	return prev, discounted
}
