// Package token makes random identifiers and secrets.
package token

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// Alphabet is base62: digits, upper- and lower-case ASCII letters.
const Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Base62 returns n characters drawn uniformly from Alphabet with a
// cryptographic source; bytes of 248 and above are dropped so that no
// character is likelier than another.
func Base62(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+8)
	for len(out) < n {
		_, _ = rand.Read(buf) // crypto/rand.Read never fails on supported platforms
		for _, c := range buf {
			if c < 248 && len(out) < n {
				out = append(out, Alphabet[c%62])
			}
		}
	}
	return string(out)
}

// ID returns a new identifier such as "app_3kTMd9Q2xV7pLz0aBcDe": a type
// prefix, so an id says what it names, and 20 random base62 characters
// (119 bits), so ids cannot be guessed or enumerated.
func ID(prefix string) string { return prefix + "_" + Base62(20) }

// Secret returns 32 random bytes in unpadded base64url: 256 bits for
// session tokens and similar bearer secrets.
func Secret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Hash returns the hex SHA-256 of a secret. Secrets are random and long, so a
// plain hash (no salt, no stretching) is enough to make a stolen table useless.
func Hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
