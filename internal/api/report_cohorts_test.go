package api_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"pulse/internal/money"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

type cohortsResp struct {
	Currency string `json:"currency"`
	From     string `json:"from"`
	To       string `json:"to"`
	Cohorts  []struct {
		Cohort    string `json:"cohort"`
		Customers int64  `json:"customers"`
		Months    []struct {
			Month           int      `json:"month"`
			ActiveCustomers int64    `json:"active_customers"`
			Retention       *float64 `json:"retention"`
			Revenue         string   `json:"revenue"`
		} `json:"months"`
	} `json:"cohorts"`
}

func getCohorts(t *testing.T, h *harness, key, query string) cohortsResp {
	t.Helper()
	r := keyReq(h, key, "GET", "/api/v1/reports/cohorts"+query, nil)
	if r.status != http.StatusOK {
		t.Fatalf("cohorts%s: %d %s", query, r.status, r.body)
	}
	var out cohortsResp
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// cohortCell is one cohort × month as a test expects it.
type cohortCell struct {
	active  int64
	revenue int64
}

// bruteCohorts computes, from the raw purchases, every customer's cohort
// (the local month of its first purchase that was not refunded) and each
// cohort's activity by local month, refunded purchases left out.
func bruteCohorts(buys []purchaseFact, loc *time.Location) (sizes map[string]int64, cells map[[2]string]cohortCell) {
	month := func(t time.Time) string { return t.In(loc).Format("2006-01") }
	first := map[string]time.Time{}
	for _, b := range buys {
		if f, ok := first[b.customer]; b.refunded == nil && (!ok || b.at.Before(f)) {
			first[b.customer] = b.at
		}
	}
	sizes = map[string]int64{}
	for _, f := range first {
		sizes[month(f)]++
	}
	seen := map[[3]string]bool{}
	cells = map[[2]string]cohortCell{}
	for _, b := range buys {
		if b.refunded != nil {
			continue
		}
		k := [2]string{month(first[b.customer]), month(b.at)}
		c := cells[k]
		if !seen[[3]string{k[0], k[1], b.customer}] {
			seen[[3]string{k[0], k[1], b.customer}] = true
			c.active++
		}
		c.revenue += b.amount
		cells[k] = c
	}
	return sizes, cells
}

// checkCohorts compares a report with the brute force: every cohort from
// fromMonth to toMonth, each with every month up to current.
func checkCohorts(t *testing.T, got cohortsResp, buys []purchaseFact, loc *time.Location, fromMonth, toMonth, current string) {
	t.Helper()
	sizes, cells := bruteCohorts(buys, loc)
	next := func(m string) string {
		d, _ := time.Parse("2006-01", m)
		return d.AddDate(0, 1, 0).Format("2006-01")
	}
	var want []string
	for m := fromMonth; m <= toMonth && m <= current; m = next(m) {
		want = append(want, m)
	}
	if len(got.Cohorts) != len(want) {
		t.Fatalf("%d cohorts, want %d (%v)", len(got.Cohorts), len(want), want)
	}
	for i, c := range got.Cohorts {
		if c.Cohort != want[i] || c.Customers != sizes[want[i]] {
			t.Errorf("cohort %d = %s with %d customers, want %s with %d", i, c.Cohort, c.Customers, want[i], sizes[want[i]])
		}
		k, m := 0, want[i]
		for ; m <= current; m, k = next(m), k+1 {
			if k >= len(c.Months) {
				t.Errorf("%s: %d months, want month %s", c.Cohort, len(c.Months), m)
				break
			}
			g, w := c.Months[k], cells[[2]string{want[i], m}]
			if g.Month != k || g.ActiveCustomers != w.active || g.Revenue != money.Format(w.revenue, 2) {
				t.Errorf("%s month %d (%s) = %d active, %s; want %d, %s", c.Cohort, g.Month, m, g.ActiveCustomers,
					g.Revenue, w.active, money.Format(w.revenue, 2))
			}
			switch {
			case c.Customers == 0 && g.Retention != nil:
				t.Errorf("%s month %d: retention %v of an empty cohort", c.Cohort, k, *g.Retention)
			case c.Customers > 0 && (g.Retention == nil || math.Abs(*g.Retention-float64(w.active)/float64(c.Customers)) > 1e-12):
				t.Errorf("%s month %d: retention %v, want %d/%d", c.Cohort, k, optVal(g.Retention), w.active, c.Customers)
			}
		}
		if k != len(c.Months) {
			t.Errorf("%s: %d months, want %d", c.Cohort, len(c.Months), k)
		}
	}
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// cohortBuys is a small history in an app on Moscow time. a's first
// purchase is at 23:30 UTC on August 31: September in Moscow.
func cohortBuys() []purchaseFact {
	refunded := func(s string) *time.Time { t := utc(s); return &t }
	return []purchaseFact{
		{customer: "a", amount: 1000, at: utc("2026-08-31T23:30:00Z")},
		{customer: "a", amount: 2000, at: utc("2026-10-15T10:00:00Z")},
		{customer: "a", amount: 500, at: utc("2026-11-02T10:00:00Z")},
		{customer: "b", amount: 3000, at: utc("2026-09-10T10:00:00Z")},
		{customer: "b", amount: 700, at: utc("2026-09-20T10:00:00Z")},
		// Refunded: b is not active in October.
		{customer: "b", amount: 4000, at: utc("2026-10-05T10:00:00Z"), refunded: refunded("2026-10-06T10:00:00Z")},
		{customer: "c", amount: 5000, at: utc("2026-08-15T10:00:00Z")},
		// 22:00 UTC on September 30 is October 1 in Moscow.
		{customer: "c", amount: 1500, at: utc("2026-09-30T22:00:00Z")},
		// d's first purchase was refunded: d's cohort is October.
		{customer: "d", amount: 9900, at: utc("2026-08-05T10:00:00Z"), refunded: refunded("2026-08-06T10:00:00Z")},
		{customer: "d", amount: 1200, at: utc("2026-10-05T10:00:00Z")},
		// f joined in July, before the period asked for.
		{customer: "f", amount: 800, at: utc("2026-07-20T10:00:00Z")},
		{customer: "f", amount: 900, at: utc("2026-09-05T10:00:00Z")},
		{customer: "g", amount: 100, at: utc("2025-12-01T10:00:00Z")},
	}
}

func TestCohortsByHandInAppTimeZone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		setAppZone(t, f.a, "Europe/Moscow")
		buys := cohortBuys()
		loadBatch(t, f.h, f.a.key, append(factEvents(buys, "o"), customerEv("e", obj{"name": "Profile only"}))...)
		loadBatch(t, f.h, f.b.key, purchaseFact{customer: "x", amount: 7700, at: utc("2026-09-03T10:00:00Z")}.event("x1"))

		got := getCohorts(t, f.h, f.a.key, "?from=2026-08-01&to=2026-10-31")
		// By hand: month by month, active customers, retention, revenue.
		want := []struct {
			cohort    string
			customers int64
			months    []string
		}{
			{"2026-08", 1, []string{"1 1 50.00", "0 0 0.00", "1 1 15.00", "0 0 0.00"}},
			{"2026-09", 2, []string{"2 1 47.00", "1 0.5 20.00", "1 0.5 5.00"}},
			{"2026-10", 1, []string{"1 1 12.00", "0 0 0.00"}},
		}
		if got.Currency != "USD" || got.From != "2026-08" || got.To != "2026-10" || len(got.Cohorts) != len(want) {
			t.Fatalf("cohorts = %+v", got)
		}
		for i, w := range want {
			c := got.Cohorts[i]
			var months []string
			for k, m := range c.Months {
				if m.Month != k {
					t.Errorf("%s: month %d numbered %d", c.Cohort, k, m.Month)
				}
				months = append(months, fmt.Sprint(m.ActiveCustomers, " ", optVal(m.Retention), " ", m.Revenue))
			}
			if c.Cohort != w.cohort || c.Customers != w.customers || strings.Join(months, "|") != strings.Join(w.months, "|") {
				t.Errorf("cohort %d = %s %d %v, want %s %d %v", i, c.Cohort, c.Customers, months, w.cohort, w.customers, w.months)
			}
		}
		moscow, _ := time.LoadLocation("Europe/Moscow")
		checkCohorts(t, got, buys, moscow, "2026-08", "2026-10", "2026-11")

		// By default the twelve months up to this one; a period reaching
		// past the current month stops at it.
		def := getCohorts(t, f.h, f.a.key, "")
		checkCohorts(t, def, buys, moscow, "2025-12", "2026-11", "2026-11")
		if def.From != "2025-12" || def.To != "2026-11" {
			t.Errorf("default period %s..%s", def.From, def.To)
		}
		checkCohorts(t, getCohorts(t, f.h, f.a.key, "?from=2026-10-20&to=2027-03-01"), buys, moscow, "2026-10", "2027-03", "2026-11")
		if future := getCohorts(t, f.h, f.a.key, "?from=2027-01-01&to=2027-02-01"); len(future.Cohorts) != 0 {
			t.Errorf("future cohorts: %+v", future)
		}

		// App B sees only its own customer.
		b := getCohorts(t, f.h, f.b.key, "?from=2026-09-01&to=2026-09-30")
		if len(b.Cohorts) != 1 || b.Cohorts[0].Customers != 1 || b.Cohorts[0].Months[0].Revenue != "77.00" {
			t.Errorf("app B: %+v", b)
		}
	})
}

