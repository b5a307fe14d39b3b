// Package apikey makes and checks API keys of the form
//
//	pulse_sk_<32 base62 random characters><6 base62 characters of CRC32>
//
// ("sk" for full keys, "ik" for ingest-only ones). The checksum lets a typo
// or a truncated key be refused without asking the database, and the fixed
// prefix lets secret scanners find leaked keys.
package apikey

import (
	"errors"
	"hash/crc32"
	"strings"

	"pulse/internal/model"
	"pulse/internal/token"
)

const (
	fullPrefix   = "pulse_sk_"
	ingestPrefix = "pulse_ik_"
	randomLen    = 32
	checksumLen  = 6
	// Len is the length of every key.
	Len = len(fullPrefix) + randomLen + checksumLen
	// visibleRandom is how many random characters the visible prefix keeps:
	// enough to tell keys apart, far too few to guess the rest.
	visibleRandom = 6
)

const alphabet = token.Alphabet

// Errors from Parse; their text is safe to show the caller.
var (
	ErrMalformed = errors.New("the API key is malformed: expected pulse_sk_ or pulse_ik_ followed by 38 letters and digits")
	ErrChecksum  = errors.New("the API key's checksum does not match: it was mistyped or cut short")
)

// Key is a parsed, well-formed key.
type Key struct {
	Secret string
	Scope  model.KeyScope
}

// New makes a fresh random key of the given scope.
func New(scope model.KeyScope) Key {
	p := fullPrefix
	if scope == model.ScopeIngest {
		p = ingestPrefix
	}
	random := token.Base62(randomLen)
	return Key{Secret: p + random + checksum(random), Scope: scope}
}

// Parse checks the key's format and checksum.
func Parse(s string) (Key, error) {
	if len(s) != Len {
		return Key{}, ErrMalformed
	}
	var scope model.KeyScope
	switch {
	case strings.HasPrefix(s, fullPrefix):
		scope = model.ScopeFull
	case strings.HasPrefix(s, ingestPrefix):
		scope = model.ScopeIngest
	default:
		return Key{}, ErrMalformed
	}
	body := s[len(fullPrefix):]
	for i := 0; i < len(body); i++ {
		if strings.IndexByte(alphabet, body[i]) < 0 {
			return Key{}, ErrMalformed
		}
	}
	random, sum := body[:randomLen], body[randomLen:]
	if checksum(random) != sum {
		return Key{}, ErrChecksum
	}
	return Key{Secret: s, Scope: scope}, nil
}

// Hash is what the database stores and looks keys up by.
func (k Key) Hash() string { return token.Hash(k.Secret) }

// Prefix is the visible start of the key, shown in key lists.
func (k Key) Prefix() string { return k.Secret[:len(fullPrefix)+visibleRandom] }

// checksum is the CRC32 of s in base62, left-padded with zeros to six
// characters (62^6 > 2^32, so it always fits).
func checksum(s string) string {
	n := crc32.ChecksumIEEE([]byte(s))
	var b [checksumLen]byte
	for i := checksumLen - 1; i >= 0; i-- {
		b[i] = alphabet[n%62]
		n /= 62
	}
	return string(b[:])
}
