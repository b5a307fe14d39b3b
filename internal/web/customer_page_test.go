package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// seedAnna loads a customer with a profile, attributes, two paid orders
// worth 1,234.50 and one refund of 20.00.
func seedAnna(t *testing.T, s *site, b *browser) string {
	t.Helper()
	c := customerEv(annaID, "Anna Petrova", "anna@example.com", "2026-11-01T09:30:00Z")
	c["phone"] = "+79990001122"
	c["attributes"] = obj{"plan": "pro", "age": 31, "beta": true, "score": 2.5}
	sendOK(t, s, b.key, "/api/v1/customers", c)
	o1 := purchaseEv("o1", annaID, "1000.00", "2026-11-02T10:00:00Z")
	o1["items"] = []obj{{"name": "Pro plan", "quantity": 2, "price": "500.00"}}
	sendOK(t, s, b.key, "/api/v1/purchases", o1)
	sendOK(t, s, b.key, "/api/v1/purchases", purchaseEv("o2", annaID, "234.50", "2026-11-05T12:00:00Z"))
	o3 := purchaseEv("o3", annaID, "20.00", "2026-11-07T08:00:00Z")
	sendOK(t, s, b.key, "/api/v1/purchases", o3)
	o3["status"] = "refunded"
	sendOK(t, s, b.key, "/api/v1/purchases", o3)
	return "/apps/" + b.appID + "/customers/" + annaID
}

// statRe reads a figure of the customer page's stats.
var statRe = regexp.MustCompile(`data-test="stat-([a-z]+)">([^<]*)<`)

func stats(p page) map[string]string {
	out := map[string]string{}
	for _, m := range statRe.FindAllStringSubmatch(p.body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

func TestCustomerPageShowsStatsInBothLanguages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		b := s.register("Owner", "owner@example.com")
		path := seedAnna(t, s, b)

		tests := []struct {
			lang  string
			stats map[string]string
			texts []string
		}{
			{"en", map[string]string{"orders": "2", "revenue": "$1,234.50", "aov": "$617.25", "refunds": "1 refund, $20.00"},
				[]string{"Anna Petrova", "anna@example.com", "+79990001122", "Nov 1, 2026 09:30", "Nov 2, 2026 10:00",
					"Nov 5, 2026 12:00", "pro", "yes", "2.5", "Pro plan × 2", "Purchase o3", "Refund of purchase o3",
					"refunded later", "Signed up"}},
			{"ru", map[string]string{"orders": "2", "revenue": "1\u00a0234,50\u00a0$", "aov": "617,25\u00a0$",
				"refunds": "1 возврат, 20,00\u00a0$"},
				[]string{"1 ноября 2026, 09:30", "2 ноября 2026, 10:00", "да", "2,5", "Возврат покупки o3", "Регистрация"}},
		}
		for _, tt := range tests {
			b.post("/lang", url.Values{"lang": {tt.lang}, "back": {path}})
			p := b.get(path)
			if p.status != http.StatusOK {
				t.Fatalf("%s: status %d", tt.lang, p.status)
			}
			got := stats(p)
			for k, want := range tt.stats {
				if got[k] != want {
					t.Errorf("%s: %s is %q, want %q", tt.lang, k, got[k], want)
				}
			}
			text := p.text()
			for _, want := range tt.texts {
				if !strings.Contains(text, want) {
					t.Errorf("%s: the page lacks %q", tt.lang, want)
				}
			}
			// Signup, three purchases and a refund.
			if n := strings.Count(p.body, `data-test="timeline-item"`); n != 5 {
				t.Errorf("%s: %d timeline items, want 5", tt.lang, n)
			}
		}
	})
}

// noteForm checks the note form's contract for browser tests.
func noteForm(t *testing.T, p page) {
	t.Helper()
	i := strings.Index(p.body, `data-test="note-form"`)
	if i < 0 {
		t.Fatal("no note form")
	}
	form := p.body[i:]
	form = form[:strings.Index(form, "</form>")]
	for _, want := range []string{`<select id="f-kind" name="kind"`, `value="note"`, `value="call"`, `value="email"`,
		`value="meeting"`, `<textarea id="f-text" name="text"`, `name="csrf_token"`} {
		if !strings.Contains(form, want) {
			t.Errorf("the note form lacks %s", want)
		}
	}
}

