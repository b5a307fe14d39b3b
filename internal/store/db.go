// Package store is the only place that speaks SQL. One schema serves both
// SQLite (embedded, the default) and PostgreSQL; queries are written once with
// "?" placeholders and rebound per driver, and dialect branches exist only
// where the two databases really differ.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the SQL database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Options tune how a database is opened. The zero value is sensible.
type Options struct {
	// ReadConns caps the read pool (SQLite) or the whole pool (PostgreSQL).
	// Zero picks a default from the number of CPUs.
	ReadConns int
}

// IsPostgresURL reports whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// DB is an open database. Reads go to a pool of connections; writes go to a
// single writer connection on SQLite (SQLite allows one writer at a time, and
// queueing in Go is cheaper than retrying on SQLITE_BUSY) and to the same
// pool on PostgreSQL.
type DB struct {
	Queries
	dialect Dialect
	rdb     *sql.DB
	wdb     *sql.DB
	// quit stops the SQLite checkpointer, which closes stopped.
	quit, stopped chan struct{}
	closeOnce     sync.Once
}

// Open connects to the database named by dsn: a postgres:// or postgresql://
// URL means PostgreSQL, anything else is the path of a SQLite file, created
// with its directory when missing. Open does not migrate; call Migrate.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if dsn == "" {
		return nil, errors.New("store.Open: empty database name")
	}
	var (
		db  *DB
		err error
	)
	if IsPostgresURL(dsn) {
		db, err = openPostgres(dsn, opts)
	} else {
		db, err = openSQLite(dsn, opts)
	}
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func openPostgres(dsn string, opts Options) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	n := opts.ReadConns
	if n <= 0 {
		n = max(8, 4*runtime.NumCPU())
	}
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	db := &DB{dialect: Postgres, rdb: pool, wdb: pool}
	db.Queries = Queries{dialect: Postgres, r: pool, w: pool, rebound: &sync.Map{}}
	return db, nil
}

// sqlitePragmas are set on every connection through the DSN, so a connection
// the pool opens later gets them too. synchronous=FULL because the purchase
// history cannot be rebuilt from anywhere else.
var sqlitePragmas = []string{
	"journal_mode(WAL)",
	"busy_timeout(10000)",
	"foreign_keys(1)",
	"synchronous(FULL)",
	"cache_size(-32000)",
	// The background checkpointer copies pages back; the writer itself
	// checkpoints only when the WAL passes 80 MB because that one fell
	// behind. A page the writer changes again and again is copied back once
	// per checkpoint.
	"wal_autocheckpoint(20000)",
	"temp_store(MEMORY)",
}

func openSQLite(path string, opts Options) (*DB, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("store.Open: SQLite path %q must not contain '?' or '#'", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("store.Open: create directory: %w", err)
		}
	}
	q := url.Values{}
	for _, p := range sqlitePragmas {
		q.Add("_pragma", p)
	}
	// BEGIN IMMEDIATE takes the write lock up front, so a transaction never
	// fails half-way when another process holds the database.
	wq := url.Values{"_txlock": {"immediate"}}
	for k, v := range q {
		wq[k] = append([]string(nil), v...)
	}
	// The writer touches index pages all over the database; a page it
	// finds in its cache is one it does not read again. Readers keep the
	// smaller cache: there are several of them.
	wq.Add("_pragma", "cache_size(-262144)")
	w, err := sql.Open("sqlite", path+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	// The writer must create the file and switch it to WAL before readers
	// open it read-only.
	if _, err := w.Exec("SELECT 1"); err != nil {
		w.Close()
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	rq := url.Values{}
	for k, v := range q {
		rq[k] = v
	}
	rq.Add("_pragma", "query_only(1)")
	r, err := sql.Open("sqlite", path+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	n := opts.ReadConns
	if n <= 0 {
		n = max(4, 2*runtime.NumCPU())
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db := &DB{dialect: SQLite, rdb: r, wdb: w, quit: make(chan struct{}), stopped: make(chan struct{})}
	db.Queries = Queries{dialect: SQLite, r: r, w: w, rebound: &sync.Map{}}
	go db.checkpoint(checkpointEvery)
	return db, nil
}

// checkpointEvery is how often committed WAL pages are copied back into the
// database file.
const checkpointEvery = 500 * time.Millisecond

// checkpoint copies committed pages from the WAL into the database file on a
// read connection, off the writer's path: when the writer checkpoints after
// its own commits, everything waiting to be written waits for that copy too.
// The writer's own automatic checkpoint stays as a backstop, with a higher
// threshold, for when this one falls behind: a WAL is only reused from the
// start once a checkpoint has caught up with it.
func (db *DB) checkpoint(every time.Duration) {
	defer close(db.stopped)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-db.quit:
			return
		case <-t.C:
			// PASSIVE never waits for the writer or readers; a busy
			// moment just copies less. A failure is retried on the next
			// tick, and the writer's backstop bounds the WAL meanwhile.
			_, _ = db.rdb.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}

// Dialect tells which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks that both the read and the write side answer.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.rdb.PingContext(ctx); err != nil {
		return fmt.Errorf("store.Ping: %w", err)
	}
	if err := db.wdb.PingContext(ctx); err != nil {
		return fmt.Errorf("store.Ping: %w", err)
	}
	return nil
}

// Close closes every connection.
func (db *DB) Close() error {
	if db.quit != nil {
		db.closeOnce.Do(func() { close(db.quit) })
		<-db.stopped
	}
	err := db.rdb.Close()
	if db.wdb != db.rdb {
		err = errors.Join(err, db.wdb.Close())
	}
	return err
}

// InTx runs fn in one transaction on the writer: all of fn's changes are
// committed together, or none when fn returns an error or panics.
func (db *DB) InTx(ctx context.Context, fn func(q *Queries) error) error {
	tx, err := db.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store.InTx: begin: %w", err)
	}
	return db.runTx(tx, fn)
}

