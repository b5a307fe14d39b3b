package token_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"pulse/internal/token"
)

// alphabet is written out here so that a change to token.Alphabet is caught.
const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func TestAlphabet(t *testing.T) {
	t.Parallel()
	if token.Alphabet != alphabet {
		t.Fatalf("Alphabet = %q, want %q", token.Alphabet, alphabet)
	}
}

func TestBase62(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 2, 7, 20, 32, 100, 1000, 4096} {
		s := token.Base62(n)
		if len(s) != n {
			t.Errorf("len(Base62(%d)) = %d", n, len(s))
		}
		for i := 0; i < len(s); i++ {
			if strings.IndexByte(alphabet, s[i]) < 0 {
				t.Fatalf("Base62(%d) has %q at %d, not in the alphabet", n, s[i], i)
			}
		}
	}
	if a, b := token.Base62(32), token.Base62(32); a == b {
		t.Errorf("Base62(32) returned %q twice", a)
	}
}

// TestBase62Uniform is a loose check that every character is about equally
// likely. With 620,000 draws each count is about 10,000 ± 100 (one standard
// deviation), so ±5% is five standard deviations: a false failure is very
// unlikely, while a modulo bias (byte%62 without rejecting 248..255 makes
// eight characters 25% likelier) is caught every time.
func TestBase62Uniform(t *testing.T) {
	t.Parallel()
	const perChar = 10_000
	s := token.Base62(perChar * len(alphabet))
	counts := map[byte]int{}
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	if len(counts) != len(alphabet) {
		t.Errorf("saw %d distinct characters, want %d", len(counts), len(alphabet))
	}
	for i := 0; i < len(alphabet); i++ {
		c := alphabet[i]
		if n := counts[c]; n < perChar*95/100 || n > perChar*105/100 {
			t.Errorf("character %q drawn %d times, want %d ± 5%%", c, n, perChar)
		}
	}
}

func TestID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prefix string
	}{
		{"app"}, {"key"}, {"ct"}, {"x"},
	}
	for _, tt := range tests {
		re := regexp.MustCompile(`^` + regexp.QuoteMeta(tt.prefix) + `_[0-9A-Za-z]{20}$`)
		seen := map[string]bool{}
		for range 100 {
			id := token.ID(tt.prefix)
			if !re.MatchString(id) {
				t.Fatalf("ID(%q) = %q, want %s", tt.prefix, id, re)
			}
			if seen[id] {
				t.Fatalf("ID(%q) returned %q twice", tt.prefix, id)
			}
			seen[id] = true
		}
	}
}

func TestSecret(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		s := token.Secret()
		if len(s) != 43 {
			t.Errorf("len(Secret()) = %d, want 43 (32 bytes unpadded base64)", len(s))
		}
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("Secret() = %q is not unpadded base64url: %v", s, err)
		}
		if len(b) != 32 {
			t.Errorf("Secret() decodes to %d bytes, want 32", len(b))
		}
		if strings.ContainsAny(s, "+/=") {
			t.Errorf("Secret() = %q has characters that are not URL-safe", s)
		}
		if seen[s] {
			t.Fatalf("Secret() returned %q twice", s)
		}
		seen[s] = true
	}
}

func TestHash(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // spelled out for the empty string and "abc" (FIPS 180-2)
	}{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"pulse_sk_0123456789", ""},
		{"ünïcødé 🔑", ""},
	}
	for _, tt := range tests {
		got := token.Hash(tt.in)
		sum := sha256.Sum256([]byte(tt.in))
		want := hex.EncodeToString(sum[:])
		if tt.want != "" && tt.want != want {
			t.Fatalf("test table: sha256(%q) = %s, table says %s", tt.in, want, tt.want)
		}
		if got != want {
			t.Errorf("Hash(%q) = %q, want %q", tt.in, got, want)
		}
	}
	if token.Hash("a") == token.Hash("b") {
		t.Error("Hash(a) == Hash(b)")
	}
}
