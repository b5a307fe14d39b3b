package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"pulse/internal/server"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// shop is an account with an app and its full key, for ingestion tests.
type shop struct {
	h *harness
	c *client
}

func newShop(t *testing.T, db *store.DB, opts ...option) *shop {
	t.Helper()
	h := newHarness(t, db, opts...)
	return &shop{h: h, c: h.register("Anna", "anna@example.com")}
}

// post sends an event body with the shop's key.
func (s *shop) post(path string, body any) *response {
	s.h.t.Helper()
	return s.h.anon().send(req{method: "POST", path: path, body: body, bearer: s.c.key})
}

func (s *shop) get(path string) *response {
	s.h.t.Helper()
	return s.h.anon().send(req{method: "GET", path: path, bearer: s.c.key})
}

// ingestCase is one request in a sequence against one shop: the sequences
// matter, because the same id means something else the second time.
type ingestCase struct {
	name       string
	path       string
	body       any
	wantStatus int
	want       map[string]any
	// wantFields are the field paths the problem must name, in order.
	wantFields []string
}

func (s *shop) run(t *testing.T, cases []ingestCase) {
	t.Helper()
	for _, c := range cases {
		r := s.post(c.path, c.body)
		if r.status != c.wantStatus {
			t.Fatalf("%s: status %d, want %d: %s", c.name, r.status, c.wantStatus, r.body)
		}
		if r.status >= 400 {
			checkProblem(t, r)
			var got []string
			for i := 0; ; i++ {
				v, ok := r.field(fmt.Sprintf("errors.%d.field", i))
				if !ok {
					break
				}
				got = append(got, v.(string))
			}
			if c.wantFields != nil && strings.Join(got, ",") != strings.Join(c.wantFields, ",") {
				t.Errorf("%s: problem names %v, want %v: %s", c.name, got, c.wantFields, r.body)
			}
		}
		checkFields(t, nil, c.name, r, c.want)
	}
}

// checkFields checks dotted JSON paths of r: nil means null or absent, and
// with a fixture, strings may hold its {placeholders}.
func checkFields(t *testing.T, f *fixture, name string, r *response, want map[string]any) {
	t.Helper()
	for path, w := range want {
		got, ok := r.field(path)
		if w == nil {
			if ok && got != nil {
				t.Errorf("%s: %s = %v, want null or absent", name, path, got)
			}
			continue
		}
		if s, isStr := w.(string); isStr && f != nil {
			w = f.expand(s)
		}
		if fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s: %s = %v, want %v; body %s", name, path, got, w, r.body)
		}
	}
}

