package api_test

import (
	"net/url"
	"strings"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

func TestCustomerListFilters(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, query string
		want        []string
	}{
		{"everyone, oldest first", "", allA},
		{"q matches a name in any case", "q=ANNA", []string{anna}},
		{"q matches Cyrillic in any case", "q=" + url.QueryEscape("иВАН"), []string{ivan}},
		{"q matches a Cyrillic id with a slash", "q=" + url.QueryEscape("КЛИЕНТ/7"), []string{ivan}},
		{"q matches an email", "q=example.org", []string{ivan}},
		{"q matches a phone", "q=" + url.QueryEscape("+7999"), []string{anna}},
		{"q is trimmed", "q=" + url.QueryEscape("  petrova "), []string{anna}},
		{"q percent is literal", "q=%25", []string{pct}},
		{"q percent does not match anything", "q=" + url.QueryEscape("0%s"), []string{}},
		{"q underscore is literal", "q=_", []string{under}},
		{"q underscore does not match one character", "q=1_0", []string{}},
		{"q backslash is literal", "q=" + url.QueryEscape(`\`), []string{back}},
		{"q matches nobody", "q=nobody", []string{}},
		{"tag", "tag=vip", []string{anna, ivan}},
		{"tag is exact", "tag=VIP", []string{}},
		{"tag is trimmed", "tag=%20newsletter%20", []string{anna}},
		{"tag and q", "tag=vip&q=" + url.QueryEscape("сидоров"), []string{ivan}},
		{"q and sort, ties by id descending", "q=a&sort=-revenue", []string{anna, ivan, under, back}},
		{"empty parameters are absent", "q=&tag=&sort=&segment=&limit=&cursor=", allA},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := keyReq(s.h, s.a.key, "GET", "/api/v1/customers?"+c.query, nil)
				if r.status != 200 {
					t.Fatalf("%d %s", r.status, r.body)
				}
				sameIDs(t, c.query, dataIDs(r), c.want)
			})
		}
	})
}

func TestCustomerDetail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		cases := []apiCase{
			{name: "stats with a refund of the latest purchase", path: custPath(anna), want: map[string]any{
				"id": anna, "name": "Anna Petrova", "email": "anna@example.com", "phone": "+79990001122",
				"attributes.plan": "pro", "tags.0": "newsletter", "tags.1": "vip", "tags.2": nil,
				"profile_received": true, "created_at": "2026-11-01T09:30:00Z",
				"stats.orders": 3, "stats.revenue": "160.00", "stats.average_order_value": "53.33",
				"stats.refunds": 1, "stats.refunded": "20.00", "stats.currency": "USD",
				"stats.first_purchase_at": "2026-11-02T10:00:00Z", "stats.last_purchase_at": "2026-11-15T18:00:00Z",
			}},
			{name: "Cyrillic id with a slash", path: custPath(ivan), want: map[string]any{
				"id": ivan, "name": "Иван Сидоров", "stats.orders": 1, "stats.revenue": "15.00",
				"stats.average_order_value": "15.00", "stats.refunds": 0, "tags.0": "vip"}},
			{name: "slash sent raw is another path", path: "/api/v1/customers/клиент/7", wantStatus: 404},
			{name: "known only from a purchase", path: custPath(guest), want: map[string]any{
				"id": guest, "name": nil, "email": nil, "profile_received": false, "tags.0": nil,
				"created_at": "2026-11-06T10:00:00Z", "stats.orders": 1, "stats.revenue": "5.00"}},
			{name: "unknown id", path: custPath("nobody"), wantStatus: 404},
			{name: "id of another app's customer", path: custPath("boris"), wantStatus: 404},
			{name: "B cannot read A's customer", path: custPath(anna), as: "key:B", wantStatus: 404},
			{name: "B reads its own", path: custPath("boris"), as: "key:B", want: map[string]any{"name": "Boris"}},
			{name: "invalid UTF-8 id", path: "/api/v1/customers/%FF", wantStatus: 404},
			{name: "NUL in id", path: "/api/v1/customers/a%00b", wantStatus: 404},
			{name: "id longer than any id", path: custPath(strings.Repeat("я", 129)), wantStatus: 404},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.method = "GET"
				if c.as == "" {
					c.as = "key:A"
				}
				if c.wantStatus == 0 {
					c.wantStatus = 200
				}
				s.run(t, c)
			})
		}
	})
}

// TestCustomerIDsInPaths checks that ids with characters that are special
// in a URL reach every per-customer endpoint once percent-encoded.
func TestCustomerIDsInPaths(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		odd := []string{"a/b", "a//b/", "日本 語?x=1#frag", "..", "%2F", "a+b"}
		for _, id := range odd {
			loadBatch(t, s.h, s.a.key, customerEv(id, obj{"name": "Odd"}), purchaseEv("buy "+id, id, "1.00", s.now, nil))
		}
		for _, id := range odd {
			path := custPath(id)
			if id == ".." {
				path = "/api/v1/customers/%2E%2E" // a bare ".." is resolved away by any URL library
			}
			for _, sub := range []string{"", "/purchases", "/timeline", "/notes"} {
				r := keyReq(s.h, s.a.key, "GET", path+sub, nil)
				if r.status != 200 {
					t.Fatalf("GET %s: %d %s", path+sub, r.status, r.body)
				}
			}
			if r := keyReq(s.h, s.a.key, "GET", path, nil); r.str("id") != id {
				t.Errorf("GET %s: id %q, want %q", path, r.str("id"), id)
			}
			if r := keyReq(s.h, s.a.key, "GET", path+"/purchases", nil); r.str("data.0.customer_id") != id {
				t.Errorf("purchases of %q: %s", id, r.body)
			}
			if r := keyReq(s.h, s.a.key, "PUT", path+"/tags", obj{"tags": []string{"odd"}}); r.status != 200 {
				t.Errorf("tags of %q: %d %s", id, r.status, r.body)
			}
			if r := keyReq(s.h, s.a.key, "DELETE", path, nil); r.status != 204 {
				t.Errorf("erase %q: %d %s", id, r.status, r.body)
			}
		}
		if r := keyReq(s.h, s.a.key, "GET", "/api/v1/customers?tag=odd", nil); len(dataIDs(r)) != 0 {
			t.Errorf("erased customers still listed: %s", r.body)
		}
	})
}
