package password_test

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"pulse/internal/password"
)

// cheap keeps hashing fast in tests; DefaultParams is used in one test only.
var cheap = password.Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func newCheap(t *testing.T) *password.Hasher {
	t.Helper()
	return password.NewHasher(cheap)
}

func mustHash(t *testing.T, h *password.Hasher, pw string) string {
	t.Helper()
	enc, err := h.Hash(context.Background(), pw)
	if err != nil {
		t.Fatalf("Hash(%q): %v", pw, err)
	}
	return enc
}

// parts splits a PHC string into its six "$"-separated parts.
func parts(t *testing.T, enc string) []string {
	t.Helper()
	p := strings.Split(enc, "$")
	if len(p) != 6 || p[0] != "" {
		t.Fatalf("hash %q does not have 6 $-separated parts", enc)
	}
	return p
}

func TestHashDefaultParamsFormat(t *testing.T) {
	t.Parallel()
	h := password.NewHasher(password.DefaultParams)
	enc := mustHash(t, h, "correct horse battery")
	const prefix = "$argon2id$v=19$m=19456,t=2,p=1$"
	if !strings.HasPrefix(enc, prefix) {
		t.Fatalf("Hash = %q, want prefix %q", enc, prefix)
	}
	p := parts(t, enc)
	salt, err := base64.RawStdEncoding.DecodeString(p[4])
	if err != nil || len(salt) != 16 {
		t.Errorf("salt %q: %d bytes, %v; want 16 bytes of unpadded base64", p[4], len(salt), err)
	}
	key, err := base64.RawStdEncoding.DecodeString(p[5])
	if err != nil || len(key) != 32 {
		t.Errorf("key %q: %d bytes, %v; want 32 bytes of unpadded base64", p[5], len(key), err)
	}
	ok, err := h.Verify(context.Background(), "correct horse battery", enc)
	if err != nil || !ok {
		t.Errorf("Verify(right password) = %v, %v", ok, err)
	}
}

// TestHashIsArgon2id recomputes the key with x/crypto/argon2 from the salt
// in the encoded hash, so a wrong variant or parameter order is caught.
func TestHashIsArgon2id(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    password.Params
	}{
		{"cheap", cheap},
		{"two passes, more memory", password.Params{MemoryKiB: 128, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"two lanes, short key", password.Params{MemoryKiB: 64, Time: 1, Threads: 2, SaltLen: 8, KeyLen: 16}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := password.NewHasher(tt.p)
			const pw = "Tr0ub4dor&3x!"
			enc := mustHash(t, h, pw)
			p := parts(t, enc)
			if p[1] != "argon2id" || p[2] != "v=19" {
				t.Fatalf("hash %q: algorithm %q version %q", enc, p[1], p[2])
			}
			if want := fmt.Sprintf("m=%d,t=%d,p=%d", tt.p.MemoryKiB, tt.p.Time, tt.p.Threads); p[3] != want {
				t.Errorf("params = %q, want %q", p[3], want)
			}
			salt, err := base64.RawStdEncoding.DecodeString(p[4])
			if err != nil || len(salt) != tt.p.SaltLen {
				t.Fatalf("salt %q: %d bytes, %v; want %d", p[4], len(salt), err, tt.p.SaltLen)
			}
			key, err := base64.RawStdEncoding.DecodeString(p[5])
			if err != nil {
				t.Fatal(err)
			}
			want := argon2.IDKey([]byte(pw), salt, tt.p.Time, tt.p.MemoryKiB, tt.p.Threads, tt.p.KeyLen)
			if subtle.ConstantTimeCompare(key, want) != 1 {
				t.Errorf("key in hash is not argon2id(%q, salt, %+v)", pw, tt.p)
			}
		})
	}
}

func TestHashVerify(t *testing.T) {
	t.Parallel()
	h := newCheap(t)
	tests := []struct {
		name  string
		pw    string
		wrong []string
	}{
		{"ascii", "correct horse battery", []string{"correct horse batter", "correct horse battery ", "Correct horse battery", ""}},
		{"unicode", "пароль12 日本語 🔑", []string{"пароль12 日本語", "ПАРОЛЬ12 日本語 🔑"}},
		{"empty", "", []string{" ", "a"}},
		{"long", strings.Repeat("long passphrase ", 16), []string{strings.Repeat("long passphrase ", 15)}},
		{"nul byte", "abc\x00def", []string{"abc", "abc\x00deg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			enc := mustHash(t, h, tt.pw)
			ok, err := h.Verify(context.Background(), tt.pw, enc)
			if err != nil || !ok {
				t.Errorf("Verify(%q, own hash) = %v, %v; want true", tt.pw, ok, err)
			}
			for _, w := range tt.wrong {
				ok, err := h.Verify(context.Background(), w, enc)
				if err != nil || ok {
					t.Errorf("Verify(%q, hash of %q) = %v, %v; want false, nil", w, tt.pw, ok, err)
				}
			}
		})
	}
}

func TestHashSalted(t *testing.T) {
	t.Parallel()
	h := newCheap(t)
	a, b := mustHash(t, h, "same password"), mustHash(t, h, "same password")
	if a == b {
		t.Fatalf("two hashes of one password are equal: %q", a)
	}
	if parts(t, a)[4] == parts(t, b)[4] {
		t.Errorf("two hashes share a salt: %q", parts(t, a)[4])
	}
	for _, enc := range []string{a, b} {
		if ok, err := h.Verify(context.Background(), "same password", enc); err != nil || !ok {
			t.Errorf("Verify(%q) = %v, %v", enc, ok, err)
		}
	}
}

