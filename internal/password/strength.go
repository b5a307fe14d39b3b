package password

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

const (
	// MinLength is the fewest characters a password may have.
	MinLength = 8
	// MaxLength bounds the work one login can cost; long passphrases fit.
	MaxLength = 256
)

//go:embed common-passwords.txt
var commonList string

// common returns the embedded list of passwords seen most often in
// breaches, lower-cased: none of them may be chosen, in any letter case.
// It is parsed on first use rather than at program start.
var common = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 8192)
	sc := bufio.NewScanner(strings.NewReader(commonList))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		m[line] = struct{}{}
	}
	return m
})

// Weakness says why pw may not be used as a new password, or "" when it may.
// email and name are the account's own, which a password must not repeat.
func Weakness(pw, email, name string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength:
		return "must be at least 8 characters long"
	case n > MaxLength:
		return "must be at most 256 characters long"
	}
	lower := strings.ToLower(pw)
	if _, ok := common()[lower]; ok {
		return "is one of the most commonly used passwords; choose another"
	}
	if strings.TrimSpace(lower) == "" {
		return "must not be only spaces"
	}
	email = strings.ToLower(strings.TrimSpace(email))
	local, _, _ := strings.Cut(email, "@")
	for _, own := range []string{email, local, strings.ToLower(strings.TrimSpace(name))} {
		if own != "" && lower == own {
			return "must not be your email or name"
		}
	}
	if isRepetitive(lower) {
		return "is too easy to guess; avoid repeated or sequential characters"
	}
	return ""
}

// isRepetitive catches "aaaaaaaa", "12121212" and "abcdefgh" style strings:
// passwords made of one short unit repeated, or one ascending run.
func isRepetitive(s string) bool {
	r := []rune(s)
	for unit := 1; unit <= 2; unit++ {
		same := true
		for i := unit; i < len(r); i++ {
			if r[i] != r[i-unit] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	for _, step := range []rune{1, -1} {
		run := true
		for i := 1; i < len(r); i++ {
			if r[i]-r[i-1] != step {
				run = false
				break
			}
		}
		if run {
			return true
		}
	}
	return false
}
