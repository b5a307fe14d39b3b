package apikey_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"

	"pulse/internal/apikey"
	"pulse/internal/model"
)

// base62 is the alphabet written out here rather than taken from the package,
// so that a change to the package's alphabet is caught.
const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

const (
	prefixLen   = 9 // len("pulse_sk_")
	randomLen   = 32
	checksumLen = 6
)

// wantChecksum computes a key's checksum independently of the package:
// CRC-32 (IEEE) of the random part, in base62, left-padded with '0' to six
// characters.
func wantChecksum(random string) string {
	n := crc32.ChecksumIEEE([]byte(random))
	var digits []byte
	for n > 0 {
		digits = append([]byte{base62[n%62]}, digits...)
		n /= 62
	}
	s := string(digits)
	for len(s) < checksumLen {
		s = "0" + s
	}
	return s
}

// makeKey builds a well-formed key from a prefix and a 32-character random part.
func makeKey(prefix, random string) string {
	return prefix + random + wantChecksum(random)
}

func TestLen(t *testing.T) {
	t.Parallel()
	if apikey.Len != 47 {
		t.Fatalf("Len = %d, want 47 (9 prefix + 32 random + 6 checksum)", apikey.Len)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scope  model.KeyScope
		prefix string
	}{
		{model.ScopeFull, "pulse_sk_"},
		{model.ScopeIngest, "pulse_ik_"},
	}
	for _, tt := range tests {
		t.Run(string(tt.scope), func(t *testing.T) {
			t.Parallel()
			seen := map[string]bool{}
			for range 200 {
				k := apikey.New(tt.scope)
				if k.Scope != tt.scope {
					t.Fatalf("New(%q).Scope = %q", tt.scope, k.Scope)
				}
				if len(k.Secret) != apikey.Len {
					t.Fatalf("len(%q) = %d, want %d", k.Secret, len(k.Secret), apikey.Len)
				}
				if !strings.HasPrefix(k.Secret, tt.prefix) {
					t.Fatalf("%q does not start with %q", k.Secret, tt.prefix)
				}
				body := k.Secret[prefixLen:]
				for i := 0; i < len(body); i++ {
					if !strings.ContainsRune(base62, rune(body[i])) {
						t.Fatalf("%q has non-base62 byte %q at %d", k.Secret, body[i], prefixLen+i)
					}
				}
				random, sum := body[:randomLen], body[randomLen:]
				if want := wantChecksum(random); sum != want {
					t.Fatalf("%q: checksum %q, want %q", k.Secret, sum, want)
				}
				got, err := apikey.Parse(k.Secret)
				if err != nil {
					t.Fatalf("Parse(New(%q)) = %v", tt.scope, err)
				}
				if got != k {
					t.Fatalf("Parse(%q) = %+v, want %+v", k.Secret, got, k)
				}
				if seen[k.Secret] {
					t.Fatalf("New returned %q twice", k.Secret)
				}
				seen[k.Secret] = true
			}
		})
	}
}

