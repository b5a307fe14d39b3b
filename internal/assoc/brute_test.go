package assoc

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// bruteRules computes the rules straight from the definitions in the
// package documentation, counting every subset of every basket; it is
// exponential in the number of items and serves as the reference.
func bruteRules(baskets [][]int, items int, o Options) ([]Rule, []Itemset) {
	if o.MinLen == 0 {
		o.MinLen = 1
	}
	if o.MaxLen == 0 {
		o.MaxLen = 10
	}
	count := make([]int, 1<<items)
	for _, b := range baskets {
		mask := 0
		for _, it := range b {
			mask |= 1 << it
		}
		for sub := mask; sub > 0; sub = (sub - 1) & mask {
			count[sub]++
		}
	}
	n := float64(len(baskets))
	need := math.Ceil(n * o.MinSupport)
	rules, sets := []Rule{}, []Itemset{}
	for s := 1; s < len(count); s++ {
		k := bits.OnesCount(uint(s))
		if float64(count[s]) < need || k < o.MinLen || k > o.MaxLen {
			continue
		}
		var members []int
		for it := range items {
			if s&(1<<it) != 0 {
				members = append(members, it)
			}
		}
		sets = append(sets, Itemset{Items: members, Count: count[s], Support: float64(count[s]) / n})
		for _, y := range members {
			ante := s &^ (1 << y)
			anteCount := len(baskets)
			if ante != 0 {
				anteCount = count[ante]
			}
			conf := float64(count[s]) / float64(anteCount)
			if conf < o.MinConfidence-1e-12 {
				continue
			}
			rules = append(rules, Rule{
				Antecedent: slices.DeleteFunc(slices.Clone(members), func(i int) bool { return i == y }),
				Consequent: y,
				Count:      count[s],
				Support:    float64(count[s]) / n,
				Confidence: conf,
				Coverage:   float64(anteCount) / n,
				Lift:       (float64(count[s]) / n) / ((float64(anteCount) / n) * (float64(count[1<<y]) / n)),
			})
		}
	}
	slices.SortFunc(rules, compareRules)
	slices.SortFunc(sets, func(a, b Itemset) int {
		if len(a.Items) != len(b.Items) {
			return len(a.Items) - len(b.Items)
		}
		return slices.Compare(a.Items, b.Items)
	})
	return rules, sets
}

// randomBaskets draws baskets over items whose popularity falls off
// geometrically, with the odd repeated item and empty basket, so that
// frequent sets of several sizes exist.
func randomBaskets(r *rand.Rand, n, items int) [][]int {
	baskets := make([][]int, n)
	for b := range baskets {
		for it := range items {
			if r.Float64() < 0.6*math.Pow(0.8, float64(it)) {
				baskets[b] = append(baskets[b], it)
			}
		}
		r.Shuffle(len(baskets[b]), func(i, j int) { baskets[b][i], baskets[b][j] = baskets[b][j], baskets[b][i] })
		if len(baskets[b]) > 0 && r.IntN(10) == 0 {
			baskets[b] = append(baskets[b], baskets[b][0])
		}
	}
	return baskets
}

func TestMineMatchesBruteForce(t *testing.T) {
	t.Parallel()
	const items = 12
	r := rand.New(rand.NewPCG(1, 2))
	data := [][][]int{randomBaskets(r, 50, items), randomBaskets(r, 300, items), randomBaskets(r, 1000, items)}
	var opts []Options
	for _, supp := range []float64{0.003, 0.02, 0.07, 0.3} {
		for _, conf := range []float64{0, 0.4, 0.9} {
			for _, lens := range [][2]int{{0, 0}, {2, 3}, {3, 12}, {1, 1}} {
				opts = append(opts, Options{MinSupport: supp, MinConfidence: conf, MinLen: lens[0], MaxLen: lens[1]})
			}
		}
	}
	checked := 0
	for _, baskets := range data {
		for _, o := range opts {
			wantRules, wantSets := bruteRules(baskets, items, o)
			got, err := Mine(baskets, items, o)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(wantRules) {
				t.Errorf("%d baskets, %+v: %d rules, want %d", len(baskets), o, len(got), len(wantRules))
				continue
			}
			for i := range got {
				if d := ruleDiff(got[i], wantRules[i]); d != "" {
					t.Errorf("%d baskets, %+v: rule %d: %s", len(baskets), o, i, d)
					break
				}
			}
			sets, err := FrequentItemsets(baskets, items, o)
			if err != nil {
				t.Fatal(err)
			}
			assertItemsets(t, sets, wantSets)
			checked += len(got)
		}
	}
	if checked < 10000 {
		t.Errorf("only %d rules compared; the data is too thin to test much", checked)
	}
}
