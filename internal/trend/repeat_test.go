package trend

import (
	"strings"
	"testing"

	"pulse/internal/day"
)

// Weeks without buyers have no repeat rate: they are left out of the
// series, and too few weeks with buyers skip the test.
func TestRepeatRateLeavesOutWeeksWithoutBuyers(t *testing.T) {
	t.Parallel()
	const last = 20775 // 2026-11-18, a Wednesday
	days := series(200, last, func(int) float64 { return 30 }, func(int) float64 { return 100000 })
	for _, c := range []struct {
		name  string
		every int64 // one week in every has buyers
		found int   // weekly points of the finding; 0 for none
		skip  string
	}{
		{"every week", 1, 26, ""},
		{"every other week", 2, 13, ""},
		{"one week in four", 4, 0, "needs at least 8 complete weeks with orders; there are 6"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var starts []string
			res := analyse(t, days, last, func(start int64) buyerWeek {
				k := (start - lastSunday(last) - 1) / 7 // −26 to −1
				if k%c.every != 0 {
					return buyerWeek{}
				}
				starts = append(starts, day.String(start))
				// The rate rises one point a week, from 10% at k = −26.
				return buyerWeek{buyers: 100, repeaters: 36 + k}
			})
			var got []Finding
			for _, f := range res.Findings {
				if f.Metric == "repeat_rate" {
					got = append(got, f)
				}
			}
			var reason string
			for _, s := range res.Skipped {
				if s.Metric == "repeat_rate" {
					reason = s.Reason
				}
			}
			if c.found == 0 {
				if len(got) != 0 || !strings.Contains(reason, c.skip) {
					t.Fatalf("findings %v, skipped for %q; want skipped for %q", got, reason, c.skip)
				}
				return
			}
			if len(got) != 1 || reason != "" || len(got[0].Evidence) != c.found {
				t.Fatalf("findings %+v, skipped for %q; want one with %d points", got, reason, c.found)
			}
			f := got[0]
			for i, p := range f.Evidence {
				if p.PeriodStart != starts[i] {
					t.Errorf("point %d is the week of %s, want %s", i, p.PeriodStart, starts[i])
				}
			}
			// Sen's slope is per week with buyers, so a rate that rises a
			// point a calendar week rises c.every points a point.
			if f.Direction != "up" || f.Significance.SenSlope != float64(c.every) || f.ChangeAbs != float64(c.every*int64(c.found-1)) {
				t.Errorf("direction %s, Sen slope %v, change %v", f.Direction, f.Significance.SenSlope, f.ChangeAbs)
			}
		})
	}
}
