package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pulse/internal/day"
	"pulse/internal/demo"
	"pulse/internal/model"
	"pulse/internal/recommend"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// recsTable formats the rows "pulse eval recs" must print for e.
func recsTable(e recommend.Evaluation) string {
	var b strings.Builder
	for _, s := range e.Scores {
		fmt.Fprintf(&b, "%-5s %-10s %8.3f %10.3f %7d %11d\n", s.Test, s.Method, s.HitRate, s.Recall, s.Users, s.TestItems)
	}
	return b.String()
}

// The demo evaluation prints what recommend.Evaluate gives on the same
// history, read here from the demo's events on their own.
func TestEvalRecsOnTheDemo(t *testing.T) {
	t.Parallel()
	end := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h := demo.Generate(demo.Options{Seed: 4, End: end, Years: 1, Customers: 600})
	var ps []recommend.Purchase
	for _, raw := range h.Events {
		var ev struct {
			Type        string    `json:"type"`
			CustomerID  string    `json:"customer_id"`
			Status      string    `json:"status"`
			PurchasedAt time.Time `json:"purchased_at"`
			Items       []struct {
				ProductID string `json:"product_id"`
			} `json:"items"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Type != "purchase" || ev.Status != "paid" {
			continue
		}
		p := recommend.Purchase{Customer: ev.CustomerID, Day: day.Of(ev.PurchasedAt, time.UTC)}
		for _, it := range ev.Items {
			p.Products = append(p.Products, it.ProductID)
		}
		ps = append(ps, p)
	}
	want := recommend.Evaluate(ps, day.Date(2026, 1, 1)-60, 5, recommend.Options{Neighbours: 20, MinCommon: 3})

	code, out, errOut := run(t, noEnv, "eval", "recs", "--seed", "4", "--customers", "600", "--years", "1",
		"--k", "5", "--test-days", "60", "--neighbours", "20", "--min-common", "3")
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	head := fmt.Sprintf("Recommendations: demo shop (seed 4, 600 customers, 1 years), %d paid purchases\n"+
		"Fitted on %d customers and %d products before 2025-11-02; tested on the 60 days from it.\n",
		len(ps), want.Customers, want.Products)
	if !strings.HasPrefix(out, head) {
		t.Errorf("stdout begins %q, want %q", out, head)
	}
	table := "test  method        hit@5   recall@5   users  test items\n" + recsTable(want)
	if !strings.HasSuffix(out, "\n\n"+table) {
		t.Errorf("stdout:\n%s\nwant it to end with:\n%s", out, table)
	}
	if errOut != "" {
		t.Errorf("stderr: %s", errOut)
	}
}

// An app's history comes from the database: paid purchases before --end,
// refunds before it left out, days in UTC. It is the small shop of
// recommend's TestEvaluateByHand, whose table is worked out there.
func TestEvalRecsOnAnApp(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, d)
			seedRecsApp(t, dsn)
			code, out, errOut := run(t, noEnv, "eval", "recs", "--db", dsn, "--app", "app_1",
				"--end", "2026-01-20", "--test-days", "10", "--k", "1", "--min-common", "1")
			if code != 0 {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			want := "Recommendations: app app_1, 13 paid purchases\n" +
				"Fitted on 5 customers and 4 products before 2026-01-10; tested on the 10 days from it.\n"
			table := "test  method        hit@1   recall@1   users  test items\n" +
				"new   item-item     0.667      0.500       3           4\n" +
				"new   popular       0.333      0.333       3           4\n" +
				"all   item-item     0.500      0.250       4           7\n" +
				"all   popular       0.250      0.125       4           7\n" +
				"all   buy-again     0.250      0.250       4           7\n"
			if !strings.HasPrefix(out, want) || !strings.HasSuffix(out, "\n\n"+table) {
				t.Errorf("stdout:\n%s\nwant:\n%s...\n%s", out, want, table)
			}
			code, _, errOut = run(t, noEnv, "eval", "recs", "--db", dsn, "--app", "app_404", "--end", "2026-01-20")
			if code != 1 || !strings.Contains(errOut, "app app_404 has no paid purchases before 2026-01-20") {
				t.Errorf("unknown app: exit %d, stderr %q", code, errOut)
			}
		})
	}
}

// seedRecsApp stores the shop of recommend's tests as purchases at noon
// UTC of January 2026, day n on January n, plus a refund and a purchase
// after the end that must not count.
func seedRecsApp(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mustRecs(t, db.CreateAccount(ctx, model.Account{ID: "acct_1", Name: "A", Email: "a@example.com", PasswordHash: "x", Lang: "en", CreatedAt: t0}))
	mustRecs(t, db.CreateApp(ctx, model.App{ID: "app_1", AccountID: "acct_1", Name: "Shop", Currency: "USD", Timezone: "UTC", CreatedAt: t0, UpdatedAt: t0}))
	buys := []struct {
		customer string
		day      int
		products string
	}{
		{"a", 1, "X Y"}, {"b", 2, "X Y"}, {"c", 2, "X"}, {"a", 3, "Z"}, {"c", 4, "W"}, {"d", 5, "Y Z"}, {"e", 1, "W"},
		{"a", 10, "W X"}, {"b", 11, "Z"}, {"b", 12, "V Z"}, {"c", 12, "Z X"}, {"e", 10, "W"}, {"g", 10, "X"},
		// Refunded on day 4: U never sold.
		{"e", 3, "U"},
		// On the end day: not before it.
		{"a", 20, "U"},
	}
	var cs []*model.Customer
	seen := map[string]bool{}
	var ps []*model.Purchase
	for i, b := range buys {
		if !seen[b.customer] {
			seen[b.customer] = true
			cs = append(cs, &model.Customer{AppID: "app_1", ID: b.customer, HasProfile: true, CreatedAt: t0, UpdatedAt: t0})
		}
		p := &model.Purchase{AppID: "app_1", ID: fmt.Sprint("o", i), CustomerID: b.customer, Amount: 100, Currency: "USD",
			Status: model.StatusPaid, PurchasedAt: t0.AddDate(0, 0, b.day-1).Add(12 * time.Hour), ReceivedAt: t0}
		for _, pr := range strings.Fields(b.products) {
			p.Items = append(p.Items, model.Item{ProductID: pr, Quantity: 1, Price: 50})
		}
		if b.products == "U" && b.day == 3 {
			refunded := p.PurchasedAt.AddDate(0, 0, 1)
			p.Status, p.RefundedAt = model.StatusRefunded, &refunded
		}
		ps = append(ps, p)
	}
	mustRecs(t, db.SaveCustomers(ctx, cs))
	mustRecs(t, db.InsertPurchases(ctx, ps))
}

func mustRecs(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestEvalRecsFlags(t *testing.T) {
	t.Parallel()
	unmigrated := filepath.Join(t.TempDir(), "empty.db")
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	small := []string{"--customers", "200", "--years", "1"}
	cases := []struct {
		name     string
		getenv   func(string) string
		args     []string
		wantCode int
		wantOut  string // regexp on stdout
		wantErr  string // regexp on stderr
	}{
		{"help", noEnv, []string{"-h"}, 0, `Usage: pulse eval recs \[flags\](?s).*-test-days.*-min-common`, `^$`},
		{"k from the environment", env("PULSE_K", "3"), small, 0, `\ntest\s+method\s+hit@3\s+recall@3\s+users\s+test items\n`, `^$`},
		// PULSE_DB, set for the server, does not turn the demo run into
		// a database one.
		{"database in the environment only", env("PULSE_DB", unmigrated), small, 0, `demo shop \(seed 1, 200 customers, 1 years\)`, `^$`},
		{"zero k", noEnv, []string{"--k", "0"}, 2, `^$`, `--k 0: want 1 or more`},
		{"negative test days", noEnv, []string{"--test-days", "-5"}, 2, `^$`, `--test-days -5: want 1 or more`},
		{"bad number in the environment", env("PULSE_MIN_COMMON", "two"), nil, 2, `^$`, `PULSE_MIN_COMMON="two"`},
		{"app without database", noEnv, []string{"--app", "app_1"}, 2, `^$`, `--app needs --db`},
		{"database without app", noEnv, []string{"--db", unmigrated}, 2, `^$`, `--db needs --app`},
		{"bad end", noEnv, []string{"--end", "2026-13-01"}, 2, `^$`, `--end "2026-13-01": want a date YYYY-MM-DD`},
		{"stray argument", noEnv, []string{"m4"}, 2, `^$`, `unexpected argument "m4"`},
		{"unknown flag", noEnv, []string{"--method", "naive"}, 2, `^$`, `flag provided but not defined: -method`},
		{"schema behind", noEnv, []string{"--db", unmigrated, "--app", "app_1"}, 1, `^$`, `schema is at version 0`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := run(t, c.getenv, append([]string{"eval", "recs"}, c.args...)...)
			if code != c.wantCode {
				t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, c.wantCode, out, errOut)
			}
			if !regexp.MustCompile(c.wantOut).MatchString(out) {
				t.Errorf("stdout %q does not match %q", out, c.wantOut)
			}
			if !regexp.MustCompile(c.wantErr).MatchString(errOut) {
				t.Errorf("stderr %q does not match %q", errOut, c.wantErr)
			}
		})
	}
}
