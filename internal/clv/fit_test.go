package clv

import (
	"errors"
	"math"
	"strconv"
	"testing"
)

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func TestFitBGNBDTooLittleData(t *testing.T) {
	t.Parallel()
	many := func(n, repeaters int) []Summary {
		ss := make([]Summary, n)
		for i := range ss {
			ss[i] = Summary{Customer: strconv.Itoa(i), T: float64(10 + i%30), UnitDays: 1}
			if i < repeaters {
				ss[i].X, ss[i].TX = 1+i%3, float64(5+i%5)
			}
		}
		return ss
	}
	tests := []struct {
		name string
		ss   []Summary
	}{
		{"no customers", nil},
		{"a single customer", []Summary{{Customer: "a", X: 3, TX: 5, T: 9, UnitDays: 1}}},
		{"everyone bought once", many(500, 0)},
		{"nine repeat buyers", many(500, MinRepeatBuyers-1)},
		{"29 customers, all repeat", many(MinCustomers-1, MinCustomers-1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := FitBGNBD(tc.ss); !errors.Is(err, ErrTooLittleData) {
				t.Errorf("err %v, want ErrTooLittleData", err)
			}
		})
	}
	if _, err := FitBGNBD(many(MinCustomers, MinRepeatBuyers)); err != nil {
		t.Errorf("at the minimums: %v", err)
	}
}

func TestFitBGNBDInvalid(t *testing.T) {
	t.Parallel()
	base := func() []Summary {
		ss := simSummaries(BGNBD{R: 0.5, Alpha: 20, A: 0.7, B: 3}, 100, 365, 9)
		return ss
	}
	tests := []struct {
		name string
		edit func(*Summary)
	}{
		{"recency after age", func(s *Summary) { s.TX = s.T + 1 }},
		{"negative age", func(s *Summary) { s.T = -1 }},
		{"NaN recency", func(s *Summary) { s.TX = math.NaN() }},
		{"negative count", func(s *Summary) { s.X = -1 }},
		{"other unit", func(s *Summary) { s.UnitDays = 7 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss := base()
			tc.edit(&ss[len(ss)-1])
			if _, err := FitBGNBD(ss); err == nil || errors.Is(err, ErrTooLittleData) {
				t.Errorf("err %v, want a validation error", err)
			}
		})
	}
}

// Data that pushes parameters to the edge of the space must give a finite,
// bounded fit whose predictions are finite too.
func TestFitBGNBDDegenerate(t *testing.T) {
	t.Parallel()
	identical := make([]Summary, 200)
	for i := range identical {
		identical[i] = Summary{Customer: strconv.Itoa(i), X: 5, TX: 50, T: 50, UnitDays: 1}
	}
	noChurn := simSummaries(BGNBD{R: 2, Alpha: 20, A: 0.01, B: 1e6}, 500, 365, 11)
	halfDaily := make([]Summary, 100)
	for i := range halfDaily {
		halfDaily[i] = Summary{Customer: strconv.Itoa(i), T: 100, UnitDays: 1}
		if i%2 == 0 {
			halfDaily[i].X, halfDaily[i].TX = 100, 100
		}
	}
	tests := []struct {
		name string
		ss   []Summary
	}{
		{"identical histories", identical},
		{"nobody churns", noChurn},
		{"half buy every day, half never again", halfDaily},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := FitBGNBD(tc.ss)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("r=%.4g alpha=%.4g a=%.4g b=%.4g LL=%.4f converged=%v", m.R, m.Alpha, m.A, m.B, m.LL, m.Converged)
			if !finite(m.R, m.Alpha, m.A, m.B, m.LL) {
				t.Fatalf("non-finite fit %+v", m)
			}
			for _, p := range []float64{m.R, m.Alpha, m.A, m.B} {
				if p <= 0 || p > math.Exp(logBound)*1.01 {
					t.Errorf("parameter %g outside (0, e^%d]", p, logBound)
				}
			}
			for _, s := range tc.ss[:5] {
				if !finite(m.PAlive(s), m.ExpectedRepeat(s, 30), m.ExpectedRepeat(s, 365), m.Expected(365), m.LogLikelihood(s)) {
					t.Errorf("%+v: non-finite prediction", s)
				}
			}
		})
	}
}

func TestFitGammaGammaTooLittleData(t *testing.T) {
	t.Parallel()
	var ss []Summary
	for i := range 100 {
		s := Summary{Customer: strconv.Itoa(i), T: 10, UnitDays: 1}
		if i < MinRepeatBuyers-1 {
			s.X, s.TX, s.Monetary = 2, 5, 10+float64(i)
		}
		if i == 50 {
			s.X, s.TX, s.Monetary = 3, 5, 0 // a repeat buyer with no spend does not count
		}
		ss = append(ss, s)
	}
	if _, err := FitGammaGamma(ss); !errors.Is(err, ErrTooLittleData) {
		t.Errorf("err %v, want ErrTooLittleData", err)
	}
	if _, err := FitGammaGamma(nil); !errors.Is(err, ErrTooLittleData) {
		t.Errorf("no data: err %v, want ErrTooLittleData", err)
	}
}

// Everyone spends the same: the spend distribution collapses (p, q → ∞)
// and the fit must stay finite and predict that amount.
func TestFitGammaGammaConstantSpend(t *testing.T) {
	t.Parallel()
	var ss []Summary
	for i := range 50 {
		ss = append(ss, Summary{Customer: strconv.Itoa(i), X: 1 + i%4, TX: 5, T: 10, Monetary: 20, UnitDays: 1})
	}
	m, err := FitGammaGamma(ss)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("p=%.4g q=%.4g v=%.4g LL=%.4f converged=%v corr=%v", m.P, m.Q, m.V, m.LL, m.Converged, m.FreqSpendCorr)
	if !finite(m.P, m.Q, m.V, m.LL) {
		t.Fatalf("non-finite fit %+v", m)
	}
	if got := m.ExpectedSpend(ss[0]); math.Abs(got-20) > 0.5 {
		t.Errorf("expected spend %.4f, want about 20", got)
	}
}