func TestCohortsCSVAndErrors(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		setAppZone(t, f.a, "Europe/Moscow")
		loadBatch(t, f.h, f.a.key, factEvents(cohortBuys(), "o")...)
		r := keyReq(f.h, f.a.key, "GET", "/api/v1/reports/cohorts?from=2026-08-01&to=2026-10-31&format=csv", nil)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", r.status, r.body)
		}
		want := `cohort,customers,month,active_customers,retention,revenue,currency
2026-08,1,0,1,1,50.00,USD
2026-08,1,1,0,0,0.00,USD
2026-08,1,2,1,1,15.00,USD
2026-08,1,3,0,0,0.00,USD
2026-09,2,0,2,1,47.00,USD
2026-09,2,1,1,0.5,20.00,USD
2026-09,2,2,1,0.5,5.00,USD
2026-10,1,0,1,1,12.00,USD
2026-10,1,1,0,0,0.00,USD
`
		if got := strings.ReplaceAll(string(r.body), "\r\n", "\n"); got != want {
			t.Errorf("csv =\n%s\nwant\n%s", got, want)
		}
		for _, c := range []struct{ query, field, message string }{
			{"?from=2026-13-01", "from", "must be a date such as 2026-11-20"},
			{"?to=soon", "to", ""},
			{"?from=2026-11-02&to=2026-11-01", "to", "must not be before from"},
			{"?from=2000-01-01&to=2026-11-01", "from", "~at most"},
		} {
			check422(t, keyReq(f.h, f.a.key, "GET", "/api/v1/reports/cohorts"+c.query, nil), c.field, c.message)
		}
		if r := keyReq(f.h, f.ingestKey, "GET", "/api/v1/reports/cohorts", nil); r.status != http.StatusForbidden {
			t.Errorf("ingest key: %d %s", r.status, r.body)
		}
		// An empty cohort has no retention.
		empty := getCohorts(t, f.h, f.a.key, "?from=2026-06-01&to=2026-06-30")
		if len(empty.Cohorts) != 1 || empty.Cohorts[0].Customers != 0 || empty.Cohorts[0].Months[0].Retention != nil {
			t.Errorf("empty cohort: %+v", empty)
		}
	})
}
