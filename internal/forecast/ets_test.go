package forecast

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// oil is fpp2::oil, Saudi Arabian oil production 1965-2013 (millions of
// tonnes), the series of the R reference fits below.
var oil = []float64{
	111.0091, 130.8284, 141.2871, 154.2278, 162.7409, 192.1665, 240.7997, 304.2174, 384.0046, 429.6622,
	359.3169, 437.2519, 468.4008, 424.4353, 487.9794, 509.8284, 506.3473, 340.1842, 240.2589, 219.0328,
	172.0747, 252.5901, 221.0711, 276.5188, 271.1480, 342.6186, 428.3558, 442.3946, 432.7851, 437.2497,
	437.2092, 445.3641, 453.1950, 454.4096, 422.3789, 456.0371, 440.3866, 425.1944, 486.2052, 500.4291,
	521.2759, 508.9476, 488.8889, 509.8706, 456.7229, 473.8166, 525.9509, 549.8338, 542.3405,
}

// austourists is fpp2::austourists, quarterly visitor nights in Australia
// (millions) from 1999.
var austourists = []float64{
	30.052513, 19.148496, 25.317692, 27.591437, 32.076456, 23.487961, 28.475940, 35.123753, 36.838485, 25.007017,
	30.722230, 28.693759, 36.640986, 23.824609, 29.311683, 31.770309, 35.177877, 19.775244, 29.601750, 34.538842,
	41.273599, 26.655862, 28.279859, 35.191153, 42.205664, 24.649171, 32.667335, 37.257354, 45.242460, 29.350481,
	36.344207, 41.782081, 49.276598, 31.275401, 37.850625, 38.837044, 51.236900, 31.838552, 41.323421, 42.799003,
	55.708358, 33.407145, 42.316638, 45.157123, 59.576080, 34.837330, 44.841681, 46.971250, 60.019031, 38.371179,
	46.975864, 50.733796, 61.646873, 39.299569, 52.671209, 54.332317, 66.834358, 40.871188, 51.828536, 57.491910,
	65.251470, 43.061208, 54.760757, 59.834475, 73.257027, 47.696624, 61.097768, 66.055761,
}

// rReference is a model fitted by R's forecast::ets (forecast 8.x) as
// published with the statsmodels test suite (fit_ets_results_*.json):
// its parameters and initial states, its 4-step point forecasts and its
// residual variance and its final states. R lists seasonal states newest
// first.
type rReference struct {
	spec     ETSSpec
	y        []float64
	m        int
	alpha    float64
	beta     float64
	gamma    float64
	phi      float64
	init     []float64 // level, slope, seasonal states s0, s-1, ... (R order)
	forecast []float64
	sigma2   float64
	final    []float64 // states after the last observation, R order
}

func (r rReference) params() ETSParams {
	p := ETSParams{Alpha: r.alpha, Beta: r.beta, Gamma: r.gamma, Phi: r.phi, Level: r.init[0]}
	rest := r.init[1:]
	if r.spec.Trend != 'N' {
		p.Slope = rest[0]
		rest = rest[1:]
	}
	if r.spec.Season != 'N' {
		p.Season = slices.Clone(rest)
		slices.Reverse(p.Season) // calendar order: the first season of y first
	}
	return p
}

