package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one schema change. A file NNNN_name.sql applies to both
// databases; NNNN_name.sqlite.sql or NNNN_name.postgres.sql replaces it for
// one of them where their SQL differs.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// withoutRowID ends a CREATE TABLE that SQLite should store as a clustered
// index on its primary key: one B-tree to write per row instead of two, for
// tables keyed by text. PostgreSQL reads it as the comment it is.
const withoutRowID = "/*sqlite: WITHOUT ROWID*/"

// blobType stands for a column of raw bytes, which the databases name
// differently: BLOB in SQLite, BYTEA in PostgreSQL.
const blobType = "/*blob*/"

// migrations returns the migrations for dialect d in version order.
func migrations(d Dialect) ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	generic := map[int]Migration{}
	specific := map[int]Migration{}
	for _, e := range entries {
		base, variant, hasVariant := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), ".")
		if hasVariant && variant != string(SQLite) && variant != string(Postgres) {
			return nil, fmt.Errorf("migration %s: unknown dialect %q", e.Name(), variant)
		}
		num, label, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_description.sql", e.Name())
		}
		if hasVariant && variant != string(d) {
			continue
		}
		body, err := fs.ReadFile(migrationFiles, path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		target := generic
		if hasVariant {
			target = specific
		}
		if prev, dup := target[v]; dup {
			return nil, fmt.Errorf("migration version %d is used by both %s and %s", v, prev.Name, label)
		}
		sql := string(body)
		if d == SQLite {
			sql = strings.ReplaceAll(sql, withoutRowID, "WITHOUT ROWID")
			sql = strings.ReplaceAll(sql, blobType, "BLOB")
		} else {
			sql = strings.ReplaceAll(sql, blobType, "BYTEA")
		}
		target[v] = Migration{Version: v, Name: label, SQL: sql}
	}
	for v, m := range specific {
		generic[v] = m
	}
	out := make([]Migration, 0, len(generic))
	for _, m := range generic {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration versions must run 1, 2, 3...: %d is missing", i+1)
		}
	}
	return out, nil
}

// SchemaStatus tells how the database's schema compares with this binary's.
type SchemaStatus struct {
	Current int // highest version applied to the database
	Latest  int // highest version this binary knows
}

// Behind reports whether migrations are pending.
func (s SchemaStatus) Behind() bool { return s.Current < s.Latest }

// Ahead reports whether the database was migrated by a newer binary.
func (s SchemaStatus) Ahead() bool { return s.Current > s.Latest }

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER NOT NULL PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_at BIGINT  NOT NULL
)`

// Status reads the schema version without changing anything.
func (db *DB) Status(ctx context.Context) (SchemaStatus, error) {
	all, err := migrations(db.dialect)
	if err != nil {
		return SchemaStatus{}, fmt.Errorf("store.Status: %w", err)
	}
	st := SchemaStatus{Latest: len(all)}
	var exists bool
	switch db.dialect {
	case Postgres:
		err = db.rdb.QueryRowContext(ctx,
			`SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists)
	default:
		var n int
		err = db.rdb.QueryRowContext(ctx,
			`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
		exists = n > 0
	}
	if err != nil {
		return st, fmt.Errorf("store.Status: %w", err)
	}
	if !exists {
		return st, nil
	}
	var cur sql.NullInt64
	if err := db.rdb.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&cur); err != nil {
		return st, fmt.Errorf("store.Status: %w", err)
	}
	st.Current = int(cur.Int64)
	return st, nil
}

// migrationLockID is an arbitrary constant that names Pulse's advisory lock,
// so that app instances starting together migrate one after the other.
const migrationLockID = 0x70756c7365 // "pulse"

// Migrate applies every pending migration, each in its own transaction, and
// returns how many it applied. It refuses a database migrated by a newer
// version of Pulse.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	all, err := migrations(db.dialect)
	if err != nil {
		return 0, fmt.Errorf("store.Migrate: %w", err)
	}
	conn, err := db.wdb.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("store.Migrate: %w", err)
	}
	defer conn.Close()
	if db.dialect == Postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockID); err != nil {
			return 0, fmt.Errorf("store.Migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockID) //nolint:errcheck // the lock also ends with the session
	}
	if _, err := conn.ExecContext(ctx, createMigrationsTable); err != nil {
		return 0, fmt.Errorf("store.Migrate: %w", err)
	}
	applied := 0
	for _, m := range all {
		done, err := db.applyOne(ctx, conn, m, len(all))
		if err != nil {
			return applied, err
		}
		if done {
			applied++
		}
	}
	return applied, nil
}

// applyOne applies m unless it is already there. The check runs inside the
// migration's transaction, so two processes cannot both apply it.
func (db *DB) applyOne(ctx context.Context, conn *sql.Conn, m Migration, latest int) (bool, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store.Migrate %d: begin: %w", m.Version, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	q := db.txQueries(tx)
	var cur sql.NullInt64
	if err := q.queryRow(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&cur); err != nil {
		return false, fmt.Errorf("store.Migrate: %w", err)
	}
	if int(cur.Int64) > latest {
		return false, fmt.Errorf("store.Migrate: the database is at schema version %d, newer than this binary's %d; upgrade Pulse", cur.Int64, latest)
	}
	if int(cur.Int64) >= m.Version {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("store.Migrate %04d_%s: %w", m.Version, m.Name, err)
	}
	if _, err := q.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.Version, m.Name, micros(time.Now())); err != nil {
		return false, fmt.Errorf("store.Migrate %d: record: %w", m.Version, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store.Migrate %d: commit: %w", m.Version, err)
	}
	return true, nil
}
