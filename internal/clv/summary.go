package clv

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"strings"
)

// Txn is one purchase. Day is a calendar day number (see package day) taken
// in the app's time zone: the models count purchase days, and a UTC day
// would split or merge a customer's evening purchases depending on the
// offset.
type Txn struct {
	Customer string
	Day      int64
	Amount   float64
}

// Summary is a customer's calibration-period history in the form the
// models take (recency, frequency, age, monetary value).
type Summary struct {
	Customer string
	// X is the number of repeat transactions: distinct purchase days after
	// the first.
	X int
	// TX is the time from the first to the last purchase day, in units.
	TX float64
	// T is the time from the first purchase day to the calibration end
	// day, in units. A purchase on the end day has TX == T.
	T float64
	// Monetary is the mean amount of the repeat transactions (same-day
	// amounts summed first); 0 when X is 0. The first purchase is left out
	// because acquisition orders differ from repeat ones.
	Monetary float64
	// UnitDays is the length of one time unit in days (1 or 7 usually).
	UnitDays float64
}

// ErrBadUnit is returned when the time unit is not a positive number of days.
var ErrBadUnit = errors.New("clv: time unit must be a positive number of days")

// Summarize turns transactions into one Summary per customer, sorted by
// customer. Purchases of one customer on one day are merged into a single
// transaction with the amounts summed, as the models assume at most one
// transaction per day. Transactions after calibrationEnd are ignored, so a
// full history can be passed for a calibration/holdout split; customers
// whose first purchase is after it are left out. unitDays is the time unit:
// 7 gives weeks, 1 gives days.
func Summarize(txns []Txn, calibrationEnd int64, unitDays float64) ([]Summary, error) {
	if !(unitDays > 0) || math.IsInf(unitDays, 0) {
		return nil, ErrBadUnit
	}
	cal := make([]Txn, 0, len(txns))
	for _, t := range txns {
		if t.Day <= calibrationEnd {
			cal = append(cal, t)
		}
	}
	slices.SortFunc(cal, func(a, b Txn) int {
		if c := strings.Compare(a.Customer, b.Customer); c != 0 {
			return c
		}
		return cmp.Compare(a.Day, b.Day)
	})
	var out []Summary
	for i := 0; i < len(cal); {
		j := i
		for j < len(cal) && cal[j].Customer == cal[i].Customer {
			j++
		}
		out = append(out, summarizeOne(cal[i:j], calibrationEnd, unitDays))
		i = j
	}
	return out, nil
}

// summarizeOne needs txns of one customer sorted by day.
func summarizeOne(txns []Txn, end int64, unit float64) Summary {
	first, last := txns[0].Day, txns[0].Day
	x := 0
	repeatSum := 0.0
	for _, t := range txns {
		if t.Day != first {
			repeatSum += t.Amount
		}
		if t.Day != last {
			x++
			last = t.Day
		}
	}
	s := Summary{
		Customer: txns[0].Customer,
		X:        x,
		TX:       float64(last-first) / unit,
		T:        float64(end-first) / unit,
		UnitDays: unit,
	}
	if x > 0 {
		s.Monetary = repeatSum / float64(x)
	}
	return s
}
