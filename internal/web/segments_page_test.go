package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// segmentShop has five customers in UTC, each better than the next in
// every dimension, so that with five customers each quintile holds one and
// the scores are 5, 4, 3, 2 and 1 (package rfm). As of 2026-11-20:
//
//	a  5 orders of $100, last 1 day ago    R5 F5 M5  champions
//	b  4 orders of  $80, last 10 days ago  R4 F4 M4  loyal
//	c  3 orders of  $60, last 19 days ago  R3 F3 M3  need attention
//	d  2 orders of  $40, last 50 days ago  R2 F2 M2  hibernating
//	e  1 order  of  $20, 172 days ago      R1 F1 M1  hibernating
func segmentShop(t *testing.T, s *site, key string) {
	t.Helper()
	var buys []buy
	add := func(customer string, n int, cents int64, last string) {
		for i := range n {
			d, _ := time.Parse(time.DateOnly, last)
			buys = append(buys, buy{customer, cents, d.AddDate(0, 0, -i).Add(12 * time.Hour).Format(time.RFC3339), false})
		}
	}
	add("a", 5, 10000, "2026-11-19")
	add("b", 4, 8000, "2026-11-10")
	add("c", 3, 6000, "2026-11-01")
	add("d", 2, 4000, "2026-10-01")
	add("e", 1, 2000, "2026-06-01")
	sendBuys(t, s, key, buys)
}

// tile is what a segment's tile says, tags removed.
func tile(t *testing.T, p page, segment string) (text, link string) {
	t.Helper()
	m := regexp.MustCompile(`(?s)<li class="rfm-tile rfm-` + segment + `" data-test="tile-` + segment + `">(.*?)</li>`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no tile for %s", segment)
	}
	l := regexp.MustCompile(`<a href="([^"]+)" data-test="tile-link">`).FindStringSubmatch(m[1])
	return spaceRe.ReplaceAllString(strings.TrimSpace(html.UnescapeString(tagRe.ReplaceAllString(m[1], " "))), " "), html.UnescapeString(l[1])
}

func TestSegmentsPageGridAndTable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("segments@example.com", "UTC")
		segmentShop(t, s, b.key)
		path := "/apps/" + b.appID + "/reports/segments"
		nbsp := "\u00a0"
		for _, c := range []struct {
			lang  string
			tiles map[string]string
			texts []string
		}{
			{"en", map[string]string{
				"champions":      "Champions 1 customer 20.0% of customers · 45.5% of revenue",
				"loyal":          "Loyal 1 customer 20.0% of customers · 29.1% of revenue",
				"need_attention": "Need attention 1 customer 20.0% of customers · 16.4% of revenue",
				"hibernating":    "Hibernating 2 customers 40.0% of customers · 9.1% of revenue",
				"at_risk":        "At risk 0 customers 0.0% of customers · 0.0% of revenue",
			}, []string{
				"As of Nov 20, 2026: 5 customers with paid purchases, who brought $1,100.00.",
				// Hibernating: recency (50 + 172) / 2, orders (2 + 1) / 2, money $100 / 2.
				"Hibernating Last bought long ago, rarely and for little. Include them in general campaigns, but do not spend much on them. 2 40.0% $100.00 9.1% 111.0 1.5 $50.00",
				"5 last purchase at most 1 day ago at least 5 orders at least $500.00 spent",
				"2 last purchase at most 50 days ago at least 2 orders at least $80.00 spent",
			}},
			{"ru", map[string]string{
				"champions":   "Чемпионы 1 клиент 20,0" + nbsp + "% клиентов · 45,5" + nbsp + "% выручки",
				"hibernating": "Спящие 2 клиента 40,0" + nbsp + "% клиентов · 9,1" + nbsp + "% выручки",
				"at_risk":     "В зоне риска 0 клиентов 0,0" + nbsp + "% клиентов · 0,0" + nbsp + "% выручки",
			}, []string{
				"На 20 ноября 2026: 5 клиентов с оплаченными покупками, выручка от них — 1" + nbsp + "100,00" + nbsp + "$.",
				"Нельзя потерять",
				"4 последняя покупка не больше 10 дней назад не меньше 4 заказов потрачено не меньше 320,00" + nbsp + "$",
			}},
		} {
			b.post("/lang", url.Values{"lang": {c.lang}, "back": {path}})
			p := b.get(path)
			if p.status != http.StatusOK {
				t.Fatalf("%s: status %d", c.lang, p.status)
			}
			for seg, want := range c.tiles {
				got, link := tile(t, p, seg)
				if !strings.HasPrefix(got, want) {
					t.Errorf("%s: tile %s = %q, want %q…", c.lang, seg, got, want)
				}
				if link != "/apps/"+b.appID+"/customers?segment="+seg {
					t.Errorf("%s: tile %s links to %s", c.lang, seg, link)
				}
			}
			text := spaceRe.ReplaceAllString(p.text(), " ")
			for _, w := range c.texts {
				if !strings.Contains(text, w) {
					t.Errorf("%s: page does not say %q", c.lang, w)
				}
			}
		}
		b.post("/lang", url.Values{"lang": {"en"}, "back": {path}})

		// The table's counts are the JSON API's, and each tile's list holds
		// exactly that segment's customers.
		var api struct {
			Segments []struct {
				Segment   string `json:"segment"`
				Customers int64  `json:"customers"`
			} `json:"segments"`
		}
		s.apiJSON(b.key, "/api/v1/reports/segments", &api)
		p := b.get(path)
		want := map[string][]string{"champions": {"a"}, "loyal": {"b"}, "need_attention": {"c"}, "hibernating": {"d", "e"}}
		for _, seg := range api.Segments {
			row := regexp.MustCompile(`(?s)<tr data-test="row-` + seg.Segment + `">.*?<td class="num">([^<]*)</td>`).FindStringSubmatch(p.body)
			if row == nil || row[1] != fmt.Sprint(seg.Customers) || seg.Customers != int64(len(want[seg.Segment])) {
				t.Errorf("%s: table %v, API %d, want %d", seg.Segment, row, seg.Customers, len(want[seg.Segment]))
			}
			_, link := tile(t, p, seg.Segment)
			list := b.get(link)
			var ids []string
			for _, m := range regexp.MustCompile(`data-test="customer-link" href="[^"]*/customers/([^"]+)"`).FindAllStringSubmatch(list.body, -1) {
				ids = append(ids, m[1])
			}
			slices.Sort(ids)
			if list.status != http.StatusOK || !slices.Equal(ids, want[seg.Segment]) {
				t.Errorf("%s: list %d shows %v, want %v", seg.Segment, list.status, ids, want[seg.Segment])
			}
			if seg.Customers > 0 && !strings.Contains(list.text(), "Customers in the segment") {
				t.Errorf("%s: the list does not say which segment it shows", seg.Segment)
			}
		}
	})
}

