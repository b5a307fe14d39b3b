package api_test

import (
	"fmt"
	"strings"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

func TestCustomerTags(t *testing.T) {
	t.Parallel()
	many := func(n, distinct int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprint("t", i%distinct)
		}
		return out
	}
	// The cases run in order on one customer: each PUT replaces the set.
	cases := []apiCase{
		{name: "trimmed, duplicates removed, sorted", body: obj{"tags": []string{"vip", " gold ", "vip", "Gold", "золото"}},
			wantStatus: 200, want: map[string]any{"id": pct, "tags.0": "Gold", "tags.1": "gold", "tags.2": "vip",
				"tags.3": "золото", "tags.4": nil, "stats.orders": 0}},
		{name: "64 characters", body: obj{"tags": []string{strings.Repeat("я", 64)}}, wantStatus: 200,
			want: map[string]any{"tags.0": strings.Repeat("я", 64), "tags.1": nil}},
		{name: "50 different tags among duplicates", body: obj{"tags": many(70, 50)}, wantStatus: 200,
			want: map[string]any{"tags.49": "~^t", "tags.50": nil}},
		{name: "51 different tags", body: obj{"tags": many(51, 51)}, wantStatus: 422,
			want: map[string]any{"errors.0.field": "tags", "errors.0.message": "~at most 50"}},
		{name: "65 characters", body: obj{"tags": []string{"ok", strings.Repeat("я", 65)}}, wantStatus: 422,
			want: map[string]any{"errors.0.field": "tags[1]", "errors.0.message": "~at most 64", "errors.1": nil}},
		{name: "every bad tag is named", body: obj{"tags": []string{"", "ok", "a\tb", "fine", "x\u0001", "  "}},
			wantStatus: 422, want: map[string]any{"errors.0.field": "tags[0]", "errors.1.field": "tags[2]",
				"errors.2.field": "tags[4]", "errors.3.field": "tags[5]", "errors.4": nil}},
		{name: "missing", body: obj{}, wantStatus: 422, want: map[string]any{"errors.0.field": "tags"}},
		{name: "null", body: `{"tags": null}`, wantStatus: 422, want: map[string]any{"errors.0.field": "tags"}},
		{name: "not an array", body: `{"tags": "vip"}`, wantStatus: 400, want: map[string]any{"errors.0.field": "tags"}},
		{name: "not strings", body: `{"tags": [1]}`, wantStatus: 400},
		{name: "unknown field", body: `{"tags": [], "mode": "add"}`, wantStatus: 422,
			want: map[string]any{"errors.0.field": "mode"}},
		{name: "a refused request changed nothing", method: "GET", wantStatus: 200,
			want: map[string]any{"tags.0": "t0", "tags.50": nil}},
		{name: "replaced", body: obj{"tags": []string{"gold"}}, wantStatus: 200,
			want: map[string]any{"tags.0": "gold", "tags.1": nil}},
		{name: "unknown customer", path: custPath("nobody", "tags"), body: obj{"tags": []string{"x"}}, wantStatus: 404},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.as = "key:A"
				if c.method == "" {
					c.method = "PUT"
				}
				if c.path == "" {
					c.path = custPath(pct, "tags")
					if c.method == "GET" {
						c.path = custPath(pct)
					}
				}
				s.run(t, c)
			})
		}
		lists := map[string][]string{"gold": {pct}, "vip": {anna, ivan}, "t0": {}}
		for tag, want := range lists {
			r := keyReq(s.h, s.a.key, "GET", "/api/v1/customers?tag="+tag, nil)
			sameIDs(t, "tag "+tag, dataIDs(r), want)
		}
		r := keyReq(s.h, s.a.key, "PUT", custPath(pct, "tags"), obj{"tags": []string{}})
		checkFields(t, s.fixture, "cleared", r, map[string]any{"tags": "[]"})
		sameIDs(t, "gold after clearing", dataIDs(keyReq(s.h, s.a.key, "GET", "/api/v1/customers?tag=gold", nil)), []string{})
	})
}