var rReferences = []rReference{
	{ETSSpec{'A', 'N', 'N', false}, oil, 1, 0.99989996, 0, 0, 1, []float64{110.88321179},
		[]float64{542.34121919, 542.34121919, 542.34121919, 542.34121919}, 2405.9689539,
		[]float64{542.34121919}},
	{ETSSpec{'M', 'N', 'N', false}, oil, 1, 0.99989932, 0, 0, 1, []float64{108.50797841},
		[]float64{542.34122401, 542.34122401, 542.34122401, 542.34122401}, 0.02465689,
		[]float64{542.34122401}},
	{ETSSpec{'A', 'A', 'N', false}, oil, 1, 0.99770564, 0.0001001, 0, 1, []float64{21.3150686, 11.71213626},
		[]float64{554.09126495, 565.79806815, 577.50487134, 589.21167453}, 2571.94347286,
		[]float64{542.38446176, 11.70680319}},
	{ETSSpec{'M', 'A', 'N', false}, oil, 1, 0.9998996, 0.02781619, 0, 1, []float64{37.8545175, 32.60926576},
		[]float64{556.88153033, 571.42031554, 585.95910076, 600.49788597}, 0.02664264,
		[]float64{542.34274512, 14.53878521}},
	{ETSSpec{'A', 'A', 'N', true}, oil, 1, 0.99989969, 0.11886985, 0, 0.80000197, []float64{36.46466837, 34.72584983},
		[]float64{545.35213563, 547.76044926, 549.68710489, 551.22843318}, 2524.87915822,
		[]float64{542.341751, 3.76297155}},
	{ETSSpec{'M', 'A', 'N', true}, oil, 1, 0.92024781, 0.00010003, 0, 0.96360848, []float64{36.95199158, 35.03197857},
		[]float64{548.73324311, 554.01336256, 559.10133046, 564.00413949}, 0.02699609,
		[]float64{543.25371532, 5.68646694}},
	{ETSSpec{'A', 'A', 'A', true}, austourists, 4, 0.35445427, 0.03200749, 0.39993387, 0.97999997,
		[]float64{24.01278357, 0.97770147, 1.76951063, -0.50735902, -6.61171798, 5.34956637},
		[]float64{76.07768073, 51.61741109, 63.96457729, 68.27886241}, 6.0830734,
		[]float64{62.00340579, 0.70652496, 3.58786407, -0.07474503, -11.75693566, 13.38188051}},
	{ETSSpec{'M', 'A', 'A', true}, austourists, 4, 0.31114284, 0.04721388, 0.30950232, 0.8708892,
		[]float64{21.67128194, 1.98691433, 1.03750831, -1.37168288, -6.10365176, 6.43782633},
		[]float64{75.18545389, 51.10898524, 62.88324814, 66.74862479}, 0.00470153,
		[]float64{59.29023429, 0.62538316, 5.66660225, 2.16097312, -9.20020909, 15.35058016}},
	{ETSSpec{'M', 'A', 'M', true}, austourists, 4, 0.48397584, 0.00351728, 0.0001131, 0.98,
		[]float64{23.54623801, 0.7983291, 1.0353059, 0.96050633, 0.77007856, 1.2341092},
		[]float64{78.09439198, 48.93807849, 61.29337201, 66.33465147}, 0.00361294,
		[]float64{63.00427075, 0.27503516, 1.0353167, 0.96051568, 0.7700861, 1.23412213}},
}

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Max(math.Abs(want), 1e-12) }

// With R's parameters the recursion must give R's forecasts and variance:
// this checks the state equations, the seasonal state order, the damped
// forecast function and the degrees of freedom of sigma^2.
func TestFilterETSMatchesR(t *testing.T) {
	t.Parallel()
	for _, r := range rReferences {
		t.Run(r.spec.String(), func(t *testing.T) {
			fit, err := FilterETS(r.y, r.spec, r.m, r.params())
			if err != nil {
				t.Fatal(err)
			}
			for i, got := range finalStates(fit) {
				// Parameters are printed to 8 digits: allow 1e-6 relative,
				// or absolute for states near zero.
				if math.Abs(got-r.final[i]) > 1e-6*math.Max(1, math.Abs(r.final[i])) {
					t.Errorf("final state %d: %.8f, R %.8f", i, got, r.final[i])
				}
			}
			if r.spec.Season == 'M' {
				// R reports the conditional mean of class 3 models, which
				// adds a variance term to the point forecast used here.
				return
			}
			fc := fit.Forecast(len(r.forecast))
			for i, want := range r.forecast {
				if e := relErr(fc.Mean[i], want); e > 1e-6 {
					t.Errorf("forecast %d: %.8f, R %.8f (rel. error %.1e)", i+1, fc.Mean[i], want, e)
				}
			}
			if e := relErr(fit.Sigma2, r.sigma2); e > 1e-5 {
				t.Errorf("sigma2 %.8g, R %.8g", fit.Sigma2, r.sigma2)
			}
		})
	}
}

// finalStates lists the fit's last states in R's order: level, slope,
// newest seasonal state first.
func finalStates(f *ETSFit) []float64 {
	out := []float64{f.level}
	if f.Spec.Trend != 'N' {
		out = append(out, f.slope)
	}
	if f.Spec.Season != 'N' {
		for j := range f.M {
			out = append(out, f.season[((f.seasonNext-1-j)%f.M+f.M)%f.M])
		}
	}
	return out
}

// The estimate must be at least as good as R's: Nelder–Mead from the same
// heuristic start may end elsewhere, but not at a worse likelihood than
// the one R reports (0.5 on the -2 log-likelihood scale is a quarter of
// what one extra parameter costs in AIC).
func TestFitETSAtLeastAsGoodAsR(t *testing.T) {
	t.Parallel()
	for _, r := range rReferences {
		t.Run(r.spec.String(), func(t *testing.T) {
			ref, err := FilterETS(r.y, r.spec, r.m, r.params())
			if err != nil {
				t.Fatal(err)
			}
			fit, err := FitETS(r.y, r.spec, r.m)
			if err != nil {
				t.Fatal(err)
			}
			if fit.Lik > ref.Lik+0.5 {
				t.Errorf("-2 log-likelihood %.3f, R reached %.3f", fit.Lik, ref.Lik)
			}
			t.Logf("lik %.3f (R %.3f), alpha %.4f (R %.4f)", fit.Lik, ref.Lik, fit.Params.Alpha, r.alpha)
		})
	}
}

