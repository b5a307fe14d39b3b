package crm

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"pulse/internal/model"
	"pulse/internal/page"
	"pulse/internal/store"
	"pulse/internal/token"
)

// MaxNoteLen is the longest note text, in characters.
const MaxNoteLen = 10000

// NoteInput is a new note as the client sent it; nil fields are absent.
type NoteInput struct {
	Kind *string // note (the default), call, email or meeting
	Text *string
}

// AddNote records a note about a customer. author says who wrote it: an
// account id, or "key:" and an API key id.
func (s *Service) AddNote(ctx context.Context, appID, customerID, author string, in NoteInput) (model.Note, error) {
	n := model.Note{AppID: appID, ID: token.ID("note"), CustomerID: customerID, Kind: model.NoteNote,
		Author: author, CreatedAt: s.now()}
	verr := &model.ValidationError{}
	if in.Kind != nil {
		n.Kind = model.NoteKind(*in.Kind)
		if !n.Kind.Valid() {
			verr.Add("kind", "must be one of note, call, email, meeting")
		}
	}
	n.Text = checkNoteText(verr, in.Text)
	if err := verr.Err(); err != nil {
		return n, err
	}
	err := s.db.InTx(ctx, func(q *store.Queries) error {
		// Serialises with erasure, which deletes notes: a note written for
		// a customer being erased would outlive it.
		if err := q.LockApps(ctx, []string{appID}); err != nil {
			return err
		}
		if _, err := s.customer(ctx, q, appID, customerID); err != nil {
			return err
		}
		return q.InsertNote(ctx, n)
	})
	return n, err
}

func checkNoteText(verr *model.ValidationError, in *string) string {
	if in == nil {
		verr.Add("text", "is required")
		return ""
	}
	t := strings.TrimSpace(*in)
	n := utf8.RuneCountInString(t)
	switch {
	case n == 0:
		verr.Add("text", "must not be empty")
	case !utf8.ValidString(t):
		verr.Add("text", "must be valid UTF-8 text")
	case n > MaxNoteLen:
		verr.Add("text", "must be at most %d characters, not %d", MaxNoteLen, n)
	case strings.ContainsFunc(t, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		verr.Add("text", "must not contain control characters other than line breaks and tabs")
	}
	return t
}

// Notes lists a customer's notes, newest first.
func (s *Service) Notes(ctx context.Context, appID, customerID string, in PageQuery) (page.Page[model.Note], error) {
	verr := &model.ValidationError{}
	p := in.parse(verr, store.NotesOrder)
	if err := verr.Err(); err != nil {
		return page.Page[model.Note]{}, err
	}
	if err := s.exists(ctx, appID, customerID); err != nil {
		return page.Page[model.Note]{}, err
	}
	rows, err := s.db.NotesByCustomer(ctx, appID, customerID, p)
	if err != nil {
		return page.Page[model.Note]{}, err
	}
	return page.Slice(rows, p.Limit, store.NoteCursor), nil
}
