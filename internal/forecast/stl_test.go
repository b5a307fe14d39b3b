package forecast

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// readColumn reads one number per line, skipping # comments.
func readColumn(t *testing.T, path string) []float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.ParseFloat(line, 64)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// The reference values are the output of the original netlib Fortran STL
// (stl.f, Cleveland et al.) on R's co2 series, as published with the test
// suite of statsmodels (stl_test_results.csv): period 12, windows s=35,
// t=19, l=13, all degrees 1, jumps s=4, t=2, l=2 (or 1), 1 inner and 2
// outer (robust) iterations.
func TestSTLMatchesFortranReference(t *testing.T) {
	t.Parallel()
	y := readColumn(t, "testdata/co2_monthly.txt")
	if len(y) != 348 {
		t.Fatalf("co2: %d values, want 348", len(y))
	}
	base := stlConfig{period: 12, sWindow: 35, tWindow: 19, lWin: 13, sDegree: 1, tDegree: 1, lDeg: 1,
		sJump: 4, tJump: 2, lJump: 2, inner: 1, outer: 2}
	lJump1 := base
	lJump1.lJump = 1
	cases := []struct {
		name                string
		cfg                 stlConfig
		idx                 int
		season, trend, rwgt float64
	}{
		{"baseline first", base, 0, -0.13125464336066284, 315.55193972532356, 0.94748803176461716},
		{"baseline middle", base, 100, 2.8047111501011290, 321.74713642868119, 0.98899502827506325},
		{"baseline outlier", base, 308, -3.0763025671198156, 344.62940880494295, 0.33735768865839794},
		{"baseline last", base, 347, -0.94898196289088432, 349.70269160292088, 0.98071842215379312},
		{"l.jump 1 first", lJump1, 0, -0.13125362300212545, 315.55193834363786, 0.94748816400966929},
		{"l.jump 1 middle", lJump1, 99, 2.2969480932792661, 321.69288667443379, 0.96773482671546263},
		{"l.jump 1 low weight", lJump1, 93, -3.0192903249771956, 321.38591130624093, 0.18203383659548231},
	}
	for _, c := range cases {
		season, trend := make([]float64, len(y)), make([]float64, len(y))
		rw := c.cfg.run(y, season, trend)
		const tol = 1e-9
		if math.Abs(season[c.idx]-c.season) > tol || math.Abs(trend[c.idx]-c.trend) > tol || math.Abs(rw[c.idx]-c.rwgt) > tol {
			t.Errorf("%s: at %d season %.12f trend %.12f weight %.12f; Fortran %.12f %.12f %.12f",
				c.name, c.idx, season[c.idx], trend[c.idx], rw[c.idx], c.season, c.trend, c.rwgt)
		}
	}
}

func rmse(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s / float64(len(a)))
}

func TestSTLRecoversPlantedSeason(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	n := 120
	y, season, trend := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range y {
		season[i] = 3 * math.Sin(2*math.Pi*float64(i)/12)
		trend[i] = 50 + 0.2*float64(i)
		y[i] = season[i] + trend[i] + 0.2*rng.NormFloat64()
	}
	for _, robust := range []bool{false, true} {
		dec, err := STL(y, 12, 7, robust)
		if err != nil {
			t.Fatal(err)
		}
		if e := rmse(dec.Seasonal[0], season); e > 0.2 {
			t.Errorf("robust=%v: seasonal RMSE %.3f, want < 0.2 (noise sd 0.2)", robust, e)
		}
		if e := rmse(dec.Trend, trend); e > 0.2 {
			t.Errorf("robust=%v: trend RMSE %.3f, want < 0.2", robust, e)
		}
		for i := range y {
			if d := dec.Trend[i] + dec.Seasonal[0][i] + dec.Remainder[i] - y[i]; math.Abs(d) > 1e-9 {
				t.Fatalf("components do not add up to y at %d: off by %g", i, d)
			}
		}
	}
}

// plantedDaily is three years of daily data with a known trend, weekly
// and yearly pattern and Gaussian noise of sd 1.
func plantedDaily(n int, seed uint64) (y, weekly, yearly []float64) {
	rng := rand.New(rand.NewPCG(seed, 3))
	week := []float64{-3, -1, 0, 1, 2, 4, -3}
	y, weekly, yearly = make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range y {
		weekly[i] = week[i%7]
		yearly[i] = 10 * math.Sin(2*math.Pi*float64(i)/365)
		y[i] = 100 + 0.01*float64(i) + weekly[i] + yearly[i] + rng.NormFloat64()
	}
	return y, weekly, yearly
}

func TestMSTLRecoversTwoSeasons(t *testing.T) {
	t.Parallel()
	y, weekly, yearly := plantedDaily(3*365, 4)
	dec, err := MSTL(y, []int{365, 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(dec.Periods) != 2 || dec.Periods[0] != 7 || dec.Periods[1] != 365 {
		t.Fatalf("periods %v, want [7 365]", dec.Periods)
	}
	if e := rmse(dec.Seasonal[0], weekly); e > 0.35 {
		t.Errorf("weekly RMSE %.3f, want < 0.35 (pattern sd 2.3, noise sd 1)", e)
	}
	if e := rmse(dec.Seasonal[1], yearly); e > 1.0 {
		t.Errorf("yearly RMSE %.3f, want < 1.0 (pattern sd 7.1, noise sd 1)", e)
	}
	for i := range y {
		sum := dec.Trend[i] + dec.Seasonal[0][i] + dec.Seasonal[1][i] + dec.Remainder[i]
		if math.Abs(sum-y[i]) > 1e-9 {
			t.Fatalf("components do not add up to y at %d", i)
		}
	}
}

func TestMSTLDropsPeriodsWithoutTwoCycles(t *testing.T) {
	t.Parallel()
	y, _, _ := plantedDaily(500, 5)
	dec, err := MSTL(y, []int{7, 365})
	if err != nil {
		t.Fatal(err)
	}
	if len(dec.Periods) != 1 || dec.Periods[0] != 7 {
		t.Errorf("periods %v, want [7]", dec.Periods)
	}
	if _, err := MSTL(y[:10], []int{7}); err == nil {
		t.Error("MSTL of 10 points with period 7: no error")
	}
	if _, err := STL(y, 1, 7, false); err == nil {
		t.Error("STL with period 1: no error")
	}
}