func TestFilterETSByHand(t *testing.T) {
	t.Parallel()
	// ETS(A,N,N), alpha 0.5, l0 10 on 10, 12, 11, 15:
	// errors 0, 2, 0, 4; levels 10, 11, 11, 13.
	fit, err := FilterETS([]float64{10, 12, 11, 15}, ETSSpec{'A', 'N', 'N', false}, 1, ETSParams{Alpha: 0.5, Level: 10})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0, 2, 0, 4}; !slices.Equal(fit.Residuals, want) {
		t.Errorf("residuals %v, want %v", fit.Residuals, want)
	}
	if want := 4 * math.Log(20); math.Abs(fit.Lik-want) > 1e-12 {
		t.Errorf("lik %v, want 4 log(20) = %v", fit.Lik, want)
	}
	if fc := fit.Forecast(2); fc.Mean[0] != 13 || fc.Mean[1] != 13 {
		t.Errorf("forecast %v, want 13, 13", fc.Mean)
	}
	// ETS(A,A,N), alpha 0.5, beta 0.25 (beta* 0.5), l0 10, b0 1 on 12, 13:
	// t1: f 11, e 1, l 11.5, b 1.25; t2: f 12.75, e 0.25, l 12.875, b 1.3125.
	fit, err = FilterETS([]float64{12, 13}, ETSSpec{'A', 'A', 'N', false}, 1, ETSParams{Alpha: 0.5, Beta: 0.25, Level: 10, Slope: 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{11, 12.75}; !slices.Equal(fit.Fitted, want) {
		t.Errorf("fitted %v, want %v", fit.Fitted, want)
	}
	if fc := fit.Forecast(2); fc.Mean[0] != 14.1875 || fc.Mean[1] != 15.5 {
		t.Errorf("forecast %v, want 14.1875, 15.5", fc.Mean)
	}
}

// allSpecs are the models the package supports.
var allSpecs = []ETSSpec{
	{'A', 'N', 'N', false}, {'A', 'A', 'N', false}, {'A', 'A', 'N', true},
	{'A', 'N', 'A', false}, {'A', 'A', 'A', false}, {'A', 'A', 'A', true},
	{'M', 'N', 'N', false}, {'M', 'A', 'N', false}, {'M', 'A', 'N', true},
	{'M', 'N', 'A', false}, {'M', 'A', 'A', false}, {'M', 'A', 'A', true},
	{'M', 'N', 'M', false}, {'M', 'A', 'M', false}, {'M', 'A', 'M', true},
}

// Filtering a series simulated from the error-correction equations with
// the true parameters must give back the innovations: the package writes
// the model in R's level-update form, the simulator in Hyndman et al.'s.
func TestFilterRecoversInnovations(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	for _, spec := range allSpecs {
		m := 1
		p := ETSParams{Alpha: 0.3, Beta: 0.05, Gamma: 0.2, Phi: 0.9, Level: 100, Slope: 0.5}
		sigma := 3.0
		if spec.Error == 'M' {
			sigma = 0.03
		}
		switch spec.Season {
		case 'A':
			m, p.Season = 4, []float64{-5, 2, 6, -3}
		case 'M':
			m, p.Season = 4, []float64{0.9, 1.05, 1.15, 0.9}
		}
		y, eps := simulateETS(spec, m, p, sigma, 200, rng)
		fit, err := FilterETS(y, spec, m, p)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		for i := range eps {
			if math.Abs(fit.Residuals[i]-eps[i]) > 1e-9*math.Max(1, math.Abs(eps[i])) {
				t.Fatalf("%s: residual %d is %g, innovation %g", spec, i, fit.Residuals[i], eps[i])
			}
		}
	}
}

func TestFitETSRejects(t *testing.T) {
	t.Parallel()
	withZero := slices.Clone(oil)
	withZero[3] = 0
	cases := []struct {
		name string
		y    []float64
		spec ETSSpec
		m    int
	}{
		{"multiplicative error on a zero", withZero, ETSSpec{'M', 'N', 'N', false}, 1},
		{"multiplicative season on a zero", withZero, ETSSpec{'M', 'N', 'M', false}, 4},
		{"seasonal without a period", oil, ETSSpec{'A', 'N', 'A', false}, 1},
		{"damped without trend", oil, ETSSpec{'A', 'N', 'N', true}, 1},
		{"multiplicative trend", oil, ETSSpec{'A', 'M', 'N', false}, 1},
		{"more parameters than data", oil[:8], ETSSpec{'A', 'A', 'N', true}, 1},
		{"one season only", oil[:12], ETSSpec{'A', 'N', 'A', false}, 7},
		{"NaN", []float64{1, 2, math.NaN(), 4, 5, 6, 7, 8, 9, 10}, ETSSpec{'A', 'N', 'N', false}, 1},
	}
	for _, c := range cases {
		if _, err := FitETS(c.y, c.spec, c.m); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}
