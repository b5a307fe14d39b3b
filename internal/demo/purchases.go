package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// maxRate caps a customer's purchase rate (per day of average demand) so
// that the most loyal customers order about weekly, not daily.
const maxRate = 1.0 / 6

// order is one generated purchase, prices already in minor units.
type order struct {
	Customer int
	At       time.Time
	Lines    []line
	Prices   []int64 // unit price of each line
	Amount   int64
	Coupon   string
	Platform string
	Refunded time.Time // zero when the order stands
}

// expectedOrders is the model's mean number of orders for the customers
// when every base rate is scaled by k: a first purchase, then purchases at
// the rate while active, each followed by a dropout chance p, which gives
// 1 + (1-p)(1-exp(-λpT))/p over the remaining demand time T.
func expectedOrders(cs []customer, k, end float64) float64 {
	sum := 0.0
	for i := range cs {
		c := &cs[i]
		if !c.Buyer || c.First >= end {
			continue
		}
		lam := min(k*c.Rate, maxRate)
		days := (end - c.First) / 24
		p := c.Dropout
		sum += 1 + (1-p)*-math.Expm1(-lam*p*days)/p
	}
	return sum
}

// calibrate finds the rate scale whose expected order count meets the
// target, so the option means what it says whatever the other knobs do.
func calibrate(cs []customer, target, end float64) float64 {
	lo, hi := 1e-4, 100.0
	for range 60 {
		mid := math.Sqrt(lo * hi)
		if expectedOrders(cs, mid, end) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Sqrt(lo * hi)
}

// shop turns customers into orders.
type shop struct {
	r     *rand.Rand
	cal   *calendar
	shelf *shelf
	minor func(cents int64) int64
}

// ordersOf plays out one customer's life: purchases at their rate in
// demand time until they drop out or the history ends.
func (s *shop) ordersOf(ci int, c *customer, k float64, out []order) []order {
	if !c.Buyer {
		return out
	}
	perHour := min(k*c.Rate, maxRate) / 24
	for u := c.First; ; u += s.r.ExpFloat64() / perHour {
		t, ok := s.cal.timeAt(u)
		if !ok {
			return out
		}
		t = t.Truncate(time.Second)
		if !t.After(c.Created) {
			t = c.Created.Add(time.Minute)
			if !t.Before(s.cal.end) {
				return out
			}
		}
		out = append(out, s.order(ci, c, t))
		if s.r.Float64() < c.Dropout {
			return out
		}
	}
}

func (s *shop) order(ci int, c *customer, t time.Time) order {
	o := order{Customer: ci, At: t, Platform: platforms[c.Platform]}
	if s.r.Float64() < 0.15 {
		o.Platform = choose(s.r, platforms)
	}
	o.Lines = s.shelf.basket(s.r, s.cal.position(t), c.Tier, c.Favourite)
	discount := int64(0)
	if p := s.cal.promoAt(t); p != nil && s.r.Float64() < p.Share {
		o.Coupon = p.Coupon
		discount = int64(p.Discount)
	}
	refundP := 0.028
	o.Prices = make([]int64, len(o.Lines))
	for i, l := range o.Lines {
		cents := (catalogue[l.Product].Cents*(100-discount) + 50) / 100
		o.Prices[i] = s.minor(cents)
		o.Amount += o.Prices[i] * int64(l.Quantity)
		if l.Product == returnedProduct {
			refundP = 0.15
		}
	}
	if s.r.Float64() < refundP {
		delay := time.Duration((1 + s.r.ExpFloat64()*4) * float64(24*time.Hour))
		if at := t.Add(delay).Truncate(time.Second); at.Before(s.cal.end) {
			o.Refunded = at
		}
	}
	return o
}

// simulate produces every order, sorted by time.
func (s *shop) simulate(cs []customer, target int) []order {
	end := s.cal.cum[len(s.cal.cum)-1]
	k := calibrate(cs, float64(target), end)
	orders := make([]order, 0, target+target/4)
	for i := range cs {
		orders = s.ordersOf(i, &cs[i], k, orders)
	}
	// Sorting indexes rather than the orders themselves saves moving large
	// structs; ties keep the generation order, so the output is stable.
	idx := make([]int, len(orders))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := orders[a].At.Compare(orders[b].At); c != 0 {
			return c
		}
		return a - b
	})
	sorted := make([]order, len(orders))
	for i, j := range idx {
		sorted[i] = orders[j]
	}
	return sorted
}
