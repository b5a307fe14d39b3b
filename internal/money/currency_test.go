package money_test

import (
	"testing"

	"pulse/internal/money"
)

func TestExponent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code   string
		want   int
		wantOK bool
	}{
		{"USD", 2, true},
		{"EUR", 2, true},
		{"GBP", 2, true},
		{"JPY", 0, true},
		{"KRW", 0, true},
		{"ISK", 0, true},
		{"KWD", 3, true},
		{"BHD", 3, true},
		{"TND", 3, true},
		{"CLF", 4, true},
		{"UYW", 4, true},
		{"HRK", 2, true}, // withdrawn, kept for old imports
		{"XYZ", 0, false},
		{"XAU", 0, false}, // precious metal, left out on purpose
		{"", 0, false},
		{"usd", 0, false}, // Exponent does not normalise
		{" USD", 0, false},
		{"USDD", 0, false},
	}
	for _, tt := range tests {
		got, ok := money.Exponent(tt.code)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Exponent(%q) = %d, %v; want %d, %v", tt.code, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{" usd ", "USD", true},
		{"usd", "USD", true},
		{"Jpy", "JPY", true},
		{"\tkwd\n", "KWD", true},
		{"EUR", "EUR", true},
		{"xyz", "XYZ", false},
		{"", "", false},
		{"   ", "", false},
		{"u s d", "U S D", false},
	}
	for _, tt := range tests {
		got, ok := money.NormalizeCode(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
		if ok {
			if _, eok := money.Exponent(got); !eok {
				t.Errorf("NormalizeCode(%q) = %q is known, but Exponent does not know it", tt.in, got)
			}
		}
	}
}
