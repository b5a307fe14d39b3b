package api_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"pulse/internal/demo"
	"pulse/internal/money"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// purchaseFact is a purchase as a test sent it, for the brute-force checks of
// cohorts and segments.
type purchaseFact struct {
	customer string
	amount   int64 // cents
	at       time.Time
	refunded *time.Time
}

// event is the batch event that sends b with order id id.
func (b purchaseFact) event(id string) obj {
	e := purchaseEv(id, b.customer, money.Format(b.amount, 2), b.at.Format(time.RFC3339), nil)
	if b.refunded != nil {
		e["status"], e["refunded_at"] = "refunded", b.refunded.Format(time.RFC3339)
	}
	return e
}

func factEvents(buys []purchaseFact, prefix string) []obj {
	out := make([]obj, len(buys))
	for i, b := range buys {
		out[i] = b.event(fmt.Sprintf("%s%d", prefix, i))
	}
	return out
}

// setAppZone sets the app's time zone through the API.
func setAppZone(t *testing.T, c *client, zone string) {
	t.Helper()
	if r := c.do("PATCH", "/api/v1/apps/"+c.appID, obj{"timezone": zone}); r.status != http.StatusOK {
		t.Fatalf("set time zone: %d %s", r.status, r.body)
	}
}

// rfmGrid is the standard R × FM grid: rfmGrid[r-1][fm-1], written out here
// rather than taken from the code under test.
var rfmGrid = [5][5]string{
	{"hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose_them"},
	{"hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose_them"},
	{"about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"},
	{"promising", "potential_loyalists", "potential_loyalists", "loyal", "loyal"},
	{"new", "potential_loyalists", "potential_loyalists", "champions", "champions"},
}

var segmentOrder = []string{"champions", "loyal", "potential_loyalists", "new", "promising", "need_attention",
	"about_to_sleep", "at_risk", "cannot_lose_them", "hibernating"}

// rfmTotals is one customer's standing as of a date.
type rfmTotals struct {
	recency, orders, revenue int64
	segment                  string
}

