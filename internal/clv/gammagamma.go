package clv

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat"
)

// GammaGamma is a fitted Gamma-Gamma spend model (Fader, Hardie & Lee 2005,
// "RFM and CLV: using iso-value curves", and Hardie's note on the model):
// each transaction's value is Gamma(P, ν) with ν ~ Gamma(Q, V) across
// customers. It assumes spend per transaction is independent of purchase
// frequency; check FreqSpendCorr before trusting it.
type GammaGamma struct {
	P, Q, V float64
	LL      float64
	// Customers is how many repeat buyers with positive spend the fit used.
	Customers int
	Converged bool
	// FreqSpendCorr is the Pearson correlation between X and Monetary over
	// the customers used in the fit.
	FreqSpendCorr float64
}

// CorrWarnAbove is the |correlation| between frequency and spend above which
// the independence assumption of the Gamma-Gamma model is doubtful enough
// to tell the user.
const CorrWarnAbove = 0.3

// FitGammaGamma estimates the spend model by maximum likelihood from the
// customers with X > 0 and Monetary > 0 (a zero mean has zero density
// under the model). It returns ErrTooLittleData below MinRepeatBuyers such
// customers.
func FitGammaGamma(ss []Summary) (GammaGamma, error) {
	d := newGGData(ss)
	if d.n < MinRepeatBuyers {
		return GammaGamma{}, ErrTooLittleData
	}
	// Method-of-moments-like start: mean spend p·v/(q−1) with q a little
	// above 1 for a heavy tail, and two spreads around it.
	mean := d.sumY / d.sumX
	var starts [][]float64
	for _, st := range [][2]float64{{1, 2}, {5, 4}, {20, 10}} {
		p, q := st[0], st[1]
		v := mean * (q - 1) / p
		starts = append(starts, []float64{math.Log(p), math.Log(q), math.Log(v)})
	}
	res, err := minimize(d.objective, starts)
	if err != nil {
		return GammaGamma{}, fmt.Errorf("clv.FitGammaGamma: %w", err)
	}
	return GammaGamma{
		P: math.Exp(res.theta[0]), Q: math.Exp(res.theta[1]), V: math.Exp(res.theta[2]),
		LL:            -res.f * float64(d.n),
		Customers:     d.n,
		Converged:     res.converged,
		FreqSpendCorr: stat.Correlation(d.xs, d.ms, nil),
	}, nil
}

// FreqSpendCorrelation is the Pearson correlation between the number of
// repeat transactions and the mean repeat spend over customers with both
// positive, and how many customers that is. The Gamma-Gamma model assumes
// it is near 0; compare with CorrWarnAbove.
func FreqSpendCorrelation(ss []Summary) (corr float64, n int) {
	d := newGGData(ss)
	if d.n < 2 {
		return math.NaN(), d.n
	}
	return stat.Correlation(d.xs, d.ms, nil), d.n
}

// ExpectedSpend is the expected value of the customer's future transactions
// given her repeat-purchase history: a weighted mean of the population mean
// and her own mean, weighted by her number of repeat transactions. For a
// customer without repeat purchases it is the population mean p·v/(q−1),
// which does not exist when q ≤ 1: the result is then NaN.
func (m GammaGamma) ExpectedSpend(s Summary) float64 {
	x, mbar := float64(s.X), s.Monetary
	if s.X <= 0 || !(mbar > 0) {
		x, mbar = 0, 0
	}
	den := m.P*x + m.Q - 1
	if !(den > 0) {
		return math.NaN()
	}
	return m.P * (m.V + x*mbar) / den
}

// LogLikelihood is the log density of the customer's mean repeat spend
// given her number of repeat transactions; NaN without repeat spend.
func (m GammaGamma) LogLikelihood(s Summary) float64 {
	if s.X <= 0 || !(s.Monetary > 0) {
		return math.NaN()
	}
	p, q, v := m.P, m.Q, m.V
	x, z := float64(s.X), s.Monetary
	px := p * x
	return lgamma(px+q) - lgamma(px) - lgamma(q) + q*math.Log(v) +
		(px-1)*math.Log(z) + px*math.Log(x) - (px+q)*math.Log(v+x*z)
}

// ggData holds the repeat buyers: per-x sums for the terms that depend on x
// only, and x·mbar per customer for the one term that does not factor.
type ggData struct {
	n          int
	sumX, sumY float64
	byX        []ggX
	xs, ms     []float64 // per customer, for the correlation
	ys         []float64 // x·mbar
	xf         []float64
}

type ggX struct {
	x, n   float64
	sumLnM float64 // Σ ln mbar over the group
}

func newGGData(ss []Summary) *ggData {
	d := &ggData{}
	idx := map[int]int{}
	for _, s := range ss {
		if s.X <= 0 || !(s.Monetary > 0) || math.IsInf(s.Monetary, 0) {
			continue
		}
		x := float64(s.X)
		i, ok := idx[s.X]
		if !ok {
			i = len(d.byX)
			idx[s.X] = i
			d.byX = append(d.byX, ggX{x: x})
		}
		d.byX[i].n++
		d.byX[i].sumLnM += math.Log(s.Monetary)
		d.n++
		d.sumX += x
		d.sumY += x * s.Monetary
		d.xs = append(d.xs, x)
		d.ms = append(d.ms, s.Monetary)
		d.ys = append(d.ys, x*s.Monetary)
		d.xf = append(d.xf, x)
	}
	return d
}

// objective is the negative mean log-likelihood over θ = log(p, q, v):
//
//	ℓ = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln v + (px−1) ln m + px ln x − (px+q) ln(v + x·m)
func (d *ggData) objective(theta, grad []float64) float64 {
	p, q, v := math.Exp(theta[0]), math.Exp(theta[1]), math.Exp(theta[2])
	lv := math.Log(v)
	lgq, psiq := lgamma(q), mathext.Digamma(q)
	var ll, gp, gq, gv float64
	for _, g := range d.byX {
		px := p * g.x
		lx := math.Log(g.x)
		a, b := lgamma(px+q), lgamma(px)
		ll += g.n*(a-b-lgq+q*lv+px*lx) + (px-1)*g.sumLnM
		dpq := mathext.Digamma(px + q)
		gp += g.n*g.x*(dpq-mathext.Digamma(px)+lx) + g.x*g.sumLnM
		gq += g.n * (dpq - psiq + lv)
		gv += g.n * q / v
	}
	for i, y := range d.ys {
		x := d.xf[i]
		l := math.Log(v + y)
		w := p*x + q
		ll -= w * l
		gp -= x * l
		gq -= l
		gv -= w / (v + y)
	}
	s := -1 / float64(d.n)
	grad[0] = s * gp * p
	grad[1] = s * gq * q
	grad[2] = s * gv * v
	return s * ll
}
