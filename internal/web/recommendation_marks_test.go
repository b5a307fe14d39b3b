package web_test

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// apiStatuses are the API's recommendations by id, with their statuses.
func apiStatuses(t *testing.T, s *site, key string) map[string]string {
	t.Helper()
	var api apiRecList
	s.apiJSON(key, "/api/v1/insights/recommendations", &api)
	out := map[string]string{}
	for _, r := range api.Recommendations {
		out[r.ID] = r.Status
	}
	return out
}

// TestMarkRecommendations: the card's buttons mark a recommendation done,
// dismissed or new again, only with the session's CSRF token; a done card
// then shows what its audience did since, here a day later, after one of
// its 18 customers bought once for $150.00, against the 1.8 buyers the
// 10 % response rate expects.
func TestMarkRecommendations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clk := &clock{now: insightsNow}
		s := newAssistantSite(t, db, clk, nil)
		b := s.registerInZone("marks@example.com", "UTC")
		sendBuys(t, s, b.key, riskShopBuys())
		page0 := b.get(assistantURL(b))
		if ids := cardIDs(page0); !slices.Contains(ids, "win_back") {
			t.Fatalf("no win-back card: %v", ids)
		}
		mark := assistantURL(b) + "/recommendations/win_back/status"

		for _, token := range []string{"", "not-the-token"} {
			if p := b.post(mark, url.Values{"csrf_token": {token}, "status": {"done"}}); p.status != http.StatusForbidden {
				t.Errorf("a mark with CSRF token %q: status %d, want 403", token, p.status)
			}
		}
		if st := apiStatuses(t, s, b.key)["win_back"]; st != "new" {
			t.Fatalf("after refused marks win_back is %q", st)
		}

		b.get(assistantURL(b))
		p := b.post(mark, url.Values{"status": {"done"}, "back": {assistantURL(b)}})
		if p.status != http.StatusOK || p.url.Path != assistantURL(b) || p.url.Query().Get("marked") != "win_back" {
			t.Fatalf("marking done: status %d at %s", p.status, p.url)
		}
		if !strings.Contains(p.text(), "“Win back 18 valuable customers who are slipping away” is marked done") {
			t.Errorf("no notice: %s", squeeze(p.text()))
		}
		if ids := cardIDs(p); slices.Contains(ids, "win_back") || !strings.Contains(p.text(), "Done (1)") {
			t.Errorf("after marking, the new tab lists %v", ids)
		}
		if st := apiStatuses(t, s, b.key)["win_back"]; st != "done" {
			t.Errorf("the API has win_back %q after marking it done", st)
		}

		// A day later lapsed_0, one of the audience, has bought again.
		clk.add(24 * time.Hour)
		sendOK(t, s, b.key, "/api/v1/purchases", purchaseEv("after_mark", "lapsed_0", "150.00", "2026-11-20T12:00:00Z"))
		for _, tt := range []struct {
			lang   string
			marked string
			facts  []string
		}{
			{"en", "Marked done Nov 20, 2026 10:00",
				[]string{"Since Nov 20, 2026 (1 day)", "Customers who bought 1 of 18 (1.8 expected at the response rate)",
					"Their orders 1", "Their revenue $150.00"}},
			{"ru", "Выполнена 20 ноября 2026, 10:00",
				[]string{"С 20 ноября 2026 (1 день)", "Клиентов купили 1 из 18 (ожидалось 1,8 при доле откликнувшихся)",
					"Их заказов 1", "Их выручка 150,00\u00a0$"}},
		} {
			b.post("/lang", url.Values{"lang": {tt.lang}, "back": {assistantURL(b)}})
			p := b.get(assistantURL(b) + "?status=done")
			if p.status != http.StatusOK || strings.Join(cardIDs(p), ",") != "win_back" {
				t.Fatalf("%s: the done tab: status %d, cards %v", tt.lang, p.status, cardIDs(p))
			}
			c := card(t, p, "win_back")
			if !strings.Contains(c, `data-status="done"`) || field(t, c, "rec-marked") != tt.marked {
				t.Errorf("%s: the card is not shown done: %s", tt.lang, squeeze(page{body: c}.text()))
			}
			outcome := squeeze(section(t, page{body: c}, "rec-outcome", "</dl>"))
			for _, want := range tt.facts {
				if !strings.Contains(outcome, want) {
					t.Errorf("%s: the outcome %q lacks %q", tt.lang, outcome, want)
				}
			}
			if !strings.Contains(c, `name="status" value="new"`) || strings.Contains(c, `name="status" value="done"`) {
				t.Errorf("%s: a done card offers no reopening, or marking it done again", tt.lang)
			}
		}
		b.post("/lang", url.Values{"lang": {"en"}, "back": {assistantURL(b)}})

		// Reopened from the done tab, it is back among the new ones.
		b.get(assistantURL(b) + "?status=done")
		p = b.post(mark, url.Values{"status": {"new"}, "back": {assistantURL(b) + "?status=done"}})
		if p.status != http.StatusOK || p.url.Query().Get("status") != "done" || len(cardIDs(p)) != 0 ||
			!strings.Contains(p.text(), "is open again") || !strings.Contains(p.text(), "No recommendation is marked done.") {
			t.Errorf("reopening: status %d at %s, cards %v", p.status, p.url, cardIDs(p))
		}
		if st := apiStatuses(t, s, b.key)["win_back"]; st != "new" {
			t.Errorf("the API has win_back %q after reopening it", st)
		}

		p = b.post(assistantURL(b)+"/recommendations/second_purchase/status", url.Values{"status": {"dismissed"},
			"back": {"https://elsewhere.example/phish"}})
		if p.status != http.StatusOK || p.url.Host != strings.TrimPrefix(s.srv.URL, "http://") || p.url.Path != assistantURL(b) {
			t.Errorf("a mark with a foreign back link led to %s", p.url)
		}
		p = b.get(assistantURL(b) + "?status=dismissed")
		if ids := cardIDs(p); strings.Join(ids, ",") != "second_purchase" ||
			!strings.HasPrefix(field(t, card(t, p, "second_purchase"), "rec-marked"), "Dismissed Nov 21, 2026") {
			t.Errorf("the dismissed tab lists %v", ids)
		}

		for _, tt := range []struct {
			name, path, status string
			want               int
		}{
			{"unknown status", mark, "archived", http.StatusBadRequest},
			{"no status", mark, "", http.StatusBadRequest},
			{"unknown recommendation", assistantURL(b) + "/recommendations/cross_sell-000000000000/status", "done", http.StatusNotFound},
		} {
			if p := b.post(tt.path, url.Values{"status": {tt.status}}); p.status != tt.want {
				t.Errorf("%s: status %d, want %d", tt.name, p.status, tt.want)
			}
		}
	})
}

