package clv

import "testing"

// BenchmarkFitBGNBD100k fits 100,000 customers drawn from the model over two
// years of daily data, the size the product fits in the background.
func BenchmarkFitBGNBD100k(b *testing.B) {
	truth := BGNBD{R: 0.3, Alpha: 40, A: 0.8, B: 2.5}
	for _, unit := range []struct {
		name string
		days float64
	}{{"days", 1}, {"weeks", 7}} {
		b.Run(unit.name, func(b *testing.B) {
			ss, err := Summarize(simBGNBD(truth, 100_000, 730, 7), 730, unit.days)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := FitBGNBD(ss); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// Continuous times defeat the grouping: the worst case for the
	// likelihood.
	b.Run("continuous", func(b *testing.B) {
		ss := simSummaries(BGNBD{R: 0.3, Alpha: 40, A: 0.8, B: 2.5}, 100_000, 730, 7)
		b.ResetTimer()
		for b.Loop() {
			if _, err := FitBGNBD(ss); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkValues100k is a one-year, monthly-discounted forecast for 100,000
// customers from daily data.
func BenchmarkValues100k(b *testing.B) {
	truth := BGNBD{R: 0.3, Alpha: 40, A: 0.8, B: 2.5}
	ss, err := Summarize(simBGNBD(truth, 100_000, 730, 7), 730, 1)
	if err != nil {
		b.Fatal(err)
	}
	bg, err := FitBGNBD(ss)
	if err != nil {
		b.Fatal(err)
	}
	gg := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Values(bg, gg, ss, ValueOptions{HorizonDays: 365, AnnualDiscount: 0.1}); err != nil {
			b.Fatal(err)
		}
	}
}
