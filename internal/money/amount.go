package money

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxMinor bounds an amount in minor units: large enough for any real
// order (ten trillion dollars), small enough that sums over millions of
// purchases cannot overflow int64.
const MaxMinor = 1_000_000_000_000_000

// Parse turns a decimal amount into integer minor units of a currency with
// exp fraction digits. It accepts what JSON numbers and decimal strings
// look like ("49.90", "49.9", "-3", "1e2", "0.5E-1"), exactly, without going
// through floating point. More significant fraction digits than the currency
// has, a negative amount and anything over MaxMinor are errors; trailing
// zeros beyond the exponent are fine ("49.900" in USD is 4990).
func Parse(s string, exp int) (int64, error) {
	if s == "" {
		return 0, errors.New("must not be empty")
	}
	if len(s) > 64 {
		return 0, errors.New("is too long to be an amount")
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	mant, frac, e, err := split(s)
	if err != nil {
		return 0, err
	}
	digits := strings.TrimLeft(mant+frac, "0")
	// The value is digits × 10^(e - len(frac)); in minor units the power
	// is shift.
	shift := e - len(frac) + exp
	if shift < 0 {
		cut := min(-shift, len(digits))
		if strings.Trim(digits[len(digits)-cut:], "0") != "" {
			return 0, fmt.Errorf("has more than %d decimal places", exp)
		}
		digits = digits[:len(digits)-cut]
		shift = 0
	}
	if digits == "" {
		return 0, nil
	}
	if neg {
		return 0, errors.New("must not be negative")
	}
	if len(digits)+shift > 16 {
		return 0, errors.New("is too large")
	}
	v, err := strconv.ParseInt(digits+strings.Repeat("0", shift), 10, 64)
	if err != nil || v > MaxMinor {
		return 0, errors.New("is too large")
	}
	return v, nil
}

// split cuts an unsigned decimal into its integer digits, fraction digits
// and exponent.
func split(s string) (mant, frac string, exp int, err error) {
	bad := errors.New(`must be a decimal amount such as "49.90"`)
	num, expPart, hasExp := strings.Cut(strings.ToLower(s), "e")
	mant, frac, hasDot := strings.Cut(num, ".")
	if (mant == "" && frac == "") || (hasDot && frac == "" && mant == "") {
		return "", "", 0, bad
	}
	if !allDigits(mant) || !allDigits(frac) || (hasDot && frac == "" && hasExp) {
		return "", "", 0, bad
	}
	if hasExp {
		if expPart == "" || len(expPart) > 4 {
			return "", "", 0, bad
		}
		n, perr := strconv.Atoi(expPart)
		if perr != nil || strings.ContainsAny(expPart[1:], "+-") {
			return "", "", 0, bad
		}
		exp = n
	}
	return mant, frac, exp, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Format writes minor units as a decimal string with exactly exp fraction
// digits: Format(4990, 2) is "49.90", Format(5, 0) is "5".
func Format(minor int64, exp int) string {
	sign := ""
	u := uint64(minor)
	if minor < 0 {
		sign = "-"
		u = uint64(-minor)
	}
	s := strconv.FormatUint(u, 10)
	if exp <= 0 {
		return sign + s
	}
	if len(s) <= exp {
		s = strings.Repeat("0", exp-len(s)+1) + s
	}
	return sign + s[:len(s)-exp] + "." + s[len(s)-exp:]
}

// FormatCode is Format for a currency code; an unknown code is formatted
// with two digits.
func FormatCode(minor int64, code string) string {
	exp, ok := Exponent(code)
	if !ok {
		exp = 2
	}
	return Format(minor, exp)
}
