package web_test

import (
	"html"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pulse/internal/i18n"
	"pulse/internal/money"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// apiRecList is the API's list of recommendations: the fields the page
// shows.
type apiRecList struct {
	Recommendations []apiRec `json:"recommendations"`
	Skipped         []struct {
		Kind   string `json:"kind"`
		Reason string `json:"reason"`
	} `json:"skipped"`
}

type apiRec struct {
	ID         string         `json:"id"`
	Kind       string         `json:"kind"`
	Title      string         `json:"title"`
	Rationale  string         `json:"rationale"`
	Status     string         `json:"status"`
	Confidence float64        `json:"confidence"`
	Evidence   map[string]any `json:"evidence"`
	Audience   struct {
		Type  string `json:"type"`
		Count int    `json:"count"`
	} `json:"audience"`
	Impact struct {
		Amount     string `json:"amount"`
		Low        string `json:"low"`
		High       string `json:"high"`
		Assumption string `json:"assumption"`
	} `json:"expected_impact"`
}

// apiSummary is the API's summary of a period.
type apiSummary struct {
	Headline string `json:"headline"`
	Sections []struct {
		Topic string `json:"topic"`
		Text  string `json:"text"`
	} `json:"sections"`
}

var cardIDRe = regexp.MustCompile(`data-test="rec" data-id="([^"]+)"`)

// cardIDs are the ids of the page's recommendation cards, in order.
func cardIDs(p page) []string {
	var out []string
	for _, m := range cardIDRe.FindAllStringSubmatch(p.body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// card is the markup of the card of recommendation id.
func card(t *testing.T, p page, id string) string {
	t.Helper()
	i := strings.Index(p.body, `id="rec-`+id+`"`)
	if i < 0 {
		t.Fatalf("%s: no card of %s", p.url, id)
	}
	// The card's own marker comes first; the next card's ends it.
	from := i + strings.Index(p.body[i:], "data-id=")
	rest := p.body[from:]
	end := len(rest)
	for _, stop := range []string{`data-test="rec" `, `data-test="skipped"`, `id="chat"`} {
		if j := strings.Index(rest, stop); j >= 0 && j < end {
			end = j
		}
	}
	return p.body[i : from+end]
}

// field is the text of the element marked data-test=name in markup.
func field(t *testing.T, markup, name string) string {
	t.Helper()
	m := regexp.MustCompile(`data-test="` + name + `"[^>]*>([^<]*)<`).FindStringSubmatch(markup)
	if m == nil {
		t.Fatalf("no %s in %s", name, markup)
	}
	return html.UnescapeString(m[1])
}

// local is an API money string as the page writes it in lang.
func local(t *testing.T, lang, s string) string {
	t.Helper()
	minor, err := money.Parse(s, 2)
	if err != nil {
		t.Fatalf("API money %q: %v", s, err)
	}
	return i18n.Money(lang, minor, "USD")
}

func assistantURL(b *browser) string { return "/apps/" + b.appID + "/assistant" }

// z80 is the standard normal quantile of 0.9, for an 80 % range.
const z80 = 1.2815515655446004

// TestAssistantPageShowsTheRecommendations: the cards say what the API
// says, in both languages, and the win-back impact is the response rate
// times the sum of its customers' average orders, worked out here from the
// purchases sent.
func TestAssistantPageShowsTheRecommendations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("assistant@example.com", "UTC")
		buys := riskShopBuys()
		sendBuys(t, s, b.key, buys)

		// Each customer's average order, from the purchases.
		sum, n := map[string]float64{}, map[string]float64{}
		for _, x := range buys {
			sum[x.customer] += float64(x.cents)
			n[x.customer]++
		}
		var aud struct {
			Data []struct {
				CustomerID string `json:"customer_id"`
			} `json:"data"`
		}
		s.apiJSON(b.key, "/api/v1/insights/recommendations/win_back/audience?limit=500", &aud)
		var total, squares float64
		for _, c := range aud.Data {
			v := sum[c.CustomerID] / n[c.CustomerID]
			total += v
			squares += v * v
		}
		mean, sd := 0.1*total, math.Sqrt(0.1*0.9*squares)
		wantImpact := i18n.Money("en", int64(math.Round(mean)), "USD")
		wantRange := "80% range: " + i18n.Money("en", int64(math.Round(max(0, mean-z80*sd))), "USD") + " to " +
			i18n.Money("en", int64(math.Round(mean+z80*sd)), "USD") + ", over the next 90 days."

		tests := []struct {
			lang      string
			audiences map[string]string
			tabs      []string
			skipped   map[string]string
			texts     []string
		}{
			{"en", map[string]string{"win_back": "18 customers", "second_purchase": "2 customers"},
				[]string{"New (2)", "Done (0)", "Dismissed (0)"},
				map[string]string{"cross_sell": "Cross-sell: no products are bought together often enough",
					"declining_product": "Declining and rising products: no change in the sales is larger than chance"},
				[]string{"Recommendations", "For Nov 20, 2026, computed Nov 20, 2026 10:00. Impacts assume a response rate of 10.0%.",
					"Their revenue to date", "The same, 30 days ago", "Earlier first-time buyers counted 126",
					"PULSE_LLM_URL", "PULSE_LLM_MODEL"}},
			{"ru", map[string]string{"win_back": "18 клиентов", "second_purchase": "2 клиента"},
				[]string{"Новые (2)", "Выполненные (0)", "Отклонённые (0)"},
				map[string]string{"cross_sell": "Кросс-продажи: никакие товары не покупают вместе так часто",
					"reactivate_segment": "Возврат сегмента: ни одно изменение продаж не больше случайного"},
				[]string{"Рекомендации", "На 20 ноября 2026, рассчитаны 20 ноября 2026, 10:00. Эффект посчитан при доле откликнувшихся 10,0\u00a0%.",
					"Их выручка на сегодня", "То же 30 дней назад", "Учтено прежних новых покупателей 126", "PULSE_LLM_URL"}},
		}
		for _, tt := range tests {
			b.post("/lang", url.Values{"lang": {tt.lang}, "back": {assistantURL(b)}})
			p := b.get(assistantURL(b))
			if p.status != http.StatusOK {
				t.Fatalf("%s: status %d: %s", tt.lang, p.status, p.text())
			}
			var api apiRecList
			s.apiJSON(b.key, "/api/v1/insights/recommendations?lang="+tt.lang, &api)
			var ids []string
			for _, r := range api.Recommendations {
				ids = append(ids, r.ID)
			}
			if got := cardIDs(p); strings.Join(got, ",") != strings.Join(ids, ",") || len(ids) != 2 {
				t.Fatalf("%s: cards %v, the API lists %v", tt.lang, got, ids)
			}
			for _, r := range api.Recommendations {
				c := card(t, p, r.ID)
				for name, want := range map[string]string{
					"rec-title": r.Title, "rec-rationale": r.Rationale, "rec-assumption": r.Impact.Assumption,
					"rec-impact": local(t, tt.lang, r.Impact.Amount), "rec-confidence": i18n.Percent(tt.lang, r.Confidence),
					"rec-audience": tt.audiences[r.ID],
				} {
					if got := field(t, c, name); got != want {
						t.Errorf("%s: %s's %s is %q, want %q", tt.lang, r.ID, name, got, want)
					}
				}
				base := assistantURL(b) + "/recommendations/" + r.ID
				for _, want := range []string{`href="` + base + `/audience"`, `href="` + base + `/audience?format=csv"`,
					`action="` + base + `/status"`, `name="status" value="done"`, `name="status" value="dismissed"`} {
					if !strings.Contains(c, want) {
						t.Errorf("%s: %s's card lacks %s", tt.lang, r.ID, want)
					}
				}
			}
			win := card(t, p, "win_back")
			ev := squeeze(page{body: win}.text())
			winAPI := api.Recommendations[0]
			for _, want := range []string{local(t, tt.lang, winAPI.Evidence["revenue"].(string)),
				i18n.Percent(tt.lang, winAPI.Evidence["p_alive"].(float64)), i18n.Percent(tt.lang, winAPI.Evidence["p_alive_before"].(float64))} {
				if !strings.Contains(ev, want) {
					t.Errorf("%s: the win-back evidence lacks %q: %s", tt.lang, want, ev)
				}
			}
			if tt.lang == "en" {
				if got := field(t, win, "rec-impact"); got != wantImpact {
					t.Errorf("win-back impact %s, worked out from the purchases %s", got, wantImpact)
				}
				if got := field(t, win, "rec-range"); got != wantRange {
					t.Errorf("win-back range %q, worked out from the purchases %q", got, wantRange)
				}
			}
			text := squeeze(p.text())
			for _, want := range append(tt.tabs, tt.texts...) {
				if !strings.Contains(text, want) {
					t.Errorf("%s: the page does not say %q", tt.lang, want)
				}
			}
			if len(api.Skipped) != 5 {
				t.Errorf("%s: the API skips %d kinds, want 5 (win back, cross sell, both product trends, segments)", tt.lang, len(api.Skipped))
			}
			for _, k := range api.Skipped {
				if !strings.Contains(p.body, `data-test="skipped-`+k.Kind+`"`) {
					t.Errorf("%s: skipped kind %s is not explained", tt.lang, k.Kind)
				}
			}
			for kind, want := range tt.skipped {
				if got := squeeze(section(t, p, "skipped-"+kind, "</li>")); !strings.HasPrefix(got, want) {
					t.Errorf("%s: skipped %s says %q, want %q…", tt.lang, kind, got, want)
				}
			}
			if !strings.Contains(p.body, `aria-current="page">`+tt.tabs[0]) {
				t.Errorf("%s: the new tab is not the current one", tt.lang)
			}
			if !strings.Contains(p.body, `href="`+assistantURL(b)+`" aria-current="page"`) {
				t.Errorf("%s: the navigation does not mark the assistant", tt.lang)
			}
		}
	})
}