func TestPrefix(t *testing.T) {
	t.Parallel()
	for _, scope := range []model.KeyScope{model.ScopeFull, model.ScopeIngest} {
		k := apikey.New(scope)
		p := k.Prefix()
		if len(p) != 15 {
			t.Errorf("Prefix() = %q, %d characters, want 15", p, len(p))
		}
		if p != k.Secret[:15] {
			t.Errorf("Prefix() = %q, want %q", p, k.Secret[:15])
		}
	}
	// A fixed key, so the expected value is spelled out.
	k, err := apikey.Parse(makeKey("pulse_ik_", "abcdef0123456789ABCDEFGHIJKLMNOP"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := k.Prefix(), "pulse_ik_abcdef"; got != want {
		t.Errorf("Prefix() = %q, want %q", got, want)
	}
}

func TestHash(t *testing.T) {
	t.Parallel()
	a, b := apikey.New(model.ScopeFull), apikey.New(model.ScopeFull)
	ha, hb := a.Hash(), b.Hash()
	for _, h := range []string{ha, hb} {
		if len(h) != 64 {
			t.Errorf("Hash() = %q, %d characters, want 64", h, len(h))
		}
		if _, err := hex.DecodeString(h); err != nil || strings.ToLower(h) != h {
			t.Errorf("Hash() = %q is not lower-case hex", h)
		}
	}
	if ha == hb {
		t.Errorf("two keys hash alike: %q", ha)
	}
	sum := sha256.Sum256([]byte(a.Secret))
	if want := hex.EncodeToString(sum[:]); ha != want {
		t.Errorf("Hash() = %q, want sha256 hex %q", ha, want)
	}
	if again := a.Hash(); again != ha {
		t.Errorf("Hash() not stable: %q then %q", ha, again)
	}
}

func TestParseAcceptsIndependentlyBuiltKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prefix string
		random string
		scope  model.KeyScope
	}{
		{"pulse_sk_", "0123456789ABCDEFGHIJKLMNOPQRSTUV", model.ScopeFull},
		{"pulse_ik_", "0123456789ABCDEFGHIJKLMNOPQRSTUV", model.ScopeIngest},
		{"pulse_sk_", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", model.ScopeFull},
		{"pulse_ik_", "00000000000000000000000000000000", model.ScopeIngest},
		{"pulse_sk_", "aB3dE5gH7jK9mN1pQ2sT4vW6yZ8bC0fX", model.ScopeFull},
	}
	for _, tt := range tests {
		s := makeKey(tt.prefix, tt.random)
		k, err := apikey.Parse(s)
		if err != nil {
			t.Errorf("Parse(%q) = %v", s, err)
			continue
		}
		if k.Secret != s || k.Scope != tt.scope {
			t.Errorf("Parse(%q) = %+v, want Secret=%q Scope=%q", s, k, s, tt.scope)
		}
	}
}

// TestParseKnownKeys uses keys whose checksums were computed outside Go
// (Python's zlib.crc32), the same keys as the FuzzParse seed corpus.
func TestParseKnownKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		scope model.KeyScope
	}{
		{"pulse_sk_Kq7Zr2Xw9Lm4Tn8Pb3Vc6Hd1Fg5Js0Ya3OkBps", model.ScopeFull},
		{"pulse_ik_0123456789abcdefghijABCDEFGHIJkl0U4IBi", model.ScopeIngest},
	}
	for _, tt := range tests {
		k, err := apikey.Parse(tt.in)
		if err != nil || k.Scope != tt.scope || k.Secret != tt.in {
			t.Errorf("Parse(%q) = %+v, %v; want scope %q", tt.in, k, err, tt.scope)
		}
		if got := wantChecksum(tt.in[prefixLen : prefixLen+randomLen]); got != tt.in[prefixLen+randomLen:] {
			t.Errorf("test helper wantChecksum = %q, want %q", got, tt.in[prefixLen+randomLen:])
		}
	}
	if _, err := apikey.Parse("pulse_sk_Kq7Zr2Xw9Lm4Tn8Pb3Vc6Hd1Fg5Js0YaZOkBps"); !errors.Is(err, apikey.ErrChecksum) {
		t.Errorf("bad checksum seed: err = %v, want ErrChecksum", err)
	}
}

// TestParseChecksumPadding finds a random part whose CRC is below 62^5, so its
// checksum needs a leading '0', and checks that the padded form is accepted.
func TestParseChecksumPadding(t *testing.T) {
	t.Parallel()
	const below = 62 * 62 * 62 * 62 * 62
	for i := 0; i < 1000; i++ {
		random := fmt.Sprintf("%032d", i)
		if crc32.ChecksumIEEE([]byte(random)) >= below {
			continue
		}
		sum := wantChecksum(random)
		if sum[0] != '0' {
			t.Fatalf("test helper: checksum %q of %q should start with 0", sum, random)
		}
		s := "pulse_sk_" + random + sum
		if _, err := apikey.Parse(s); err != nil {
			t.Fatalf("Parse(%q) = %v", s, err)
		}
		return
	}
	t.Fatal("no random part with a short CRC found in 1000 tries")
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	valid := makeKey("pulse_sk_", "0123456789ABCDEFGHIJKLMNOPQRSTUV")
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", apikey.ErrMalformed},
		{"too short", valid[:apikey.Len-1], apikey.ErrMalformed},
		{"prefix only", "pulse_sk_", apikey.ErrMalformed},
		{"too long", valid + "0", apikey.ErrMalformed},
		{"wrong prefix", "pulse_xk_" + valid[prefixLen:], apikey.ErrMalformed},
		{"upper-case prefix", "PULSE_SK_" + valid[prefixLen:], apikey.ErrMalformed},
		{"no prefix, right length", "abcdefghi" + valid[prefixLen:], apikey.ErrMalformed},
		{"dash in random part", valid[:20] + "-" + valid[21:], apikey.ErrMalformed},
		{"underscore in random part", valid[:9] + "_" + valid[10:], apikey.ErrMalformed},
		{"space in checksum", valid[:apikey.Len-1] + " ", apikey.ErrMalformed},
		{"non-ASCII, right byte length", valid[:apikey.Len-2] + "é", apikey.ErrMalformed},
		{"NUL byte", valid[:30] + "\x00" + valid[31:], apikey.ErrMalformed},
		{"surrounding spaces", " " + valid[1:apikey.Len-1] + " ", apikey.ErrMalformed},
		{"checksum of another key", valid[:prefixLen+randomLen] + wantChecksum("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"), apikey.ErrChecksum},
		{"checksum all zeros", valid[:prefixLen+randomLen] + "000000", apikey.ErrChecksum},
		{"two random characters swapped", valid[:9] + valid[10:11] + valid[9:10] + valid[11:], apikey.ErrChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := apikey.Parse(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse(%q) = %+v, %v; want %v", tt.in, k, err, tt.want)
			}
			if k != (apikey.Key{}) {
				t.Errorf("Parse(%q) returned a non-zero key %+v with an error", tt.in, k)
			}
		})
	}
}

