// Package day numbers calendar days: a day is the count of days since
// 1970-01-01 of a local date, so that daily rollups have a small integer key
// that sorts, subtracts and indexes well on every database.
package day

import "time"

// Of is the day of t's local date in loc.
func Of(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return Date(y, m, d)
}

// Date is the day of a calendar date.
func Date(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// Time is the calendar date of day n at midnight UTC, for formatting and
// for date arithmetic without time zones.
func Time(n int64) time.Time {
	return time.Unix(n*86400, 0).UTC()
}

// Start is the instant day n begins in loc. On a day that starts inside a
// daylight-saving gap it is the first instant that exists.
func Start(n int64, loc *time.Location) time.Time {
	y, m, d := Time(n).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// String formats day n as YYYY-MM-DD.
func String(n int64) string { return Time(n).Format(time.DateOnly) }

// Parse reads a date written as String writes it (YYYY-MM-DD).
func Parse(s string) (int64, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, err
	}
	return Date(t.Date()), nil
}
