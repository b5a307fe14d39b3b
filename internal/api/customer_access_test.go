package api_test

import (
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"pulse/internal/api"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// readRoutes is every route of the customer base that needs a full key,
// with a request each for app A's customer anna.
var readRoutes = []struct {
	method, pattern, path string
	body                  any
	perCustomer           bool
}{
	{"GET", "/api/v1/customers", "/api/v1/customers", nil, false},
	{"GET", "/api/v1/purchases", "/api/v1/purchases", nil, false},
	{"GET", "/api/v1/customers/{id}", custPath(anna), nil, true},
	{"GET", "/api/v1/customers/{id}/purchases", custPath(anna, "purchases"), nil, true},
	{"GET", "/api/v1/customers/{id}/timeline", custPath(anna, "timeline"), nil, true},
	{"GET", "/api/v1/customers/{id}/notes", custPath(anna, "notes"), nil, true},
	{"POST", "/api/v1/customers/{id}/notes", custPath(anna, "notes"), obj{"text": "x"}, true},
	{"PUT", "/api/v1/customers/{id}/tags", custPath(anna, "tags"), obj{"tags": []string{"x"}}, true},
	{"DELETE", "/api/v1/customers/{id}", custPath(anna), nil, true},
}

// TestReadRoutesAreAllChecked keeps readRoutes complete: a new route under
// /customers or /purchases, other than the ingestion endpoints, must be
// added there.
func TestReadRoutesAreAllChecked(t *testing.T) {
	a := api.New(api.Config{KeyRate: 1, KeyBurst: 1}, slog.New(slog.DiscardHandler), nil, nil, nil, nil, nil)
	listed := map[string]bool{}
	for _, r := range readRoutes {
		listed[r.method+" "+r.pattern] = true
	}
	for _, r := range a.Routes() {
		k := r.Method + " " + r.Path
		crm := strings.HasPrefix(r.Path, "/api/v1/customers") || strings.HasPrefix(r.Path, "/api/v1/purchases")
		ingest := r.Method == "POST" && (r.Path == "/api/v1/customers" || r.Path == "/api/v1/purchases")
		if crm && !ingest && !listed[k] {
			t.Errorf("route %s is missing from readRoutes", k)
		}
		delete(listed, k)
	}
	for k := range listed {
		t.Errorf("readRoutes lists %s, which is not routed", k)
	}
}

func TestReadRoutesAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		for _, rt := range readRoutes {
			t.Run(rt.method+" "+rt.pattern, func(t *testing.T) {
				for as, want := range map[string]int{"key:ingest": 403, "": 401, "key:revoked": 401} {
					r := s.run(t, apiCase{method: rt.method, path: rt.path, body: rt.body, as: as, wantStatus: want})
					if want == 403 && r.str("type") != "urn:pulse:problem:scope" {
						t.Errorf("ingest key: %s", r.body)
					}
				}
				if rt.perCustomer {
					s.run(t, apiCase{method: rt.method, path: rt.path, body: rt.body, as: "key:B", wantStatus: 404})
					return
				}
				r := s.run(t, apiCase{method: rt.method, path: rt.path, as: "key:B", wantStatus: 200})
				want := map[string][]string{"/api/v1/customers": {"boris"}, "/api/v1/purchases": {"b1"}}[rt.path]
				sameIDs(t, "B's list", dataIDs(r), want)
			})
		}
		// Nothing B or the ingest key tried changed anna.
		r := keyReq(s.h, s.a.key, "GET", custPath(anna), nil)
		checkFields(t, s.fixture, "anna", r, map[string]any{"name": "Anna Petrova", "tags.0": "newsletter",
			"tags.1": "vip", "tags.2": nil})
		sameIDs(t, "anna's notes", dataIDs(keyReq(s.h, s.a.key, "GET", custPath(anna, "notes"), nil)), []string{})
		// A's own key may do each of them; the erasure goes last.
		for _, rt := range readRoutes {
			if r := keyReq(s.h, s.a.key, rt.method, rt.path, rt.body); r.status >= 300 {
				t.Errorf("A: %s %s: %d %s", rt.method, rt.path, r.status, r.body)
			}
		}
	})
}

