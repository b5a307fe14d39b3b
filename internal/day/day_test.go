package day_test

import (
	"testing"
	"time"

	"pulse/internal/day"
)

func TestOfInTimeZones(t *testing.T) {
	t.Parallel()
	moscow, _ := time.LoadLocation("Europe/Moscow")
	la, _ := time.LoadLocation("America/Los_Angeles")
	at := time.Date(2026, 11, 10, 23, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		loc  *time.Location
		want string
	}{
		{time.UTC, "2026-11-10"},
		{moscow, "2026-11-11"},
		{la, "2026-11-10"},
	} {
		if got := day.String(day.Of(at, c.loc)); got != c.want {
			t.Errorf("%s: %s, want %s", c.loc, got, c.want)
		}
	}
	if d := day.Date(1970, 1, 1); d != 0 {
		t.Errorf("1970-01-01 is day %d, want 0", d)
	}
	if d := day.Date(1969, 12, 31); d != -1 {
		t.Errorf("1969-12-31 is day %d, want -1", d)
	}
	if d := day.Date(2026, 11, 25); day.String(d) != "2026-11-25" || d != 20782 {
		t.Errorf("2026-11-25 is day %d (%s), want 20782 (Python: (date(2026,11,25)-date(1970,1,1)).days)", d, day.String(d))
	}
}

// A day that starts at 00:00 local time in a zone with daylight saving
// keeps its 23 or 25 hours.
func TestStartAcrossDaylightSaving(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	d := day.Date(2026, 10, 25) // clocks go back: a 25-hour day
	if got := day.Start(d+1, berlin).Sub(day.Start(d, berlin)); got != 25*time.Hour {
		t.Errorf("2026-10-25 in Berlin lasts %s, want 25h", got)
	}
	if got := day.Of(day.Start(d, berlin), berlin); got != d {
		t.Errorf("Of(Start(d)) = %d, want %d", got, d)
	}
}
