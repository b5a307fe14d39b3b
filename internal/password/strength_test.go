package password_test

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"pulse/internal/password"
)

// The reasons Weakness gives, spelled out so a test fails if one is lost.
const (
	tooShort   = "must be at least 8 characters long"
	tooLong    = "must be at most 256 characters long"
	isCommon   = "is one of the most commonly used passwords; choose another"
	onlySpaces = "must not be only spaces"
	isOwn      = "must not be your email or name"
	repetitive = "is too easy to guess; avoid repeated or sequential characters"
)

// runes returns the first n runes of s repeated as needed.
func runes(s string, n int) string {
	r := []rune(strings.Repeat(s, n/utf8.RuneCountInString(s)+1))
	return string(r[:n])
}

func TestWeakness(t *testing.T) {
	t.Parallel()
	const email, name = " Margaret.H@Example.com ", " Jonathan Smith "
	tests := []struct {
		name string
		pw   string
		want string
	}{
		// Length counts characters, not bytes.
		{"empty", "", tooShort},
		{"7 ascii", "Tr0ub4d", tooShort},
		{"6 cyrillic, 12 bytes", "пароль", tooShort},
		{"7 cyrillic+digit, 13 bytes", "пароль1", tooShort},
		{"7 emoji, 28 bytes", "🔑🐱🌵🎉🚀🍕🎸", tooShort},
		{"8 unicode, not common", "пароль12", ""},
		{"8 ascii", "Tr0ub4d&", ""},
		{"256 ascii", runes("correct horse battery staple ", 256), ""},
		{"257 ascii", runes("correct horse battery staple ", 257), tooLong},
		{"256 cyrillic, 500+ bytes", runes("пароль12 ", 256), ""},
		{"257 cyrillic", runes("пароль12 ", 257), tooLong},
		{"1000 characters", runes("x7Q!", 1000), tooLong},

		// Common passwords, in any case.
		{"password", "password", isCommon},
		{"PassWord", "PassWord", isCommon},
		{"PASSWORD", "PASSWORD", isCommon},
		{"12345678", "12345678", isCommon},
		{"iloveyou", "iloveyou", isCommon},
		{"ILoveYou", "ILoveYou", isCommon},
		{"qwertyuiop", "QwertyUIOP", isCommon},
		{"common with a space added", "password ", ""},

		// Only spaces.
		{"8 spaces", "        ", onlySpaces},
		{"20 spaces", strings.Repeat(" ", 20), onlySpaces},
		{"tabs and spaces", " \t \t \t \t", onlySpaces},

		// The account's own email, its local part, or name, in any case.
		{"email", "margaret.h@example.com", isOwn},
		{"email upper-case", "MARGARET.H@EXAMPLE.COM", isOwn},
		{"email local part", "Margaret.H", isOwn},
		{"name", "jonathan smith", isOwn},
		{"name upper-case", "JONATHAN SMITH", isOwn},
		{"name plus more", "jonathan smith 1984!", ""},
		{"email local part plus more", "margaret.h.secret", ""},

		// Repetitive or sequential. The first three are also in the common
		// list, which is checked first.
		{"aaaaaaaa", "aaaaaaaa", isCommon},
		{"abcdefgh", "abcdefgh", isCommon},
		{"87654321", "87654321", isCommon},
		{"abababab", "abababab", repetitive},
		{"mmmmmmmmm", "mmmmmmmmm", repetitive},
		{"XYXYXYXYXY", "XYXYXYXYXY", repetitive},
		{"bcdefghij", "bcdefghij", repetitive},
		{"zyxwvuts", "zyxwvuts", repetitive},
		{"ascending cyrillic", "абвгдежз", repetitive},
		{"repeated emoji", "🔑🔑🔑🔑🔑🔑🔑🔑", repetitive},
		{"three-character unit is allowed", "abcabcabc", ""},
		{"run broken once", "abcdefgi", ""},
		{"repeat broken once", "aaaaaaab", ""},

		// Good ones.
		{"passphrase", "correct horse battery", ""},
		{"mixed", "Tr0ub4dor&3x!", ""},
		{"unicode passphrase", "Zoë likes 日本語 🎉", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := password.Weakness(tt.pw, email, name); got != tt.want {
				t.Errorf("Weakness(%q) = %q, want %q", tt.pw, got, tt.want)
			}
		})
	}
}

func TestWeaknessNoAccountDetails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pw, email, name, want string
	}{
		// An empty email or name must not match anything.
		{"Tr0ub4dor&3x!", "", "", ""},
		{"Tr0ub4dor&3x!", "   ", "   ", ""},
		// An email without "@" is its own local part.
		{"localonly", "localonly", "", isOwn},
		// An email with an empty local part.
		{"Tr0ub4dor&3x!", "@example.com", "", ""},
		{"@example.com", "@example.com", "", isOwn},
	}
	for _, tt := range tests {
		if got := password.Weakness(tt.pw, tt.email, tt.name); got != tt.want {
			t.Errorf("Weakness(%q, %q, %q) = %q, want %q", tt.pw, tt.email, tt.name, got, tt.want)
		}
	}
}

// TestEveryCommonPasswordRejected reads the list file itself: every entry,
// as listed and upper-cased, must be refused as common. An entry that was
// not lower-cased, or was mangled in loading, would slip through.
func TestEveryCommonPasswordRejected(t *testing.T) {
	t.Parallel()
	f, err := os.Open("common-passwords.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		n++
		if line != strings.ToLower(line) || line != strings.TrimSpace(line) {
			t.Errorf("list entry %q is not lower-case and trimmed", line)
		}
		if c := utf8.RuneCountInString(line); c < password.MinLength || c > password.MaxLength {
			t.Errorf("list entry %q has %d characters, outside %d..%d, so it is never reached", line, c, password.MinLength, password.MaxLength)
			continue
		}
		for _, pw := range []string{line, strings.ToUpper(line)} {
			if got := password.Weakness(pw, "someone@example.com", "Someone"); got != isCommon {
				t.Errorf("Weakness(%q) = %q, want %q", pw, got, isCommon)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 1000 {
		t.Errorf("common-passwords.txt has only %d entries", n)
	}
}

func TestLengthConstants(t *testing.T) {
	t.Parallel()
	if password.MinLength != 8 || password.MaxLength != 256 {
		t.Errorf("MinLength, MaxLength = %d, %d; the messages say 8 and 256", password.MinLength, password.MaxLength)
	}
}
