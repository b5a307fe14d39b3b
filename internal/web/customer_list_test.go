package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

type obj = map[string]any

// sendOK sends one event or request body with an app's key and fails
// unless the API took it.
func sendOK(t *testing.T, s *site, key, path string, body obj) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	if code := s.send(key, path, string(b)); code != http.StatusOK && code != http.StatusCreated {
		t.Fatalf("POST %s %s: status %d", path, b, code)
	}
}

func customerEv(id, name, email, created string) obj {
	c := obj{"id": id, "created_at": created}
	if name != "" {
		c["name"] = name
	}
	if email != "" {
		c["email"] = email
	}
	return c
}

func purchaseEv(id, customer, amount, at string) obj {
	return obj{"id": id, "customer_id": customer, "amount": amount, "purchased_at": at}
}

// The customers of the list tests. ivan's id holds a space, a slash and
// Cyrillic, which links must escape.
const (
	annaID  = "anna"
	borisID = "boris"
	ivanID  = "клиент/7 x"
)

// seedList loads three customers: anna (oldest, biggest spender, tagged
// vip), boris (latest purchase) and ivan (newest, no purchases, vip).
func seedList(t *testing.T, s *site, b *browser) {
	t.Helper()
	sendOK(t, s, b.key, "/api/v1/customers", customerEv(annaID, "Anna Petrova", "anna@example.com", "2026-11-01T09:00:00Z"))
	sendOK(t, s, b.key, "/api/v1/customers", customerEv(borisID, "Boris", "boris@example.org", "2026-11-02T09:00:00Z"))
	sendOK(t, s, b.key, "/api/v1/customers", customerEv(ivanID, "Иван Сидоров", "", "2026-11-03T09:00:00Z"))
	sendOK(t, s, b.key, "/api/v1/purchases", purchaseEv("o1", annaID, "1234.50", "2026-11-20T10:00:00Z"))
	sendOK(t, s, b.key, "/api/v1/purchases", purchaseEv("o2", borisID, "10.00", "2026-11-25T10:00:00Z"))
	for _, id := range []string{annaID, ivanID} {
		req, _ := json.Marshal(obj{"tags": []string{"vip"}})
		if code := sendPut(t, s, b.key, "/api/v1/customers/"+url.PathEscape(id)+"/tags", string(req)); code != http.StatusOK {
			t.Fatalf("tagging %s: status %d", id, code)
		}
	}
}

// sendPut is a PUT with an app's key.
func sendPut(t *testing.T, s *site, key, path, body string) int {
	t.Helper()
	req, err := http.NewRequest("PUT", s.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

var customerLinkRe = regexp.MustCompile(`<a data-test="customer-link" href="([^"]+)">([^<]*)</a>`)

// customerLinks are the list's rows as (href, text) pairs, in order.
func customerLinks(t *testing.T, p page) [][2]string {
	t.Helper()
	var out [][2]string
	for _, m := range customerLinkRe.FindAllStringSubmatch(p.body, -1) {
		out = append(out, [2]string{html.UnescapeString(m[1]), html.UnescapeString(m[2])})
	}
	if rows := strings.Count(p.body, `data-test="customer-row"`); rows != len(out) {
		t.Errorf("%d customer rows but %d customer links", rows, len(out))
	}
	return out
}

func linkTexts(links [][2]string) []string {
	out := make([]string, len(links))
	for i, l := range links {
		out[i] = l[1]
	}
	return out
}

func TestCustomerListSearchTagAndSort(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		b := s.register("Owner", "owner@example.com")
		seedList(t, s, b)
		base := "/apps/" + b.appID + "/customers"

		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{"Иван Сидоров", "Boris", "Anna Petrova"}},
			{"?sort=newest", []string{"Иван Сидоров", "Boris", "Anna Petrova"}},
			{"?sort=revenue", []string{"Anna Petrova", "Boris", "Иван Сидоров"}},
			{"?sort=last_purchase", []string{"Boris", "Anna Petrova", "Иван Сидоров"}},
			{"?q=PETROVA", []string{"Anna Petrova"}},
			{"?q=" + url.QueryEscape("иван"), []string{"Иван Сидоров"}},
			{"?q=example", []string{"Boris", "Anna Petrova"}},
			{"?tag=vip", []string{"Иван Сидоров", "Anna Petrova"}},
			{"?tag=vip&sort=revenue", []string{"Anna Petrova", "Иван Сидоров"}},
			{"?tag=vip&q=anna", []string{"Anna Petrova"}},
		}
		for _, tt := range tests {
			p := b.get(base + tt.query)
			if p.status != http.StatusOK {
				t.Fatalf("%s: status %d", tt.query, p.status)
			}
			if got := linkTexts(customerLinks(t, p)); !slices.Equal(got, tt.want) {
				t.Errorf("%s: rows %q, want %q", tt.query, got, tt.want)
			}
		}

		// A row shows the customer's figures, and the search form keeps
		// what was asked.
		p := b.get(base + "?q=anna&sort=revenue")
		text := p.text()
		for _, want := range []string{"anna@example.com", "$1,234.50", "Nov 20, 2026 10:00", "vip"} {
			if !strings.Contains(text, want) {
				t.Errorf("anna's row lacks %q: %s", want, text)
			}
		}
		if !strings.Contains(p.body, `value="anna"`) || !strings.Contains(p.body, `<option value="revenue" selected>`) {
			t.Errorf("the form does not keep q and sort: %s", p.body)
		}

		p = b.get(base + "?q=nobody")
		if !strings.Contains(p.body, `data-test="customers-no-match"`) || strings.Contains(p.body, `data-test="customers-empty"`) {
			t.Errorf("a search without results does not say so: %s", p.text())
		}
	})
}

