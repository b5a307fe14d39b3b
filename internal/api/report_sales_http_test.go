package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// Bad parameters are 422 naming the parameter; ingest keys are refused;
// each app sees only its own sales.
func TestSalesReportRequests(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMoscowShop(t, db)
		bad := []struct{ path, field string }{
			{"/api/v1/reports/sales?interval=hour", "interval"},
			{"/api/v1/reports/sales?compare=last_year", "compare"},
			{"/api/v1/reports/sales?from=2026-13-01", "from"},
			{"/api/v1/reports/sales?from=2026-11-10&to=2026-11-01", "to"},
			{"/api/v1/reports/sales?group_by=country", "group_by"},
			{"/api/v1/reports/sales?group_by=order.country", "group_by"},
			{"/api/v1/reports/sales?group_by=customer.", "group_by"},
			{"/api/v1/reports/products?group_by=purchase." + strings.Repeat("x", 65), "group_by"},
			{"/api/v1/reports/products?to=tomorrow", "to"},
			{"/api/v1/reports/customers?limit=0", "limit"},
			{"/api/v1/reports/customers?limit=501", "limit"},
			{"/api/v1/reports/customers?limit=ten", "limit"},
		}
		for _, c := range bad {
			r := keyReq(f.h, f.a.key, "GET", c.path, nil)
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d %s", c.path, r.status, r.body)
				continue
			}
			checkProblem(t, r)
			if got, _ := r.field("errors.0.field"); got != c.field {
				t.Errorf("%s: field %v, want %s", c.path, got, c.field)
			}
		}
		for _, p := range []string{"sales", "products", "customers"} {
			if r := keyReq(f.h, f.ingestKey, "GET", "/api/v1/reports/"+p, nil); r.status != http.StatusForbidden {
				t.Errorf("%s with an ingest key: %d", p, r.status)
			}
			if r := keyReq(f.h, f.revoked, "GET", "/api/v1/reports/"+p, nil); r.status != http.StatusUnauthorized {
				t.Errorf("%s with a revoked key: %d", p, r.status)
			}
		}
		r := keyReq(f.h, f.b.key, "GET", "/api/v1/reports/sales?from=2026-10-01&to=2026-11-15", nil)
		sameTotals(t, "app B", r.json.(map[string]any)["totals"], totals("999.00", "0.00", "999.00", 1, 0, "999.00", 1, 1, 0, 0.0))
		r = keyReq(f.h, f.b.key, "GET", "/api/v1/reports/customers?from=2026-10-01&to=2026-11-15", nil)
		if cs, _ := r.field("customers"); len(cs.([]any)) != 1 || r.str("customers.0.revenue") != "999.00" {
			t.Errorf("app B customers: %s", r.body)
		}
		r = keyReq(f.h, f.b.key, "GET", "/api/v1/reports/products?from=2026-10-01&to=2026-11-15", nil)
		if ps, _ := r.field("products"); len(ps.([]any)) != 1 || r.str("products.0.revenue") != "999.00" {
			t.Errorf("app B products: %s", r.body)
		}
	})
}

// Each report's CSV holds the same rows as its JSON.
func TestSalesReportCSV(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMoscowShop(t, db)
		s := &shop{h: f.h, c: f.a}
		const q = "from=2026-10-20&to=2026-11-15"
		cases := []struct {
			path, list string
			fields     []string
			header     map[string]string
		}{
			{"/api/v1/reports/sales?interval=week&format=csv&" + q, "series", []string{"period_start", "period_end", "revenue",
				"refunds", "net_revenue", "orders", "refunds_count", "average_order_value", "customers", "new_customers",
				"returning_customers", "repeat_purchase_rate"}, nil},
			{"/api/v1/reports/sales?group_by=customer.country&" + q, "groups", []string{"value", "revenue",
				"refunds", "net_revenue", "orders", "refunds_count", "average_order_value", "customers", "new_customers",
				"returning_customers", "repeat_purchase_rate"}, map[string]string{"Accept": "text/csv"}},
			{"/api/v1/reports/products?format=csv&" + q, "products", []string{"product", "name", "category", "revenue",
				"refunds", "units", "orders", "customers", "share_of_revenue", "previous_revenue", "change.abs", "change.pct"}, nil},
			{"/api/v1/reports/customers?" + q, "customers", []string{"id", "name", "email", "erased", "orders", "revenue",
				"last_purchase_at"}, map[string]string{"Accept": "text/csv, application/json"}},
		}
		for _, c := range cases {
			rows := csvRows(t, s, c.path, c.header)
			jsonPath := strings.NewReplacer("format=csv&", "").Replace(c.path)
			r := getOK(t, s, jsonPath)
			list, _ := r.field(c.list)
			items := list.([]any)
			if len(rows) != len(items)+1 {
				t.Fatalf("%s: %d CSV rows for %d JSON items", c.path, len(rows)-1, len(items))
			}
			for i := range items {
				for j, field := range c.fields {
					v, _ := (&response{t: t, json: items[i]}).field(field)
					want := ""
					switch x := v.(type) {
					case nil:
					case string:
						want = x
					case bool:
						want = map[bool]string{true: "true", false: "false"}[x]
					case float64:
						want = fmtFloat(x)
					}
					if rows[i+1][j] != want {
						t.Errorf("%s row %d %s = %q, JSON %v", c.path, i, field, rows[i+1][j], v)
					}
				}
			}
		}
	})
}

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
