package demo

import (
	"math"
	"math/rand/v2"
	"slices"
)

// product is one catalogue entry. Rank sets its base popularity (Zipf: the
// rank-1 product sells about twice as often as rank 2).
type product struct {
	ID       string
	Name     string
	Category string
	Cents    int64 // list price in cents
	Rank     int
}

// catalogue is the demo shop: gadgets and accessories, 40 products in six
// categories, from 5.90 to 299.00.
var catalogue = []product{
	{"sku-1", "Mirrorless Camera", "photo", 29900, 19},
	{"sku-2", "Memory Card 128 GB", "photo", 2490, 9},
	{"sku-3", "Camera Case", "photo", 1990, 24},
	{"sku-4", "Tripod", "photo", 3990, 22},
	{"sku-5", "50 mm Lens", "photo", 18900, 33},
	{"sku-6", "Lens Cleaning Kit", "photo", 990, 17},
	{"sku-7", "Camera Strap", "photo", 1490, 30},
	{"sku-8", "Wireless Earbuds", "audio", 7900, 3},
	{"sku-9", "Wired Earbuds", "audio", 1490, 5},
	{"sku-10", "Bluetooth Speaker", "audio", 5900, 8},
	{"sku-11", "Over-Ear Headphones", "audio", 12900, 14},
	{"sku-12", "Earbud Tips", "audio", 590, 25},
	{"sku-13", "Wireless Earbuds Pro", "audio", 14900, 12},
	{"sku-14", "Phone Case", "phone", 1490, 1},
	{"sku-15", "Screen Protector", "phone", 990, 2},
	{"sku-16", "Fast Charger", "phone", 2490, 4},
	{"sku-17", "USB-C Cable", "phone", 890, 6},
	{"sku-18", "Power Bank", "phone", 3490, 7},
	{"sku-19", "Car Mount", "phone", 1990, 16},
	{"sku-20", "Wireless Charger", "phone", 2990, 11},
	{"sku-21", "Smart Watch", "wearables", 19900, 13},
	{"sku-22", "Watch Band", "wearables", 1990, 20},
	{"sku-23", "Fitness Tracker", "wearables", 6900, 15},
	{"sku-24", "Smart Ring", "wearables", 24900, 34},
	{"sku-25", "Watch Charger", "wearables", 1290, 28},
	{"sku-26", "Smart Scale", "wearables", 4990, 29},
	{"sku-27", "Smart Bulb", "home", 1290, 10},
	{"sku-28", "Smart Plug", "home", 1590, 18},
	{"sku-29", "Wi-Fi Camera", "home", 4990, 21},
	{"sku-30", "Robot Vacuum", "home", 27900, 36},
	{"sku-31", "Smart Thermostat", "home", 12900, 37},
	{"sku-32", "LED Strip", "home", 2290, 23},
	{"sku-33", "Smart Lock", "home", 18900, 39},
	{"sku-34", "Game Controller", "gaming", 5990, 26},
	{"sku-35", "Controller Charging Dock", "gaming", 2490, 35},
	{"sku-36", "Gaming Mouse", "gaming", 4990, 27},
	{"sku-37", "Mechanical Keyboard", "gaming", 8990, 31},
	{"sku-38", "Mouse Pad", "gaming", 1290, 32},
	{"sku-39", "Gaming Headset", "gaming", 7990, 38},
	{"sku-40", "Controller Grip Set", "gaming", 890, 40},
}

// companion is a product added to a basket because another one is in it.
type companion struct {
	Index int     // into catalogue
	Prob  float64 // chance it joins the basket
}

// bundles are the designed "frequently bought together" sets, keyed by the
// product that triggers them, so that association rules have real signal.
var bundles = map[int][]companion{
	0:  {{1, 0.7}, {2, 0.55}},  // camera + memory card + case
	20: {{21, 0.6}, {24, 0.3}}, // smart watch + band + charger
	33: {{34, 0.55}},           // game controller + charging dock
	35: {{37, 0.5}},            // gaming mouse + mouse pad
}

// Products whose popularity changes over the history, as catalogue indexes.
const (
	risingProduct    = 20 // Smart Watch: steadily more popular
	decliningProduct = 8  // Wired Earbuds: steadily less
	launchedProduct  = 12 // Wireless Earbuds Pro: launched part-way through
	launchAt         = 0.55
	returnedProduct  = 23 // Smart Ring: sizing makes it the most refunded
)

// trendLift scales a product's popularity in the stretch of the history
// that begins at position from (0..1) and is centred on mid. The launched
// product is judged by the start, so that nothing sells before its launch.
func trendLift(i int, from, mid float64) float64 {
	switch i {
	case risingProduct:
		return 0.3 + 2.7*mid
	case decliningProduct:
		return 2.6 - 2.3*mid
	case launchedProduct:
		if from < launchAt {
			return 0
		}
		return 2.5 * math.Min(1, (mid-launchAt)/0.1)
	}
	return 1
}

