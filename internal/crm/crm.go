// Package crm is the read and edit side of an app's customer base: lists
// and details of customers and purchases, a customer's timeline, notes and
// tags, and erasure of a customer's personal data. Every method acts for
// one app and sees nothing of any other; the JSON API and the web UI share
// it.
package crm

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"pulse/internal/model"
	"pulse/internal/page"
	"pulse/internal/store"
)

// Service answers for the customer base.
type Service struct {
	db  *store.DB
	now func() time.Time
}

// New returns a Service. now may be nil for the wall clock.
func New(db *store.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: func() time.Time { return now().UTC().Truncate(time.Microsecond) }}
}

// PageQuery is a page request as the client wrote it: ?limit= and ?cursor=.
type PageQuery struct {
	Limit, Cursor string
}

func (p PageQuery) parse(verr *model.ValidationError, order string) page.Params {
	params, err := page.Parse(p.Limit, p.Cursor, order)
	if v, ok := err.(*model.ValidationError); ok {
		verr.Errors = append(verr.Errors, v.Errors...)
	}
	return params
}

// maxIDLen is the longest id an app may give a customer.
const maxIDLen = 128

// plausibleID reports whether id could be a customer's id at all. Anything
// else cannot exist, so it is not looked up: the answer is the same "not
// found", and text a database refuses (invalid UTF-8, NUL) never reaches it.
// Erased customers' ids hold a control character, so they never match.
func plausibleID(id string) bool {
	n := utf8.RuneCountInString(id)
	return n > 0 && n <= maxIDLen && utf8.ValidString(id) && !strings.ContainsFunc(id, unicode.IsControl)
}

// checkText checks a query parameter that is free text: valid UTF-8, no
// control characters, at most maxLen characters.
func checkText(verr *model.ValidationError, field, s string, maxLen int) {
	switch {
	case !utf8.ValidString(s):
		verr.Add(field, "must be valid UTF-8 text")
	case strings.ContainsFunc(s, unicode.IsControl):
		verr.Add(field, "must not contain control characters")
	case utf8.RuneCountInString(s) > maxLen:
		verr.Add(field, "must be at most %d characters", maxLen)
	}
}
