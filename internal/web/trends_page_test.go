package web_test

import (
	"fmt"
	"html"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// salesDays lists the purchases of the days days before insightsNow's
// date, n(i, d) of cents(k) each on day i, each by a customer of its own
// at noon UTC: the series of the API's trend tests.
func salesDays(days int, n func(i int, d time.Time) int, cents func() int64) []buy {
	today := time.Date(insightsNow.Year(), insightsNow.Month(), insightsNow.Day(), 0, 0, 0, 0, time.UTC)
	var out []buy
	for i := range days {
		d := today.AddDate(0, 0, i-days)
		for range n(i, d) {
			out = append(out, buy{fmt.Sprintf("c_%d", len(out)), cents(), d.Add(12 * time.Hour).Format(time.RFC3339), false})
		}
	}
	return out
}

// apiTrends is what the page is compared with.
type apiTrends struct {
	Findings []struct {
		Kind         string `json:"kind"`
		Metric       string `json:"metric"`
		Summary      string `json:"summary"`
		Evidence     []any  `json:"evidence"`
		Significance struct {
			Test      string   `json:"test"`
			PValue    float64  `json:"p_value"`
			AdjustedP *float64 `json:"adjusted_p_value"`
		} `json:"significance"`
	} `json:"findings"`
	Skipped []struct {
		Reason string `json:"reason"`
	} `json:"skipped"`
}

// findingCards are the page's finding cards, in order; a card holds no
// list of its own.
func findingCards(p page) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<li class="card finding" data-test="finding-[a-z_]+">.*?</li>`).FindAllString(p.body, -1) {
		out = append(out, m)
	}
	return out
}

// checkTrendsPage compares the page in lang with the API's findings in
// the same language: a card per finding, in order, with its summary, its
// p-value and test, and a bar per point of evidence.
func checkTrendsPage(t *testing.T, s *site, b *browser, lang, query string) (page, apiTrends) {
	t.Helper()
	b.post("/lang", url.Values{"lang": {lang}, "back": {"/apps/" + b.appID}})
	p := b.get("/apps/" + b.appID + "/trends" + query)
	if p.status != http.StatusOK {
		t.Fatalf("%s: status %d", lang, p.status)
	}
	var api apiTrends
	sep := "?"
	if query != "" {
		sep = "&"
	}
	s.apiJSON(b.key, "/api/v1/insights/trends"+query+sep+"lang="+lang, &api)
	cards := findingCards(p)
	if len(cards) != len(api.Findings) {
		t.Fatalf("%s: %d cards, %d findings", lang, len(cards), len(api.Findings))
	}
	for i, f := range api.Findings {
		card := html.UnescapeString(cards[i])
		if !strings.Contains(card, `data-test="finding-`+f.Kind+`"`) || !strings.Contains(card, f.Summary) {
			t.Errorf("%s: card %d is not %s %q", lang, i, f.Kind, f.Summary)
		}
		if bars := strings.Count(card, `<rect class="bar`); bars != len(f.Evidence) {
			t.Errorf("%s: card %d has %d bars for %d points", lang, i, bars, len(f.Evidence))
		}
		if p := pText(lang, f.Significance.PValue); !strings.Contains(card, p+", ") {
			t.Errorf("%s: card %d does not give %q", lang, i, p)
		}
		if f.Significance.AdjustedP != nil && !strings.Contains(card, pText(lang, *f.Significance.AdjustedP)) {
			t.Errorf("%s: card %d does not give the adjusted p", lang, i)
		}
	}
	text := html.UnescapeString(p.body)
	for _, sk := range api.Skipped {
		if !strings.Contains(text, sk.Reason) {
			t.Errorf("%s: skipped analysis %q not listed", lang, sk.Reason)
		}
	}
	return p, api
}

// pText is a p-value as the page writes it, computed here apart from it.
func pText(lang string, p float64) string {
	s := fmt.Sprintf("p = %.3f", p)
	if p < 0.001 {
		s = "p < 0.001"
	}
	if lang == "ru" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

func TestTrendsPageAnomaly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("spike@example.com", "UTC")
		rng := rand.New(rand.NewPCG(2, 2))
		sendBuys(t, s, b.key, salesDays(60, func(i int, d time.Time) int {
			if d.Format(time.DateOnly) == "2026-11-02" {
				return 900
			}
			return 18 + rng.IntN(5)
		}, func() int64 { return 1500 }))
		for _, c := range []struct{ lang, summary, test, kind string }{
			{"en", "Revenue on Nov 2, 2026 was $13,500.00, far above the expected", "generalized ESD test", "Unusual day"},
			{"ru", "Выручка 2 ноября 2026 составила 13\u00a0500,00\u00a0$ — намного выше ожидаемых", "обобщённый ESD-критерий", "Необычный день"},
		} {
			p, api := checkTrendsPage(t, s, b, c.lang, "")
			var card string
			for i, f := range api.Findings {
				if f.Kind == "anomaly" && f.Metric == "revenue" {
					card = html.UnescapeString(findingCards(p)[i])
				}
			}
			if !strings.Contains(card, c.summary) || !strings.Contains(card, c.test) || !strings.Contains(card, c.kind) {
				t.Fatalf("%s: no revenue anomaly card with %q: %s", c.lang, c.summary, card)
			}
			// The flagged day is the one bar marked, with the expected values
			// drawn as a line over the 15 days around it.
			if strings.Count(card, `data-test="marked-bar"`) != 1 || strings.Count(card, `data-test="evidence-line"`) != 1 {
				t.Errorf("%s: anomaly chart without its marked day or line", c.lang)
			}
			if m := regexp.MustCompile(`points="([^"]+)"`).FindStringSubmatch(card); m == nil || len(strings.Fields(m[1])) != 15 {
				t.Errorf("%s: expected line %v, want 15 points", c.lang, m)
			}
		}
		// As of a date before the spike there is no anomaly yet.
		p, _ := checkTrendsPage(t, s, b, "en", "?as_of=2026-10-25")
		if strings.Contains(p.body, `data-test="finding-anomaly"`) || !strings.Contains(p.text(), "Sales up to and including Oct 25, 2026.") {
			t.Errorf("as of 2026-10-25: %s", p.text())
		}
	})
}