// Spending tiers tilt product choice by price.
const (
	tierBudget = iota
	tierRegular
	tierPremium
	tiers
)

var tierPriceExp = [tiers]float64{-0.35, 0, 0.45}

// categories are the catalogue's, in its order; a customer's favourite is
// an index into it.
var categories = []string{"photo", "audio", "phone", "wearables", "home", "gaming"}

// favouriteShare is the share of a customer's orders whose main product,
// the first picked, comes from their favourite category rather than the
// whole shelf. It is the lasting taste of a real shop (a photographer
// keeps coming back for photo gear) that lets a recommender learn from
// past orders what the next ones will hold; much weaker, and the best
// sellers guess a customer's next product as well as their history does,
// for most customers have only a few orders and the ten best sellers are a
// quarter of the shop. The other picks of an order stay with the whole
// shelf: baskets of dear products of one category would make daily
// revenue noisier than the reports' tests of the demo allow for.
const favouriteShare = 0.75

// favouriteWeights are, per spending tier, the cumulative chances of each
// category being a customer's favourite: its share of the tier's base
// product weights. A pick is then as likely to land in a category as
// without favourites, so the product mix stays the one the ranks, tiers
// and trends set.
func favouriteWeights() [tiers][]float64 {
	var out [tiers][]float64
	for tier := range tiers {
		w := make([]float64, len(categories))
		for _, p := range catalogue {
			w[slices.Index(categories, p.Category)] += baseWeight(p, tier)
		}
		out[tier] = cumulative(w)
	}
	return out
}

// baseWeight is a product's weight for a tier before trends.
func baseWeight(p product, tier int) float64 {
	return math.Pow(float64(p.Cents)/3000, tierPriceExp[tier]) / float64(p.Rank)
}

// shelf holds cumulative product weights per tier for each stretch of the
// history, over the whole catalogue and within each category, so basket
// building does not recompute them per order.
type shelf struct {
	buckets int
	cum     [][tiers][]float64
	// members lists each category's products; within holds their
	// cumulative weights as cum does, per bucket, tier and category.
	members [][]int
	within  [][tiers][][]float64
}

func newShelf(buckets int) *shelf {
	s := &shelf{buckets: buckets, cum: make([][tiers][]float64, buckets),
		members: make([][]int, len(categories)), within: make([][tiers][][]float64, buckets)}
	for i, p := range catalogue {
		c := slices.Index(categories, p.Category)
		s.members[c] = append(s.members[c], i)
	}
	for b := range buckets {
		from := float64(b) / float64(buckets)
		mid := (float64(b) + 0.5) / float64(buckets)
		for tier := range tiers {
			w := make([]float64, len(catalogue))
			for i, p := range catalogue {
				w[i] = trendLift(i, from, mid) * baseWeight(p, tier)
			}
			s.cum[b][tier] = cumulative(w)
			s.within[b][tier] = make([][]float64, len(categories))
			for c, ids := range s.members {
				cw := make([]float64, len(ids))
				for k, i := range ids {
					cw[k] = w[i]
				}
				s.within[b][tier][c] = cumulative(cw)
			}
		}
	}
	return s
}

// line is one item of a basket.
type line struct {
	Product  int
	Quantity int
}

// basket picks the products of one order at position x of the history
// for a customer of the given tier and favourite category.
func (s *shelf) basket(r *rand.Rand, x float64, tier, favourite int) []line {
	b := min(int(x*float64(s.buckets)), s.buckets-1)
	cum, within := s.cum[b][tier], s.within[b][tier][favourite]
	n := 1
	switch u := r.Float64(); {
	case u < 0.08:
		n = 3
	case u < 0.3:
		n = 2
	}
	var lines []line
	has := func(i int) bool {
		for _, l := range lines {
			if l.Product == i {
				return true
			}
		}
		return false
	}
	for k := range n {
		var i int
		if k == 0 && r.Float64() < favouriteShare {
			i = s.members[favourite][pick(r, within)]
		} else {
			i = pick(r, cum)
		}
		if has(i) {
			continue
		}
		lines = append(lines, line{i, quantity(r, catalogue[i].Cents)})
		for _, c := range bundles[i] {
			if !has(c.Index) && r.Float64() < c.Prob {
				lines = append(lines, line{c.Index, 1})
			}
		}
	}
	return lines
}

// quantity buys cheap things by the pair now and then, dear ones singly.
func quantity(r *rand.Rand, cents int64) int {
	u := r.Float64()
	switch {
	case cents < 1500 && u < 0.12:
		return 3
	case cents < 1500 && u < 0.4, cents < 4000 && u < 0.15:
		return 2
	}
	return 1
}
