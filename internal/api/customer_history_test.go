package api_test

import (
	"fmt"
	"slices"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// entryKey names a timeline entry by its type and what it is about.
func entryKey(m map[string]any) string {
	switch {
	case m["purchase"] != nil:
		return fmt.Sprint(m["type"], ":", m["purchase"].(map[string]any)["id"])
	case m["note"] != nil:
		return fmt.Sprint(m["type"], ":", m["note"].(map[string]any)["id"])
	}
	return fmt.Sprint(m["type"])
}

func TestCustomerTimeline(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		notes := walkPages(t, s.h, s.a.key, custPath(tl, "notes"), 10, byID)
		if len(notes) != 2 {
			t.Fatalf("tl has %d notes, want 2", len(notes))
		}
		// Both notes were written at the same instant: the timeline
		// orders them by id.
		noteIDs := slices.Sorted(slices.Values(rowIDs(notes)))
		want := []string{"signup", "purchase:t1", "purchase:t2", "purchase:t3", "refund:t2", "purchase:t4",
			"note:" + noteIDs[0], "note:" + noteIDs[1]}
		wantAt := []string{"2026-11-01T09:30:00Z", "2026-11-01T09:30:00Z", "2026-11-10T08:00:00Z",
			"2026-11-15T18:00:00Z", "2026-11-15T18:00:00Z", s.now, s.now, s.now}
		for _, limit := range []int{1, 2, 3, 500} {
			rows := walkPages(t, s.h, s.a.key, custPath(tl, "timeline"), limit, entryKey)
			got := make([]string, len(rows))
			for i, r := range rows {
				got[i] = entryKey(r)
				if r["at"] != wantAt[min(i, len(wantAt)-1)] {
					t.Errorf("limit %d: entry %d (%s) at %v, want %s", limit, i, got[i], r["at"], wantAt[i])
				}
			}
			sameIDs(t, fmt.Sprintf("timeline, %d per page", limit), got, want)
		}
		r := keyReq(s.h, s.a.key, "GET", custPath(tl, "timeline"), nil)
		checkFields(t, s.fixture, "timeline", r, map[string]any{
			"data.0.purchase": nil, "data.0.note": nil,
			"data.2.purchase.status": "refunded", "data.2.purchase.amount": "7.00", "data.2.note": nil,
			"data.4.type": "refund", "data.4.purchase.refunded_at": "2026-11-15T18:00:00Z",
			"data.4.purchase.customer_id": tl, "data.6.purchase": nil,
			"data.6.note.kind": "note", "data.6.note.author": "key:{keyIdA}", "data.6.note.customer_id": tl,
		})
		// A customer known only from a purchase has no signup.
		r = keyReq(s.h, s.a.key, "GET", custPath(guest, "timeline"), nil)
		checkFields(t, s.fixture, "guest timeline", r, map[string]any{
			"data.0.type": "purchase", "data.0.at": "2026-11-06T10:00:00Z", "data.1": nil, "next_cursor": nil})
	})
}

func TestCustomerPurchases(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		for _, limit := range []int{1, 3, 50} {
			rows := walkPages(t, s.h, s.a.key, custPath(anna, "purchases"), limit, byID)
			sameIDs(t, fmt.Sprintf("anna's purchases, %d per page", limit), rowIDs(rows), []string{"o3", "o4", "o2", "o1"})
		}
		r := keyReq(s.h, s.a.key, "GET", custPath(anna, "purchases"), nil)
		checkFields(t, s.fixture, "anna's purchases", r, map[string]any{
			"data.0.status": "refunded", "data.0.refunded_at": "2026-11-19T09:00:00Z", "data.0.amount": "20.00",
			"data.0.currency": "USD", "data.0.customer_id": anna, "data.0.items.0.name": "Addon",
			"data.3.status": "paid", "data.3.refunded_at": nil, "data.3.purchased_at": "2026-11-02T10:00:00Z",
		})
		rows := walkPages(t, s.h, s.a.key, custPath(ivan, "purchases"), 1, byID)
		sameIDs(t, "Cyrillic customer's purchases", rowIDs(rows), []string{"i1"})
	})
}
