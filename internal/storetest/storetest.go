// Package storetest gives tests a fresh, migrated database: SQLite always,
// and PostgreSQL too when PULSE_TEST_POSTGRES holds a URL. Each test gets its
// own SQLite file or PostgreSQL schema, dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection below

	"pulse/internal/store"
)

// PostgresEnv names the variable that holds the PostgreSQL URL for tests.
const PostgresEnv = "PULSE_TEST_POSTGRES"

// Each runs fn as a subtest once per available database: "sqlite", and
// "postgres" when PULSE_TEST_POSTGRES is set. Without it the postgres subtest
// is skipped with a message saying so, so the gap shows in -v output.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, Open(t, store.SQLite))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, Open(t, store.Postgres))
	})
}

// Open returns a fresh migrated database of the given dialect, closed and
// removed at the end of the test.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	dsn := DSN(t, d)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatalf("storetest: open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate %s: %v", d, err)
	}
	dsns.Store(db, dsn)
	t.Cleanup(func() { dsns.Delete(db) })
	return db
}

// dsns remembers which database each DB from Open is on, for Inspect.
var dsns sync.Map

// Inspect opens a separate plain connection to the database behind db, so a
// test can check what was stored with its own SQL, outside the store's
// code paths. Queries use the driver's placeholders.
func Inspect(t testing.TB, db *store.DB) *sql.DB {
	t.Helper()
	v, ok := dsns.Load(db)
	if !ok {
		t.Fatal("storetest.Inspect: db was not made by storetest.Open")
	}
	driver := "sqlite"
	if db.Dialect() == store.Postgres {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, v.(string))
	if err != nil {
		t.Fatalf("storetest.Inspect: %v", err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// DSN returns the name of a fresh, empty database of the given dialect that
// is dropped at the end of the test: a SQLite file path, or a PostgreSQL URL
// whose search_path is a new schema. It skips the test when PostgreSQL is
// asked for but not configured.
func DSN(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "pulse.db")
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("%s is not set: PostgreSQL tests not run", PostgresEnv)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "pulse_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("storetest: %v", err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("storetest: drop schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// HoldWriter starts a transaction on db's writer and keeps it open until
// the returned release is called, so that a test can see what happens
// while writes must wait. On SQLite nothing else can write meanwhile.
func HoldWriter(t testing.TB, db *store.DB) (release func()) {
	t.Helper()
	held, done := make(chan struct{}), make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		_ = db.InTx(context.Background(), func(*store.Queries) error {
			close(held)
			<-done
			return nil
		})
	}()
	<-held
	var once sync.Once
	release = func() {
		once.Do(func() { close(done); <-finished })
	}
	t.Cleanup(release)
	return release
}

// EachParallel is Each with the two databases' subtests run in parallel
// with each other, for long tests that would otherwise hold the package's
// run for the sum of both.
func EachParallel(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, d))
		})
	}
}