// bruteRFM scores every customer from the raw purchases: a purchase counts
// when made by the end of asOf (a local date in loc) and not refunded by
// then; each score is 1 + 5·(customers strictly worse)/n, rounded down,
// counted pairwise; FM is (F+M)/2 rounded half up.
func bruteRFM(buys []purchaseFact, asOf string, loc *time.Location) map[string]*rfmTotals {
	d, _ := time.ParseInLocation(time.DateOnly, asOf, loc)
	end := d.AddDate(0, 0, 1)
	last := map[string]time.Time{}
	out := map[string]*rfmTotals{}
	for _, b := range buys {
		if !b.at.Before(end) || (b.refunded != nil && b.refunded.Before(end)) {
			continue
		}
		c := out[b.customer]
		if c == nil {
			c = &rfmTotals{}
			out[b.customer] = c
		}
		c.orders++
		c.revenue += b.amount
		if b.at.After(last[b.customer]) {
			last[b.customer] = b.at
		}
	}
	asOfDate := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	for id, c := range out {
		y, m, dd := last[id].In(loc).Date()
		c.recency = int64(asOfDate.Sub(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	}
	all := make([]*rfmTotals, 0, len(out))
	for _, c := range out {
		all = append(all, c)
	}
	n := len(all)
	score := func(better func(a, b *rfmTotals) bool, c *rfmTotals) int {
		worse := 0
		for _, o := range all {
			if better(c, o) {
				worse++
			}
		}
		return 1 + 5*worse/n
	}
	for _, c := range all {
		r := score(func(a, b *rfmTotals) bool { return a.recency < b.recency }, c)
		f := score(func(a, b *rfmTotals) bool { return a.orders > b.orders }, c)
		m := score(func(a, b *rfmTotals) bool { return a.revenue > b.revenue }, c)
		c.segment = rfmGrid[r-1][(f+m+1)/2-1]
	}
	return out
}

type segmentsResp struct {
	AsOf      string  `json:"as_of"`
	From      *string `json:"from"`
	Currency  string  `json:"currency"`
	Customers int64   `json:"customers"`
	Revenue   string  `json:"revenue"`
	Segments  []struct {
		Segment          string   `json:"segment"`
		Name             string   `json:"name"`
		Customers        int64    `json:"customers"`
		ShareOfCustomers *float64 `json:"share_of_customers"`
		Revenue          string   `json:"revenue"`
		ShareOfRevenue   *float64 `json:"share_of_revenue"`
		AvgRecencyDays   *float64 `json:"avg_recency_days"`
		AvgFrequency     *float64 `json:"avg_frequency"`
		AvgMonetary      *string  `json:"avg_monetary"`
	} `json:"segments"`
	Thresholds struct {
		R []*int64  `json:"r"`
		F []*int64  `json:"f"`
		M []*string `json:"m"`
	} `json:"thresholds"`
}

func getSegments(t *testing.T, h *harness, key, query string) segmentsResp {
	t.Helper()
	r := keyReq(h, key, "GET", "/api/v1/reports/segments"+query, nil)
	if r.status != http.StatusOK {
		t.Fatalf("segments%s: %d %s", query, r.status, r.body)
	}
	var out segmentsResp
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkSegments compares a report with the brute-force standing of every
// customer: counts, revenue, shares and averages of every segment.
func checkSegments(t *testing.T, got segmentsResp, want map[string]*rfmTotals) {
	t.Helper()
	var total, revenue int64
	type agg struct{ n, revenue, recency, orders int64 }
	by := map[string]*agg{}
	for _, c := range want {
		a := by[c.segment]
		if a == nil {
			a = &agg{}
			by[c.segment] = a
		}
		a.n++
		a.revenue += c.revenue
		a.recency += c.recency
		a.orders += c.orders
		total++
		revenue += c.revenue
	}
	if got.Customers != total || got.Revenue != money.Format(revenue, 2) {
		t.Errorf("totals = %d customers, %s; want %d, %s", got.Customers, got.Revenue, total, money.Format(revenue, 2))
	}
	if len(got.Segments) != len(segmentOrder) {
		t.Fatalf("%d segments, want %d", len(got.Segments), len(segmentOrder))
	}
	for i, s := range got.Segments {
		if s.Segment != segmentOrder[i] {
			t.Errorf("segment %d is %s, want %s", i, s.Segment, segmentOrder[i])
		}
		a := by[s.Segment]
		if a == nil {
			a = &agg{}
		}
		if s.Customers != a.n || s.Revenue != money.Format(a.revenue, 2) {
			t.Errorf("%s: %d customers, %s; want %d, %s", s.Segment, s.Customers, s.Revenue, a.n, money.Format(a.revenue, 2))
		}
		checkRatio(t, s.Segment+" share_of_customers", s.ShareOfCustomers, a.n, total)
		checkRatio(t, s.Segment+" share_of_revenue", s.ShareOfRevenue, a.revenue, revenue)
		checkRatio(t, s.Segment+" avg_recency_days", s.AvgRecencyDays, a.recency, a.n)
		checkRatio(t, s.Segment+" avg_frequency", s.AvgFrequency, a.orders, a.n)
		var wantAvg *string
		if a.n > 0 {
			v := money.Format((2*a.revenue+a.n)/(2*a.n), 2)
			wantAvg = &v
		}
		if fmt.Sprint(optVal(s.AvgMonetary)) != fmt.Sprint(optVal(wantAvg)) {
			t.Errorf("%s avg_monetary = %v, want %v", s.Segment, optVal(s.AvgMonetary), optVal(wantAvg))
		}
	}
}

func optVal[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func optVals[T any](ps []*T) []any {
	out := make([]any, len(ps))
	for i, p := range ps {
		out[i] = optVal(p)
	}
	return out
}

func checkRatio(t *testing.T, what string, got *float64, a, b int64) {
	t.Helper()
	if b == 0 {
		if got != nil {
			t.Errorf("%s = %v, want null", what, *got)
		}
		return
	}
	want := float64(a) / float64(b)
	if got == nil || math.Abs(*got-want) > 1e-9 {
		t.Errorf("%s = %v, want %v", what, optVal(got), want)
	}
}

// segmentMembers lists, through GET /api/v1/customers?segment=, the ids of
// every segment, walking the pages.
func segmentMembers(t *testing.T, h *harness, key string, limit int) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, s := range segmentOrder {
		ids := rowIDs(walkPages(t, h, key, "/api/v1/customers?sort=-revenue&segment="+s, limit, byID))
		slices.Sort(ids)
		out[s] = ids
	}
	return out
}

func expectedMembers(want map[string]*rfmTotals) map[string][]string {
	out := map[string][]string{}
	for _, s := range segmentOrder {
		out[s] = []string{}
	}
	for id, c := range want {
		out[c.segment] = append(out[c.segment], id)
	}
	for _, ids := range out {
		slices.Sort(ids)
	}
	return out
}

// rfmDesign is fifteen customers whose recency, orders and revenue are
// laid out so that every score holds exactly three of them (15 distinct
// values: score = 1 + floor(rank/3)), and every segment is reached: the
// scores are given, with the segment the grid puts them in.
var rfmDesign = []struct {
	id            string
	r, f, m       int
	recency       int   // days before as_of, in Moscow dates
	orders        int   // 1..15
	revenueRank   int64 // 1..15
	wantedSegment string
}{
	{"c01", 5, 5, 5, 0, 15, 15, "champions"},
	{"c02", 5, 1, 1, 1, 1, 1, "new"},
	{"c03", 5, 2, 3, 2, 4, 7, "potential_loyalists"},
	{"c04", 4, 1, 1, 3, 2, 2, "promising"},
	{"c05", 4, 4, 5, 4, 10, 13, "loyal"},
	{"c06", 4, 3, 2, 5, 7, 4, "potential_loyalists"},
	{"c07", 3, 3, 3, 6, 8, 8, "need_attention"},
	{"c08", 3, 2, 1, 7, 5, 3, "about_to_sleep"},
	{"c09", 3, 5, 4, 8, 13, 10, "loyal"},
	{"c10", 2, 4, 3, 9, 11, 9, "at_risk"},
	{"c11", 1, 5, 5, 12, 14, 14, "cannot_lose_them"},
	{"c12", 1, 1, 2, 13, 3, 5, "hibernating"},
	{"c13", 2, 3, 4, 10, 9, 11, "at_risk"},
	{"c14", 2, 2, 2, 11, 6, 6, "hibernating"},
	{"c15", 1, 4, 4, 14, 12, 12, "at_risk"},
}

// designedBuys are the purchases of rfmDesign as of 2026-10-31 in Moscow,
// plus what happens after that date and what must never count.
func designedBuys() []purchaseFact {
	asOf := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	var buys []purchaseFact
	for _, d := range rfmDesign {
		revenue := d.revenueRank*10000 + 37
		// The last purchase is at 21:30 UTC the day before: 00:30 on the
		// intended Moscow date, so a UTC reading would be a day off.
		last := asOf.AddDate(0, 0, -d.recency-1).Add(21*time.Hour + 30*time.Minute)
		for j := 1; j < d.orders; j++ {
			buys = append(buys, purchaseFact{customer: d.id, amount: 100, at: last.AddDate(0, 0, -j).Add(-12 * time.Hour)})
		}
		lastBuy := purchaseFact{customer: d.id, amount: revenue - int64(d.orders-1)*100, at: last}
		if d.id == "c12" {
			// Refunded after as_of: it still counts on 2026-10-31.
			refund := time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)
			lastBuy.refunded = &refund
		}
		buys = append(buys, lastBuy)
	}
	refundedEarly := time.Date(2026, 10, 21, 9, 0, 0, 0, time.UTC)
	buys = append(buys,
		// Refunded before as_of: it never counts.
		purchaseFact{customer: "c08", amount: 999999, at: time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC), refunded: &refundedEarly},
		// After as_of: only today's report sees them.
		purchaseFact{customer: "c14", amount: 500000, at: time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)},
		purchaseFact{customer: "c02", amount: 1500, at: time.Date(2026, 11, 19, 9, 0, 0, 0, time.UTC)},
		purchaseFact{customer: "c16", amount: 4200, at: time.Date(2026, 11, 15, 9, 0, 0, 0, time.UTC)},
	)
	return buys
}

