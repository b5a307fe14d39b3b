// Package i18n holds the interface's message catalogs and formats numbers,
// money and dates the way each language writes them. Catalogs are JSON files
// per language and area under catalog/, merged at start-up; every key must
// exist in every language, which Load checks.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
)

// Langs are the supported languages, the default first.
var Langs = []string{"en", "ru"}

// Supported reports whether lang is one of Langs.
func Supported(lang string) bool { return slices.Contains(Langs, lang) }

//go:embed catalog
var catalogFS embed.FS

// Catalogs maps a language to its messages.
type Catalogs map[string]map[string]string

// Load reads the embedded catalogs and checks that every language has
// exactly the same keys.
func Load() (Catalogs, error) { return load(catalogFS, "catalog") }

func load(fsys fs.FS, root string) (Catalogs, error) {
	cs := Catalogs{}
	for _, lang := range Langs {
		msgs := map[string]string{}
		files, err := fs.Glob(fsys, path.Join(root, lang, "*.json"))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("i18n: no catalog for %q", lang)
		}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			var part map[string]string
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", f, err)
			}
			for k, v := range part {
				if _, dup := msgs[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q defined twice", f, k)
				}
				msgs[k] = v
			}
		}
		cs[lang] = msgs
	}
	if err := cs.check(); err != nil {
		return nil, err
	}
	return cs, nil
}

// pluralForms are the forms each language needs for a plural message
// (key.one, key.few, ...); a key with any of these endings is a plural.
var pluralForms = map[string][]string{"en": {"one", "other"}, "ru": {"one", "few", "many"}}

// pluralBase returns the message name of a plural form's key.
func pluralBase(key string) (string, bool) {
	i := strings.LastIndexByte(key, '.')
	if i < 0 {
		return key, false
	}
	switch key[i+1:] {
	case "one", "few", "many", "other":
		return key[:i], true
	}
	return key, false
}

// check reports messages present in one language and missing in another,
// and plural messages without a form their language needs.
func (cs Catalogs) check() error {
	var missing []string
	names := map[string]map[string]bool{}
	for _, lang := range Langs {
		names[lang] = map[string]bool{}
		plurals := map[string]bool{}
		for k := range cs[lang] {
			base, plural := pluralBase(k)
			names[lang][base] = true
			if plural {
				plurals[base] = true
			}
		}
		for _, base := range slices.Sorted(maps.Keys(plurals)) {
			for _, form := range pluralForms[lang] {
				if _, ok := cs[lang][base+"."+form]; !ok {
					missing = append(missing, fmt.Sprintf("%s.%s (plural form needed in %s)", base, form, lang))
				}
			}
		}
	}
	for _, a := range Langs {
		for _, b := range Langs {
			for _, k := range slices.Sorted(maps.Keys(names[a])) {
				if !names[b][k] {
					missing = append(missing, fmt.Sprintf("%s (in %s, missing in %s)", k, a, b))
				}
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("i18n: catalogs differ: %s", strings.Join(missing, "; "))
	}
	return nil
}

// Has reports whether a message exists (in every language, once loaded).
func (cs Catalogs) Has(key string) bool {
	_, ok := cs[Langs[0]][key]
	return ok
}

// T returns the message for key in lang, formatted with args. An unknown key
// comes back as itself in brackets, so that a mistake is visible on the page
// and caught by the template tests, which fail on "[[".
func (cs Catalogs) T(lang, key string, args ...any) string {
	msgs, ok := cs[lang]
	if !ok {
		msgs = cs[Langs[0]]
	}
	s, ok := msgs[key]
	if !ok {
		return "[[" + key + "]]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// N returns the plural form of key for n: key.one, key.few, key.many in
// Russian; key.one and key.other in English (the forms Load insists on). The message gets n formatted
// for the language as its first argument.
func (cs Catalogs) N(lang, key string, n int64) string {
	return cs.T(lang, key+"."+pluralForm(lang, n), Int(lang, n))
}

func pluralForm(lang string, n int64) string {
	if lang == "ru" {
		return PluralRU(n, "one", "few", "many")
	}
	if n == 1 || n == -1 {
		return "one"
	}
	return "other"
}

// PluralRU picks the Russian form for n: one (1, 21), few (2–4, 22–24) or
// many (0, 5–20, 25), for sentences written in code rather than in the
// catalogs.
func PluralRU(n int64, one, few, many string) string {
	n = max(n, -n)
	switch {
	case n%10 == 1 && n%100 != 11:
		return one
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		return few
	}
	return many
}