func TestCustomerNotes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		b := s.register("Olga Owner", "owner@example.com")
		path := seedAnna(t, s, b)
		noteForm(t, b.get(path))

		p := b.post(path+"/notes", url.Values{"kind": {"call"}, "text": {"Called about the renewal.\nShe will decide on Monday."}})
		if p.status != http.StatusOK || p.url.Path != path || p.url.Query().Get("done") != "note_added" {
			t.Fatalf("adding a note: %d at %s", p.status, p.url)
		}
		text := p.text()
		for _, want := range []string{"The note has been added", "Call", "Olga Owner", "She will decide on Monday."} {
			if !strings.Contains(text, want) {
				t.Errorf("after adding a note the page lacks %q", want)
			}
		}
		if n := strings.Count(p.body, `data-test="timeline-item"`); n != 6 {
			t.Errorf("%d timeline items after the note, want 6", n)
		}

		bad := []struct {
			form  url.Values
			field string
			want  string
		}{
			{url.Values{"kind": {"note"}, "text": {"   "}}, "text", "must not be empty"},
			{url.Values{"kind": {"note"}}, "text", "is required"},
			{url.Values{"kind": {"note"}, "text": {strings.Repeat("я", 10001)}}, "text", "must be at most 10,000 characters; this one has 10,001"},
			{url.Values{"kind": {"letter"}, "text": {"hello"}}, "kind", "choose one of the kinds"},
		}
		for _, tt := range bad {
			b.get(path)
			p := b.post(path+"/notes", tt.form)
			if p.status != http.StatusUnprocessableEntity {
				t.Errorf("%v: status %d, want 422", tt.form, p.status)
				continue
			}
			if !errorNextTo(p, tt.field, tt.want) {
				t.Errorf("%v: no %q next to %s", tt.form, tt.want, tt.field)
			}
			if !strings.Contains(p.body, `aria-invalid="true" aria-describedby="e-`+tt.field+`"`) {
				t.Errorf("%v: the %s field is not marked invalid", tt.form, tt.field)
			}
		}
		if n := strings.Count(b.get(path).body, `data-test="timeline-item"`); n != 6 {
			t.Errorf("refused notes were stored: %d timeline items, want 6", n)
		}

		// In Russian the message is translated.
		b.post("/lang", url.Values{"lang": {"ru"}, "back": {path}})
		p = b.post(path+"/notes", url.Values{"kind": {"note"}, "text": {""}})
		if !errorNextTo(p, "text", "не может быть пустым") {
			t.Errorf("no Russian message next to the text: %s", p.text())
		}
		// The language switch of the refused form's page returns to the
		// customer, not to the form's address.
		if !strings.Contains(p.body, `name="back" value="`+path+`"`) {
			t.Error("the language switch does not return to the customer's page")
		}
	})
}

// errorNextTo reports whether the message next to field contains want.
func errorNextTo(p page, field, want string) bool {
	m := regexp.MustCompile(`<p class="error" id="e-` + field + `">([^<]*)</p>`).FindStringSubmatch(p.body)
	return m != nil && strings.Contains(m[1], want)
}

