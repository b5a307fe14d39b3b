package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"pulse/internal/model"
	"pulse/internal/page"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 123456000, time.UTC)

func account(id, email string) model.Account {
	return model.Account{ID: id, Name: "Name " + id, Email: email, PasswordHash: "$argon2id$x", Lang: "en", CreatedAt: t0}
}

func app(id, accountID string, at time.Time) model.App {
	return model.App{ID: id, AccountID: accountID, Name: "App " + id, Currency: "USD", Timezone: "UTC", CreatedAt: at, UpdatedAt: at}
}

func key(id, appID, hash string, at time.Time) model.APIKey {
	return model.APIKey{ID: id, AppID: appID, Name: "k", Scope: model.ScopeFull, Prefix: "pulse_sk_abc", SecretHash: hash, CreatedAt: at}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateIsIdempotentAndVersioned(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st, err := db.Status(ctx)
		mustDo(t, err)
		if st.Behind() || st.Ahead() || st.Current < 1 {
			t.Fatalf("after migrate: status %+v, want current == latest >= 1", st)
		}
		n, err := db.Migrate(ctx)
		mustDo(t, err)
		if n != 0 {
			t.Fatalf("second migrate applied %d migrations, want 0", n)
		}
	})
}

func TestStatusOfEmptyDatabase(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, storetest.DSN(t, d), store.Options{})
			mustDo(t, err)
			defer db.Close()
			st, err := db.Status(ctx)
			mustDo(t, err)
			if st.Current != 0 || !st.Behind() {
				t.Fatalf("empty database: status %+v, want current 0 and behind", st)
			}
			n, err := db.Migrate(ctx)
			mustDo(t, err)
			if n != st.Latest {
				t.Fatalf("applied %d migrations, want %d", n, st.Latest)
			}
		})
	}
}

func TestAccountEmailIsUnique(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustDo(t, db.CreateAccount(ctx, account("acct_1", "a@example.com")))
		err := db.CreateAccount(ctx, account("acct_2", "a@example.com"))
		var conflict *model.ConflictError
		if !errors.As(err, &conflict) || conflict.Fields[0].Field != "email" {
			t.Fatalf("duplicate email: err = %v, want a ConflictError naming email", err)
		}
		got, err := db.AccountByEmail(ctx, "a@example.com")
		mustDo(t, err)
		if got.ID != "acct_1" || !got.CreatedAt.Equal(t0) {
			t.Fatalf("AccountByEmail = %+v, want acct_1 created at %v", got, t0)
		}
		if _, err := db.AccountByEmail(ctx, "nobody@example.com"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("unknown email: err = %v, want ErrNotFound", err)
		}
		if _, err := db.AccountByID(ctx, "acct_404"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("unknown id: err = %v, want ErrNotFound", err)
		}
	})
}

func TestSessionsLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustDo(t, db.CreateAccount(ctx, account("acct_1", "a@example.com")))
		s := model.Session{TokenHash: "h1", AccountID: "acct_1", CSRFToken: "c", CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)}
		mustDo(t, db.CreateSession(ctx, s))
		later := t0.Add(10 * time.Minute)
		mustDo(t, db.TouchSession(ctx, "h1", later))
		mustDo(t, db.TouchSession(ctx, "h1", t0.Add(time.Minute))) // older: must not move it back
		got, err := db.SessionByTokenHash(ctx, "h1")
		mustDo(t, err)
		if !got.LastSeenAt.Equal(later) || got.RevokedAt != nil || got.CSRFToken != "c" {
			t.Fatalf("session = %+v, want last seen %v, not revoked", got, later)
		}
		mustDo(t, db.RevokeSession(ctx, "h1", later))
		mustDo(t, db.RevokeSession(ctx, "h1", later.Add(time.Hour)))
		got, err = db.SessionByTokenHash(ctx, "h1")
		mustDo(t, err)
		if got.RevokedAt == nil || !got.RevokedAt.Equal(later) {
			t.Fatalf("revoked_at = %v, want the first revocation %v", got.RevokedAt, later)
		}

		// Sweep: an expired, an idle and a revoked session go; a live one stays.
		live := model.Session{TokenHash: "live", AccountID: "acct_1", CSRFToken: "c", CreatedAt: t0, LastSeenAt: t0.Add(2 * time.Hour), ExpiresAt: t0.Add(48 * time.Hour)}
		idle := model.Session{TokenHash: "idle", AccountID: "acct_1", CSRFToken: "c", CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(48 * time.Hour)}
		mustDo(t, db.CreateSession(ctx, live))
		mustDo(t, db.CreateSession(ctx, idle))
		n, err := db.DeleteSessionsBefore(ctx, t0.Add(3*time.Hour), 2*time.Hour)
		mustDo(t, err)
		if n != 2 {
			t.Fatalf("swept %d sessions, want 2 (revoked h1 and idle)", n)
		}
		if _, err := db.SessionByTokenHash(ctx, "live"); err != nil {
			t.Fatalf("live session swept: %v", err)
		}
		if _, err := db.SessionByTokenHash(ctx, "idle"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("idle session: err = %v, want ErrNotFound", err)
		}
	})
}

