package store

import (
	"context"
	"database/sql"
)

// RawQueryRow runs a query on the writer connection, for tests that inspect
// connection settings.
func (db *DB) RawQueryRow(ctx context.Context, query string) *sql.Row {
	return db.wdb.QueryRowContext(ctx, query)
}
