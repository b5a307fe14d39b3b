package forecast

import (
	"fmt"
	"math"
	"slices"
)

// Decomposition splits a series into trend, one seasonal component per
// period and a remainder: y = Trend + sum(Seasonal) + Remainder.
type Decomposition struct {
	Periods   []int
	Seasonal  [][]float64 // Seasonal[i] has period Periods[i]
	Trend     []float64
	Remainder []float64
}

// STL decomposes y with period by Seasonal-Trend decomposition using
// loess (Cleveland, Cleveland, McRae & Terpenning 1990), as R's stl with
// s.window = sWindow and its other defaults: seasonal loess of degree 0,
// trend and low-pass loess of degree 1, t.window = nextodd(1.5 period /
// (1 - 1.5/s.window)), l.window = nextodd(period), jumps of a tenth of each
// window, 2 inner passes; robust adds 15 outer passes with bisquare
// weights (and 1 inner pass). It needs two full periods.
func STL(y []float64, period, sWindow int, robust bool) (*Decomposition, error) {
	n := len(y)
	if period < 2 || n < 2*period {
		return nil, fmt.Errorf("forecast.STL: need period >= 2 and two periods of data, have period %d and %d points", period, n)
	}
	if err := checkFinite(y); err != nil {
		return nil, fmt.Errorf("forecast.STL: %w", err)
	}
	c := newSTLConfig(period, sWindow, robust)
	season, trend := make([]float64, n), make([]float64, n)
	c.run(y, season, trend)
	rem := make([]float64, n)
	for i := range y {
		rem[i] = y[i] - season[i] - trend[i]
	}
	return &Decomposition{Periods: []int{period}, Seasonal: [][]float64{season}, Trend: trend, Remainder: rem}, nil
}

// MSTL decomposes y with several seasonal periods (Bandara, Hyndman &
// Bergmeir 2021; R's mstl): STL is applied for each period in increasing
// order to the series with the other seasonal components removed, twice
// over, with seasonal windows 11, 15, 19... Periods without two full
// cycles in y are dropped.
func MSTL(y []float64, periods []int) (*Decomposition, error) {
	n := len(y)
	ps := slices.Clone(periods)
	slices.Sort(ps)
	ps = slices.Compact(ps)
	ps = slices.DeleteFunc(ps, func(p int) bool { return p < 2 || n < 2*p })
	if len(ps) == 0 {
		return nil, fmt.Errorf("forecast.MSTL: no period in %v has two full cycles in %d points", periods, n)
	}
	if err := checkFinite(y); err != nil {
		return nil, fmt.Errorf("forecast.MSTL: %w", err)
	}
	dec := &Decomposition{Periods: ps, Seasonal: make([][]float64, len(ps)), Trend: make([]float64, n)}
	deseas := slices.Clone(y)
	for i := range ps {
		dec.Seasonal[i] = make([]float64, n)
	}
	configs := make([]stlConfig, len(ps))
	for i, p := range ps {
		configs[i] = newSTLConfig(p, 7+4*(i+1), false)
	}
	for range 2 {
		for i := range ps {
			s := dec.Seasonal[i]
			for t := range deseas {
				deseas[t] += s[t]
			}
			configs[i].run(deseas, s, dec.Trend)
			for t := range deseas {
				deseas[t] -= s[t]
			}
		}
	}
	dec.Remainder = make([]float64, n)
	for t := range y {
		dec.Remainder[t] = deseas[t] - dec.Trend[t]
	}
	return dec, nil
}

type stlConfig struct {
	period                 int
	sWindow, tWindow, lWin int
	sDegree, tDegree, lDeg int
	sJump, tJump, lJump    int
	inner, outer           int
}

func newSTLConfig(period, sWindow int, robust bool) stlConfig {
	sWindow = max(3, nextOdd(sWindow))
	c := stlConfig{period: period, sWindow: sWindow, sDegree: 0, tDegree: 1, lDeg: 1}
	c.tWindow = nextOdd(int(math.Ceil(1.5 * float64(period) / (1 - 1.5/float64(sWindow)))))
	c.lWin = nextOdd(period)
	c.sJump = ceilDiv(c.sWindow, 10)
	c.tJump = ceilDiv(c.tWindow, 10)
	c.lJump = ceilDiv(c.lWin, 10)
	c.inner, c.outer = 2, 0
	if robust {
		c.inner, c.outer = 1, 15
	}
	return c
}

