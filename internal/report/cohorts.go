package report

import (
	"context"
	"time"

	"pulse/internal/day"
	"pulse/internal/model"
)

// CohortsQuery is a cohorts request as the client wrote it: dates in the
// app's time zone, empty when absent.
type CohortsQuery struct {
	From, To string
}

// Cohorts are monthly acquisition cohorts: the customers whose first paid
// purchase fell in each month, and how many of them bought, and for how
// much, in each month since.
//
// Refunds: a refunded purchase counts nowhere, neither as activity nor as
// revenue in its month, nor as a customer's first purchase. This is revenue
// net of refunds by purchase month (a refund always returns the whole
// purchase), and it keeps cohorts consistent with the customers' own first
// purchase and revenue; the price is that a cohort's past months change
// when a refund arrives. The sales report, by contrast, counts a refund on
// the day it happens.
type Cohorts struct {
	Currency string
	// From and To are the first and last cohort months of the request;
	// Cohorts stops at the current month.
	From, To Month
	Cohorts  []Cohort
}

// Month is a calendar month.
type Month struct {
	Year  int
	Month time.Month
}

// String formats m as YYYY-MM.
func (m Month) String() string {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
}

// add is m moved by n months.
func (m Month) add(n int) Month {
	t := time.Date(m.Year, m.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	return Month{t.Year(), t.Month()}
}

// since is the number of months from o to m.
func (m Month) since(o Month) int {
	return (m.Year-o.Year)*12 + int(m.Month-o.Month)
}

func monthOf(d int64) Month {
	y, mo, _ := day.Time(d).Date()
	return Month{y, mo}
}

// Cohort is one acquisition month and its activity in every month from
// its own (Months[0]) to the current one.
type Cohort struct {
	Month     Month
	Customers int64
	Months    []CohortMonth
}

// CohortMonth is a cohort's activity Offset months after its first.
// Retention is Active over the cohort's customers, nil for a cohort
// without customers.
type CohortMonth struct {
	Offset    int
	Active    int64
	Retention *float64
	Revenue   int64 // minor units
}

// DefaultCohortMonths is how many cohorts a request without from gets: the
// month of to and the months before it.
const DefaultCohortMonths = 12

// Cohorts parses q and computes the cohorts whose month lies in the period:
// from the month of from to the month of to, both included; by default the
// twelve months that end with the month of to (today when absent).
func (s *Service) Cohorts(ctx context.Context, app model.App, q CohortsQuery) (*Cohorts, error) {
	loc := location(app)
	now := s.now()
	verr := &model.ValidationError{}
	p := ParsePeriod(verr, q.From, q.To, loc, now)
	if err := verr.Err(); err != nil {
		return nil, err
	}
	to := monthOf(p.To)
	from := monthOf(p.From)
	if q.From == "" {
		from = to.add(1 - DefaultCohortMonths)
	}
	return s.CohortsBetween(ctx, app, from, to)
}

// CohortsBetween computes the cohorts of months from to to, both included,
// with their activity up to the current month in the app's time zone.
// Cohorts after the current month are left out: nobody is in them yet.
func (s *Service) CohortsBetween(ctx context.Context, app model.App, from, to Month) (*Cohorts, error) {
	loc := location(app)
	current := monthOf(day.Of(s.now(), loc))
	out := &Cohorts{Currency: app.Currency, From: from, To: to, Cohorts: []Cohort{}}
	last := to
	if current.since(last) < 0 {
		last = current
	}
	n := last.since(from) + 1 // cohorts
	if n <= 0 {
		return out, nil
	}
	months := current.since(from) + 1
	starts := make([]time.Time, months+1)
	for i := range starts {
		m := from.add(i)
		starts[i] = time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, loc)
	}
	cells, err := s.db.CohortActivity(ctx, app.ID, starts, n)
	if err != nil {
		return nil, err
	}
	type key struct{ cohort, month int }
	at := make(map[key][2]int64, len(cells))
	for _, c := range cells {
		at[key{c.Cohort, c.Month}] = [2]int64{c.Customers, c.Revenue}
	}
	for c := range n {
		size := at[key{c, c}][0]
		co := Cohort{Month: from.add(c), Customers: size, Months: make([]CohortMonth, 0, months-c)}
		for m := c; m < months; m++ {
			v := at[key{c, m}]
			co.Months = append(co.Months, CohortMonth{Offset: m - c, Active: v[0], Retention: fractionOf(v[0], size), Revenue: v[1]})
		}
		out.Cohorts = append(out.Cohorts, co)
	}
	return out, nil
}