func TestAppsAreConfinedToTheirAccount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustDo(t, db.CreateAccount(ctx, account("acct_a", "a@example.com")))
		mustDo(t, db.CreateAccount(ctx, account("acct_b", "b@example.com")))
		mustDo(t, db.CreateApp(ctx, app("app_a", "acct_a", t0)))

		if _, err := db.AppByID(ctx, "acct_b", "app_a"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("B reads A's app: err = %v, want ErrNotFound", err)
		}
		changed := app("app_a", "acct_b", t0)
		changed.Name = "stolen"
		if err := db.UpdateApp(ctx, changed); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("B renames A's app: err = %v, want ErrNotFound", err)
		}
		if err := db.DeleteApp(ctx, "acct_b", "app_a"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("B deletes A's app: err = %v, want ErrNotFound", err)
		}
		got, err := db.AppByID(ctx, "acct_a", "app_a")
		mustDo(t, err)
		if got.Name != "App app_a" {
			t.Fatalf("A's app changed by B: name %q", got.Name)
		}
		list, err := db.AppsByAccount(ctx, "acct_b", page.Params{Limit: 10})
		mustDo(t, err)
		if len(list) != 0 {
			t.Fatalf("B lists %d apps, want 0", len(list))
		}
	})
}

func TestAppsPaginateInCreationOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustDo(t, db.CreateAccount(ctx, account("acct_a", "a@example.com")))
		// Seven apps, two of them created in the same microsecond, to check
		// that the id breaks ties and no row is skipped or repeated.
		var want []string
		for i := range 7 {
			at := t0.Add(time.Duration(i) * time.Second)
			if i == 4 {
				at = t0.Add(3 * time.Second)
			}
			id := fmt.Sprintf("app_%02d", i)
			mustDo(t, db.CreateApp(ctx, app(id, "acct_a", at)))
			want = append(want, id)
		}
		var got []string
		p := page.Params{Limit: 3}
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
			rows, err := db.AppsByAccount(ctx, "acct_a", p)
			mustDo(t, err)
			pg := page.Slice(rows, p.Limit, store.AppCursor)
			for _, a := range pg.Data {
				got = append(got, a.ID)
			}
			if pg.NextCursor == nil {
				break
			}
			next, err := page.Parse("3", *pg.NextCursor, "")
			mustDo(t, err)
			p = next
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("paged ids = %v, want %v", got, want)
		}
	})
}

func TestKeysLookupRevokeTouchAndCascade(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustDo(t, db.CreateAccount(ctx, account("acct_a", "a@example.com")))
		mustDo(t, db.CreateApp(ctx, app("app_a", "acct_a", t0)))
		mustDo(t, db.CreateApp(ctx, app("app_b", "acct_a", t0)))
		mustDo(t, db.CreateKey(ctx, key("key_1", "app_a", "hash1", t0)))
		mustDo(t, db.CreateKey(ctx, key("key_2", "app_b", "hash2", t0)))

		k, a, err := db.KeyBySecretHash(ctx, "hash1")
		mustDo(t, err)
		if k.ID != "key_1" || a.ID != "app_a" || a.Currency != "USD" || k.LastUsedAt != nil {
			t.Fatalf("KeyBySecretHash = %+v / %+v", k, a)
		}
		if _, _, err := db.KeyBySecretHash(ctx, "nope"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("unknown hash: err = %v, want ErrNotFound", err)
		}
		// Another app's key id is not found through this app.
		if err := db.RevokeKey(ctx, "app_a", "key_2", t0); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("revoke via the wrong app: err = %v, want ErrNotFound", err)
		}
		used := t0.Add(time.Minute)
		mustDo(t, db.TouchKey(ctx, "app_a", "key_1", used))
		mustDo(t, db.TouchKey(ctx, "app_a", "key_1", t0)) // older: ignored
		revoked := t0.Add(2 * time.Minute)
		mustDo(t, db.RevokeKey(ctx, "app_a", "key_1", revoked))
		mustDo(t, db.RevokeKey(ctx, "app_a", "key_1", revoked.Add(time.Hour)))
		k, _, err = db.KeyBySecretHash(ctx, "hash1")
		mustDo(t, err)
		if k.LastUsedAt == nil || !k.LastUsedAt.Equal(used) || k.RevokedAt == nil || !k.RevokedAt.Equal(revoked) {
			t.Fatalf("after touch and revoke: last_used %v revoked %v", k.LastUsedAt, k.RevokedAt)
		}

		// Deleting an app deletes its keys and stats with it, and nothing else.
		mustDo(t, db.DeleteApp(ctx, "acct_a", "app_a"))
		if _, _, err := db.KeyBySecretHash(ctx, "hash1"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("key of a deleted app still found: %v", err)
		}
		if _, _, err := db.KeyBySecretHash(ctx, "hash2"); err != nil {
			t.Fatalf("another app's key lost: %v", err)
		}
		keys, err := db.KeysByApp(ctx, "app_b", page.Params{Limit: 10})
		mustDo(t, err)
		if len(keys) != 1 || keys[0].ID != "key_2" {
			t.Fatalf("KeysByApp(app_b) = %v", keys)
		}
	})
}