// TestAssistantSummary: the summary is the API's for the same period, the
// period picked by preset or by dates, ending yesterday by default; wrong
// dates are explained next to their fields and the default shown.
func TestAssistantSummary(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("summary@example.com", "UTC")
		sendBuys(t, s, b.key, riskShopBuys())
		// Today is Nov 20: the default 30 days end on Nov 19 and start on
		// Oct 21; the 30 days before are Sep 21 to Oct 20.
		tests := []struct {
			name, lang, query, apiQuery string
			status                      int
			period                      string
			errors                      map[string]string
		}{
			{"default", "en", "", "from=2026-10-21&to=2026-11-19", http.StatusOK,
				"Oct 21, 2026 – Nov 19, 2026, against Sep 21, 2026 – Oct 20, 2026.", nil},
			{"a week", "en", "?period=7", "from=2026-11-13&to=2026-11-19", http.StatusOK,
				"Nov 13, 2026 – Nov 19, 2026, against Nov 6, 2026 – Nov 12, 2026.", nil},
			{"October", "en", "?from=2026-10-01&to=2026-10-31", "from=2026-10-01&to=2026-10-31", http.StatusOK,
				"Oct 1, 2026 – Oct 31, 2026, against Aug 31, 2026 – Sep 30, 2026.", nil},
			{"reversed", "en", "?from=2026-10-31&to=2026-10-01", "from=2026-10-21&to=2026-11-19", http.StatusUnprocessableEntity,
				"Oct 21, 2026 – Nov 19, 2026, against Sep 21, 2026 – Oct 20, 2026.",
				map[string]string{"to": "Must not be earlier than the start date."}},
			{"not a date", "en", "?from=yesterday&to=2026-10-01", "from=2026-10-21&to=2026-11-19", http.StatusUnprocessableEntity,
				"Oct 21, 2026 – Nov 19, 2026, against Sep 21, 2026 – Oct 20, 2026.",
				map[string]string{"from": "Enter a date as YYYY-MM-DD, such as 2026-11-01."}},
			{"a week in Russian", "ru", "?period=7", "from=2026-11-13&to=2026-11-19", http.StatusOK,
				"13 ноября 2026 – 19 ноября 2026 в сравнении с периодом 6 ноября 2026 – 12 ноября 2026.", nil},
		}
		for _, tt := range tests {
			b.post("/lang", url.Values{"lang": {tt.lang}, "back": {assistantURL(b)}})
			p := b.get(assistantURL(b) + tt.query)
			if p.status != tt.status {
				t.Fatalf("%s: status %d, want %d", tt.name, p.status, tt.status)
			}
			var sum apiSummary
			s.apiJSON(b.key, "/api/v1/insights/summary?lang="+tt.lang+"&"+tt.apiQuery, &sum)
			if got := field(t, p.body, "summary-period"); got != tt.period {
				t.Errorf("%s: period %q, want %q", tt.name, got, tt.period)
			}
			if got := field(t, p.body, "summary-headline"); got != sum.Headline || got == "" {
				t.Errorf("%s: headline %q, the API's %q", tt.name, got, sum.Headline)
			}
			for _, sec := range sum.Sections {
				if got := field(t, p.body, "summary-"+sec.Topic); got != sec.Text {
					t.Errorf("%s: %s section %q, the API's %q", tt.name, sec.Topic, got, sec.Text)
				}
			}
			for f, want := range tt.errors {
				if !strings.Contains(p.body, `<p class="error" id="e-`+f+`">`+want+`</p>`) {
					t.Errorf("%s: no error %q next to %s", tt.name, want, f)
				}
			}
			if tt.errors != nil && !strings.Contains(p.text(), "These settings cannot be used; below are the last 30 days instead.") {
				t.Errorf("%s: the page does not say the default period is shown", tt.name)
			}
		}
	})
}

