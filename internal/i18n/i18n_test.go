package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestEmbeddedCatalogsHaveTheSameKeys(t *testing.T) {
	cs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(cs["en"]) < 50 || len(cs["ru"]) < 50 {
		t.Fatalf("catalog sizes en %d, ru %d", len(cs["en"]), len(cs["ru"]))
	}
	for k, v := range cs["ru"] {
		if strings.TrimSpace(v) == "" {
			t.Errorf("ru %q is empty", k)
		}
	}
	for k, en := range cs["en"] {
		// Russian text with the same format verbs as the English, so
		// that arguments land where they belong.
		ru, ok := cs["ru"][k]
		if !ok {
			continue // a plural form Russian does not use
		}
		if verbs(en) != verbs(ru) {
			t.Errorf("%q: format verbs differ: en %q, ru %q", k, en, ru)
		}
	}
}

func verbs(s string) string {
	var out []string
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			out = append(out, s[i:i+2])
			i++
		}
	}
	return strings.Join(out, "")
}

func TestLoadRefusesAMissingKeyOrADuplicate(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"missing in ru": {
			"c/en/a.json": {Data: []byte(`{"x": "X", "y": "Y"}`)},
			"c/ru/a.json": {Data: []byte(`{"x": "Икс"}`)},
		},
		"missing in en": {
			"c/en/a.json": {Data: []byte(`{"x": "X"}`)},
			"c/ru/a.json": {Data: []byte(`{"x": "Икс", "z": "Зет"}`)},
		},
		"defined twice": {
			"c/en/a.json": {Data: []byte(`{"x": "X"}`)},
			"c/en/b.json": {Data: []byte(`{"x": "X2"}`)},
			"c/ru/a.json": {Data: []byte(`{"x": "Икс"}`)},
		},
		"no catalog": {
			"c/en/a.json": {Data: []byte(`{"x": "X"}`)},
		},
	} {
		if _, err := load(fsys, "c"); err == nil {
			t.Errorf("%s: load succeeded", name)
		}
	}
	// Plurals need each language's own forms, and only those.
	if _, err := load(fstest.MapFS{
		"c/en/a.json": {Data: []byte(`{"n.one": "%s item", "n.other": "%s items"}`)},
		"c/ru/a.json": {Data: []byte(`{"n.one": "%s товар", "n.few": "%s товара", "n.many": "%s товаров"}`)},
	}, "c"); err != nil {
		t.Errorf("proper plural forms refused: %v", err)
	}
	if _, err := load(fstest.MapFS{
		"c/en/a.json": {Data: []byte(`{"n.one": "%s item", "n.other": "%s items"}`)},
		"c/ru/a.json": {Data: []byte(`{"n.one": "%s товар", "n.many": "%s товаров"}`)},
	}, "c"); err == nil {
		t.Error("a Russian plural without its few form was accepted")
	}
}

func TestTranslateAndPlural(t *testing.T) {
	cs := Catalogs{
		"en": {"x": "X %d", "n.one": "%s customer", "n.other": "%s customers"},
		"ru": {"x": "Икс %d", "n.one": "%s клиент", "n.few": "%s клиента", "n.many": "%s клиентов"},
	}
	if got := cs.T("ru", "x", 5); got != "Икс 5" {
		t.Errorf("T = %q", got)
	}
	if got := cs.T("de", "x", 5); got != "X 5" {
		t.Errorf("unknown language falls back to English: %q", got)
	}
	if got := cs.T("en", "nope"); got != "[[nope]]" {
		t.Errorf("missing key = %q", got)
	}
	for _, tc := range []struct {
		lang string
		n    int64
		want string
	}{
		{"en", 1, "1 customer"}, {"en", 0, "0 customers"}, {"en", 2, "2 customers"},
		{"ru", 1, "1 клиент"}, {"ru", 21, "21 клиент"}, {"ru", 11, "11 клиентов"},
		{"ru", 2, "2 клиента"}, {"ru", 24, "24 клиента"}, {"ru", 12, "12 клиентов"},
		{"ru", 5, "5 клиентов"}, {"ru", 111, "111 клиентов"}, {"ru", 1001, "1\u00a0001 клиент"},
	} {
		if got := cs.N(tc.lang, "n", tc.n); got != tc.want {
			t.Errorf("N(%s, %d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

func TestFormats(t *testing.T) {
	d := time.Date(2026, 11, 5, 14, 7, 0, 0, time.UTC)
	msk, _ := time.LoadLocation("Europe/Moscow")
	for _, tc := range []struct{ got, want string }{
		{Int("en", 1234567), "1,234,567"},
		{Int("ru", 1234567), "1\u00a0234\u00a0567"},
		{Int("en", -1234), "−1,234"},
		{Int("en", 999), "999"},
		{Money("en", 123450, "USD"), "$1,234.50"},
		{Money("ru", 123450, "USD"), "1\u00a0234,50\u00a0$"},
		{Money("ru", 123450, "RUB"), "1\u00a0234,50\u00a0₽"},
		{Money("en", 1234, "JPY"), "¥1,234"},
		{Money("en", 1234567, "KWD"), "1,234.567\u00a0KWD"},
		{Money("en", -5, "USD"), "−$0.05"},
		{Percent("en", 0.1234), "12.3%"},
		{Percent("ru", -0.05), "−5,0\u00a0%"},
		{Date("en", d), "Nov 5, 2026"},
		{Date("ru", d), "5 ноября 2026"},
		{DateTime("ru", d, msk), "5 ноября 2026, 17:07"},
		{DateTime("en", d, time.UTC), "Nov 5, 2026 14:07"},
		{ShortDate("ru", d), "05.11"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestPluralRU(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{1: "неделю", 21: "неделю", -1: "неделю", 2: "недели", 24: "недели", 5: "недель", 11: "недель", 12: "недель", 26: "недель", 111: "недель", 0: "недель"} {
		if got := PluralRU(n, "неделю", "недели", "недель"); got != want {
			t.Errorf("%d: %s, want %s", n, got, want)
		}
	}
}
