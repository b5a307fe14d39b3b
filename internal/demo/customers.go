package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// customer is a made-up customer with the hidden traits that drive their
// purchases: a Poisson rate while active and a chance to drop out after
// each purchase, as in the BG/NBD model the assistant fits.
type customer struct {
	person
	Created  time.Time
	Channel  string // how they found the shop
	Plan     string // "" when the app never sent one
	Age      int
	Tier     int // spending tier
	Platform int // index into platforms
	Rate     float64
	Dropout  float64
	Buyer    bool    // some sign up and never buy
	First    float64 // demand time of the first purchase

	// Favourite is the category most of their picks come from, an index
	// into categories.
	Favourite int
}

var (
	channels       = []string{"organic", "ads", "referral", "social"}
	channelWeights = cumulative([]float64{40, 30, 15, 15})
	platforms      = []string{"web", "ios", "android"}
)

// signupLift makes acquisition grow to twice its early pace by the end of
// the history, after a launch rush in the first weeks that gives the early
// months a customer base to sell to.
func signupLift(x float64) float64 { return 1 + x + 6*math.Exp(-x/0.02) }

// newCustomers draws n customers, sorted by sign-up time. Sign-ups follow
// the growth curve and the same calendar as purchases, so promotions and
// weekends bring new customers too. Favourite categories come from their
// own generator, fav, so that every other trait is what it was before
// customers had one.
func newCustomers(r, fav *rand.Rand, cal *calendar, n int) []customer {
	acq := make([]float64, len(cal.demand))
	for h, d := range cal.demand {
		x := (float64(h) + 0.5) / float64(len(cal.demand))
		acq[h] = d * cal.cellLen(h) * signupLift(x)
	}
	acq = cumulative(acq)
	times := make([]time.Time, n)
	for i := range times {
		h := pick(r, acq)
		off := time.Duration((float64(h) + r.Float64()*cal.cellLen(h)) * float64(time.Hour))
		times[i] = cal.start.Add(off).Truncate(time.Second)
	}
	slices.SortFunc(times, time.Time.Compare)

	countryCum, favCum := countryWeights(), favouriteWeights()
	cs := make([]customer, n)
	for i := range cs {
		c := &cs[i]
		c.person = newPerson(r, countryCum, i+1)
		c.Created = times[i]
		c.Channel = channels[pick(r, channelWeights)]
		c.Age = int(math.Round(min(75, max(18, 36+11*r.NormFloat64()))))
		traits(r, cal, c)
		c.Favourite = pick(fav, favCum[c.Tier])
	}
	return cs
}

// traits draws the hidden behaviour. Paying members and referred customers
// are more loyal; customers from ads churn faster.
func traits(r *rand.Rand, cal *calendar, c *customer) {
	rate := gamma(r, 0.8) / 0.8
	drop := beta(r, 0.8, 8)
	switch u := r.Float64(); {
	case u < 0.12:
		c.Plan = "plus"
		rate *= 1.4
		drop *= 0.6
	case u < 0.55:
		c.Plan = "basic"
	}
	switch c.Channel {
	case "referral":
		rate *= 1.15
		drop *= 0.75
	case "ads":
		drop *= 1.3
	}
	c.Tier = tierRegular
	switch u := r.Float64(); {
	case u < 0.4:
		c.Tier = tierBudget
	case u > 0.85:
		c.Tier = tierPremium
		rate *= 1.2
	}
	// Mobile apps gain share over the history.
	x := cal.position(c.Created)
	switch u := r.Float64(); {
	case u < 0.55-0.2*x:
		c.Platform = 0
	case u < 0.8-0.1*x:
		c.Platform = 1
	default:
		c.Platform = 2
	}
	c.Rate = rate
	c.Dropout = min(drop, 0.95)
	c.Buyer = r.Float64() < 0.88
	u := cal.demandAt(c.Created)
	if r.Float64() < 0.5 {
		// Bought in the session they signed up in.
		u = cal.demandAt(c.Created.Add(time.Duration(3+r.IntN(60)) * time.Minute))
	} else {
		u += r.ExpFloat64() * 10 * 24
	}
	c.First = u
}