// runTx runs fn in tx and commits, or rolls back when fn fails or panics.
func (db *DB) runTx(tx *sql.Tx, fn func(q *Queries) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(db.txQueries(tx)); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store.InTx: commit: %w", err)
	}
	return nil
}

// InBulkTx is InTx for the ingestion writer. On SQLite it runs without
// per-row foreign-key checks: with them on, every inserted row looks its app
// up again, and every multi-row statement keeps a statement journal in case a
// check fails half-way, together a fifth of the writer's time. The writer
// loads the apps it writes for inside the same transaction, under SQLite's
// single write lock, so the parent rows cannot be missing.
func (db *DB) InBulkTx(ctx context.Context, fn func(q *Queries) error) error {
	if db.dialect != SQLite {
		return db.InTx(ctx, fn)
	}
	conn, err := db.wdb.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store.InBulkTx: %w", err)
	}
	defer conn.Close()
	// The pragma is a no-op inside a transaction, so it brackets one.
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return fmt.Errorf("store.InBulkTx: %w", err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.Background(), "PRAGMA foreign_keys = ON"); err != nil {
			// A writer connection left without checks must not serve
			// anyone else: discard it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store.InBulkTx: begin: %w", err)
	}
	return db.runTx(tx, fn)
}

func (db *DB) txQueries(tx *sql.Tx) *Queries {
	return &Queries{dialect: db.dialect, r: tx, w: tx, tx: tx, rebound: db.rebound, stmts: map[string]*sql.Stmt{}}
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Queries holds every query method. Outside a transaction r is the read pool
// and w the writer; inside one both are the transaction, so a method reads
// its own writes.
type Queries struct {
	dialect Dialect
	r, w    querier
	// rebound caches query texts rebound to $n placeholders (PostgreSQL);
	// shared by a DB and its transactions.
	rebound *sync.Map
	// tx is the transaction, when inside one.
	tx *sql.Tx
	// stmts are the statements prepared in the transaction.
	stmts map[string]*sql.Stmt
}

// execPrepared runs query with args in q's transaction through a statement
// prepared once per transaction: the writer runs the same statement for
// every row of a group, and parsing it each time would cost more than
// running it.
func (q *Queries) execPrepared(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if q.tx == nil {
		return q.exec(ctx, query, args...)
	}
	st, ok := q.stmts[query]
	if !ok {
		var err error
		if st, err = q.tx.PrepareContext(ctx, q.rebind(query)); err != nil {
			return nil, err
		}
		q.stmts[query] = st
	}
	return st.ExecContext(ctx, args...)
}

func (q *Queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return q.w.ExecContext(ctx, q.rebind(query), args...)
}

func (q *Queries) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.r.QueryContext(ctx, q.rebind(query), args...)
}

func (q *Queries) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return q.r.QueryRowContext(ctx, q.rebind(query), args...)
}

// rebind turns "?" placeholders into PostgreSQL's "$1, $2, ...". Queries in
// this package never put a literal '?' inside a string constant.
func (q *Queries) rebind(query string) string {
	if q.dialect != Postgres {
		return query
	}
	if s, ok := q.rebound.Load(query); ok {
		return s.(string)
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(query[i])
	}
	s := b.String()
	q.rebound.Store(query, s)
	return s
}
