package api_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"pulse/internal/model"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// dump returns every row query selects, as text, read outside the store.
func dump(t *testing.T, raw *sql.DB, query string) string {
	t.Helper()
	rows, err := raw.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, vals...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// aggregates is everything reports count for an app.
func aggregates(t *testing.T, raw *sql.DB, appID string) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT * FROM daily_sales WHERE app_id = '%s' ORDER BY day`,
		`SELECT * FROM daily_products WHERE app_id = '%s' ORDER BY day, product`,
		`SELECT * FROM app_stats WHERE app_id = '%s'`,
		`SELECT * FROM products WHERE app_id = '%s' ORDER BY product`,
		`SELECT count(*), sum(amount), min(purchased_at), max(purchased_at) FROM purchases WHERE app_id = '%s'`,
		`SELECT count(*), sum(orders), sum(revenue), sum(refunds), sum(refunded), min(created_at) FROM customers WHERE app_id = '%s'`,
	} {
		b.WriteString(dump(t, raw, fmt.Sprintf(q, appID)))
	}
	return b.String()
}

func TestEraseCustomer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		raw := storetest.Inspect(t, db)
		app := s.a.appID
		count := func(query string) string {
			return strings.TrimSpace(dump(t, raw, fmt.Sprintf(query, app)))
		}
		keyReq(s.h, s.a.key, "POST", custPath(anna, "notes"), obj{"text": "prefers email"})
		if n := count(`SELECT count(*) FROM recent_events WHERE app_id = '%s' AND kind = 'customer' AND ref = 'anna'`); n == "0" {
			t.Fatal("no log line of anna's customer event to erase")
		}
		before := aggregates(t, raw, app)

		if r := keyReq(s.h, s.a.key, "DELETE", custPath(anna), nil); r.status != 204 || len(r.body) != 0 {
			t.Fatalf("erase: %d %q", r.status, r.body)
		}
		if after := aggregates(t, raw, app); after != before {
			t.Errorf("aggregates changed:\nbefore:\n%s\nafter:\n%s", before, after)
		}
		for _, c := range []struct{ method, path string }{
			{"GET", custPath(anna)}, {"DELETE", custPath(anna)}, {"GET", custPath(anna, "purchases")},
			{"GET", custPath(anna, "timeline")}, {"GET", custPath(anna, "notes")},
		} {
			if r := keyReq(s.h, s.a.key, c.method, c.path, nil); r.status != 404 {
				t.Errorf("%s %s after erasure: %d, want 404", c.method, c.path, r.status)
			}
		}
		for q, want := range map[string][]string{
			"": {tl, ivan, pct, under, back, guest}, "q=anna": {}, "q=petrova": {}, "q=%2B7999": {}, "tag=vip": {ivan},
		} {
			sameIDs(t, "list "+q, dataIDs(keyReq(s.h, s.a.key, "GET", "/api/v1/customers?"+q, nil)), want)
		}

		// The row stays, under a tombstone id, with its totals and no
		// personal data; nothing else names anna.
		row := dump(t, raw, fmt.Sprintf(`SELECT id, name, email, phone, attributes, search, orders, revenue, refunds,
			refunded, created_at FROM customers WHERE app_id = '%s' AND erased_at IS NOT NULL`, app))
		tomb, rest, _ := strings.Cut(strings.TrimSpace(row), " ")
		if !strings.HasPrefix(tomb, model.ErasedIDPrefix) || len(tomb) < len(model.ErasedIDPrefix)+20 {
			t.Errorf("erased id %q is not a tombstone", tomb)
		}
		created := time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC).UnixMicro()
		if want := fmt.Sprint("<nil> <nil> <nil> <nil>  3 16000 1 2000 ", created); rest != want {
			t.Errorf("erased row = %q, want %q", rest, want)
		}
		for _, q := range []string{
			`SELECT count(*) FROM customers WHERE app_id = '%s' AND (id = 'anna' OR name LIKE '%%Anna%%'
				OR email LIKE '%%anna%%' OR phone LIKE '%%7999%%' OR search LIKE '%%anna%%' OR attributes IS NOT NULL AND erased_at IS NOT NULL)`,
			`SELECT count(*) FROM notes WHERE app_id = '%s' AND customer_id NOT IN ('tl')`,
			`SELECT count(*) FROM customer_tags WHERE app_id = '%s' AND customer_id <> '` + ivan + `'`,
			`SELECT count(*) FROM recent_events WHERE app_id = '%s' AND ref = 'anna'`,
			`SELECT count(*) FROM purchases WHERE app_id = '%s' AND customer_id = 'anna'`,
		} {
			if n := count(q); n != "0" {
				t.Errorf("%s: %s rows, want 0", q, n)
			}
		}
		if n := count(`SELECT count(*) FROM purchases WHERE app_id = '%s' AND customer_id = '` + tomb + `'`); n != "4" {
			t.Errorf("%s purchases moved to the tombstone, want 4", n)
		}

		// Her purchases are still sales, anonymised.
		buys := map[string]map[string]any{}
		for _, p := range walkPages(t, s.h, s.a.key, "/api/v1/purchases", 3, byID) {
			buys[byID(p)] = p
		}
		for _, id := range []string{"o1", "o2", "o3", "o4"} {
			if p, ok := buys[id]; !ok || p["customer_id"] != nil {
				t.Errorf("purchase %s after erasure: %v, want listed with customer_id null", id, p)
			}
		}
		sameIDs(t, "purchases of anna", dataIDs(keyReq(s.h, s.a.key, "GET", "/api/v1/purchases?customer_id=anna", nil)), []string{})

		// The same id later is a new customer, and the old purchases are
		// not hers: a refund of one changes the erased row only.
		r := keyReq(s.h, s.a.key, "POST", "/api/v1/customers", obj{"id": anna, "name": "Anna Again"})
		if r.status != 201 {
			t.Fatalf("the same id again: %d %s, want 201", r.status, r.body)
		}
		loadBatch(t, s.h, s.a.key, refundEv(o2, s.now))
		r = keyReq(s.h, s.a.key, "GET", custPath(anna), nil)
		checkFields(t, s.fixture, "new anna", r, map[string]any{"name": "Anna Again", "email": nil, "tags": "[]",
			"stats.orders": 0, "stats.refunds": 0, "stats.revenue": "0.00", "stats.last_purchase_at": nil})
		sameIDs(t, "new anna's notes", dataIDs(keyReq(s.h, s.a.key, "GET", custPath(anna, "notes"), nil)), []string{})
		r = keyReq(s.h, s.a.key, "GET", custPath(anna, "timeline"), nil)
		checkFields(t, s.fixture, "new anna's timeline", r, map[string]any{"data.0.type": "signup", "data.1": nil})
		if n := count(`SELECT refunds FROM customers WHERE app_id = '%s' AND erased_at IS NOT NULL`); n != "2" {
			t.Errorf("erased row has %s refunds after refunding o2, want 2", n)
		}

		// A customer known only from purchases can be erased too.
		if r := keyReq(s.h, s.a.key, "DELETE", custPath(guest), nil); r.status != 204 {
			t.Errorf("erase guest: %d %s", r.status, r.body)
		}
	})
}
