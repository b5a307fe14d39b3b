package money_test

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"pulse/internal/money"
)

const (
	errFormat   = `must be a decimal amount such as "49.90"`
	errEmpty    = "must not be empty"
	errTooLong  = "is too long to be an amount"
	errNegative = "must not be negative"
	errTooLarge = "is too large"
)

func errPlaces(exp int) string { return fmt.Sprintf("has more than %d decimal places", exp) }

func TestParseAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		exp  int
		want int64
	}{
		// USD, two fraction digits.
		{"49.90", 2, 4990},
		{"49.9", 2, 4990},
		{"49", 2, 4900},
		{"0.5", 2, 50},
		{".5", 2, 50},
		{"5.", 2, 500},
		{"1e2", 2, 10000},
		{"1E+2", 2, 10000},
		{"1e+2", 2, 10000},
		{"2.5e-1", 2, 25},
		{"049.90", 2, 4990},
		{"49.900", 2, 4990},
		{"49.90000000", 2, 4990},
		{"+49.90", 2, 4990},
		{"0.01", 2, 1},
		{"1234567.89", 2, 123456789},
		{"12345e-2", 2, 12345},
		{"0.0001e4", 2, 100},
		{"1e0", 2, 100},
		{"1e-0", 2, 100},
		{"1e0002", 2, 10000},
		{"00000000000000000000000000000000000000000000000000000000000001", 2, 100},
		// The largest amount, in every spelling.
		{"10000000000000", 2, money.MaxMinor},
		{"10000000000000.00", 2, money.MaxMinor},
		{"1e13", 2, money.MaxMinor},
		{"0.1e14", 2, money.MaxMinor},
		{"9999999999999.99", 2, money.MaxMinor - 1},
		// JPY, no fraction digits.
		{"1500", 0, 1500},
		{"1500.0", 0, 1500},
		{"1500.000", 0, 1500},
		{"1.5e3", 0, 1500},
		{"1000000000000000", 0, money.MaxMinor},
		// KWD, three.
		{"12.345", 3, 12345},
		{"12.3450", 3, 12345},
		{"12.3", 3, 12300},
		{"0.001", 3, 1},
		// CLF, four.
		{"1.2345", 4, 12345},
		{"1e-4", 4, 1},
	}
	for _, tt := range tests {
		got, err := money.Parse(tt.in, tt.exp)
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q, %d) = %d, %v; want %d, nil", tt.in, tt.exp, got, err, tt.want)
		}
	}
}

func TestParseZero(t *testing.T) {
	t.Parallel()
	// A zero amount is a free order, not a negative one, whatever its
	// sign or exponent; only its length can make it invalid.
	for _, in := range []string{
		"0", "-0", "+0", "0.00", "-0.00", "0.000000", "0e5", "0E-5", "-0e999", "0e-999",
		".0", "0.", "000", "0.0e+99", "-0.0000000e3",
	} {
		for exp := range 5 {
			got, err := money.Parse(in, exp)
			if err != nil || got != 0 {
				t.Errorf("Parse(%q, %d) = %d, %v; want 0, nil", in, exp, got, err)
			}
		}
	}
}

func TestParseRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		exp  int
		want string
	}{
		{"", 2, errEmpty},
		{"-1", 2, errNegative},
		{"-0.01", 2, errNegative},
		{"-1e20", 2, errNegative},
		{"+-1", 2, errFormat},
		{"-+1", 2, errFormat},
		{"--1", 2, errFormat},
		{"++1", 2, errFormat},
		{"-", 2, errFormat},
		{"+", 2, errFormat},
		{".", 2, errFormat},
		{"-.", 2, errFormat},
		{"1.2.3", 2, errFormat},
		{"abc", 2, errFormat},
		{"1e", 2, errFormat},
		{"1e+", 2, errFormat},
		{"1e-", 2, errFormat},
		{"1e--2", 2, errFormat},
		{"1e+-2", 2, errFormat},
		{"1e-+2", 2, errFormat},
		{"1e2e3", 2, errFormat},
		{"1e2.5", 2, errFormat},
		{"e2", 2, errFormat},
		{".e2", 2, errFormat},
		// A dot right before the exponent is neither JSON nor a usual
		// decimal; a bare trailing dot is tolerated only without one.
		{"5.e2", 2, errFormat},
		{" 1", 2, errFormat},
		{"1 ", 2, errFormat},
		{"1\n", 2, errFormat},
		{"1,5", 2, errFormat},
		{"1_000", 2, errFormat},
		{"NaN", 2, errFormat},
		{"nan", 2, errFormat},
		{"Infinity", 2, errFormat},
		{"-Infinity", 2, errFormat},
		{"Inf", 2, errFormat},
		{"0x10", 2, errFormat},
		{"0b1", 2, errFormat},
		{"1/2", 2, errFormat},
		{"$5", 2, errFormat},
		{"5 USD", 2, errFormat},
		{"١٢", 2, errFormat}, // Arabic-Indic digits
		{"１２", 2, errFormat}, // fullwidth digits
		{"1e+9999", 2, errFormat},
		{"1e99999", 2, errFormat},
		// Too many decimals.
		{"49.901", 2, errPlaces(2)},
		{"0.001", 2, errPlaces(2)},
		{"2.5e-2", 2, errPlaces(2)},
		{"1e-3", 2, errPlaces(2)},
		{"1e-999", 2, errPlaces(2)},
		{"-0.001", 2, errPlaces(2)},
		{"1500.5", 0, errPlaces(0)},
		{"0.1", 0, errPlaces(0)},
		{"1e-1", 0, errPlaces(0)},
		{"12.3456", 3, errPlaces(3)},
		{"1.23456", 4, errPlaces(4)},
		// Too large.
		{"10000000000000.01", 2, errTooLarge},
		{"10000000000001", 2, errTooLarge},
		{"99999999999999", 2, errTooLarge},
		{"1e14", 2, errTooLarge},
		{"1e999", 2, errTooLarge},
		{"1e9999", 2, errTooLarge},
		{"1000000000000001", 0, errTooLarge},
		{"9223372036854775807", 0, errTooLarge},
		{"9223372036854775808", 0, errTooLarge},
		{"99999999999999999999999999999999", 0, errTooLarge},
		{"10000000000000", 3, errTooLarge},
		{strings.Repeat("9", 64), 2, errTooLarge},
		{strings.Repeat("0", 65), 2, errTooLong},
		{"1." + strings.Repeat("0", 63), 2, errTooLong},
	}
	for _, tt := range tests {
		got, err := money.Parse(tt.in, tt.exp)
		if err == nil {
			t.Errorf("Parse(%q, %d) = %d, nil; want error %q", tt.in, tt.exp, got, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Parse(%q, %d) error = %q; want %q", tt.in, tt.exp, err, tt.want)
		}
		if got != 0 {
			t.Errorf("Parse(%q, %d) = %d with an error; want 0", tt.in, tt.exp, got)
		}
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minor int64
		exp   int
		want  string
	}{
		{4990, 2, "49.90"},
		{4900, 2, "49.00"},
		{5, 2, "0.05"},
		{50, 2, "0.50"},
		{0, 2, "0.00"},
		{1, 2, "0.01"},
		{-5, 2, "-0.05"},
		{-4990, 2, "-49.90"},
		{money.MaxMinor, 2, "10000000000000.00"},
		{5, 0, "5"},
		{1500, 0, "1500"},
		{0, 0, "0"},
		{-1500, 0, "-1500"},
		{12345, 3, "12.345"},
		{1, 3, "0.001"},
		{0, 3, "0.000"},
		{12345, 4, "1.2345"},
		{1, 4, "0.0001"},
		{9223372036854775807, 2, "92233720368547758.07"},
		{-9223372036854775808, 2, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := money.Format(tt.minor, tt.exp); got != tt.want {
			t.Errorf("Format(%d, %d) = %q; want %q", tt.minor, tt.exp, got, tt.want)
		}
	}
}

func TestFormatCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minor int64
		code  string
		want  string
	}{
		{4990, "USD", "49.90"},
		{4990, "EUR", "49.90"},
		{1500, "JPY", "1500"},
		{12345, "KWD", "12.345"},
		{12345, "CLF", "1.2345"},
		{-250, "USD", "-2.50"},
		// Unknown codes fall back to two digits rather than failing a
		// page that only displays an amount.
		{4990, "XYZ", "49.90"},
		{4990, "", "49.90"},
		{4990, "usd", "49.90"},
		{1500, "jpy", "15.00"},
	}
	for _, tt := range tests {
		if got := money.FormatCode(tt.minor, tt.code); got != tt.want {
			t.Errorf("FormatCode(%d, %q) = %q; want %q", tt.minor, tt.code, got, tt.want)
		}
	}
}

func TestParseFormatRoundTrip(t *testing.T) {
	t.Parallel()
	texts := []struct {
		in   string
		exp  int
		want string
	}{
		{"49.9", 2, "49.90"},
		{"049.90", 2, "49.90"},
		{"49.900", 2, "49.90"},
		{".5", 2, "0.50"},
		{"5.", 2, "5.00"},
		{"1e2", 2, "100.00"},
		{"2.5e-1", 2, "0.25"},
		{"-0", 2, "0.00"},
		{"1500.0", 0, "1500"},
		{"1.5e3", 0, "1500"},
		{"12.3", 3, "12.300"},
		{"1e-4", 4, "0.0001"},
	}
	for _, tt := range texts {
		v, err := money.Parse(tt.in, tt.exp)
		if err != nil {
			t.Errorf("Parse(%q, %d): %v", tt.in, tt.exp, err)
			continue
		}
		if got := money.Format(v, tt.exp); got != tt.want {
			t.Errorf("Format(Parse(%q, %d)) = %q; want %q", tt.in, tt.exp, got, tt.want)
		}
	}

	values := []int64{0, 1, 9, 10, 99, 100, 101, 4990, 123456789, money.MaxMinor - 1, money.MaxMinor}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		values = append(values, rng.Int64N(money.MaxMinor+1))
		// Small amounts are where padding with zeros goes wrong.
		values = append(values, rng.Int64N(100_000))
	}
	for _, v := range values {
		for exp := range 5 {
			s := money.Format(v, exp)
			got, err := money.Parse(s, exp)
			if err != nil || got != v {
				t.Fatalf("Parse(Format(%d, %d) = %q) = %d, %v; want %d", v, exp, s, got, err, v)
			}
		}
	}
}

