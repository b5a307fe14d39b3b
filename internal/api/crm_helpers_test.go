package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// obj is one batch event.
type obj = map[string]any

func customerEv(id string, fields obj) obj {
	e := obj{"type": "customer", "id": id}
	for k, v := range fields {
		e[k] = v
	}
	return e
}

func purchaseEv(id, customer, amount, at string, fields obj) obj {
	e := obj{"type": "purchase", "id": id, "customer_id": customer, "amount": amount, "purchased_at": at}
	for k, v := range fields {
		e[k] = v
	}
	return e
}

// refundEv is the purchase sent again with only its status changed.
func refundEv(buy obj, at string) obj {
	e := obj{}
	for k, v := range buy {
		e[k] = v
	}
	e["status"], e["refunded_at"] = "refunded", at
	return e
}

// load sends events through the real batch endpoint with key and fails
// the test unless every one is accepted.
func loadBatch(t *testing.T, h *harness, key string, events ...obj) {
	t.Helper()
	r := h.anon().send(req{method: "POST", path: "/api/v1/batch", body: obj{"events": events}, bearer: key})
	if r.status != http.StatusOK {
		t.Fatalf("batch: %d %s", r.status, r.body)
	}
	if v, _ := r.field("rejected"); v != float64(0) {
		t.Fatalf("batch rejected events: %s", r.body)
	}
}

// call sends one request with a bearer key.
func keyReq(h *harness, key, method, path string, body any) *response {
	h.t.Helper()
	return h.anon().send(req{method: method, path: path, body: body, bearer: key})
}

// custPath is the path of a customer's resource, its id escaped as a
// client must.
func custPath(id string, sub ...string) string {
	p := "/api/v1/customers/" + url.PathEscape(id)
	for _, s := range sub {
		p += "/" + s
	}
	return p
}

// walk follows next_cursor from path (which has no cursor yet) to the end
// and returns every row. It fails on a non-200 answer, on a page larger
// than limit, on a short page that is not the last, and on a row seen twice.
func walkPages(t *testing.T, h *harness, key, path string, limit int, rowKey func(map[string]any) string) []map[string]any {
	t.Helper()
	sep := "?"
	if u, _ := url.Parse(path); u.RawQuery != "" {
		sep = "&"
	}
	var (
		out    []map[string]any
		seen   = map[string]bool{}
		cursor string
	)
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatalf("%s: more than 1000 pages", path)
		}
		p := fmt.Sprintf("%s%slimit=%d", path, sep, limit)
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		r := keyReq(h, key, "GET", p, nil)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", p, r.status, r.body)
		}
		data, _ := r.field("data")
		rows, _ := data.([]any)
		next, _ := r.field("next_cursor")
		if len(rows) > limit || (next != nil && len(rows) != limit) {
			t.Fatalf("GET %s: %d rows with next_cursor %v", p, len(rows), next)
		}
		for _, row := range rows {
			m := row.(map[string]any)
			k := rowKey(m)
			if seen[k] {
				t.Fatalf("GET %s: %s listed twice", p, k)
			}
			seen[k] = true
			out = append(out, m)
		}
		if next == nil {
			return out
		}
		cursor = next.(string)
	}
}

func byID(m map[string]any) string { return fmt.Sprint(m["id"]) }

// ids lists the "id" of every row in a list response's data.
func dataIDs(r *response) []string {
	data, _ := r.field("data")
	rows, _ := data.([]any)
	out := []string{}
	for _, row := range rows {
		out = append(out, fmt.Sprint(row.(map[string]any)["id"]))
	}
	return out
}

func rowIDs(rows []map[string]any) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = byID(r)
	}
	return out
}

func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}