// TestVerifyUsesParamsFromHash: a hash made with other parameters (an older
// default, say) still verifies.
func TestVerifyUsesParamsFromHash(t *testing.T) {
	t.Parallel()
	old := password.NewHasher(password.Params{MemoryKiB: 128, Time: 3, Threads: 2, SaltLen: 24, KeyLen: 24})
	enc := mustHash(t, old, "an older hash")
	h := newCheap(t)
	if ok, err := h.Verify(context.Background(), "an older hash", enc); err != nil || !ok {
		t.Errorf("Verify(right password, hash with other params) = %v, %v; want true", ok, err)
	}
	if ok, err := h.Verify(context.Background(), "another", enc); err != nil || ok {
		t.Errorf("Verify(wrong password, hash with other params) = %v, %v; want false", ok, err)
	}
}

func TestVerifyEmptyHash(t *testing.T) {
	t.Parallel()
	h := newCheap(t)
	for _, pw := range []string{"", "anything", "correct horse battery"} {
		ok, err := h.Verify(context.Background(), pw, "")
		if ok || err != nil {
			t.Errorf("Verify(%q, \"\") = %v, %v; want false, nil", pw, ok, err)
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	t.Parallel()
	h := newCheap(t)
	valid := mustHash(t, h, "pw")
	p := parts(t, valid)
	salt, key := p[4], p[5]
	join := func(ps ...string) string { return strings.Join(ps, "$") }
	tests := []struct {
		name, enc string
	}{
		{"not a hash", "pw"},
		{"wrong algorithm argon2i", join("", "argon2i", "v=19", p[3], salt, key)},
		{"wrong algorithm argon2d", join("", "argon2d", "v=19", p[3], salt, key)},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"upper-case algorithm", join("", "ARGON2ID", "v=19", p[3], salt, key)},
		{"wrong version", join("", "argon2id", "v=16", p[3], salt, key)},
		{"version not a number", join("", "argon2id", "v=x", p[3], salt, key)},
		{"version missing", join("", "argon2id", p[3], salt, key)},
		{"missing key", join("", "argon2id", "v=19", p[3], salt)},
		{"missing salt and key", join("", "argon2id", "v=19", p[3])},
		{"extra part", valid + "$extra"},
		{"empty key", join("", "argon2id", "v=19", p[3], salt, "")},
		{"bad base64 salt", join("", "argon2id", "v=19", p[3], "!!!!", key)},
		{"bad base64 key", join("", "argon2id", "v=19", p[3], salt, "****")},
		{"padded base64 key", join("", "argon2id", "v=19", p[3], salt, base64.StdEncoding.EncodeToString([]byte("abcd")))},
		{"params garbage", join("", "argon2id", "v=19", "m=a,t=1,p=1", salt, key)},
		{"params missing", join("", "argon2id", "v=19", "", salt, key)},
		{"negative memory", join("", "argon2id", "v=19", "m=-1,t=1,p=1", salt, key)},
		{"threads overflow uint8", join("", "argon2id", "v=19", "m=64,t=1,p=256", salt, key)},
		{"no leading $", strings.TrimPrefix(valid, "$")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok, err := h.Verify(context.Background(), "pw", tt.enc)
			if err == nil || ok {
				t.Errorf("Verify(%q) = %v, %v; want false and an error", tt.enc, ok, err)
			}
		})
	}
}

// TestVerifyOutOfRangeCostParamsIsAnError: a stored hash with t=0 or p=0 is
// as malformed as one with bad base64 and must give an error. x/crypto/argon2
// panics on such parameters (and the panic would happen while a slot is held,
// never to be given back), so decode has to reject them first.
func TestVerifyOutOfRangeCostParamsIsAnError(t *testing.T) {
	t.Parallel()
	h := newCheap(t)
	p := parts(t, mustHash(t, h, "pw"))
	for _, params := range []string{"m=64,t=0,p=1", "m=64,t=1,p=0", "m=0,t=0,p=0", "m=7,t=1,p=1"} {
		enc := strings.Join([]string{"", "argon2id", "v=19", params, p[4], p[5]}, "$")
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("Verify(%q) panicked: %v; want false and an error", enc, r)
				}
			}()
			ok, err := h.Verify(context.Background(), "pw", enc)
			if err == nil || ok {
				t.Errorf("Verify(%q) = %v, %v; want false and an error", enc, ok, err)
			}
		}()
	}
}

// TestHashCancelledContext documents what Hash does with a context that is
// already cancelled while a slot is free: acquire selects between a free slot
// and ctx.Done(), and Go picks at random among ready cases, so the result is
// either a valid hash or an error wrapping context.Canceled. (With every slot
// busy it is always the error; see slots_internal_test.go.)
func TestHashCancelledContext(t *testing.T) {
	t.Parallel()
	h := newCheap(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var hashed, refused int
	for range 64 {
		enc, err := h.Hash(ctx, "pw")
		switch {
		case err == nil:
			hashed++
			if ok, verr := h.Verify(context.Background(), "pw", enc); verr != nil || !ok {
				t.Fatalf("Hash with cancelled ctx returned %q that does not verify: %v, %v", enc, ok, verr)
			}
		case errors.Is(err, context.Canceled):
			refused++
			if enc != "" {
				t.Fatalf("Hash returned %q together with error %v", enc, err)
			}
		default:
			t.Fatalf("Hash with cancelled ctx: error %v does not wrap context.Canceled", err)
		}
	}
	t.Logf("cancelled context: %d hashed, %d refused", hashed, refused)
}
