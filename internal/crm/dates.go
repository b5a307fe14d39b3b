package crm

import (
	"time"

	"pulse/internal/day"
	"pulse/internal/model"
)

// timeRange reads an inclusive from–to range, each end an RFC 3339 time or
// a YYYY-MM-DD date in loc, as the half-open interval [from, before) of
// stored (microsecond) times. A nil end is open.
func timeRange(verr *model.ValidationError, fromText, toText string, loc *time.Location) (from, before *time.Time) {
	var start, end time.Time
	if fromText != "" {
		from, start = parseBound(verr, "from", fromText, loc, false)
	}
	if toText != "" {
		before, end = parseBound(verr, "to", toText, loc, true)
	}
	if from != nil && before != nil && end.Before(start) {
		verr.Add("to", "must not be before from")
	}
	return from, before
}

// parseBound reads one end of a range and returns the bound to query with
// and the instant as written (a date's start). The lower bound is the first
// stored instant at or after it; the upper (exclusive) bound is the first
// one after it: the next day's start for a date, the next microsecond for a
// time.
func parseBound(verr *model.ValidationError, field, s string, loc *time.Location, upper bool) (*time.Time, time.Time) {
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		n := day.Date(d.Date())
		written := day.Start(n, loc).UTC()
		if upper {
			n++
		}
		t := day.Start(n, loc).UTC()
		return &t, written
	}
	written, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		verr.Add(field, "must be an RFC 3339 time such as 2026-11-20T10:00:00Z or a date such as 2026-11-20")
		return nil, written
	}
	written = written.UTC()
	t := written.Truncate(time.Microsecond)
	if upper || !t.Equal(written) {
		t = t.Add(time.Microsecond)
	}
	return &t, written
}
