package api_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// The connection shows real counts and the last event time, and the last
// 100 accepted and rejected events are kept with the reason for each.
func TestConnectionCountsAndRecentEvents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		r := connection(s.h, s.c.key)
		checkFields(t, nil, "before any event", r, map[string]any{"status": "connected", "customers": 0,
			"purchases": 0, "last_event_at": nil})

		s.post("/api/v1/customers", `{"id": "u_1"}`)
		s.h.clock.Advance(time.Minute)
		s.post("/api/v1/purchases", `{"id": "o_1", "customer_id": "u_2", "amount": "3.50"}`)
		s.post("/api/v1/purchases", `{"id": "o_2", "customer_id": "u_2", "amount": "3.505"}`)
		r = connection(s.h, s.c.key)
		checkFields(t, nil, "after events", r, map[string]any{"customers": 2, "purchases": 1,
			"last_event_at": "2026-11-20T10:01:00Z"})

		r = s.get("/api/v1/connection/events")
		checkFields(t, nil, "recent", r, map[string]any{
			"accepted.0.id": "o_1", "accepted.0.status": 201, "accepted.0.kind": "purchase",
			"accepted.0.detail": "new purchase, 3.50 USD", "accepted.1.id": "u_1",
			"rejected.0.id": "o_2", "rejected.0.status": 422,
			"rejected.0.detail": "amount has more than 2 decimal places: USD has 2"})

		// 150 more of each: only the newest 100 stay.
		var events []map[string]any
		for i := range 150 {
			events = append(events, map[string]any{"type": "customer", "id": fmt.Sprintf("c_%03d", i)},
				map[string]any{"type": "customer", "id": fmt.Sprintf("bad_%03d", i), "email": "nope"})
		}
		body, _ := json.Marshal(map[string]any{"events": events[:150]})
		s.post("/api/v1/batch", body)
		body, _ = json.Marshal(map[string]any{"events": events[150:]})
		s.post("/api/v1/batch", body)
		r = s.get("/api/v1/connection/events")
		var got struct{ Accepted, Rejected []struct{ ID string } }
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Accepted) != 100 || len(got.Rejected) != 100 {
			t.Fatalf("kept %d accepted and %d rejected, want 100 each", len(got.Accepted), len(got.Rejected))
		}
		if got.Accepted[0].ID != "c_149" || got.Accepted[99].ID != "c_050" || got.Rejected[0].ID != "bad_149" {
			t.Errorf("newest first: accepted %s..%s, rejected %s", got.Accepted[0].ID, got.Accepted[99].ID, got.Rejected[0].ID)
		}
		var stored int
		mustScan(t, db, `SELECT COUNT(*) FROM recent_events`, &stored)
		if stored != 200 {
			t.Errorf("%d log rows stored, want 200", stored)
		}
	})
}
