package auth_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"pulse/internal/auth"
	"pulse/internal/model"
	"pulse/internal/password"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"Anna@Example.COM", "anna@example.com", true},
		{"  anna+crm@example.co.uk\t", "anna+crm@example.co.uk", true},
		{"анна@пример.рф", "анна@пример.рф", true},
		{"", "", false},
		{"anna", "", false},
		{"anna@", "", false},
		{"@example.com", "", false},
		{"anna@localhost", "", false},
		{"anna@example..com", "", false},
		{"anna@.example.com", "", false},
		{"anna@example.com.", "", false},
		{"Anna <anna@example.com>", "", false},
		{"anna@example.com, bob@example.com", "", false},
		{"a\x00b@example.com", "", false},
		{string(make([]byte, 250)) + "@example.com", "", false},
	}
	for _, c := range cases {
		got, msg := auth.NormalizeEmail(c.in)
		if (msg == "") != c.ok {
			t.Errorf("NormalizeEmail(%q): reason %q, want ok=%v", c.in, msg, c.ok)
			continue
		}
		if c.ok && got != c.want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func str(s string) *string { return &s }

// TestLoginDoesTheSameWorkForUnknownEmails checks there is no timing oracle:
// with the real argon2id cost, a login for an email nobody registered must
// take about as long as a wrong password for a real account. Without the
// dummy verification it would be about a hundred times faster, so the
// factor of two in the assertion leaves ample room for noise.
func TestLoginDoesTheSameWorkForUnknownEmails(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	cfg := auth.DefaultConfig
	cfg.AccountBurst, cfg.AddressBurst = 1000, 1000
	svc := auth.New(db, password.NewHasher(password.DefaultParams), cfg)
	ctx := context.Background()
	if _, err := svc.Register(ctx, auth.RegisterInput{Name: str("Anna"), Email: str("anna@example.com"), Password: str("a long passphrase 42")}); err != nil {
		t.Fatal(err)
	}
	// Alternate the two kinds of attempt so that load from other tests
	// falls on both alike.
	var knownDs, unknownDs []time.Duration
	for range 7 {
		for _, email := range []string{"anna@example.com", "nobody@example.com"} {
			start := time.Now()
			_, _, err := svc.Login(ctx, email, "not the password", "192.0.2.1")
			d := time.Since(start)
			if !errors.Is(err, model.ErrUnauthenticated) {
				t.Fatalf("login %s: err = %v, want unauthenticated", email, err)
			}
			if email == "nobody@example.com" {
				unknownDs = append(unknownDs, d)
			} else {
				knownDs = append(knownDs, d)
			}
		}
	}
	median := func(ds []time.Duration) time.Duration {
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	known, unknown := median(knownDs), median(unknownDs)
	if unknown < known/2 || unknown > known*2 {
		t.Fatalf("median login time: wrong password %v, unknown email %v; want them within a factor of 2", known, unknown)
	}
}