func TestInTxRollsBackOnError(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.InTx(ctx, func(q *store.Queries) error {
			mustDo(t, q.CreateAccount(ctx, account("acct_1", "a@example.com")))
			if _, err := q.AccountByID(ctx, "acct_1"); err != nil {
				t.Errorf("a transaction does not read its own write: %v", err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx err = %v, want boom", err)
		}
		if _, err := db.AccountByID(ctx, "acct_1"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("rolled-back account visible: %v", err)
		}
		func() {
			defer func() { _ = recover() }()
			_ = db.InTx(ctx, func(q *store.Queries) error {
				mustDo(t, q.CreateAccount(ctx, account("acct_2", "b@example.com")))
				panic("midway")
			})
		}()
		if _, err := db.AccountByID(ctx, "acct_2"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("account from a panicked transaction visible: %v", err)
		}
		// The writer is usable again after both.
		mustDo(t, db.CreateAccount(ctx, account("acct_3", "c@example.com")))
	})
}

func TestAppStatsOfNewAppAreZero(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st, err := db.AppStats(ctx, "app_none")
		mustDo(t, err)
		if st.Customers != 0 || st.Purchases != 0 || st.LastEventAt != nil {
			t.Fatalf("AppStats = %+v, want zeros", st)
		}
	})
}

func TestSQLiteSettings(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"synchronous":  "2", // FULL
		"busy_timeout": "10000",
	} {
		var got string
		if err := db.RawQueryRow(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", pragma, err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}

func TestOpenRejectsBadNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, dsn := range []string{"", "/tmp/what?ever.db", "postgres://127.0.0.1:1/none?connect_timeout=1"} {
		if db, err := store.Open(ctx, dsn, store.Options{}); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", dsn)
		}
	}
}

func TestInBulkTxCommitsRollsBackAndLeavesForeignKeysOn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustDo(t, db.InBulkTx(ctx, func(q *store.Queries) error {
			return q.CreateAccount(ctx, account("acct_1", "a@example.com"))
		}))
		if _, err := db.AccountByID(ctx, "acct_1"); err != nil {
			t.Fatalf("committed account missing: %v", err)
		}
		boom := errors.New("boom")
		err := db.InBulkTx(ctx, func(q *store.Queries) error {
			mustDo(t, q.CreateAccount(ctx, account("acct_2", "b@example.com")))
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InBulkTx err = %v, want boom", err)
		}
		func() {
			defer func() { _ = recover() }()
			_ = db.InBulkTx(ctx, func(q *store.Queries) error {
				mustDo(t, q.CreateAccount(ctx, account("acct_3", "c@example.com")))
				panic("midway")
			})
		}()
		for _, id := range []string{"acct_2", "acct_3"} {
			if _, err := db.AccountByID(ctx, id); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("account %s from a failed transaction visible: %v", id, err)
			}
		}
		// Whatever happened inside, writes outside it are checked again: an
		// app for a missing account is refused.
		if err := db.CreateApp(ctx, app("app_1", "acct_none", t0)); err == nil {
			t.Fatal("CreateApp for a missing account succeeded after InBulkTx: foreign keys left off")
		}
		if db.Dialect() == store.SQLite {
			var on int
			mustDo(t, db.RawQueryRow(ctx, "PRAGMA foreign_keys").Scan(&on))
			if on != 1 {
				t.Fatalf("PRAGMA foreign_keys = %d after InBulkTx, want 1", on)
			}
		}
	})
}

func TestSQLiteCheckpointsOffTheWriter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := t.TempDir() + "/p.db"
	db, err := store.Open(ctx, path, store.Options{})
	mustDo(t, err)
	defer db.Close()
	_, err = db.Migrate(ctx)
	mustDo(t, err)
	size := func() int64 {
		fi, err := os.Stat(path)
		mustDo(t, err)
		return fi.Size()
	}
	before := size()
	// About 400 pages of new rows: far below the writer's own checkpoint
	// threshold, so only the background checkpointer copies them back.
	for i := range 400 {
		mustDo(t, db.CreateAccount(ctx, account(fmt.Sprintf("acct_%d", i), fmt.Sprintf("%d%s@example.com", i, strings.Repeat("x", 3000)))))
	}
	deadline := time.Now().Add(10 * time.Second)
	for size() < before+400*3000 {
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes, %d before: the WAL was not checkpointed", size(), before)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
