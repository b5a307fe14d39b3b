package crm

import (
	"testing"
	"time"

	"pulse/internal/model"
)

func TestTimeRange(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	cases := []struct {
		name, from, to  string
		loc             *time.Location
		wantFrom, until string // RFC 3339; "" for an open end
		wantErr         string // the field at fault
	}{
		{"dates in UTC", "2026-11-10", "2026-11-10", time.UTC, "2026-11-10T00:00:00Z", "2026-11-11T00:00:00Z", ""},
		{"dates in Tokyo", "2026-11-10", "2026-11-11", tokyo, "2026-11-09T15:00:00Z", "2026-11-11T15:00:00Z", ""},
		// New York leaves daylight saving time on 2026-11-01: a 25-hour day.
		{"a day of 25 hours", "2026-11-01", "2026-11-01", ny, "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z", ""},
		{"times with offsets", "2026-11-10T12:00:00+09:00", "2026-11-10T03:00:00Z", ny,
			"2026-11-10T03:00:00Z", "2026-11-10T03:00:00.000001Z", ""},
		{"fractions round inwards", "2026-11-10T00:00:00.0000001Z", "2026-11-10T00:00:00.0000019Z", time.UTC,
			"2026-11-10T00:00:00.000001Z", "2026-11-10T00:00:00.000002Z", ""},
		{"no stored instant between", "2026-11-10T00:00:00.0000001Z", "2026-11-10T00:00:00.0000009Z", time.UTC,
			"2026-11-10T00:00:00.000001Z", "2026-11-10T00:00:00.000001Z", ""},
		{"a time before a date", "2026-11-10", "2026-11-09T23:59:59Z", time.UTC, "", "", "to"},
		{"open ends", "", "", time.UTC, "", "", ""},
		{"only to", "", "2026-11-10", time.UTC, "", "2026-11-11T00:00:00Z", ""},
		{"no such date", "2026-02-30", "", time.UTC, "", "", "from"},
		{"a time without a zone", "", "2026-11-10T10:00:00", time.UTC, "", "", "to"},
		{"to before from", "2026-11-11", "2026-11-10", time.UTC, "", "", "to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			verr := &model.ValidationError{}
			from, before := timeRange(verr, c.from, c.to, c.loc)
			if c.wantErr != "" {
				if len(verr.Errors) != 1 || verr.Errors[0].Field != c.wantErr {
					t.Fatalf("errors %v, want one on %s", verr.Errors, c.wantErr)
				}
				return
			}
			if err := verr.Err(); err != nil {
				t.Fatal(err)
			}
			if got := format(from); got != c.wantFrom {
				t.Errorf("from = %s, want %s", got, c.wantFrom)
			}
			if got := format(before); got != c.until {
				t.Errorf("before = %s, want %s", got, c.until)
			}
		})
	}
}

func format(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}
