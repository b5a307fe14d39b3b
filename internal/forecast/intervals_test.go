package forecast

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The closed-form variance of linear models and the simulation used for
// the others must agree where both apply: the widths of the 80% and 95%
// intervals of a linear model, simulated instead, stay within 5% of the
// formula at every horizon (2,000 paths give about 2% sampling error).
func TestLinearVarianceAgreesWithSimulation(t *testing.T) {
	t.Parallel()
	for _, r := range rReferences {
		if !r.spec.linear() {
			continue
		}
		fit, err := FilterETS(r.y, r.spec, r.m, r.params())
		if err != nil {
			t.Fatal(err)
		}
		h := 12
		analytic := fit.Forecast(h)
		sim := newResult("", "", h)
		fit.pointForecast(sim.Mean)
		fit.simulateIntervals(&sim)
		for i := range h {
			for _, w := range []struct {
				name         string
				got, formula float64
			}{
				{"80%", sim.Upper80[i] - sim.Lower80[i], analytic.Upper80[i] - analytic.Lower80[i]},
				{"95%", sim.Upper95[i] - sim.Lower95[i], analytic.Upper95[i] - analytic.Lower95[i]},
			} {
				if e := relErr(w.got, w.formula); e > 0.05 {
					t.Errorf("%s h=%d: simulated %s width %.3f, formula %.3f", r.spec, i+1, w.name, w.got, w.formula)
				}
			}
		}
	}
}

// linearSD against a hand computation: ETS(A,Ad,A) with m=4 has
// c_j = alpha + beta(phi + ... + phi^j) + gamma [j = 4].
func TestLinearSDByHand(t *testing.T) {
	t.Parallel()
	f := &ETSFit{Spec: ETSSpec{'A', 'A', 'A', true}, M: 4, Sigma2: 4,
		Params: ETSParams{Alpha: 0.3, Beta: 0.1, Gamma: 0.2, Phi: 0.9}}
	sd := f.linearSD(6)
	acc := 1.0
	phiSum := 0.0
	for h := 1; h <= 6; h++ {
		if h > 1 {
			j := h - 1
			phiSum += math.Pow(0.9, float64(j))
			c := 0.3 + 0.1*phiSum
			if j == 4 {
				c += 0.2
			}
			acc += c * c
		}
		if want := 2 * math.Sqrt(acc); math.Abs(sd[h-1]-want) > 1e-12 {
			t.Errorf("h=%d: sd %.12f, want %.12f", h, sd[h-1], want)
		}
	}
}

// Intervals must cover about as often as they claim on data generated
// from the model. Each of 250 series is simulated for n+h steps, the model
// is fitted to the first n and the last h are checked. Coverage falls a
// little short of nominal because the parameters are estimated.
func TestIntervalCoverageOnSimulatedData(t *testing.T) {
	t.Parallel()
	cases := []struct {
		spec  ETSSpec
		m     int
		p     ETSParams
		sigma float64
	}{
		{ETSSpec{'A', 'A', 'N', true}, 1, ETSParams{Alpha: 0.4, Beta: 0.1, Phi: 0.9, Level: 100, Slope: 1}, 4},                         // closed form
		{ETSSpec{'M', 'N', 'N', false}, 1, ETSParams{Alpha: 0.3, Level: 100}, 0.05},                                                    // simulated
		{ETSSpec{'M', 'N', 'M', false}, 4, ETSParams{Alpha: 0.3, Gamma: 0.1, Level: 100, Season: []float64{0.8, 1.1, 1.2, 0.9}}, 0.04}, // simulated
	}
	const reps, n, h = 250, 100, 6
	for _, c := range cases {
		t.Run(c.spec.String(), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(21, 22))
			in80, in95, total := 0, 0, 0
			for range reps {
				y, _ := simulateETS(c.spec, c.m, c.p, c.sigma, n+h, rng)
				fit, err := FitETS(y[:n], c.spec, c.m)
				if err != nil {
					t.Fatal(err)
				}
				fc := fit.Forecast(h)
				for i, v := range y[n:] {
					if v >= fc.Lower80[i] && v <= fc.Upper80[i] {
						in80++
					}
					if v >= fc.Lower95[i] && v <= fc.Upper95[i] {
						in95++
					}
					total++
				}
			}
			c80, c95 := float64(in80)/float64(total), float64(in95)/float64(total)
			t.Logf("coverage 80%%: %.3f, 95%%: %.3f", c80, c95)
			if c80 < 0.74 || c80 > 0.86 {
				t.Errorf("80%% interval covers %.3f", c80)
			}
			if c95 < 0.90 || c95 > 0.98 {
				t.Errorf("95%% interval covers %.3f", c95)
			}
		})
	}
}