func TestSegmentsReachEverySegmentAsOfADate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		setAppZone(t, f.a, "Europe/Moscow")
		buys := designedBuys()
		events := append(factEvents(buys, "o"), customerEv("profile_only", obj{"name": "No purchases"}))
		loadBatch(t, f.h, f.a.key, events...)
		loadBatch(t, f.h, f.b.key, purchaseFact{customer: "other", amount: 99900, at: time.Date(2026, 10, 30, 9, 0, 0, 0, time.UTC)}.event("b1"))
		moscow, _ := time.LoadLocation("Europe/Moscow")

		got := getSegments(t, f.h, f.a.key, "?as_of=2026-10-31")
		want := bruteRFM(buys, "2026-10-31", moscow)
		if len(want) != len(rfmDesign) {
			t.Fatalf("brute force sees %d customers, want %d", len(want), len(rfmDesign))
		}
		for _, d := range rfmDesign {
			w := want[d.id]
			if w.segment != d.wantedSegment || w.recency != int64(d.recency) || w.orders != int64(d.orders) {
				t.Fatalf("design is off for %s: brute force %+v", d.id, *w)
			}
		}
		checkSegments(t, got, want)
		if got.AsOf != "2026-10-31" || got.From != nil || got.Currency != "USD" {
			t.Errorf("as_of %s, from %v, currency %s", got.AsOf, got.From, got.Currency)
		}
		for _, s := range got.Segments {
			if s.Customers == 0 {
				t.Errorf("%s is empty: the design reaches every segment", s.Segment)
			}
		}
		// Ranks 3, 6, 9, 12 (0-based) open scores 2..5.
		wantR, wantF := []int64{11, 8, 5, 2}, []int64{4, 7, 10, 13}
		wantM := []string{"400.37", "700.37", "1000.37", "1300.37"}
		for i := range 4 {
			if optVal(got.Thresholds.R[i]) != wantR[i] || optVal(got.Thresholds.F[i]) != wantF[i] || optVal(got.Thresholds.M[i]) != wantM[i] {
				t.Errorf("thresholds = r %v f %v m %v; want %v %v %v", optVal(got.Thresholds.R[i]),
					optVal(got.Thresholds.F[i]), optVal(got.Thresholds.M[i]), wantR[i], wantF[i], wantM[i])
			}
		}

		// Today: later purchases and the refund change the picture; the
		// list of each segment holds exactly its customers.
		today := getSegments(t, f.h, f.a.key, "")
		wantToday := bruteRFM(buys, "2026-11-20", moscow)
		if today.AsOf != "2026-11-20" {
			t.Errorf("default as_of = %s", today.AsOf)
		}
		checkSegments(t, today, wantToday)
		if same := getSegments(t, f.h, f.a.key, "?to=2026-11-20"); !reflect.DeepEqual(same, today) {
			t.Errorf("?to=today differs from the default: %v", same)
		}
		members := segmentMembers(t, f.h, f.a.key, 2)
		if fmt.Sprint(members) != fmt.Sprint(expectedMembers(wantToday)) {
			t.Errorf("segment lists = %v, want %v", members, expectedMembers(wantToday))
		}

		// A window: only purchases from 2026-10-25 on count.
		window := getSegments(t, f.h, f.a.key, "?from=2026-10-25&as_of=2026-10-31")
		var inWindow []purchaseFact
		for _, b := range buys {
			if !b.at.Before(time.Date(2026, 10, 24, 21, 0, 0, 0, time.UTC)) {
				inWindow = append(inWindow, b)
			}
		}
		checkSegments(t, window, bruteRFM(inWindow, "2026-10-31", moscow))
		if window.From == nil || *window.From != "2026-10-25" {
			t.Errorf("from = %v", window.From)
		}

		// App B sees its one customer only.
		b := getSegments(t, f.h, f.b.key, "")
		if b.Customers != 1 || b.Revenue != "999.00" {
			t.Errorf("app B: %d customers, %s", b.Customers, b.Revenue)
		}
		if ids := rowIDs(walkPages(t, f.h, f.b.key, "/api/v1/customers?segment=hibernating", 10, byID)); fmt.Sprint(ids) != "[other]" {
			t.Errorf("app B hibernating = %v", ids)
		}
	})
}