// TestParseSingleCharacterChange changes each character of the random part,
// and then of the checksum, to another alphabet character: each must be
// caught by the checksum.
func TestParseSingleCharacterChange(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"pulse_sk_", "pulse_ik_"} {
		valid := makeKey(prefix, "aB3dE5gH7jK9mN1pQ2sT4vW6yZ8bC0fX")
		for pos := prefixLen; pos < apikey.Len; pos++ {
			for shift := 1; shift < len(base62); shift += 13 {
				old := strings.IndexByte(base62, valid[pos])
				c := base62[(old+shift)%len(base62)]
				s := valid[:pos] + string(c) + valid[pos+1:]
				if _, err := apikey.Parse(s); !errors.Is(err, apikey.ErrChecksum) {
					t.Errorf("position %d %q→%q: Parse(%q) = %v, want ErrChecksum", pos, valid[pos], c, s, err)
				}
			}
		}
	}
}

func TestErrorsAreDistinct(t *testing.T) {
	t.Parallel()
	if errors.Is(apikey.ErrMalformed, apikey.ErrChecksum) || errors.Is(apikey.ErrChecksum, apikey.ErrMalformed) {
		t.Fatal("ErrMalformed and ErrChecksum must be distinguishable")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(makeKey("pulse_sk_", "0123456789ABCDEFGHIJKLMNOPQRSTUV"))
	f.Add(makeKey("pulse_ik_", "zyxwvutsrqponmlkjihgfedcbaZYXWVU"))
	f.Add("pulse_sk_0123456789ABCDEFGHIJKLMNOPQRSTUV000000")
	f.Add("pulse_sk_")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := apikey.Parse(s)
		if err != nil {
			if !errors.Is(err, apikey.ErrMalformed) && !errors.Is(err, apikey.ErrChecksum) {
				t.Fatalf("Parse(%q) returned unexpected error %v", s, err)
			}
			if k != (apikey.Key{}) {
				t.Fatalf("Parse(%q) returned %+v with error %v", s, k, err)
			}
			return
		}
		if k.Secret != s {
			t.Fatalf("Parse(%q).Secret = %q", s, k.Secret)
		}
		if len(s) != apikey.Len {
			t.Fatalf("Parse accepted %q of length %d", s, len(s))
		}
		wantScope := map[string]model.KeyScope{"pulse_sk_": model.ScopeFull, "pulse_ik_": model.ScopeIngest}[s[:prefixLen]]
		if k.Scope != wantScope || wantScope == "" {
			t.Fatalf("Parse(%q).Scope = %q, want %q", s, k.Scope, wantScope)
		}
		if sum := wantChecksum(s[prefixLen : prefixLen+randomLen]); s[prefixLen+randomLen:] != sum {
			t.Fatalf("Parse accepted %q whose checksum should be %q", s, sum)
		}
		again, err := apikey.Parse(k.Secret)
		if err != nil || again != k {
			t.Fatalf("re-parse of %q = %+v, %v; want %+v", k.Secret, again, err, k)
		}
		if p := k.Prefix(); p != s[:15] {
			t.Fatalf("Prefix() = %q", p)
		}
	})
}
