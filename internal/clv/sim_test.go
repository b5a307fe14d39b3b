package clv

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// simBGNBD draws n customer histories from a BG/NBD with the given
// parameters (times in days), each observed for a whole number of days
// drawn uniformly from [1, maxAge], and returns their transactions with the
// calibration end at day maxAge. Purchase times are truncated to days, as a
// store records them.
func simBGNBD(m BGNBD, n, maxAge int, seed uint64) []Txn {
	src := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	rng := rand.New(src)
	lam := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}
	drop := distuv.Beta{Alpha: m.A, Beta: m.B, Src: src}
	end := int64(maxAge)
	var txns []Txn
	for i := range n {
		id := strconv.Itoa(i)
		age := 1 + rng.IntN(maxAge)
		first := end - int64(age)
		txns = append(txns, Txn{Customer: id, Day: first, Amount: 10})
		l, p := lam.Rand(), drop.Rand()
		for t := 0.0; ; {
			t += rng.ExpFloat64() / l
			if t > float64(age) {
				break
			}
			txns = append(txns, Txn{Customer: id, Day: first + int64(t), Amount: 10 + rng.Float64()})
			if rng.Float64() < p {
				break
			}
		}
	}
	return txns
}

// simSummaries draws continuous-time BG/NBD histories (no day rounding) so
// that the fit can be compared with the truth without discretisation bias.
func simSummaries(m BGNBD, n int, maxT float64, seed uint64) []Summary {
	src := rand.NewPCG(seed, seed+1)
	rng := rand.New(src)
	lam := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}
	drop := distuv.Beta{Alpha: m.A, Beta: m.B, Src: src}
	ss := make([]Summary, n)
	for i := range ss {
		T := maxT * (0.2 + 0.8*rng.Float64())
		l, p := lam.Rand(), drop.Rand()
		s := Summary{Customer: strconv.Itoa(i), T: T, UnitDays: 1}
		for t := 0.0; ; {
			t += rng.ExpFloat64() / l
			if t > T {
				break
			}
			s.X++
			s.TX = t
			if rng.Float64() < p {
				break
			}
		}
		ss[i] = s
	}
	return ss
}

func TestFitBGNBDRecovers(t *testing.T) {
	t.Parallel()
	truth := BGNBD{R: 0.5, Alpha: 20, A: 0.7, B: 3, UnitDays: 1}
	tests := []struct {
		name string
		ss   []Summary
	}{
		{"continuous", simSummaries(truth, 20000, 365, 1)},
		{"another draw", simSummaries(truth, 20000, 365, 2)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := FitBGNBD(tc.ss)
			if err != nil {
				t.Fatal(err)
			}
			llTrue := 0.0
			for _, s := range tc.ss {
				llTrue += truth.LogLikelihood(s)
			}
			t.Logf("fit r=%.3f alpha=%.2f a=%.3f b=%.3f LL=%.2f; at truth LL=%.2f", m.R, m.Alpha, m.A, m.B, m.LL, llTrue)
			// The fit must beat the truth, but only by sampling noise: the
			// likelihood-ratio statistic is χ²(4), below 18.5 with
			// probability 0.999.
			if lr := 2 * (m.LL - llTrue); lr < -1e-6 || lr > 18.5 {
				t.Errorf("likelihood ratio 2ΔLL = %.3f, want in [0, 18.5]", lr)
			}
			for _, p := range []struct {
				name      string
				got, want float64
			}{{"r", m.R, truth.R}, {"alpha", m.Alpha, truth.Alpha}, {"a", m.A, truth.A}, {"b", m.B, truth.B}} {
				if math.Abs(p.got/p.want-1) > 0.25 {
					t.Errorf("%s = %.4f, truth %.4f", p.name, p.got, p.want)
				}
			}
			if !m.Converged {
				t.Error("not converged")
			}
		})
	}
}