func TestTrendsPageMetricTrendAndWeekdays(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	rising := s.registerInZone("rising@example.com", "UTC")
	rng := rand.New(rand.NewPCG(7, 7))
	sendBuys(t, s, rising.key, salesDays(190, func(i int, d time.Time) int {
		return int(math.Round(10 + 0.1*float64(i) + rng.Float64()*4 - 2))
	}, func() int64 { return 2000 }))
	p, api := checkTrendsPage(t, s, rising, "en", "")
	trends := 0
	for i, f := range api.Findings {
		if f.Kind != "metric_trend" {
			continue
		}
		trends++
		card := html.UnescapeString(findingCards(p)[i])
		m := regexp.MustCompile(`points="([^"]+)"`).FindStringSubmatch(card)
		if m == nil || len(strings.Fields(m[1])) != 26 {
			t.Errorf("%s: Sen line %v, want a point per week", f.Metric, m)
		}
		if !strings.Contains(card, "Mann–Kendall test with the Hamed–Rao correction; p") ||
			!strings.Contains(card, "after the Benjamini–Hochberg correction") || !strings.Contains(card, "May 18, 2026 – Nov 15, 2026") {
			t.Errorf("%s: %s", f.Metric, tagRe.ReplaceAllString(card, " "))
		}
	}
	if trends < 2 {
		t.Errorf("%d metric trends: %+v", trends, api.Findings)
	}
	checkTrendsPage(t, s, rising, "ru", "")

	weekly := s.registerInZone("weekly@example.com", "UTC")
	rng = rand.New(rand.NewPCG(5, 5))
	factor := map[time.Weekday]float64{time.Monday: 1, time.Tuesday: 0.6, time.Wednesday: 1, time.Thursday: 1,
		time.Friday: 1.2, time.Saturday: 2, time.Sunday: 1.3}
	sendBuys(t, s, weekly.key, salesDays(100, func(i int, d time.Time) int {
		return int(math.Round(10*factor[d.Weekday()] + rng.Float64()*4 - 2))
	}, func() int64 { return 1000 }))
	for _, c := range []struct{ lang, first, last string }{{"en", ">Mon<", ">Sun<"}, {"ru", ">пн<", ">вс<"}} {
		p, api := checkTrendsPage(t, s, weekly, c.lang, "")
		found := false
		for i, f := range api.Findings {
			if f.Kind == "seasonality" {
				found = true
				card := findingCards(p)[i]
				if !strings.Contains(card, c.first) || !strings.Contains(card, c.last) {
					t.Errorf("%s: weekday chart without its day names", c.lang)
				}
			}
		}
		if !found {
			t.Errorf("%s: no weekly pattern found", c.lang)
		}
	}
}

func TestTrendsPageNothingFound(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("quiet@example.com", "UTC")
	p, _ := checkTrendsPage(t, s, b, "en", "")
	if !strings.Contains(p.text(), "there are no sales up to this date") || !strings.Contains(p.body, `data-test="trends-empty"`) {
		t.Errorf("empty app: %s", p.text())
	}
	rng := rand.New(rand.NewPCG(9, 3))
	sendBuys(t, s, b.key, salesDays(20, func(int, time.Time) int { return 8 + rng.IntN(5) },
		func() int64 { return 1000 + rng.Int64N(2000) }))
	for _, c := range []struct{ lang, empty, reason string }{
		{"en", "No change passed its significance test for this date. That is a result, not an error",
			"Trend, Revenue: needs at least 8 complete weeks (Monday to Sunday) of data; there are 2"},
		{"ru", "Ни одно изменение не прошло проверку на значимость на эту дату. Это результат, а не ошибка",
			"Тренд, Выручка: нужно не меньше 8 полных недель"},
	} {
		p, _ := checkTrendsPage(t, s, b, c.lang, "")
		text := spaceRe.ReplaceAllString(p.text(), " ")
		if !strings.Contains(text, c.empty) || !strings.Contains(text, c.reason) {
			t.Errorf("%s: %s", c.lang, text)
		}
	}
}
