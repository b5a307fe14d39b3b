// Package report computes Pulse's sales reports for an app: sales totals
// and series with comparison to the previous period, products, top
// customers, breakdowns by attribute, acquisition cohorts and RFM segments.
// Figures come from the daily rollups wherever they can; the few that need
// individual purchases or customers say so where they are computed.
package report

import (
	"context"
	"time"

	"pulse/internal/day"
	"pulse/internal/model"
	"pulse/internal/store"
)

// Service computes reports from the database.
type Service struct {
	db  *store.DB
	now func() time.Time
}

// New returns a Service. now may be nil for the wall clock.
func New(db *store.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now}
}

// Period is an inclusive range of local dates in an app's time zone, as day
// numbers (package day).
type Period struct {
	From, To int64
}

// Days is the number of days in p.
func (p Period) Days() int64 { return p.To - p.From + 1 }

// Previous is the period of equal length that ends the day before p starts.
func (p Period) Previous() Period { return Period{From: p.From - p.Days(), To: p.From - 1} }

// DefaultDays is the length of a period when the request names no start.
const DefaultDays = 30

// MaxDays bounds a period: ten years of days.
const MaxDays = 3660

// ParsePeriod reads from and to, dates (YYYY-MM-DD) in the app's time zone,
// both included. A missing to is today in loc; a missing from is DefaultDays
// before to.
func ParsePeriod(verr *model.ValidationError, from, to string, loc *time.Location, now time.Time) Period {
	p := Period{To: day.Of(now, loc)}
	if to != "" {
		if n, ok := parseDate(to); ok {
			p.To = n
		} else {
			verr.Add("to", "must be a date such as 2026-11-20")
		}
	}
	p.From = p.To - DefaultDays + 1
	if from != "" {
		if n, ok := parseDate(from); ok {
			p.From = n
		} else {
			verr.Add("from", "must be a date such as 2026-11-20")
		}
	}
	switch {
	case p.From > p.To:
		verr.Add("to", "must not be before from")
	case p.Days() > MaxDays:
		verr.Add("from", "the period must be at most %d days long", MaxDays)
	}
	return p
}

func parseDate(s string) (int64, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, false
	}
	return day.Date(t.Date()), true
}

// location is an app's time zone; an app's zone was checked when it was
// saved, so a failure means the binary lost its zone data: UTC then.
func location(app model.App) *time.Location {
	loc, err := time.LoadLocation(app.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// app loads an app by id, for services called with a key's app id.
func (s *Service) app(ctx context.Context, appID string) (model.App, error) {
	apps, err := s.db.AppsByIDs(ctx, []string{appID})
	if err != nil {
		return model.App{}, err
	}
	a, ok := apps[appID]
	if !ok {
		return model.App{}, model.ErrNotFound
	}
	return a, nil
}