func nextOdd(x int) int {
	if x%2 == 0 {
		return x + 1
	}
	return x
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// run is the Fortran stl driver: inner passes, then robustness weights
// from the remainder and again, outer times. season and trend are outputs.
// It returns the final robustness weights (all 1 without outer passes).
func (c stlConfig) run(y, season, trend []float64) (rw []float64) {
	n := len(y)
	for i := range trend {
		trend[i] = 0
	}
	fit := make([]float64, n)
	w := newSTLWork(n, c.period)
	for k := 0; ; k++ {
		c.step(y, rw, season, trend, w)
		if k >= c.outer {
			break
		}
		for i := range fit {
			fit[i] = trend[i] + season[i]
		}
		if rw == nil {
			rw = make([]float64, n)
		}
		robustnessWeights(y, fit, rw)
	}
	if rw == nil {
		rw = make([]float64, n)
		for i := range rw {
			rw[i] = 1
		}
	}
	return rw
}

type stlWork struct {
	w1, w2, w3, lw   []float64 // n+2*period each
	sub, subw, subsm []float64 // cycle-subseries buffers
}

func newSTLWork(n, period int) *stlWork {
	size := n + 2*period
	k := n/period + 3
	return &stlWork{
		w1: make([]float64, size), w2: make([]float64, size), w3: make([]float64, size), lw: make([]float64, size),
		sub: make([]float64, k), subw: make([]float64, k), subsm: make([]float64, k),
	}
}

// step is one inner loop of STL (stlstp): detrend, smooth the
// cycle-subseries, remove their low-frequency part, deseasonalise and
// smooth the trend.
func (c stlConfig) step(y, rw, season, trend []float64, w *stlWork) {
	n, p := len(y), c.period
	for range c.inner {
		detr := w.w1[:n]
		for i := range detr {
			detr[i] = y[i] - trend[i]
		}
		cyc := w.w2[:n+2*p]
		c.cycleSubseries(detr, rw, cyc, w)
		low := w.w3[:n]
		lowPass(cyc, p, low, w.w1)
		lsm := w.lw[:n]
		loess(low, c.lWin, c.lDeg, c.lJump, nil, lsm, w.w1)
		for i := range season {
			season[i] = cyc[p+i] - lsm[i]
		}
		deseas := w.w3[:n]
		for i := range deseas {
			deseas[i] = y[i] - season[i]
		}
		loess(deseas, c.tWindow, c.tDegree, c.tJump, rw, trend, w.w1)
	}
}

// cycleSubseries smooths each cycle-subseries (all Januaries, all
// Februaries...) with loess and extends it by one cycle at both ends, so
// out has n+2p values starting one period before y (stlss).
func (c stlConfig) cycleSubseries(y, rw, out []float64, w *stlWork) {
	n, p := len(y), c.period
	for j := range p {
		k := (n-j-1)/p + 1
		sub := w.sub[:k]
		var subw []float64
		for i := range sub {
			sub[i] = y[i*p+j]
		}
		if rw != nil {
			subw = w.subw[:k]
			for i := range subw {
				subw[i] = rw[i*p+j]
			}
		}
		sm := w.subsm[:k+2]
		weights := w.lw[:k]
		loess(sub, c.sWindow, c.sDegree, c.sJump, subw, sm[1:k+1], weights)
		nright := min(c.sWindow, k) - 1
		if v, ok := loessAt(sub, c.sWindow, c.sDegree, -1, 0, nright, weights, subw); ok {
			sm[0] = v
		} else {
			sm[0] = sm[1]
		}
		nleft := max(0, k-c.sWindow)
		if v, ok := loessAt(sub, c.sWindow, c.sDegree, float64(k), nleft, k-1, weights, subw); ok {
			sm[k+1] = v
		} else {
			sm[k+1] = sm[k]
		}
		for m := range k + 2 {
			out[m*p+j] = sm[m]
		}
	}
}

// lowPass applies moving averages of length p, p and 3 (stlfts): x has
// n+2p values, out receives n.
func lowPass(x []float64, p int, out, work []float64) {
	n := len(x) - 2*p
	a := work[:n+p+1]
	movingAverage(x, p, a)
	b := make([]float64, n+2)
	movingAverage(a, p, b)
	movingAverage(b, 3, out[:n])
}

func movingAverage(x []float64, length int, out []float64) {
	s := 0.0
	for i := range length {
		s += x[i]
	}
	out[0] = s / float64(length)
	for j := 1; j < len(out); j++ {
		s += x[j+length-1] - x[j-1]
		out[j] = s / float64(length)
	}
}

// loess smooths y with a tricube-weighted local polynomial of degree 0 or
// 1 over span points (stless), fitting every jump-th point exactly and
// interpolating linearly in between. rw are optional robustness weights;
// w is scratch of len(y).
func loess(y []float64, span, deg, jump int, rw, ys, w []float64) {
	n := len(y)
	if n < 2 {
		ys[0] = y[0]
		return
	}
	nj := min(jump, n-1)
	nleft, nright := 0, n-1
	fitAt := func(i int) {
		if v, ok := loessAt(y, span, deg, float64(i), nleft, nright, w, rw); ok {
			ys[i] = v
		} else {
			ys[i] = y[i]
		}
	}
	nsh := (span + 1) / 2
	switch {
	case span >= n:
		for i := 0; i < n; i += nj {
			fitAt(i)
		}
	case nj == 1:
		nleft, nright = 0, span-1
		for i := range n {
			if i+1 > nsh && nright != n-1 {
				nleft++
				nright++
			}
			fitAt(i)
		}
	default:
		for i := 0; i < n; i += nj {
			switch i1 := i + 1; {
			case i1 < nsh:
				nleft, nright = 0, span-1
			case i1 >= n-nsh+1:
				nleft, nright = n-span, n-1
			default:
				nleft, nright = i1-nsh, span+i1-nsh-1
			}
			fitAt(i)
		}
	}
	if nj == 1 {
		return
	}
	for i := 0; i < n-nj; i += nj {
		delta := (ys[i+nj] - ys[i]) / float64(nj)
		for j := i + 1; j < i+nj; j++ {
			ys[j] = ys[i] + delta*float64(j-i)
		}
	}
	k := ((n - 1) / nj) * nj
	if k != n-1 {
		fitAt(n - 1)
		if k != n-2 {
			delta := (ys[n-1] - ys[k]) / float64(n-1-k)
			for j := k + 1; j < n-1; j++ {
				ys[j] = ys[k] + delta*float64(j-k)
			}
		}
	}
}

// loessAt is the local fit at position xs from the points nleft..nright
// (stlest). It reports false when every weight is zero.
func loessAt(y []float64, span, deg int, xs float64, nleft, nright int, w, rw []float64) (float64, bool) {
	n := len(y)
	rng := float64(n - 1)
	h := math.Max(xs-float64(nleft), float64(nright)-xs)
	if span > n {
		h += float64((span - n) / 2)
	}
	h9, h1 := 0.999*h, 0.001*h
	a := 0.0
	for j := nleft; j <= nright; j++ {
		w[j] = 0
		r := math.Abs(float64(j) - xs)
		if r > h9 {
			continue
		}
		if r <= h1 {
			w[j] = 1
		} else {
			q := r / h
			q = 1 - q*q*q
			w[j] = q * q * q
		}
		if rw != nil {
			w[j] *= rw[j]
		}
		a += w[j]
	}
	if a <= 0 {
		return 0, false
	}
	for j := nleft; j <= nright; j++ {
		w[j] /= a
	}
	if h > 0 && deg > 0 {
		a = 0
		for j := nleft; j <= nright; j++ {
			a += w[j] * float64(j)
		}
		b := xs - a
		c := 0.0
		for j := nleft; j <= nright; j++ {
			d := float64(j) - a
			c += w[j] * d * d
		}
		if math.Sqrt(c) > 0.001*rng {
			b /= c
			for j := nleft; j <= nright; j++ {
				w[j] *= b*(float64(j)-a) + 1
			}
		}
	}
	v := 0.0
	for j := nleft; j <= nright; j++ {
		v += w[j] * y[j]
	}
	return v, true
}

// robustnessWeights are bisquare weights of the remainder scaled by six
// median absolute remainders (stlrwt).
func robustnessWeights(y, fit, rw []float64) {
	n := len(y)
	r := make([]float64, n)
	for i := range r {
		r[i] = math.Abs(y[i] - fit[i])
	}
	sorted := slices.Clone(r)
	slices.Sort(sorted)
	mid1 := n / 2
	mid2 := n - mid1 - 1
	cmad := 3 * (sorted[mid1] + sorted[mid2])
	c9, c1 := 0.999*cmad, 0.001*cmad
	for i, v := range r {
		switch {
		case v <= c1:
			rw[i] = 1
		case v <= c9:
			u := v / cmad
			rw[i] = (1 - u*u) * (1 - u*u)
		default:
			rw[i] = 0
		}
	}
}