func TestCustomerListLinksEscapeIDs(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	b := s.register("Owner", "owner@example.com")
	ids := []string{"with space", "a/b", "клиент", "100%", "q?x#y", "sla/sh/../x"}
	for i, id := range ids {
		sendOK(t, s, b.key, "/api/v1/customers", customerEv(id, "", "", fmt.Sprintf("2026-11-0%dT00:00:00Z", i+1)))
	}
	links := customerLinks(t, b.get("/apps/"+b.appID+"/customers?sort=newest"))
	if len(links) != len(ids) {
		t.Fatalf("%d rows, want %d", len(links), len(ids))
	}
	for i, l := range links {
		id := ids[len(ids)-1-i]
		want := "/apps/" + b.appID + "/customers/" + url.PathEscape(id)
		if l[0] != want || l[1] != id {
			t.Errorf("row %d: link %q %q, want %q %q", i, l[0], l[1], want, id)
			continue
		}
		p := b.get(l[0])
		if p.status != http.StatusOK || !strings.Contains(p.text(), id) {
			t.Errorf("%s: status %d, page without the id %q", l[0], p.status, id)
			continue
		}
		// The forms post back to the same customer.
		p = b.post(l[0]+"/notes", url.Values{"kind": {"note"}, "text": {"about " + id}})
		if p.status != http.StatusOK || p.url.EscapedPath() != l[0] || !strings.Contains(p.text(), "about "+id) {
			t.Errorf("note for %q: status %d at %s", id, p.status, p.url)
		}
	}
}

func TestCustomerListPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		b := s.register("Owner", "owner@example.com")
		const n = 55
		for i := range n {
			sendOK(t, s, b.key, "/api/v1/customers",
				customerEv(fmt.Sprintf("c%02d", i), fmt.Sprintf("Member %02d", i), "", fmt.Sprintf("2026-10-01T00:%02d:00Z", i)))
		}
		sendOK(t, s, b.key, "/api/v1/customers", customerEv("other", "Outsider", "", "2026-10-02T00:00:00Z"))

		p := b.get("/apps/" + b.appID + "/customers?q=member&sort=newest")
		first := linkTexts(customerLinks(t, p))
		if len(first) != 50 || first[0] != "Member 54" || first[49] != "Member 05" {
			t.Fatalf("first page: %d rows %q…", len(first), first[:min(3, len(first))])
		}
		if strings.Contains(p.body, `data-test="first-page"`) {
			t.Error("the first page links to the first page")
		}
		next := pageLink(t, p, "next-page")
		u, err := url.Parse(next)
		if err != nil {
			t.Fatal(err)
		}
		if q := u.Query(); q.Get("q") != "member" || q.Get("sort") != "newest" || q.Get("cursor") == "" {
			t.Errorf("next page link %q does not keep the filters", next)
		}

		p = b.get(next)
		second := linkTexts(customerLinks(t, p))
		if want := []string{"Member 04", "Member 03", "Member 02", "Member 01", "Member 00"}; !slices.Equal(second, want) {
			t.Errorf("second page: %q, want %q", second, want)
		}
		if strings.Contains(p.body, `data-test="next-page"`) {
			t.Error("the last page links to a next page")
		}
		firstLink := pageLink(t, p, "first-page")
		if firstLink != "/apps/"+b.appID+"/customers?q=member&sort=newest" {
			t.Errorf("first page link %q", firstLink)
		}
		if got := linkTexts(customerLinks(t, b.get(firstLink))); !slices.Equal(got, first) {
			t.Errorf("first page again: %q…", got[:3])
		}
	})
}

var pageLinkRe = regexp.MustCompile(`<a href="([^"]+)"[^>]*data-test="([a-z-]+)"`)

// pageLink is the href of the pager link marked with data-test=name.
func pageLink(t *testing.T, p page, name string) string {
	t.Helper()
	for _, m := range pageLinkRe.FindAllStringSubmatch(p.body, -1) {
		if m[2] == name {
			return html.UnescapeString(m[1])
		}
	}
	t.Fatalf("no %s link on %s", name, p.url)
	return ""
}