// Equal values get equal scores: the first of equal ranks decides, and
// scores no rank reaches stay empty, with null cut points.
func TestSegmentsQuintileTies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
		var buys []purchaseFact
		for i, n := range []int{1, 1, 1, 2, 3} {
			for range n {
				buys = append(buys, purchaseFact{customer: fmt.Sprintf("t%d", i), amount: 1000, at: at})
			}
		}
		loadBatch(t, f.h, f.a.key, factEvents(buys, "o")...)
		got := getSegments(t, f.h, f.a.key, "")
		checkSegments(t, got, bruteRFM(buys, "2026-11-20", time.UTC))
		counts := map[string]int64{}
		for _, s := range got.Segments {
			counts[s.Segment] = s.Customers
		}
		// Everyone bought on one day: R is 1 for all. F and M are 1, 1, 1,
		// 4, 5, so FM is 1, 1, 1, 4, 5.
		if counts["hibernating"] != 3 || counts["at_risk"] != 1 || counts["cannot_lose_them"] != 1 {
			t.Errorf("counts = %v", counts)
		}
		th := got.Thresholds
		if fmt.Sprint(optVal(th.R[0]), optVal(th.R[3])) != "<nil> <nil>" ||
			fmt.Sprint(optVal(th.F[0]), optVal(th.F[1]), optVal(th.F[2]), optVal(th.F[3])) != "2 2 2 3" ||
			fmt.Sprintf("%v %v", optVal(th.M[0]), optVal(th.M[3])) != "20.00 30.00" {
			t.Errorf("thresholds = r %v f %v m %v", optVals(th.R), optVals(th.F), optVals(th.M))
		}
		members := segmentMembers(t, f.h, f.a.key, 500)
		if fmt.Sprint(members["hibernating"], members["at_risk"], members["cannot_lose_them"]) != "[t0 t1 t2] [t3] [t4]" {
			t.Errorf("members = %v", members)
		}

		// An erased customer still counts, as its purchases do, but is
		// listed nowhere.
		if r := keyReq(f.h, f.a.key, "DELETE", custPath("t4"), nil); r.status != http.StatusNoContent {
			t.Fatalf("erase: %d %s", r.status, r.body)
		}
		if after := getSegments(t, f.h, f.a.key, ""); !reflect.DeepEqual(after, got) {
			t.Errorf("erasure changed the report: %+v", after)
		}
		if ids := segmentMembers(t, f.h, f.a.key, 500)["cannot_lose_them"]; len(ids) != 0 {
			t.Errorf("erased customer listed: %v", ids)
		}
	})
}