func TestSegmentsCustomerListFilter(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("segment-list@example.com", "UTC")
	segmentShop(t, s, b.key)
	base := "/apps/" + b.appID + "/customers"
	p := b.get(base + "?segment=hibernating&sort=revenue")
	text := spaceRe.ReplaceAllString(p.text(), " ")
	if !strings.Contains(text, "Customers in the segment “Hibernating” as of today.") {
		t.Errorf("segment not named: %s", text)
	}
	if !strings.Contains(p.body, `<input type="hidden" name="segment" value="hibernating">`) {
		t.Errorf("the filter form drops the segment")
	}
	if !strings.Contains(p.body, `href="`+base+`?sort=revenue" data-test="segment-clear"`) {
		t.Errorf("no link that clears the segment and keeps the order")
	}
	// The segment narrows the other filters.
	p = b.get(base + "?segment=hibernating&q=d")
	if n := strings.Count(p.body, `data-test="customer-row"`); n != 1 {
		t.Errorf("hibernating and q=d: %d rows", n)
	}
	p = b.get(base + "?segment=champions&q=d")
	if !strings.Contains(p.body, `data-test="customers-no-match"`) {
		t.Errorf("champions and q=d: not an empty match")
	}
	b.post("/lang", url.Values{"lang": {"ru"}, "back": {base}})
	p = b.get(base + "?segment=cannot_lose_them")
	if !strings.Contains(p.text(), "Клиенты сегмента «Нельзя потерять» на сегодня.") {
		t.Errorf("Russian segment name: %s", p.text())
	}
	p = b.get(base + "?segment=vip")
	if p.status != http.StatusBadRequest || !strings.Contains(p.text(), "Такого сегмента нет.") ||
		!strings.Contains(p.body, `href="`+base+`" data-test="segment-clear"`) {
		t.Errorf("unknown segment: status %d: %s", p.status, p.text())
	}
}

func TestSegmentsCSVMatchesAPI(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("segments-csv@example.com", "Asia/Tokyo")
	segmentShop(t, s, b.key)
	for _, asOf := range []string{"", "2026-11-01", "2026-05-01"} {
		page := "/apps/" + b.appID + "/reports/segments"
		if asOf != "" {
			page += "?as_of=" + asOf
		}
		p := b.get(page)
		link := regexp.MustCompile(`href="([^"]+)" download data-test="csv"`).FindStringSubmatch(p.body)
		if link == nil {
			t.Fatalf("%s: no CSV link", asOf)
		}
		got := b.get(html.UnescapeString(link[1]))
		q := "?format=csv"
		if asOf != "" {
			q += "&as_of=" + asOf
		}
		st, want, header := s.apiGet(b.key, "/api/v1/reports/segments"+q)
		if st != http.StatusOK || got.status != http.StatusOK || got.body != want ||
			got.header.Get("Content-Disposition") != header.Get("Content-Disposition") {
			t.Errorf("as of %q: page CSV %d\n%s\nAPI %d\n%s", asOf, got.status, got.body, st, want)
		}
		if asOf == "2026-05-01" && !strings.Contains(p.body, `data-test="segments-empty"`) {
			t.Errorf("before the first purchase: no empty state")
		}
	}
}

func TestSegmentsBadDate(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("segments-bad@example.com", "UTC")
	segmentShop(t, s, b.key)
	for _, c := range []struct{ query, want string }{
		{"?as_of=2026-02-30", "Enter a date as YYYY-MM-DD"},
		{"?as_of=yesterday", "Enter a date as YYYY-MM-DD"},
		{"?as_of=2026-11-21", "Must not be later than today, Nov 20, 2026."},
	} {
		for _, path := range []string{"/reports/segments", "/reports/segments.csv", "/trends"} {
			p := b.get("/apps/" + b.appID + path + c.query)
			m := regexp.MustCompile(`<p class="error" id="e-as_of">([^<]*)</p>`).FindStringSubmatch(p.body)
			if p.status != http.StatusUnprocessableEntity || m == nil || !strings.Contains(m[1], c.want) {
				t.Errorf("%s%s: status %d, error %v, want %q", path, c.query, p.status, m, c.want)
			}
		}
	}
	b.post("/lang", url.Values{"lang": {"ru"}, "back": {"/apps/" + b.appID}})
	p := b.get("/apps/" + b.appID + "/reports/segments?as_of=2026-12-01")
	if !strings.Contains(p.text(), "Дата не может быть позже сегодняшней (20 ноября 2026).") {
		t.Errorf("Russian error: %s", p.text())
	}
}
