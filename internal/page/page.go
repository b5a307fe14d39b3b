// Package page implements cursor pagination: ?limit= and an opaque ?cursor=
// that points just past the last row of the previous page, so pages stay
// stable while rows are added.
package page

import (
	"encoding/base64"
	"encoding/json"
	"strconv"

	"pulse/internal/model"
)

const (
	// DefaultLimit is the page size when ?limit= is absent.
	DefaultLimit = 50
	// MaxLimit is the largest page a client may ask for.
	MaxLimit = 500
)

// Cursor is the position after the last row of a page: the value of the
// sort key (encoded by the list that made it) and the row's id, which breaks
// ties. Sort records which ordering made it, so that a cursor is not reused
// with another ordering.
type Cursor struct {
	Sort string `json:"s,omitempty"`
	Key  string `json:"k"`
	ID   string `json:"i"`
}

// Params is a parsed page request.
type Params struct {
	Limit int
	After *Cursor
}

// Encode turns c into the opaque string clients send back as ?cursor=.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c) // a struct of strings always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// Parse reads ?limit= and ?cursor=. sort is the ordering the caller will use;
// a cursor made for another ordering is rejected.
func Parse(limit, cursor, sort string) (Params, error) {
	p := Params{Limit: DefaultLimit}
	verr := &model.ValidationError{}
	if limit != "" {
		n, err := strconv.Atoi(limit)
		switch {
		case err != nil:
			verr.Add("limit", "must be a whole number from 1 to %d", MaxLimit)
		case n < 1 || n > MaxLimit:
			verr.Add("limit", "must be from 1 to %d, got %d", MaxLimit, n)
		default:
			p.Limit = n
		}
	}
	if cursor != "" {
		c, ok := decode(cursor)
		switch {
		case !ok:
			verr.Add("cursor", "is not a cursor returned by this API")
		case c.Sort != sort:
			verr.Add("cursor", "was made for another sort order; start again without a cursor")
		default:
			p.After = &c
		}
	}
	return p, verr.Err()
}

func decode(s string) (Cursor, bool) {
	var c Cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID == "" {
		return c, false
	}
	return c, true
}

// Page is one page of a list, as the API returns it.
type Page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// Slice builds a page from rows fetched with Limit+1: when the extra row is
// there, the page is cut to Limit rows and a cursor made from the last one.
func Slice[T any](rows []T, limit int, cursorOf func(T) Cursor) Page[T] {
	p := Page[T]{Data: rows}
	if p.Data == nil {
		p.Data = []T{}
	}
	if len(rows) > limit {
		p.Data = rows[:limit]
		next := cursorOf(p.Data[limit-1]).Encode()
		p.NextCursor = &next
	}
	return p
}

// Map converts every row of p, keeping its cursor.
func Map[T, U any](p Page[T], f func(T) U) Page[U] {
	out := Page[U]{Data: make([]U, len(p.Data)), NextCursor: p.NextCursor}
	for i, v := range p.Data {
		out.Data[i] = f(v)
	}
	return out
}
