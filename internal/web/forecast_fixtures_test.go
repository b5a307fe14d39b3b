package web_test

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// riskShopBuys is a shop whose customers buy about every two weeks for a
// while: eight big spenders ("lapsed_*") did so until about 70 days before
// insightsNow and then stopped; twenty regulars ("steady_*") keep on;
// sixty others bought a few times and stopped at random earlier, which
// teaches the model that customers do drop out; forty bought once.
func riskShopBuys() []buy {
	today := time.Date(insightsNow.Year(), insightsNow.Month(), insightsNow.Day(), 12, 0, 0, 0, time.UTC)
	at := func(daysAgo int) string { return today.AddDate(0, 0, -daysAgo).Format(time.RFC3339) }
	rng := rand.New(rand.NewPCG(11, 4))
	var out []buy
	for i := range 8 {
		for d := 300 - i; d >= 70; d -= 14 {
			out = append(out, buy{fmt.Sprintf("lapsed_%d", i), 15000, at(d), false})
		}
	}
	for i := range 20 {
		for d := 300 - i%14; d >= 1; d -= 14 {
			out = append(out, buy{fmt.Sprintf("steady_%d", i), 4000, at(d), false})
		}
	}
	for i := range 60 {
		first := 120 + rng.IntN(180)
		for k := range 2 + rng.IntN(6) {
			if d := first - k*(10+rng.IntN(8)); d >= 1 {
				out = append(out, buy{fmt.Sprintf("gone_%d", i), 2000 + rng.Int64N(3000), at(d), false})
			}
		}
	}
	for i := range 40 {
		out = append(out, buy{fmt.Sprintf("once_%d", i), 3000, at(1 + i*7), false})
	}
	return out
}