// TestAssistantEmptyStates: an app without data points to the connection
// page; an app with a few purchases has no recommendation, and says why
// for each kind.
func TestAssistantEmptyStates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("empty@example.com", "UTC")
		p := b.get(assistantURL(b))
		if p.status != http.StatusOK || !strings.Contains(p.body, `data-test="assistant-empty"`) ||
			!strings.Contains(p.body, `href="/apps/`+b.appID+`/connect"`) {
			t.Fatalf("an app without data: status %d: %s", p.status, p.text())
		}
		if p := b.get(assistantURL(b) + "/recommendations/win_back/audience"); p.status != http.StatusNotFound {
			t.Errorf("the audience of a recommendation an empty app does not have: status %d", p.status)
		}

		sendBuys(t, s, b.key, []buy{
			{"a", 1000, "2026-11-01T10:00:00Z", false},
			{"a", 2000, "2026-11-10T10:00:00Z", false},
			{"b", 1500, "2026-11-12T10:00:00Z", false},
		})
		for _, tt := range []struct {
			lang, none string
			reasons    map[string]string
		}{
			{"en", "No new recommendations: nothing in the data calls for an action now.",
				map[string]string{"win_back": "Win back: no customer fits it at the moment.",
					"second_purchase": "Second purchase: there is too little purchase history to measure it yet."}},
			{"ru", "Новых рекомендаций нет: сейчас данные не требуют действий.",
				map[string]string{"win_back": "Возврат клиентов: сейчас ни один клиент не подходит.",
					"bundle": "Комплекты: истории покупок пока слишком мало, чтобы это оценить."}},
		} {
			b.post("/lang", url.Values{"lang": {tt.lang}, "back": {assistantURL(b)}})
			p := b.get(assistantURL(b))
			if p.status != http.StatusOK || len(cardIDs(p)) != 0 {
				t.Fatalf("%s: a small shop: status %d, cards %v", tt.lang, p.status, cardIDs(p))
			}
			if got := field(t, p.body, "recs-empty"); got != tt.none {
				t.Errorf("%s: %q, want %q", tt.lang, got, tt.none)
			}
			if field(t, p.body, "summary-headline") == "" {
				t.Errorf("%s: no summary headline", tt.lang)
			}
			for kind, want := range tt.reasons {
				if got := squeeze(section(t, p, "skipped-"+kind, "</li>")); got != want {
					t.Errorf("%s: %s: %q, want %q", tt.lang, kind, got, want)
				}
			}
			if got := strings.Count(p.body, `data-test="skipped-`); got != 7 {
				t.Errorf("%s: %d kinds explained, want all 7: a small shop has none", tt.lang, got)
			}
		}
	})
}

