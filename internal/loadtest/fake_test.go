package loadtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const testKey = "pulse_sk_test"

// fakePulse is a minimal stand-in for the three ingestion endpoints. It
// decodes bodies as strictly as the API contract says Pulse does, so that a
// body the generator gets wrong shows up as a 422, and it remembers every id
// so that tests can check they are unique.
type fakePulse struct {
	t  *testing.T
	mu sync.Mutex
	// ids counts every purchase and customer id received.
	ids       map[string]int
	requests  int // to the ingestion endpoints
	events    int // purchases and customers received, in batches or alone
	accepted  int // events the batch endpoint accepted
	arrivals  []time.Time
	batchSize []int
	// script, when set, answers the n-th ingestion request (from 0) instead
	// of the normal handling when it returns a status.
	script func(n int, w http.ResponseWriter) bool
}

func newFake(t *testing.T) (*fakePulse, *httptest.Server) {
	t.Helper()
	f := &fakePulse{t: t, ids: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/connection", func(w http.ResponseWriter, r *http.Request) {
		if !f.authorized(w, r) {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":"connected"}`)
	})
	mux.HandleFunc("POST /api/v1/purchases", f.ingest(f.purchases))
	mux.HandleFunc("POST /api/v1/customers", f.ingest(f.customers))
	mux.HandleFunc("POST /api/v1/batch", f.ingest(f.batch))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakePulse) authorized(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("Authorization") != "Bearer "+testKey {
		http.Error(w, `{"status":401}`, http.StatusUnauthorized)
		return false
	}
	return true
}

func (f *fakePulse) ingest(h func(w http.ResponseWriter, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !f.authorized(w, r) {
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			http.Error(w, "content type "+ct, http.StatusUnsupportedMediaType)
			return
		}
		var body bytes.Buffer
		if _, err := body.ReadFrom(r.Body); err != nil {
			return
		}
		f.mu.Lock()
		n := f.requests
		f.requests++
		f.arrivals = append(f.arrivals, time.Now())
		script := f.script
		f.mu.Unlock()
		if script != nil && script(n, w) {
			return
		}
		h(w, body.Bytes())
	}
}

// purchaseBody and customerBody hold the fields the generator may send;
// strict decoding refuses any other.
type purchaseBody struct {
	Type        string    `json:"type"`
	ID          string    `json:"id"`
	CustomerID  string    `json:"customer_id"`
	Amount      string    `json:"amount"`
	PurchasedAt time.Time `json:"purchased_at"`
	Product     string    `json:"product"`
}

type customerBody struct {
	Type       string         `json:"type"`
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Email      string         `json:"email"`
	Attributes map[string]any `json:"attributes"`
}

var (
	amountRE   = regexp.MustCompile(`^[1-9][0-9]*\.[0-9]{2}$`)
	poolIDRE   = regexp.MustCompile(`^lt_cust_([0-9]+)$`)
	uniqueIDRE = regexp.MustCompile(`^lt_[0-9A-Za-z]{8}_[pc][0-9]{12}$`)
	emailRE    = regexp.MustCompile(`^[a-z]+\.[a-z]+\.lt_\w+@example\.com$`)
)

func strict(b []byte, dst any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(dst)
}

// checkPurchase returns what is wrong with a purchase, or "".
func (f *fakePulse) checkPurchase(b []byte, wantType string) string {
	var p purchaseBody
	if err := strict(b, &p); err != nil {
		return err.Error()
	}
	now := time.Now()
	m := poolIDRE.FindStringSubmatch(p.CustomerID)
	switch {
	case p.Type != wantType:
		return "type " + p.Type
	case !uniqueIDRE.MatchString(p.ID):
		return "id " + p.ID
	case m == nil:
		return "customer_id " + p.CustomerID
	case !amountRE.MatchString(p.Amount):
		return "amount " + p.Amount
	case p.PurchasedAt.After(now) || p.PurchasedAt.Before(now.AddDate(-1, 0, -1)):
		return "purchased_at " + p.PurchasedAt.String()
	case p.Product == "":
		return "no product"
	}
	if n, _ := strconv.Atoi(m[1]); n >= customerPool {
		return "customer_id out of the pool: " + p.CustomerID
	}
	f.seen(p.ID)
	return ""
}

func (f *fakePulse) checkCustomer(b []byte, wantType string) string {
	var c customerBody
	if err := strict(b, &c); err != nil {
		return err.Error()
	}
	switch {
	case c.Type != wantType:
		return "type " + c.Type
	case !uniqueIDRE.MatchString(c.ID):
		return "id " + c.ID
	case !strings.Contains(c.Name, " "):
		return "name " + c.Name
	case !emailRE.MatchString(c.Email):
		return "email " + c.Email
	case len(c.Attributes) != 3:
		return fmt.Sprintf("attributes %v", c.Attributes)
	}
	f.seen(c.ID)
	return ""
}

func (f *fakePulse) seen(id string) {
	f.mu.Lock()
	f.ids[id]++
	f.events++
	f.mu.Unlock()
}

func unprocessable(w http.ResponseWriter, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusUnprocessableEntity)
	_ = json.NewEncoder(w).Encode(map[string]any{"status": 422, "detail": detail})
}

func (f *fakePulse) purchases(w http.ResponseWriter, body []byte) {
	if msg := f.checkPurchase(body, ""); msg != "" {
		unprocessable(w, msg)
		return
	}
	w.WriteHeader(http.StatusCreated)
	fmt.Fprint(w, `{"id":"x"}`)
}

func (f *fakePulse) customers(w http.ResponseWriter, body []byte) {
	if msg := f.checkCustomer(body, ""); msg != "" {
		unprocessable(w, msg)
		return
	}
	w.WriteHeader(http.StatusCreated)
	fmt.Fprint(w, `{"id":"x"}`)
}

// batch rejects the first event of every batch, so that tests can tell the
// accepted count from the number of events sent.
func (f *fakePulse) batch(w http.ResponseWriter, body []byte) {
	var b struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := strict(body, &b); err != nil || len(b.Events) == 0 {
		unprocessable(w, fmt.Sprintf("batch: %v", err))
		return
	}
	type result struct {
		Index  int `json:"index"`
		Status int `json:"status"`
	}
	out := struct {
		Accepted int      `json:"accepted"`
		Rejected int      `json:"rejected"`
		Results  []result `json:"results"`
	}{}
	for i, ev := range b.Events {
		var head struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(ev, &head)
		var msg string
		switch head.Type {
		case "purchase":
			msg = f.checkPurchase(ev, "purchase")
		case "customer":
			msg = f.checkCustomer(ev, "customer")
		default:
			msg = "type " + head.Type
		}
		if msg != "" {
			unprocessable(w, fmt.Sprintf("events[%d]: %s", i, msg))
			return
		}
		status := http.StatusCreated
		if i == 0 {
			status = http.StatusUnprocessableEntity
			out.Rejected++
		} else {
			out.Accepted++
		}
		out.Results = append(out.Results, result{Index: i, Status: status})
	}
	f.mu.Lock()
	f.accepted += out.Accepted
	f.batchSize = append(f.batchSize, len(b.Events))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// duplicates returns the ids received more than once.
func (f *fakePulse) duplicates() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var dup []string
	for id, n := range f.ids {
		if n > 1 {
			dup = append(dup, id)
		}
	}
	return dup
}

func (f *fakePulse) counts() (requests, events, accepted int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests, f.events, f.accepted
}