// forge makes a cursor as the page package encodes one.
func forge(sort, key, id string) string {
	b, _ := json.Marshal(map[string]string{"s": sort, "k": key, "i": id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestReadRoutesRefuseBadParameters(t *testing.T) {
	t.Parallel()
	cases := []struct{ path, field, message string }{
		{"/api/v1/customers?sort=name", "sort", "must be one of created_at, -created_at, -revenue, -last_purchase_at"},
		{"/api/v1/customers?sort=revenue", "sort", ""},
		{"/api/v1/customers?segment=Champions", "segment", "must be one of champions, loyal, potential_loyalists, new, promising, need_attention, about_to_sleep, at_risk, cannot_lose_them, hibernating"},
		{"/api/v1/customers?limit=0", "limit", ""},
		{"/api/v1/customers?limit=501", "limit", ""},
		{"/api/v1/customers?limit=ten", "limit", ""},
		{"/api/v1/customers?cursor=%21%21", "cursor", ""},
		{"/api/v1/customers?cursor=" + forge("customers:-revenue", "0", "x"), "cursor", "~another sort order"},
		{"/api/v1/customers?sort=-revenue&cursor=" + forge("customers:-revenue", "lots", "x"), "cursor", ""},
		{"/api/v1/customers?cursor=" + forge("purchases:-purchased_at", "0", "x"), "cursor", ""},
		{"/api/v1/customers?q=a%01b", "q", ""},
		{"/api/v1/customers?q=" + strings.Repeat("a", 201), "q", ""},
		{"/api/v1/customers?q=%FF", "q", ""},
		{"/api/v1/customers?tag=" + strings.Repeat("t", 65), "tag", ""},
		{"/api/v1/customers?tag=%0A", "tag", ""},
		{"/api/v1/purchases?from=2026-13-01", "from", "~RFC 3339"},
		{"/api/v1/purchases?from=yesterday", "from", ""},
		{"/api/v1/purchases?to=2026-11-10T25:00:00Z", "to", ""},
		{"/api/v1/purchases?from=2026-11-11&to=2026-11-10", "to", "must not be before from"},
		{"/api/v1/purchases?status=void", "status", "must be paid or refunded"},
		{"/api/v1/purchases?customer_id=a%00", "customer_id", ""},
		{"/api/v1/purchases?limit=-1", "limit", ""},
		{"/api/v1/purchases?cursor=" + forge("notes:-created_at", "0", "x"), "cursor", ""},
		{"/api/v1/purchases?cursor=" + forge("purchases:-purchased_at", "x", "x"), "cursor", ""},
		{custPath(anna, "purchases") + "?limit=0", "limit", ""},
		{custPath(anna, "purchases") + "?cursor=" + forge("timeline", "0:1", "x"), "cursor", ""},
		{custPath(anna, "timeline") + "?limit=501", "limit", ""},
		{custPath(anna, "timeline") + "?cursor=" + forge("timeline", "x", "x"), "cursor", ""},
		{custPath(anna, "notes") + "?limit=x", "limit", ""},
		{custPath(anna, "notes") + "?cursor=" + forge("notes:-created_at", "", "x"), "cursor", ""},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		for _, c := range cases {
			t.Run(c.path, func(t *testing.T) {
				want := map[string]any{"errors.0.field": c.field, "errors.1": nil, "type": "urn:pulse:problem:validation"}
				if c.message != "" {
					want["errors.0.message"] = c.message
				}
				s.run(t, apiCase{method: "GET", path: c.path, as: "key:A", wantStatus: 422, want: want})
			})
		}
		s.run(t, apiCase{method: "GET", path: "/api/v1/customers?sort=name&limit=0&segment=x", as: "key:A",
			wantStatus: 422, want: map[string]any{"errors.0.field": "segment", "errors.1.field": "sort",
				"errors.2.field": "limit", "errors.3": nil}})
	})
}