// TestAssistantIsTheAccountsOwn: another account's app, its
// recommendations and their audiences are not found, and cannot be marked.
func TestAssistantIsTheAccountsOwn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		owner := s.registerInZone("owner@example.com", "UTC")
		sendBuys(t, s, owner.key, riskShopBuys())
		if p := owner.get(assistantURL(owner)); p.status != http.StatusOK || len(cardIDs(p)) == 0 {
			t.Fatalf("the owner's page: status %d, cards %v", p.status, cardIDs(p))
		}
		other := s.registerInZone("other@example.com", "UTC")
		base := assistantURL(owner)
		for _, path := range []string{base, base + "/recommendations/win_back/audience",
			base + "/recommendations/win_back/audience?format=csv"} {
			if p := other.get(path); p.status != http.StatusNotFound {
				t.Errorf("GET %s by another account: status %d, want 404", path, p.status)
			}
		}
		other.get(assistantURL(other))
		for _, path := range []string{base + "/recommendations/win_back/status", base + "/ask"} {
			if p := other.post(path, url.Values{"status": {"done"}, "question": {"How are sales?"}}); p.status != http.StatusNotFound {
				t.Errorf("POST %s by another account: status %d, want 404", path, p.status)
			}
		}
		var api apiRecList
		s.apiJSON(owner.key, "/api/v1/insights/recommendations?status=new", &api)
		if len(api.Recommendations) != 2 {
			t.Errorf("the owner's new recommendations: %d, want 2 (none marked by the other account)", len(api.Recommendations))
		}
	})
}
