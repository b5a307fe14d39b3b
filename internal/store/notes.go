package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"pulse/internal/model"
	"pulse/internal/page"
)

// NotesOrder names the notes list's ordering in page cursors.
const NotesOrder = "notes:-created_at"

const noteColumns = `app_id, id, customer_id, kind, text, author, created_at`

func scanNote(row scanner) (model.Note, error) {
	var (
		n       model.Note
		kind    string
		created int64
	)
	err := row.Scan(&n.AppID, &n.ID, &n.CustomerID, &kind, &n.Text, &n.Author, &created)
	n.Kind, n.CreatedAt = model.NoteKind(kind), fromMicros(created)
	return n, err
}

// InsertNote adds a note.
func (q *Queries) InsertNote(ctx context.Context, n model.Note) error {
	_, err := q.exec(ctx, `INSERT INTO notes (`+noteColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		n.AppID, n.ID, n.CustomerID, string(n.Kind), n.Text, n.Author, micros(n.CreatedAt))
	if err != nil {
		return fmt.Errorf("store.InsertNote: %w", err)
	}
	return nil
}

// NotesByCustomer returns up to p.Limit+1 of a customer's notes, newest
// first, from after p.After.
func (q *Queries) NotesByCustomer(ctx context.Context, appID, customerID string, p page.Params) ([]model.Note, error) {
	var b strings.Builder
	args := []any{appID, customerID}
	b.WriteString(`SELECT ` + noteColumns + ` FROM notes WHERE app_id = ? AND customer_id = ?`)
	if p.After != nil {
		ts, err := strconv.ParseInt(p.After.Key, 10, 64)
		if err != nil {
			return nil, badCursor()
		}
		b.WriteString(` AND (created_at, id) < (?, ?)`)
		args = append(args, ts, p.After.ID)
	}
	b.WriteString(` ORDER BY created_at DESC, id DESC LIMIT ?`)
	return queryAll(ctx, q, "store.NotesByCustomer", b.String(), append(args, p.Limit+1), scanNote)
}

// NoteCursor is the page cursor after n in NotesByCustomer order.
func NoteCursor(n model.Note) page.Cursor {
	return page.Cursor{Sort: NotesOrder, Key: strconv.FormatInt(micros(n.CreatedAt), 10), ID: n.ID}
}

// NotesByIDs loads an app's notes by id; missing ids are absent from the
// map.
func (q *Queries) NotesByIDs(ctx context.Context, appID string, ids []string) (map[string]model.Note, error) {
	out := make(map[string]model.Note, len(ids))
	err := inChunks(ids, func(chunk []any, marks string) error {
		rows, err := q.query(ctx, `SELECT `+noteColumns+` FROM notes WHERE app_id = ? AND id IN (`+marks+`)`,
			append([]any{appID}, chunk...)...)
		if err != nil {
			return err
		}
		notes, err := scanAll(rows, scanNote)
		for _, n := range notes {
			out[n.ID] = n
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store.NotesByIDs: %w", err)
	}
	return out, nil
}