func TestSegmentsEmptyAppAndErrors(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		got := getSegments(t, f.h, f.a.key, "")
		if got.Customers != 0 || len(got.Segments) != 10 || got.Revenue != "0.00" {
			t.Errorf("empty app: %+v", got)
		}
		for _, s := range got.Segments {
			if s.Customers != 0 || s.ShareOfCustomers != nil || s.AvgMonetary != nil || s.AvgRecencyDays != nil {
				t.Errorf("empty segment %s: %+v", s.Segment, s)
			}
		}
		for _, c := range []struct{ query, field, message string }{
			{"?as_of=2026-11-21", "as_of", "must not be after today (2026-11-20 in the app's time zone)"},
			{"?as_of=20261101", "as_of", "must be a date such as 2026-11-20"},
			{"?to=yesterday", "to", "must be a date such as 2026-11-20"},
			{"?as_of=2026-11-01&to=2026-11-02", "to", "~another name for as_of"},
			{"?from=2026-11-02&as_of=2026-11-01", "from", "must not be after as_of"},
			{"?from=nope", "from", ""},
		} {
			r := keyReq(f.h, f.a.key, "GET", "/api/v1/reports/segments"+c.query, nil)
			check422(t, r, c.field, c.message)
		}
		if r := keyReq(f.h, f.ingestKey, "GET", "/api/v1/reports/segments", nil); r.status != http.StatusForbidden {
			t.Errorf("ingest key: %d %s", r.status, r.body)
		}
		if r := keyReq(f.h, f.ingestKey, "GET", "/api/v1/customers?segment=champions", nil); r.status != http.StatusForbidden {
			t.Errorf("ingest key on the list: %d %s", r.status, r.body)
		}
		r := keyReq(f.h, f.a.key, "GET", "/api/v1/customers?segment=vip", nil)
		check422(t, r, "segment", "must be one of "+strings.Join(segmentOrder, ", "))
	})
}