// TestParseAgreesWithBigRat checks Parse against exact rational arithmetic
// on random decimals, so that the digit-string manipulation in Parse is not
// trusted to check itself.
func TestParseAgreesWithBigRat(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(20261120, 42))
	for range 50_000 {
		s := randomDecimal(rng)
		exp := rng.IntN(5)
		got, err := money.Parse(s, exp)
		want, wantErr, ok := oracle(s, exp)
		if !ok {
			t.Fatalf("randomDecimal made %q, which the oracle does not cover", s)
		}
		checkAgainstOracle(t, s, exp, got, err, want, wantErr)
	}
}

// randomDecimal writes a decimal of up to 18 digits with up to 6 of them
// after the point, in the spellings senders use: optional sign, leading and
// trailing zeros, a bare leading or trailing point, an exponent.
func randomDecimal(rng *rand.Rand) string {
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			// Zeros are over-represented: they decide every edge case.
			if rng.IntN(3) == 0 {
				b[i] = '0'
			} else {
				b[i] = byte('0' + rng.IntN(10))
			}
		}
		return string(b)
	}
	var sb strings.Builder
	switch rng.IntN(8) {
	case 0:
		sb.WriteByte('-')
	case 1:
		sb.WriteByte('+')
	}
	total := 1 + rng.IntN(18)
	nfrac := rng.IntN(min(total, 6) + 1)
	nint := total - nfrac
	sb.WriteString(digits(nint))
	hasExp := rng.IntN(4) == 0
	if nfrac > 0 || (rng.IntN(10) == 0 && nint > 0 && !hasExp) {
		sb.WriteByte('.')
		sb.WriteString(digits(nfrac))
	}
	if hasExp {
		sb.WriteByte("eE"[rng.IntN(2)])
		switch rng.IntN(3) {
		case 0:
			sb.WriteByte('-')
		case 1:
			sb.WriteByte('+')
		}
		fmt.Fprintf(&sb, "%d", rng.IntN(25))
	}
	return sb.String()
}

// plainDecimal is the syntax Parse promises to accept: what JSON numbers
// and everyday decimal strings look like.
var plainDecimal = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// oracle computes what Parse must return for s with exact rationals. It
// reports ok=false when s is not a plain decimal, which Parse refuses on
// syntax alone.
func oracle(s string, exp int) (want int64, wantErr string, ok bool) {
	if s == "" {
		return 0, errEmpty, true
	}
	if len(s) > 64 {
		return 0, errTooLong, true
	}
	if !plainDecimal.MatchString(s) {
		return 0, "", false
	}
	num, e, hasExp := strings.Cut(strings.ToLower(s), "e")
	// Parse caps the exponent at four characters and wants digits after a
	// point that an exponent follows; both are syntax, not value, limits.
	if hasExp && (len(e) > 4 || strings.HasSuffix(num, ".")) {
		return 0, errFormat, true
	}
	r, parsed := new(big.Rat).SetString(strings.TrimPrefix(s, "+"))
	if !parsed {
		return 0, "", false
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil)
	r.Mul(r, new(big.Rat).SetInt(scale))
	limit := new(big.Rat).SetInt64(money.MaxMinor)
	switch {
	case !r.IsInt():
		return 0, errPlaces(exp), true
	case r.Sign() < 0:
		return 0, errNegative, true
	case r.Cmp(limit) > 0:
		return 0, errTooLarge, true
	}
	return r.Num().Int64(), "", true
}

func checkAgainstOracle(t *testing.T, s string, exp int, got int64, err error, want int64, wantErr string) {
	t.Helper()
	switch {
	case wantErr == "" && err != nil:
		t.Fatalf("Parse(%q, %d) = %v; want %d", s, exp, err, want)
	case wantErr == "" && got != want:
		t.Fatalf("Parse(%q, %d) = %d; want %d", s, exp, got, want)
	case wantErr != "" && err == nil:
		t.Fatalf("Parse(%q, %d) = %d; want error %q", s, exp, got, wantErr)
	case wantErr != "" && err.Error() != wantErr:
		t.Fatalf("Parse(%q, %d) error = %q; want %q", s, exp, err, wantErr)
	}
}