func TestCustomerListBadInput(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	b := s.register("Owner", "owner@example.com")
	seedList(t, s, b)
	base := "/apps/" + b.appID + "/customers"

	tests := []struct {
		name, query, where, want string
	}{
		{"long search", "?q=" + strings.Repeat("x", 201), `id="e-q"`, "must be at most 200 characters"},
		{"control character", "?q=a%01b", `id="e-q"`, "must not contain control characters"},
		{"long tag", "?tag=" + strings.Repeat("t", 65), `id="e-tag"`, "must be at most 64 characters"},
		{"unknown sort", "?sort=name", `id="e-sort"`, "Choose one of the orderings"},
		{"bad cursor", "?cursor=bm90IGEgY3Vyc29y", `role="alert"`, "This page link is out of date"},
		{"cursor of another sort", "", `role="alert"`, "This page link is out of date"},
	}
	for _, tt := range tests {
		query := tt.query
		if query == "" {
			// A cursor made for one ordering used with another.
			sendMany(t, s, b.key, 50)
			next := pageLink(t, b.get(base+"?sort=revenue"), "next-page")
			u, _ := url.Parse(next)
			query = "?sort=newest&cursor=" + url.QueryEscape(u.Query().Get("cursor"))
		}
		p := b.get(base + query)
		if p.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tt.name, p.status)
			continue
		}
		i := strings.Index(p.body, tt.where)
		if i < 0 || !strings.Contains(p.body[i:min(len(p.body), i+300)], tt.want) {
			t.Errorf("%s: no %q at %s: %s", tt.name, tt.want, tt.where, p.body)
		}
		if strings.Contains(p.body, `data-test="customers-empty"`) {
			t.Errorf("%s: bad input is shown as an empty customer base", tt.name)
		}
	}

	// In Russian too, with the number written the Russian way.
	b.post("/lang", url.Values{"lang": {"ru"}, "back": {base}})
	p := b.get(base + "?q=" + strings.Repeat("x", 201))
	if !strings.Contains(p.text(), "не длиннее 200 символов") {
		t.Errorf("the Russian message is missing: %s", p.text())
	}
}

// sendMany adds n customers without purchases.
func sendMany(t *testing.T, s *site, key string, n int) {
	t.Helper()
	for i := range n {
		sendOK(t, s, key, "/api/v1/customers", customerEv(fmt.Sprintf("bulk%03d", i), "", "", "2026-10-01T00:00:00Z"))
	}
}

func TestCustomerListEmpty(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	b := s.register("Owner", "owner@example.com")
	for _, lang := range []string{"en", "ru"} {
		path := "/apps/" + b.appID + "/customers"
		b.post("/lang", url.Values{"lang": {lang}, "back": {path}})
		p := b.get(path)
		if p.status != http.StatusOK || !strings.Contains(p.body, `data-test="customers-empty"`) {
			t.Fatalf("%s: status %d, no empty state: %s", lang, p.status, p.text())
		}
		if !strings.Contains(p.body, `href="/apps/`+b.appID+`/connect"`) {
			t.Errorf("%s: the empty list does not link to the Connect page", lang)
		}
	}
}

func TestCustomerPagesOfAnotherAccount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		owner := s.register("Owner", "owner@example.com")
		seedList(t, s, owner)
		other := s.register("Other", "other@example.com")
		sendOK(t, s, other.key, "/api/v1/customers", customerEv("own", "Own customer", "", "2026-11-01T00:00:00Z"))

		theirs := "/apps/" + owner.appID
		mine := "/apps/" + other.appID
		for _, path := range []string{
			theirs + "/customers", theirs + "/purchases", theirs + "/customers/anna", theirs + "/customers/anna/erase",
			// Another app's customer id under one's own app is not found either.
			mine + "/customers/anna", mine + "/customers/anna/erase",
		} {
			if p := other.get(path); p.status != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", path, p.status)
			}
		}
		other.get(mine + "/customers/own")
		for _, path := range []string{
			theirs + "/customers/anna/notes", theirs + "/customers/anna/tags", theirs + "/customers/anna/erase",
			mine + "/customers/anna/notes", mine + "/customers/anna/tags", mine + "/customers/anna/erase",
		} {
			if p := other.post(path, url.Values{"text": {"x"}, "tags": {"x"}}); p.status != http.StatusNotFound {
				t.Errorf("POST %s: status %d, want 404", path, p.status)
			}
		}
		// Nothing of the owner's customer changed.
		p := owner.get(theirs + "/customers/anna")
		if p.status != http.StatusOK || strings.Count(p.body, `data-test="timeline-item"`) != 2 {
			t.Errorf("anna's page changed: %d: %s", p.status, p.text())
		}
	})
}
