// Package contact checks and normalises email addresses and phone numbers.
package contact

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Email trims and lower-cases an email address and checks it. It returns the
// reason when the address is not acceptable.
func Email(s string) (string, string) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return s, "must not be empty"
	case !utf8.ValidString(s):
		return s, "must be valid UTF-8 text"
	case len(s) > 254:
		return s, "must be at most 254 characters"
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return s, "must be an email address such as anna@example.com"
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" || !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.Contains(domain, "..") {
		return s, "must be an email address with a full domain, such as anna@example.com"
	}
	return s, ""
}

// Phone normalises a phone number in international format to E.164
// ("+7 (999) 000-11-22" becomes "+79990001122"). Spaces, dashes, dots and
// brackets are dropped and a leading "00" counts as "+". A number without
// its country code cannot be normalised, so it is refused with the reason.
func Phone(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return s, "must not be empty"
	}
	var b strings.Builder
	b.Grow(16)
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteByte('+')
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return s, "must be a phone number in international format, such as +79990001122"
		}
	}
	n := b.String()
	if strings.HasPrefix(n, "00") {
		n = "+" + n[2:]
	}
	if !strings.HasPrefix(n, "+") {
		return s, "must start with + and the country code, such as +79990001122"
	}
	digits := n[1:]
	if len(digits) < 7 || len(digits) > 15 || digits[0] == '0' {
		return s, "must have a country code and 7 to 15 digits in all, such as +79990001122"
	}
	return n, ""
}
