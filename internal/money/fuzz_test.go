package money_test

import (
	"testing"

	"pulse/internal/money"
)

// FuzzParse feeds Parse arbitrary text. Amounts arrive straight from
// clients, so Parse must never panic, never accept something it cannot
// print back, and agree with exact arithmetic on everything that looks
// like a number. The seed corpus is in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, exp int) {
		// Currencies have 0 to 4 fraction digits; folding keeps every
		// fuzzed int useful instead of discarding most of them.
		exp = ((exp % 5) + 5) % 5
		got, err := money.Parse(s, exp)
		want, wantErr, plain := oracle(s, exp)
		if plain {
			checkAgainstOracle(t, s, exp, got, err, want, wantErr)
		} else if err == nil {
			t.Fatalf("Parse(%q, %d) = %d; want a refusal of text that is not a decimal", s, exp, got)
		}
		if err != nil {
			if got != 0 {
				t.Fatalf("Parse(%q, %d) = %d with error %v; want 0", s, exp, got, err)
			}
			if err.Error() == "" {
				t.Fatalf("Parse(%q, %d) returned an empty error message", s, exp)
			}
			return
		}
		if got < 0 || got > money.MaxMinor {
			t.Fatalf("Parse(%q, %d) = %d, outside [0, MaxMinor]", s, exp, got)
		}
		text := money.Format(got, exp)
		again, err := money.Parse(text, exp)
		if err != nil || again != got {
			t.Fatalf("Parse(Format(%d, %d) = %q) = %d, %v; want %d", got, exp, text, again, err, got)
		}
	})
}