// fieldValue is the value of the text field named field.
func fieldValue(p page, field string) string {
	m := regexp.MustCompile(`id="f-` + field + `" name="` + field + `" type="text" value="([^"]*)"`).FindStringSubmatch(p.body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestCustomerTimelinePages(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	b := s.register("Owner", "owner@example.com")
	sendOK(t, s, b.key, "/api/v1/customers", customerEv("busy", "Busy", "", "2026-11-01T00:00:00Z"))
	for i := range 55 {
		sendOK(t, s, b.key, "/api/v1/customers/busy/notes", obj{"kind": "email", "text": fmt.Sprintf("message %02d", i)})
	}
	path := "/apps/" + b.appID + "/customers/busy"
	p := b.get(path)
	if n := strings.Count(p.body, `data-test="timeline-item"`); n != 50 {
		t.Fatalf("first timeline page: %d items, want 50", n)
	}
	// Notes an app sent name its key.
	if !strings.Contains(p.text(), "API key “Default key”") {
		t.Errorf("a note sent with a key does not name it: %s", p.text())
	}
	more := pageLink(t, p, "next-page")
	if !strings.Contains(p.text(), "More") || !strings.HasPrefix(more, path+"?cursor=") {
		t.Fatalf("the More link is %q", more)
	}
	p = b.get(more)
	if n := strings.Count(p.body, `data-test="timeline-item"`); n != 6 || !strings.Contains(p.text(), "message 54") {
		t.Errorf("second timeline page: %d items, want 6 ending with message 54", n)
	}
	if p := b.get(path + "?cursor=bogus"); p.status != http.StatusBadRequest || !strings.Contains(p.text(), "out of date") {
		t.Errorf("a bad timeline cursor: status %d", p.status)
	}
}

func TestCustomerTags(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		b := s.register("Owner", "owner@example.com")
		path := seedAnna(t, s, b)
		b.get(path)

		p := b.post(path+"/tags", url.Values{"tags": {" vip, newsletter ,vip,, "}})
		if p.status != http.StatusOK || p.url.Query().Get("done") != "tags_saved" {
			t.Fatalf("saving tags: %d at %s", p.status, p.url)
		}
		if got := fieldValue(p, "tags"); got != "newsletter, vip" && got != "vip, newsletter" {
			t.Errorf("the tags field shows %q", got)
		}
		for _, tag := range []string{"vip", "newsletter"} {
			if !strings.Contains(p.body, `<li class="tag"><a href="/apps/`+b.appID+`/customers?tag=`+tag+`">`+tag+`</a></li>`) {
				t.Errorf("no chip for %s", tag)
			}
			list := b.get("/apps/" + b.appID + "/customers?tag=" + tag)
			if got := linkTexts(customerLinks(t, list)); len(got) != 1 || got[0] != "Anna Petrova" {
				t.Errorf("customers tagged %s: %q", tag, got)
			}
		}

		long := strings.Repeat("t", 65)
		p = b.post(path+"/tags", url.Values{"tags": {"ok, " + long}})
		if p.status != http.StatusUnprocessableEntity || !errorNextTo(p, "tags", "“"+long+"”: must be at most 64 characters") {
			t.Errorf("a long tag: status %d: %s", p.status, p.text())
		}
		if fieldValue(p, "tags") != "ok, "+long {
			t.Error("the refused tags are not shown again for correction")
		}

		b.get(path)
		p = b.post(path+"/tags", url.Values{"tags": {""}})
		if p.status != http.StatusOK || strings.Contains(p.body, `class="tag"`) {
			t.Errorf("clearing tags: %d, chips left", p.status)
		}
	})
}

func TestCustomerErase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		b := s.register("Owner", "owner@example.com")
		path := seedAnna(t, s, b)
		purchases := "/apps/" + b.appID + "/purchases"
		rowsBefore := strings.Count(b.get(purchases).body, `data-test="purchase-row"`)

		p := b.get(path)
		if !strings.Contains(p.body, `href="`+path+`/erase"`) {
			t.Fatal("the customer page has no link to erase")
		}
		p = b.get(path + "/erase")
		text := p.text()
		for _, want := range []string{"Erase the personal data of Anna Petrova?", "The name, email and phone.",
			"All notes and tags.", "2 orders worth $1,234.50", "starts a new customer"} {
			if !strings.Contains(text, want) {
				t.Errorf("the confirmation lacks %q", want)
			}
		}

		p = b.post(path+"/erase", nil)
		if p.status != http.StatusOK || p.url.Path != "/apps/"+b.appID+"/customers" {
			t.Fatalf("erasing: %d at %s", p.status, p.url)
		}
		if !strings.Contains(p.text(), "personal data has been erased") || strings.Contains(p.text(), "Anna Petrova") {
			t.Errorf("after erasing the list shows: %s", p.text())
		}
		if p := b.get(path); p.status != http.StatusNotFound {
			t.Errorf("the erased customer's page: %d, want 404", p.status)
		}
		if p := b.post(path+"/erase", nil); p.status != http.StatusNotFound {
			t.Errorf("erasing twice: %d, want 404", p.status)
		}

		// The orders stay, anonymised.
		p = b.get(purchases)
		if n := strings.Count(p.body, `data-test="purchase-row"`); n != rowsBefore || n != 3 {
			t.Errorf("%d purchase rows after erasing, %d before, want 3", n, rowsBefore)
		}
		if n := strings.Count(p.body, `data-test="erased-customer"`); n != 3 {
			t.Errorf("%d purchases shown as of an erased customer, want 3", n)
		}
		for _, gone := range []string{"Anna", "anna@example.com", `customers/anna"`} {
			if strings.Contains(p.body, gone) {
				t.Errorf("the purchase list still shows %q", gone)
			}
		}
	})
}

func TestCustomerFormsNeedCSRFToken(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	b := s.register("Owner", "owner@example.com")
	path := seedAnna(t, s, b)
	for _, action := range []string{"/notes", "/tags", "/erase"} {
		p := b.post(path+action, url.Values{"csrf_token": {""}, "kind": {"note"}, "text": {"sneaky"}, "tags": {"sneaky"}})
		if p.status != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d, want 403", action, p.status)
		}
	}
	p := b.get(path)
	if p.status != http.StatusOK || strings.Contains(p.body, "sneaky") {
		t.Errorf("a form without a token changed the customer: %d", p.status)
	}
}
