package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// segmentShop sends 60 regulars who buy every Monday for a year, up to
// 2026-11-16 (the last complete day is Thursday 2026-11-19), and newcomers
// who bought once, on 2026-10-20: on 2026-10-22, 28 days before the last
// day, they are the most recent buyers; on the last day the least recent.
func segmentShop(t *testing.T, db *store.DB, name string, newcomers int) *shop {
	t.Helper()
	s := trendShop(t, db, name)
	last := trendToday.AddDate(0, 0, -1)
	var events []map[string]any
	purchase := func(id, customer string, at time.Time, amount string) {
		events = append(events, map[string]any{"type": "purchase", "id": id, "customer_id": customer,
			"amount": amount, "purchased_at": at.Add(12 * time.Hour).Format(time.RFC3339), "product": "Tea"})
	}
	for c := range 60 {
		for w := range 52 {
			purchase(fmt.Sprintf("r%d_%d", c, w), fmt.Sprintf("regular_%d", c), last.AddDate(0, 0, -3-7*w), "50.00")
		}
	}
	for c := range newcomers {
		purchase(fmt.Sprintf("n%d", c), fmt.Sprintf("newcomer_%d", c), last.AddDate(0, 0, -30), "20.00")
	}
	sendBatches(t, s, events)
	return s
}

func segmentCount(t *testing.T, s *shop, asOf, segment string) float64 {
	t.Helper()
	r := s.h.anon().send(req{method: "GET", path: "/api/v1/reports/segments?as_of=" + asOf, bearer: s.c.key})
	list, _ := r.field("segments")
	for _, x := range list.([]any) {
		m := x.(map[string]any)
		if m["segment"] == segment {
			return m["customers"].(float64)
		}
	}
	t.Fatalf("segments as of %s: no %s in %s", asOf, segment, r.body)
	return 0
}

func TestTrendsSegmentShift(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// The newcomers were recent buyers 28 days ago and have not come
		// back: the segment they were in empties, and they land together
		// in another.
		s := segmentShop(t, db, "shift", 40)
		r := trendsOf(t, s, "?lang=en", nil)
		shifts := findings(r, "segment_shift", "customers")
		if len(shifts) == 0 {
			t.Fatalf("no segment shift found: %s", r.body)
		}
		var down, up bool
		for _, f := range shifts {
			seg := f["subject"].(string)
			before, after := segmentCount(t, s, "2026-10-22", seg), segmentCount(t, s, "2026-11-19", seg)
			if f["change_abs"].(float64) != after-before {
				t.Errorf("%s: change_abs %v, want %v (segments report: %v then %v)", seg, f["change_abs"], after-before, before, after)
			}
			sig := f["significance"].(map[string]any)
			if sig["joined"].(float64)-sig["left"].(float64) != after-before {
				t.Errorf("%s: joined %v − left %v ≠ change %v", seg, sig["joined"], sig["left"], after-before)
			}
			ev := f["evidence"].([]any)
			if ev[0].(map[string]any)["value"].(float64) != before || ev[1].(map[string]any)["value"].(float64) != after {
				t.Errorf("%s: evidence %v, want %v then %v", seg, ev, before, after)
			}
			if p := f["period"].(map[string]any); p["from"] != "2026-10-22" || p["to"] != "2026-11-19" {
				t.Errorf("%s: period %v", seg, p)
			}
			if before-after >= 40 {
				down = true
			}
			if after-before >= 40 {
				up = true
			}
		}
		if !down || !up {
			t.Errorf("the 40 newcomers' move was not found as one segment emptying and another filling: %v", shifts)
		}
		ru := trendsOf(t, s, "?lang=ru", nil)
		if f := findings(ru, "segment_shift", "customers"); len(f) == 0 || !strings.Contains(f[0]["summary"].(string), "Сегмент «") {
			t.Errorf("Russian summary: %v", f)
		}

		// The same regulars without newcomers keep their segments.
		steady := segmentShop(t, db, "steady", 0)
		if f := findings(trendsOf(t, steady, "", nil), "segment_shift", ""); len(f) != 0 {
			t.Errorf("a steady customer base shows a segment shift: %v", f)
		}
	})
}