func TestNewCustomer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		s.run(t, []ingestCase{
			{name: "new id", path: "/api/v1/customers", wantStatus: 201,
				body: `{"id": "u_42", "name": "Анна Петрова", "email": " Anna@Example.COM ", "phone": "+7 (999) 000-11-22",
					"created_at": "2026-11-01T12:30:00+03:00", "attributes": {"plan": "pro", "country": "RU", "age": 31, "vip": true}}`,
				want: map[string]any{"id": "u_42", "name": "Анна Петрова", "email": "anna@example.com",
					"phone": "+79990001122", "created_at": "2026-11-01T09:30:00Z", "attributes.plan": "pro",
					"attributes.age": 31, "attributes.vip": true, "profile_received": true, "stats.orders": 0,
					"stats.revenue": "0.00", "stats.currency": "USD"}},
			{name: "known id merges", path: "/api/v1/customers", wantStatus: 200,
				body: `{"id": "u_42", "phone": null, "attributes": {"plan": "team", "age": null, "city": "Казань"}}`,
				want: map[string]any{"name": "Анна Петрова", "email": "anna@example.com", "phone": nil,
					"attributes.plan": "team", "attributes.age": nil, "attributes.country": "RU",
					"attributes.city": "Казань", "created_at": "2026-11-01T09:30:00Z"}},
			{name: "created_at defaults to receipt", path: "/api/v1/customers", wantStatus: 201,
				body: map[string]any{"id": "u_43"}, want: map[string]any{"created_at": "2026-11-20T10:00:00Z", "name": nil}},
			{name: "id missing", path: "/api/v1/customers", body: `{"name": "x"}`, wantStatus: 422, wantFields: []string{"id"}},
			{name: "id empty", path: "/api/v1/customers", body: `{"id": ""}`, wantStatus: 422, wantFields: []string{"id"}},
			{name: "id too long", path: "/api/v1/customers", body: map[string]any{"id": strings.Repeat("я", 129)},
				wantStatus: 422, wantFields: []string{"id"}},
			{name: "id of 128 characters", path: "/api/v1/customers", body: map[string]any{"id": strings.Repeat("я", 128)},
				wantStatus: 201},
			{name: "id with a control character", path: "/api/v1/customers", body: `{"id": "a\u0001b"}`,
				wantStatus: 422, wantFields: []string{"id"}},
			{name: "id with spaces around", path: "/api/v1/customers", body: `{"id": " u1"}`,
				wantStatus: 422, wantFields: []string{"id"}},
			{name: "every bad field at once", path: "/api/v1/customers", wantStatus: 422,
				body:       `{"id": "u_9", "email": "not-an-email", "phone": "8 999 000 11 22", "created_at": "yesterday"}`,
				wantFields: []string{"email", "phone", "created_at"}},
			{name: "created_at in the future", path: "/api/v1/customers", body: `{"id": "u_9", "created_at": "2026-11-22T10:00:00Z"}`,
				wantStatus: 422, wantFields: []string{"created_at"}},
			{name: "attribute value an object", path: "/api/v1/customers", body: `{"id": "u_9", "attributes": {"a": {"b": 1}}}`,
				wantStatus: 422, wantFields: []string{"attributes.a"}},
			{name: "attribute value too long", path: "/api/v1/customers",
				body:       map[string]any{"id": "u_9", "attributes": map[string]any{"a": strings.Repeat("x", 1025)}},
				wantStatus: 422, wantFields: []string{"attributes.a"}},
			{name: "attribute key too long", path: "/api/v1/customers",
				body:       map[string]any{"id": "u_9", "attributes": map[string]any{strings.Repeat("k", 65): 1}},
				wantStatus: 422, wantFields: []string{"attributes." + strings.Repeat("k", 65)}},
			{name: "too many attributes", path: "/api/v1/customers", body: map[string]any{"id": "u_9", "attributes": manyAttrs(51)},
				wantStatus: 422, wantFields: []string{"attributes"}},
			{name: "fifty attributes", path: "/api/v1/customers", body: map[string]any{"id": "u_50", "attributes": manyAttrs(50)},
				wantStatus: 201},
			{name: "unknown field", path: "/api/v1/customers", body: `{"id": "u_9", "nmae": "x"}`,
				wantStatus: 422, wantFields: []string{"nmae"}},
			{name: "unknown empty field name", path: "/api/v1/customers", body: `{"id": "u_9", "": 1}`,
				wantStatus: 422, wantFields: []string{`""`}},
			{name: "wrong type", path: "/api/v1/customers", body: `{"id": 42}`, wantStatus: 400, wantFields: []string{"id"}},
			{name: "name wrong type", path: "/api/v1/customers", body: `{"id": "u_9", "name": ["a"]}`,
				wantStatus: 400, wantFields: []string{"name"}},
			{name: "not JSON", path: "/api/v1/customers", body: `id=u_9`, wantStatus: 400},
			{name: "an array", path: "/api/v1/customers", body: `[{"id": "u_9"}]`, wantStatus: 400},
			{name: "over 64 KiB", path: "/api/v1/customers",
				body: `{"id": "u_9", "name": "` + strings.Repeat("x", 64<<10) + `"}`, wantStatus: 413},
		})
		// Nothing refused was stored.
		if r := connection(s.h, s.c.key); r.str("status") != "connected" || fmt.Sprint(r.json.(map[string]any)["customers"]) != "4" {
			t.Errorf("connection after the sequence: %s", r.body)
		}
	})
}