// check422 asserts a 422 that names field alone; a message starting
// with ~ must be contained in the problem's, any other must equal it.
func check422(t *testing.T, r *response, field, message string) {
	t.Helper()
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("status %d, want 422: %s", r.status, r.body)
		return
	}
	checkProblem(t, r)
	f, _ := r.field("errors.0.field")
	m, _ := r.field("errors.0.message")
	if _, more := r.field("errors.1"); f != field || more {
		t.Errorf("errors = %s, want only %s", r.body, field)
	}
	msg, _ := m.(string)
	switch {
	case message == "":
	case strings.HasPrefix(message, "~"):
		if !strings.Contains(msg, message[1:]) {
			t.Errorf("message %q does not contain %q", msg, message[1:])
		}
	case msg != message:
		t.Errorf("message %q, want %q", msg, message)
	}
}

func TestSegmentsCSV(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		loadBatch(t, f.h, f.a.key, factEvents([]purchaseFact{
			{customer: "u1", amount: 1000, at: time.Date(2026, 11, 19, 9, 0, 0, 0, time.UTC)},
		}, "o")...)
		for _, r := range []*response{
			keyReq(f.h, f.a.key, "GET", "/api/v1/reports/segments?format=csv", nil),
			f.h.anon().send(req{method: "GET", path: "/api/v1/reports/segments", bearer: f.a.key, header: map[string]string{"Accept": "text/csv"}}),
		} {
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
				t.Fatalf("csv: %d %s %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
			if len(lines) != 11 {
				t.Fatalf("%d lines: %s", len(lines), r.body)
			}
			if lines[0] != "segment,name,customers,share_of_customers,revenue,share_of_revenue,avg_recency_days,avg_frequency,avg_monetary,currency" {
				t.Errorf("header = %s", lines[0])
			}
			// One customer who bought yesterday scores 1 everywhere (no
			// one is worse): hibernating.
			if lines[10] != "hibernating,Hibernating,1,1,10.00,1,1,1,10.00,USD" || lines[1] != "champions,Champions,0,0,0.00,0,,,,USD" {
				t.Errorf("rows = %q, %q", lines[1], lines[10])
			}
		}
	})
}

// demoFacts are the purchases of a demo history, read from its events.
func demoFacts(t *testing.T, h *demo.History) []purchaseFact {
	t.Helper()
	var out []purchaseFact
	for _, raw := range h.Events {
		var ev struct {
			Type        string     `json:"type"`
			CustomerID  string     `json:"customer_id"`
			Amount      string     `json:"amount"`
			PurchasedAt time.Time  `json:"purchased_at"`
			RefundedAt  *time.Time `json:"refunded_at"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Type != "purchase" {
			continue
		}
		cents, err := money.Parse(ev.Amount, 2)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, purchaseFact{customer: ev.CustomerID, amount: cents, at: ev.PurchasedAt, refunded: ev.RefundedAt})
	}
	return out
}

// checkReportsOnDemo: on the demo history, in New York time, every segment's figures and
// members and every cohort cell equal a brute-force computation over the
// purchases the demo sent, today and as of a past date.
func checkReportsOnDemo(t *testing.T, hr *harness, key string, h *demo.History) {
	buys := demoFacts(t, h)
	if len(buys) != h.Purchases {
		t.Fatalf("read %d purchases, the demo made %d", len(buys), h.Purchases)
	}
	ny, _ := time.LoadLocation("America/New_York")

	wantToday := bruteRFM(buys, "2026-11-20", ny)
	today := getSegments(t, hr, key, "")
	checkSegments(t, today, wantToday)
	for _, s := range today.Segments {
		// The demo's customers spread over the grid: a check on a
		// degenerate split would prove little.
		if s.Customers == 0 {
			t.Errorf("no demo customer is in %s", s.Segment)
		}
	}
	if got := segmentMembers(t, hr, key, 500); fmt.Sprint(got) != fmt.Sprint(expectedMembers(wantToday)) {
		for _, s := range segmentOrder {
			t.Logf("%s: listed %d, want %d", s, len(got[s]), len(expectedMembers(wantToday)[s]))
		}
		t.Error("segment lists differ from the brute force")
	}
	checkSegments(t, getSegments(t, hr, key, "?as_of=2026-03-31"), bruteRFM(buys, "2026-03-31", ny))

	checkCohorts(t, getCohorts(t, hr, key, ""), buys, ny, "2025-12", "2026-11", "2026-11")
	checkCohorts(t, getCohorts(t, hr, key, "?from=2024-11-01&to=2025-11-30"), buys, ny, "2024-11", "2025-11", "2026-11")
}
