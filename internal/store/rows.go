package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// maxParams keeps a multi-row statement under SQLite's limit of 32766
// bound parameters (PostgreSQL allows 65535).
const maxParams = 30000

// sqliteChunk is how many rows one multi-row statement carries on SQLite.
const sqliteChunk = 64

// insertRows runs head ("INSERT INTO t (a, b)") with one "(?, ?)" group per
// row of width columns, then tail (an ON CONFLICT clause). On PostgreSQL it
// sends as few statements as the parameter limit allows: one round trip for
// hundreds of rows instead of one per row.
func (q *Queries) insertRows(ctx context.Context, op, head, tail string, width int, args []any) error {
	if len(args) == 0 {
		return nil
	}
	group := "(" + strings.Repeat("?, ", width-1) + "?)"
	if q.dialect == SQLite {
		// OR FAIL spares SQLite a statement journal: under the default
		// ABORT a failing row must undo the rows before it in the same
		// statement, so every page the statement changes is copied first.
		// A failure fails the whole transaction here anyway.
		head = strings.Replace(head, "INSERT INTO", "INSERT OR FAIL INTO", 1)
		// SQLite runs in-process: what costs is parsing and setting up a
		// statement, not the round trip. Full chunks of sqliteChunk rows
		// share one statement prepared per transaction; the rest go one row
		// at a time through another.
		var chunk string
		for len(args) >= sqliteChunk*width {
			if chunk == "" {
				chunk = head + " VALUES " + strings.Repeat(group+", ", sqliteChunk-1) + group + " " + tail
			}
			if _, err := q.execPrepared(ctx, chunk, args[:sqliteChunk*width]...); err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
			args = args[sqliteChunk*width:]
		}
		one := head + " VALUES " + group + " " + tail
		for start := 0; start < len(args); start += width {
			if _, err := q.execPrepared(ctx, one, args[start:start+width]...); err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
		}
		return nil
	}
	per := maxParams / width
	for start := 0; start < len(args); start += per * width {
		end := min(len(args), start+per*width)
		n := (end - start) / width
		var b strings.Builder
		b.Grow(len(head) + len(tail) + n*(len(group)+2) + 16)
		b.WriteString(head)
		b.WriteString(" VALUES ")
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(group)
		}
		b.WriteString(" ")
		b.WriteString(tail)
		if _, err := q.exec(ctx, b.String(), args[start:end]...); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	return nil
}

// inChunks calls fn with slices of ids small enough for an IN list, and the
// matching "?, ?, ?" placeholder text.
func inChunks(ids []string, fn func(chunk []any, marks string) error) error {
	const size = 500
	for start := 0; start < len(ids); start += size {
		chunk := ids[start:min(len(ids), start+size)]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		if err := fn(args, strings.Repeat("?, ", len(chunk)-1)+"?"); err != nil {
			return err
		}
	}
	return nil
}

func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// marshalAttrs stores attributes as a JSON object with sorted keys, or NULL
// when there are none.
func marshalAttrs(m map[string]any) (sql.NullString, error) {
	if len(m) == 0 {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return sql.NullString{}, err
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

func unmarshalAttrs(s sql.NullString) (map[string]any, error) {
	if !s.Valid || s.String == "" {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s.String), &m); err != nil {
		return nil, err
	}
	return m, nil
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(...any) error }

// scanAll scans every row and closes rows.
func scanAll[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// queryAll runs query and scans every row, wrapping errors with op.
func queryAll[T any](ctx context.Context, q *Queries, op, query string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	out, err := scanAll(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// byIDs loads rows by id: selectFrom is "SELECT ... FROM t WHERE" ending
// where the "id IN (...)" condition goes, and its arguments come first.
func byIDs[T any](ctx context.Context, q *Queries, op, selectFrom string, args []any, ids []string,
	scan func(scanner) (T, error), key func(T) string) (map[string]T, error) {
	out := make(map[string]T, len(ids))
	if q.dialect == Postgres && len(ids) > 0 {
		// One array parameter: a long IN list is planned anew for each
		// length, and its generic plan may scan the whole app.
		vs, err := queryAll(ctx, q, op, selectFrom+` id = ANY(?)`, append(args[:len(args):len(args)], ids), scan)
		for _, v := range vs {
			out[key(v)] = v
		}
		return out, err
	}
	err := inChunks(ids, func(chunk []any, marks string) error {
		rows, err := q.query(ctx, selectFrom+` id IN (`+marks+`)`, append(args[:len(args):len(args)], chunk...)...)
		if err != nil {
			return err
		}
		vs, err := scanAll(rows, scan)
		for _, v := range vs {
			out[key(v)] = v
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}
