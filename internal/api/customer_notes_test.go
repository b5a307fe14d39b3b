package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

func TestCustomerNotes(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ж", 10000)
	cases := []apiCase{
		{name: "a note, trimmed, kind defaults to note", path: custPath(anna, "notes"),
			body: obj{"text": "  Called about the renewal \n"}, wantStatus: 201, want: map[string]any{
				"id": `~^note_[0-9A-Za-z]{20}$`, "customer_id": anna, "kind": "note", "text": "Called about the renewal",
				"author": "key:{keyIdA}", "created_at": "2026-11-20T10:00:05Z"}},
		{name: "a call", path: custPath(anna, "notes"), body: obj{"kind": "call", "text": "x"}, wantStatus: 201,
			want: map[string]any{"kind": "call"}},
		{name: "an email", path: custPath(anna, "notes"), body: obj{"kind": "email", "text": "x"}, wantStatus: 201,
			want: map[string]any{"kind": "email"}},
		{name: "a meeting for a Cyrillic id with a slash", path: custPath(ivan, "notes"),
			body: obj{"kind": "meeting", "text": "встреча\n\tв офисе"}, wantStatus: 201,
			want: map[string]any{"kind": "meeting", "customer_id": ivan, "text": "встреча\n\tв офисе"}},
		{name: "10000 characters", path: custPath(anna, "notes"), body: obj{"text": long}, wantStatus: 201},
		{name: "10001 characters", path: custPath(anna, "notes"), body: obj{"text": long + "ж"}, wantStatus: 422,
			want: map[string]any{"errors.0.field": "text", "errors.0.message": "~at most 10000"}},
		{name: "blank text", path: custPath(anna, "notes"), body: obj{"text": " \n "}, wantStatus: 422,
			want: map[string]any{"errors.0.field": "text"}},
		{name: "no text", path: custPath(anna, "notes"), body: obj{"kind": "call"}, wantStatus: 422,
			want: map[string]any{"errors.0.field": "text", "errors.0.message": "is required"}},
		{name: "a control character", path: custPath(anna, "notes"), body: obj{"text": "bell\a"}, wantStatus: 422,
			want: map[string]any{"errors.0.field": "text"}},
		{name: "unknown kind and no text", path: custPath(anna, "notes"), body: obj{"kind": "sms"}, wantStatus: 422,
			want: map[string]any{"errors.0.field": "kind", "errors.1.field": "text"}},
		{name: "unknown field", path: custPath(anna, "notes"), body: `{"txt": "x"}`, wantStatus: 422,
			want: map[string]any{"errors.0.field": "txt"}},
		{name: "text not a string", path: custPath(anna, "notes"), body: `{"text": 5}`, wantStatus: 400,
			want: map[string]any{"errors.0.field": "text"}},
		{name: "not JSON", path: custPath(anna, "notes"), body: `text=x`, wantStatus: 400},
		{name: "unknown customer", path: custPath("nobody", "notes"), body: obj{"text": "x"}, wantStatus: 404},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.method, c.as = "POST", "key:A"
				s.run(t, c)
			})
		}
		notes := walkPages(t, s.h, s.a.key, custPath(anna, "notes"), 2, byID)
		if len(notes) != 4 {
			t.Fatalf("anna has %d notes, want the 4 accepted", len(notes))
		}

		// Newest first; two notes of the same instant by id, descending.
		var want []string
		for i, step := range []time.Duration{time.Second, time.Second, time.Second, 0} {
			s.h.clock.Advance(step)
			r := keyReq(s.h, s.a.key, "POST", custPath(under, "notes"), obj{"text": fmt.Sprint("note ", i)})
			want = append([]string{r.str("id")}, want...)
		}
		if want[0] < want[1] {
			want[0], want[1] = want[1], want[0]
		}
		for _, limit := range []int{1, 2, 3, 500} {
			rows := walkPages(t, s.h, s.a.key, custPath(under, "notes"), limit, byID)
			sameIDs(t, fmt.Sprintf("notes, %d per page", limit), rowIDs(rows), want)
		}
	})
}
