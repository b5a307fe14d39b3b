package clv

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
)

// FitBGNBD estimates the BG/NBD parameters by maximum likelihood. It
// returns ErrTooLittleData below MinCustomers customers or MinRepeatBuyers
// customers with a repeat purchase. All summaries must share one time unit.
func FitBGNBD(ss []Summary) (BGNBD, error) {
	d, err := newBGData(ss)
	if err != nil {
		return BGNBD{}, err
	}
	// Starting points share the observed purchase rate r/α and differ in
	// heterogeneity and churn, the directions in which the surface is flat.
	rate := d.sumX / d.sumT
	var starts [][]float64
	for _, st := range [][3]float64{{1, 1, 1}, {0.25, 0.5, 3}, {4, 2, 10}} {
		starts = append(starts, []float64{
			math.Log(st[0]), math.Log(st[0] / rate), math.Log(st[1]), math.Log(st[2]),
		})
	}
	res, err := minimize(d.objective, starts)
	if err != nil {
		return BGNBD{}, fmt.Errorf("clv.FitBGNBD: %w", err)
	}
	return BGNBD{
		R: math.Exp(res.theta[0]), Alpha: math.Exp(res.theta[1]),
		A: math.Exp(res.theta[2]), B: math.Exp(res.theta[3]),
		LL:        -res.f * float64(d.n),
		Customers: d.n,
		Converged: res.converged,
		UnitDays:  d.unit,
	}, nil
}

// bgData is the calibration data reduced to what the likelihood needs:
// customers with the same history are one weighted term, and the distinct
// times are shared so that each likelihood evaluation takes one logarithm
// per distinct time instead of two per customer.
type bgData struct {
	n          int
	unit       float64
	sumX, sumT float64
	times      []float64
	zeros      []bgZero   // customers without repeat purchases, by T
	byX        []bgXCount // customers with repeat purchases, by x
	groups     []bgGroup  // customers with repeat purchases, by (x, t_x, T)
	// scratch, reused by every evaluation
	logAT, invAT []float64
}

type bgZero struct {
	t int // index into times
	n float64
}

type bgXCount struct{ x, n float64 }

type bgGroup struct {
	x, n   float64
	tx, tT int // indexes into times
}

func newBGData(ss []Summary) (*bgData, error) {
	d := &bgData{n: len(ss)}
	if len(ss) == 0 {
		return nil, ErrTooLittleData
	}
	d.unit = ss[0].UnitDays
	if !(d.unit > 0) {
		return nil, ErrBadUnit
	}
	timeIdx := map[float64]int{}
	idx := func(v float64) int {
		i, ok := timeIdx[v]
		if !ok {
			i = len(d.times)
			timeIdx[v] = i
			d.times = append(d.times, v)
		}
		return i
	}
	type key struct{ x, tx, tT int }
	groupIdx := map[key]int{}
	zeroIdx := map[int]int{}
	xIdx := map[int]int{}
	repeaters := 0
	for _, s := range ss {
		if s.UnitDays != d.unit {
			return nil, fmt.Errorf("clv: summaries mix time units %g and %g days", d.unit, s.UnitDays)
		}
		if s.X < 0 || !(s.T >= 0) || !(s.TX >= 0) || s.TX > s.T || math.IsInf(s.T, 0) {
			return nil, fmt.Errorf("clv: invalid summary for customer %q: x=%d t_x=%g T=%g", s.Customer, s.X, s.TX, s.T)
		}
		d.sumX += float64(s.X)
		d.sumT += s.T
		tT := idx(s.T)
		if s.X == 0 {
			i, ok := zeroIdx[tT]
			if !ok {
				i = len(d.zeros)
				zeroIdx[tT] = i
				d.zeros = append(d.zeros, bgZero{t: tT})
			}
			d.zeros[i].n++
			continue
		}
		repeaters++
		k := key{s.X, idx(s.TX), tT}
		i, ok := groupIdx[k]
		if !ok {
			i = len(d.groups)
			groupIdx[k] = i
			d.groups = append(d.groups, bgGroup{x: float64(s.X), tx: k.tx, tT: tT})
		}
		d.groups[i].n++
		j, ok := xIdx[s.X]
		if !ok {
			j = len(d.byX)
			xIdx[s.X] = j
			d.byX = append(d.byX, bgXCount{x: float64(s.X)})
		}
		d.byX[j].n++
	}
	if d.n < MinCustomers || repeaters < MinRepeatBuyers || !(d.sumT > 0) {
		return nil, ErrTooLittleData
	}
	// Sorting by time index keeps the scratch reads in order.
	slices.SortFunc(d.groups, func(a, b bgGroup) int { return a.tT - b.tT })
	d.logAT = make([]float64, len(d.times))
	d.invAT = make([]float64, len(d.times))
	return d, nil
}

// objective is the negative mean log-likelihood over θ = log(r, α, a, b)
// and its gradient. Per customer with x > 0 (FHL 2005, eq. 6, rearranged so
// that only one exponential of a non-positive number appears):
//
//	ℓ = lnΓ(r+x) − lnΓ(r) + r ln α + lnΓ(a+b) − lnΓ(b) − lnΓ(a+b+x) + lnΓ(b+x−1)
//	    − (r+x) ln(α+t_x) + ln(a + (b+x−1)·E),  E = ((α+t_x)/(α+T))^(r+x) ≤ 1
//
// and ℓ = r ln(α/(α+T)) for x = 0.
func (d *bgData) objective(theta, grad []float64) float64 {
	r, al, a, b := math.Exp(theta[0]), math.Exp(theta[1]), math.Exp(theta[2]), math.Exp(theta[3])
	for i, t := range d.times {
		d.logAT[i] = math.Log(al + t)
		d.invAT[i] = 1 / (al + t)
	}
	lal := math.Log(al)
	var ll, gr, gal, ga, gb float64
	for _, z := range d.zeros {
		w := lal - d.logAT[z.t]
		ll += z.n * r * w
		gr += z.n * w
		gal += z.n * r * (1/al - d.invAT[z.t])
	}
	lgr, psir := lgamma(r), mathext.Digamma(r)
	lgb, psib := lgamma(b), mathext.Digamma(b)
	lgab, psiab := lgamma(a+b), mathext.Digamma(a+b)
	for _, c := range d.byX {
		x, n := c.x, c.n
		ll += n * (lgamma(r+x) - lgr + r*lal + lgab - lgb - lgamma(a+b+x) + lgamma(b+x-1))
		psiabx := mathext.Digamma(a + b + x)
		gr += n * (mathext.Digamma(r+x) - psir + lal)
		gal += n * r / al
		ga += n * (psiab - psiabx)
		gb += n * (psiab - psib - psiabx + mathext.Digamma(b+x-1))
	}
	for _, g := range d.groups {
		x, n := g.x, g.n
		lt, lT := d.logAT[g.tx], d.logAT[g.tT]
		rx := r + x
		e := math.Exp(rx * (lt - lT))
		bx := b + x - 1
		den := a + bx*e
		ll += n * (math.Log(den) - rx*lt)
		q := n * bx * e / den
		gr += q*(lt-lT) - n*lt
		gal += q*rx*(d.invAT[g.tx]-d.invAT[g.tT]) - n*rx*d.invAT[g.tx]
		ga += n / den
		gb += n * e / den
	}
	s := -1 / float64(d.n)
	grad[0] = s * gr * r
	grad[1] = s * gal * al
	grad[2] = s * ga * a
	grad[3] = s * gb * b
	return s * ll
}