// TestResponseRateForm: the assistant page sets the app's response rate as
// a percentage, and the impacts follow it; a rate that is not a share is
// refused with a message next to the field, and nothing changes.
func TestResponseRateForm(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	clk := &clock{now: insightsNow}
	s := newAssistantSite(t, db, clk, nil)
	b := s.registerInZone("rate@example.com", "UTC")
	sendBuys(t, s, b.key, riskShopBuys())
	p := b.get(assistantURL(b))
	if got := field(t, p.body, "recs-as-of"); !strings.Contains(got, "10.0%") {
		t.Fatalf("as of line %q lacks the default 10.0%%", got)
	}
	if !strings.Contains(p.body, `name="response_rate" type="text" value="10.0"`) {
		t.Errorf("the rate field does not hold 10.0")
	}
	impact := func() string {
		var api apiRecList
		s.apiJSON(b.key, "/api/v1/insights/recommendations", &api)
		return api.Recommendations[0].Impact.Amount
	}
	before := impact()
	action := assistantURL(b) + "/response-rate"
	p = b.post(action, url.Values{"response_rate": {"20"}, "back": {assistantURL(b)}})
	if p.status != http.StatusOK || p.url.Path != assistantURL(b) {
		t.Fatalf("saving 20: status %d at %s", p.status, p.url)
	}
	if got := field(t, p.body, "recs-as-of"); !strings.Contains(got, "20.0%") {
		t.Errorf("after saving 20, the as of line says %q", got)
	}
	b1, _ := strconv.ParseFloat(before, 64)
	a1, _ := strconv.ParseFloat(impact(), 64)
	if math.Abs(a1-2*b1) > 0.011 {
		t.Errorf("the first impact went from %s to %v, want twice", before, a1)
	}
	for _, bad := range []string{"abc", "0", "150", "-5", "0.05"} {
		p = b.post(action, url.Values{"response_rate": {bad}, "back": {assistantURL(b)}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="e-response_rate"`) ||
			!strings.Contains(p.text(), "Enter a percentage from 0.1 to 100") {
			t.Errorf("rate %q: status %d, no message next to the field", bad, p.status)
		}
	}
	if got := field(t, b.get(assistantURL(b)).body, "recs-as-of"); !strings.Contains(got, "20.0%") {
		t.Errorf("refused rates changed it: %q", got)
	}
	// Another account cannot set it.
	other := s.registerInZone("other@example.com", "UTC")
	if p := other.post(action, url.Values{"response_rate": {"50"}}); p.status != http.StatusNotFound {
		t.Errorf("another account's post: %d, want 404", p.status)
	}
}