func manyAttrs(n int) map[string]any {
	m := map[string]any{}
	for i := range n {
		m[fmt.Sprintf("k%02d", i)] = i
	}
	return m
}

func TestPurchase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		item := `{"product_id": "sku-1", "name": "Pro plan", "category": "subscription", "quantity": 2, "price": "24.95"}`
		s.run(t, []ingestCase{
			{name: "new purchase of an unknown customer", path: "/api/v1/purchases", wantStatus: 201,
				body: `{"id": "ord_1", "customer_id": "u_1", "amount": "49.90", "currency": "usd",
					"purchased_at": "2026-11-19T10:00:00Z", "items": [` + item + `], "attributes": {"channel": "ios"}}`,
				want: map[string]any{"id": "ord_1", "customer_id": "u_1", "amount": "49.90", "currency": "USD",
					"status": "paid", "items.0.price": "24.95", "items.0.quantity": 2, "attributes.channel": "ios",
					"refunded_at": nil, "received_at": "2026-11-20T10:00:00Z"}},
			{name: "same content again", path: "/api/v1/purchases", wantStatus: 200,
				body: `{"id": "ord_1", "customer_id": "u_1", "amount": 49.9, "purchased_at": "2026-11-19T13:00:00+03:00",
					"items": [` + item + `], "attributes": {"channel": "ios"}}`,
				want: map[string]any{"status": "paid", "received_at": "2026-11-20T10:00:00Z"}},
			{name: "retry without the optional fields", path: "/api/v1/purchases", wantStatus: 200,
				body: `{"id": "ord_1", "customer_id": "u_1", "amount": "49.900"}`},
			{name: "other amount", path: "/api/v1/purchases", wantStatus: 409, wantFields: []string{"amount"},
				body: `{"id": "ord_1", "customer_id": "u_1", "amount": "49.91"}`},
			{name: "other customer, time and items", path: "/api/v1/purchases", wantStatus: 409,
				wantFields: []string{"customer_id", "purchased_at", "items"},
				body:       `{"id": "ord_1", "customer_id": "u_2", "amount": "49.90", "purchased_at": "2026-11-19T10:00:01Z", "product": "x"}`},
			{name: "paid to refunded", path: "/api/v1/purchases", wantStatus: 200,
				body: `{"id": "ord_1", "customer_id": "u_1", "amount": "49.90", "status": "refunded"}`,
				want: map[string]any{"status": "refunded", "refunded_at": "2026-11-20T10:00:00Z"}},
			{name: "refunded again", path: "/api/v1/purchases", wantStatus: 200,
				body: `{"id": "ord_1", "customer_id": "u_1", "amount": "49.90", "status": "refunded"}`,
				want: map[string]any{"status": "refunded"}},
			{name: "refunded back to paid", path: "/api/v1/purchases", wantStatus: 409, wantFields: []string{"status"},
				body: `{"id": "ord_1", "customer_id": "u_1", "amount": "49.90", "status": "paid"}`},
			{name: "product shorthand", path: "/api/v1/purchases", wantStatus: 201,
				body: `{"id": "ord_2", "customer_id": "u_1", "amount": 10, "product": "Sticker", "purchased_at": "2026-11-18T10:00:00Z"}`,
				want: map[string]any{"amount": "10.00", "items.0.name": "Sticker", "items.0.quantity": 1,
					"items.0.price": "10.00", "items.0.product_id": nil}},
			{name: "sent refunded the first time", path: "/api/v1/purchases", wantStatus: 201,
				body: `{"id": "ord_3", "customer_id": "u_1", "amount": "5", "status": "refunded",
					"purchased_at": "2026-11-10T10:00:00Z", "refunded_at": "2026-11-12T10:00:00Z"}`,
				want: map[string]any{"status": "refunded", "refunded_at": "2026-11-12T10:00:00Z"}},
			{name: "more decimals than USD has", path: "/api/v1/purchases", wantStatus: 422, wantFields: []string{"amount"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "1.001"}`},
			{name: "negative amount", path: "/api/v1/purchases", wantStatus: 422, wantFields: []string{"amount"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "-1"}`},
			{name: "amount not a number", path: "/api/v1/purchases", wantStatus: 422, wantFields: []string{"amount"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "12,50"}`},
			{name: "amount of the wrong type", path: "/api/v1/purchases", wantStatus: 400, wantFields: []string{"amount"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": {"value": 1}}`},
			{name: "items do not add up", path: "/api/v1/purchases", wantStatus: 422, wantFields: []string{"items"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "50", "items": [` + item + `]}`},
			{name: "item without price or product", path: "/api/v1/purchases", wantStatus: 422,
				wantFields: []string{"items[1]", "items[1].price"},
				body:       `{"id": "ord_9", "customer_id": "u_1", "amount": "49.90", "items": [` + item + `, {"quantity": 1}]}`},
			{name: "item quantity zero", path: "/api/v1/purchases", wantStatus: 422, wantFields: []string{"items[0].quantity"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "0", "items": [{"name": "x", "quantity": 0, "price": "1"}]}`},
			{name: "item quantity a fraction", path: "/api/v1/purchases", wantStatus: 400, wantFields: []string{"items[0].quantity"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "1", "items": [{"name": "x", "quantity": 1.5, "price": "1"}]}`},
			{name: "item quantity written 2.0", path: "/api/v1/purchases", wantStatus: 400, wantFields: []string{"items[1].quantity"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "3", "items": [{"name": "x", "quantity": 1, "price": "1"},
					{"name": "y", "quantity": 2.0, "price": "1"}]}`},
			{name: "unknown item field", path: "/api/v1/purchases", wantStatus: 422, wantFields: []string{"items[0].sku"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "1", "items": [{"name": "x", "sku": "1", "price": "1"}]}`},
			{name: "product and items", path: "/api/v1/purchases", wantStatus: 422, wantFields: []string{"product"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "49.90", "product": "x", "items": [` + item + `]}`},
			{name: "another currency", path: "/api/v1/purchases", wantStatus: 422, wantFields: []string{"currency"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "1", "currency": "EUR"}`},
			{name: "not a currency", path: "/api/v1/purchases", wantStatus: 422, wantFields: []string{"currency"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "1", "currency": "XYZ"}`},
			{name: "bad status", path: "/api/v1/purchases", wantStatus: 422, wantFields: []string{"status"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "1", "status": "pending"}`},
			{name: "refunded_at on a paid purchase", path: "/api/v1/purchases", wantStatus: 422, wantFields: []string{"refunded_at"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "1", "refunded_at": "2026-11-12T10:00:00Z"}`},
			{name: "refund before the purchase", path: "/api/v1/purchases", wantStatus: 422, wantFields: []string{"refunded_at"},
				body: `{"id": "ord_9", "customer_id": "u_1", "amount": "1", "status": "refunded",
					"purchased_at": "2026-11-12T10:00:00Z", "refunded_at": "2026-11-11T10:00:00Z"}`},
			{name: "required fields", path: "/api/v1/purchases", wantStatus: 422, wantFields: []string{"id", "customer_id", "amount"},
				body: `{}`},
		})
		// The customer was created by its first purchase, and the refunds
		// are not orders.
		r := s.post("/api/v1/customers", `{"id": "u_1", "name": "Late"}`)
		if r.status != 201 {
			t.Fatalf("profile of a customer first seen in a purchase: %d %s, want 201", r.status, r.body)
		}
		checkFields(t, nil, "customer", r, map[string]any{"profile_received": true, "created_at": "2026-11-10T10:00:00Z",
			"stats.orders": 1, "stats.revenue": "10.00", "stats.refunds": 2, "stats.refunded": "54.90",
			"stats.average_order_value": "10.00", "stats.first_purchase_at": "2026-11-18T10:00:00Z",
			"stats.last_purchase_at": "2026-11-18T10:00:00Z"})
		var purchases, customers int
		mustScan(t, db, `SELECT COUNT(*) FROM purchases`, &purchases)
		mustScan(t, db, `SELECT COUNT(*) FROM customers`, &customers)
		if purchases != 3 || customers != 1 {
			t.Errorf("stored %d purchases and %d customers, want 3 and 1", purchases, customers)
		}
	})
}

func TestPurchaseMoneyPerCurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		a := h.register("Anna", "anna@example.com")
		for _, c := range []struct {
			currency, amount string
			wantStatus       int
			want, stored     string
		}{
			{"JPY", `"1500"`, 201, "1500", "1500"},
			{"JPY", `1500.0`, 201, "1500", "1500"},
			{"JPY", `"1500.5"`, 422, "", ""},
			{"KWD", `"12.345"`, 201, "12.345", "12345"},
			{"KWD", `12.3456`, 422, "", ""},
			{"USD", `"0.1"`, 201, "0.10", "10"},
			{"USD", `1e3`, 201, "1000.00", "100000"},
			{"USD", `"9999999999999.99"`, 201, "9999999999999.99", "999999999999999"},
			{"USD", `"10000000000000.01"`, 422, "", ""},
		} {
			r := a.do("POST", "/api/v1/apps", map[string]any{"name": "Shop " + c.currency, "currency": c.currency})
			appID := r.str("id")
			key := a.do("POST", "/api/v1/apps/"+appID+"/keys", map[string]any{"name": "k", "scope": "full"}).str("key")
			body := fmt.Sprintf(`{"id": "o", "customer_id": "u", "amount": %s}`, c.amount)
			r = h.anon().send(req{method: "POST", path: "/api/v1/purchases", body: body, bearer: key})
			if r.status != c.wantStatus {
				t.Errorf("%s %s: status %d, want %d: %s", c.currency, c.amount, r.status, c.wantStatus, r.body)
				continue
			}
			if c.wantStatus != 201 {
				continue
			}
			if got := r.str("amount"); got != c.want {
				t.Errorf("%s %s: amount %q, want %q", c.currency, c.amount, got, c.want)
			}
			var minor string
			mustScan(t, db, `SELECT CAST(amount AS TEXT) FROM purchases WHERE app_id = '`+appID+`'`, &minor)
			if minor != c.stored {
				t.Errorf("%s %s: stored %s minor units, want %s", c.currency, c.amount, minor, c.stored)
			}
		}
	})
}

func TestIngestRateLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db, func(c *server.Config) { c.KeyRate, c.KeyBurst = 1, 3 })
		var codes []int
		for i := range 5 {
			r := s.post("/api/v1/customers", map[string]any{"id": fmt.Sprintf("u%d", i)})
			codes = append(codes, r.status)
			if r.status == http.StatusTooManyRequests && r.header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}
		if fmt.Sprint(codes) != "[201 201 201 429 429]" {
			t.Errorf("statuses %v, want three accepted then 429", codes)
		}
		s.h.clock.Advance(time.Second)
		if r := s.post("/api/v1/customers", map[string]any{"id": "u9"}); r.status != 201 {
			t.Errorf("after waiting: %d", r.status)
		}
	})
}

func TestIngestNeedsAKey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, c := range []apiCase{
			{name: "no key", method: "POST", path: "/api/v1/purchases", body: `{}`, wantStatus: 401},
			{name: "revoked key", method: "POST", path: "/api/v1/customers", body: `{"id": "x"}`, as: "key:revoked", wantStatus: 401},
			{name: "session instead of key", method: "POST", path: "/api/v1/batch", body: `{"events": []}`, as: "A", wantStatus: 401},
			{name: "ingest key may send", method: "POST", path: "/api/v1/customers", body: `{"id": "x"}`, as: "key:ingest", wantStatus: 201},
			{name: "ingest key may batch", method: "POST", path: "/api/v1/batch",
				body: `{"events": [{"type": "customer", "id": "y"}]}`, as: "key:ingest", wantStatus: 200,
				want: map[string]any{"accepted": 1, "results.0.status": 201}},
			{name: "GET is not allowed", method: "GET", path: "/api/v1/batch", as: "key:A", wantStatus: 405},
		} {
			t.Run(c.name, func(t *testing.T) { f.run(t, c) })
		}
	})
}
