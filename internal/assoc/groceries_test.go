package assoc

import (
	"cmp"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pulse/internal/dataset"
)

// loadGroceries reads the arules Groceries baskets (see SOURCE.txt in the
// data set directory), skipping the test when the data set is absent.
func loadGroceries(tb testing.TB) (names []string, baskets [][]int) {
	tb.Helper()
	dir, err := dataset.Dir("groceries")
	if err != nil {
		tb.Skipf("groceries data set not available: %v", err)
	}
	f, err := os.Open(filepath.Join(dir, "groceries.csv"))
	if err != nil {
		tb.Skipf("groceries data set not available: %v", err)
	}
	defer f.Close()
	names, baskets, err = ReadBaskets(f)
	if err != nil {
		tb.Fatal(err)
	}
	return names, baskets
}

// TestGroceriesData checks the reader against the counts arules'
// summary(Groceries) prints (9835 transactions, 169 items, density
// 0.02609146, most frequent items) and SOURCE.txt.
func TestGroceriesData(t *testing.T) {
	t.Parallel()
	names, baskets := loadGroceries(t)
	if len(baskets) != 9835 || len(names) != 169 {
		t.Fatalf("%d baskets, %d items; want 9835 and 169", len(baskets), len(names))
	}
	freq := make(map[string]int, len(names))
	occurrences := 0
	for _, b := range baskets {
		for _, it := range b {
			freq[names[it]]++
		}
		occurrences += len(b)
	}
	if occurrences != 43367 {
		t.Errorf("%d item occurrences, want 43367", occurrences)
	}
	if d := float64(occurrences) / (9835 * 169); math.Abs(d-0.02609146) > 5e-9 {
		t.Errorf("density %.8f, want 0.02609146", d)
	}
	for label, want := range map[string]int{
		"whole milk": 2513, "other vegetables": 1903, "rolls/buns": 1809,
		"soda": 1715, "yogurt": 1372, "bottled water": 1087,
	} {
		if freq[label] != want {
			t.Errorf("%q in %d baskets, want %d", label, freq[label], want)
		}
	}
	for _, label := range []string{"cream cheese ", "roll products "} {
		if freq[label] == 0 || freq[strings.TrimSpace(label)] != 0 {
			t.Errorf("label %q: %d baskets, trimmed form %d; want the trailing space kept", label, freq[label], freq[strings.TrimSpace(label)])
		}
	}
}

// published is a rule as arules' inspect() prints it: labels and values
// rounded to the digits shown.
type published struct {
	lhs                       []string
	rhs                       string
	support, confidence, lift float64
}

// checkPublished finds each published rule in rules and compares its
// values at the printed precision (7 significant digits).
func checkPublished(t *testing.T, names []string, rules []Rule, want []published) {
	t.Helper()
	for _, w := range want {
		var found *Rule
		for i, r := range rules {
			lhs := make([]string, len(r.Antecedent))
			for j, it := range r.Antecedent {
				lhs[j] = names[it]
			}
			slices.Sort(lhs)
			if names[r.Consequent] == w.rhs && slices.Equal(lhs, w.lhs) {
				found = &rules[i]
				break
			}
		}
		if found == nil {
			t.Errorf("rule %v => {%s} missing", w.lhs, w.rhs)
			continue
		}
		for _, f := range []struct {
			name      string
			got, want float64
		}{{"support", found.Support, w.support}, {"confidence", found.Confidence, w.confidence}, {"lift", found.Lift, w.lift}} {
			if math.Abs(f.got-f.want) > 5e-7*f.want {
				t.Errorf("%v => {%s}: %s %.9g, published %.7g", w.lhs, w.rhs, f.name, f.got, f.want)
			}
		}
	}
}

func lengths(rules []Rule) map[int]int {
	m := map[int]int{}
	for _, r := range rules {
		m[len(r.Antecedent)+1]++
	}
	return m
}

// TestGroceriesArulesViz reproduces the example of the arulesViz
// vignette (Hahsler, "arulesViz: Interactive Visualization of Association
// Rules with R", R Journal 9(2), 2017): apriori(Groceries,
// parameter = list(support = 0.001, confidence = 0.5)) gives 5668 rules,
// 371 of them with confidence > 0.8, and the three with the highest lift
// below. The rule-length distribution is what summary() prints for it.
func TestGroceriesArulesViz(t *testing.T) {
	t.Parallel()
	names, baskets := loadGroceries(t)
	rules, err := Mine(baskets, len(names), Options{MinSupport: 0.001, MinConfidence: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 5668 {
		t.Errorf("%d rules, want 5668", len(rules))
	}
	high := 0
	for _, r := range rules {
		if r.Confidence > 0.8 {
			high++
		}
	}
	if high != 371 {
		t.Errorf("%d rules with confidence > 0.8, want 371", high)
	}
	if got, want := lengths(rules), map[int]int{2: 11, 3: 1461, 4: 3211, 5: 939, 6: 46}; !maps.Equal(got, want) {
		t.Errorf("rule lengths %v, want %v", got, want)
	}
	slices.SortStableFunc(rules, func(a, b Rule) int { return cmp.Compare(b.Lift, a.Lift) })
	checkPublished(t, names, rules[:3], []published{
		{[]string{"Instant food products", "soda"}, "hamburger meat", 0.001220132, 0.6315789, 18.99565},
		{[]string{"popcorn", "soda"}, "salty snack", 0.001220132, 0.6315789, 16.69779},
		{[]string{"baking powder", "flour"}, "sugar", 0.001016777, 0.5555556, 16.40807},
	})
}

// TestGroceriesConfidence08 is the common tutorial call
// apriori(Groceries, parameter = list(supp = 0.001, conf = 0.8)): "set of
// 410 rules" with lengths 3: 29, 4: 229, 5: 140, 6: 12, headed when sorted
// by confidence by rules of confidence 1 into whole milk. 410 against the
// 371 above counts the rules at exactly 0.8 (4/5, 8/10, ...), which pass
// only because arules compares with >=.
func TestGroceriesConfidence08(t *testing.T) {
	t.Parallel()
	names, baskets := loadGroceries(t)
	rules, err := Mine(baskets, len(names), Options{MinSupport: 0.001, MinConfidence: 0.8})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 410 {
		t.Errorf("%d rules, want 410", len(rules))
	}
	if got, want := lengths(rules), map[int]int{3: 29, 4: 229, 5: 140, 6: 12}; !maps.Equal(got, want) {
		t.Errorf("rule lengths %v, want %v", got, want)
	}
	checkPublished(t, names, rules, []published{
		{[]string{"rice", "sugar"}, "whole milk", 0.001220132, 1, 3.913649},
		{[]string{"canned fish", "hygiene articles"}, "whole milk", 0.001118454, 1, 3.913649},
		{[]string{"butter", "rice", "root vegetables"}, "whole milk", 0.001016777, 1, 3.913649},
		{[]string{"flour", "root vegetables", "whipped/sour cream"}, "whole milk", 0.001728521, 1, 3.913649},
		{[]string{"butter", "domestic eggs", "soft cheese"}, "whole milk", 0.001016777, 1, 3.913649},
	})
}

// TestGroceriesLantz reproduces Lantz, "Machine Learning with R", ch. 8:
// apriori(groceries, parameter = list(support = 0.006, confidence = 0.25,
// minlen = 2)) gives 463 rules (lengths 2: 150, 3: 297, 4: 16), the five
// with the highest lift being these.
func TestGroceriesLantz(t *testing.T) {
	t.Parallel()
	names, baskets := loadGroceries(t)
	rules, err := Mine(baskets, len(names), Options{MinSupport: 0.006, MinConfidence: 0.25, MinLen: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 463 {
		t.Errorf("%d rules, want 463", len(rules))
	}
	if got, want := lengths(rules), map[int]int{2: 150, 3: 297, 4: 16}; !maps.Equal(got, want) {
		t.Errorf("rule lengths %v, want %v", got, want)
	}
	slices.SortStableFunc(rules, func(a, b Rule) int { return cmp.Compare(b.Lift, a.Lift) })
	checkPublished(t, names, rules[:5], []published{
		{[]string{"herbs"}, "root vegetables", 0.007015760, 0.4312500, 3.956477},
		{[]string{"berries"}, "whipped/sour cream", 0.009049314, 0.2721713, 3.796886},
		{[]string{"other vegetables", "tropical fruit", "whole milk"}, "root vegetables", 0.007015760, 0.4107143, 3.768074},
		{[]string{"beef", "other vegetables"}, "root vegetables", 0.007930859, 0.4020619, 3.688692},
		{[]string{"other vegetables", "tropical fruit"}, "pip fruit", 0.009456024, 0.2634561, 3.482649},
	})
	// With arules' default minlen 1 the empty-antecedent rule
	// {} => {whole milk} (confidence 2513/9835 = 0.2555) joins them.
	all, err := Mine(baskets, len(names), Options{MinSupport: 0.006, MinConfidence: 0.25})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 464 || len(all[0].Antecedent) != 0 || names[all[0].Consequent] != "whole milk" || all[0].Count != 2513 {
		t.Errorf("minlen 1: %d rules, first %v; want 464 led by {} => {whole milk}", len(all), all[0])
	}
}

// TestGroceriesItemsetsByCounting compares the frequent sets of up to
// three items with a direct count of every 1-, 2- and 3-subset of every
// basket.
func TestGroceriesItemsetsByCounting(t *testing.T) {
	t.Parallel()
	names, baskets := loadGroceries(t)
	type key [3]int
	counts := map[key]int{}
	for _, b := range baskets {
		b = slices.Compact(slices.Sorted(slices.Values(b)))
		for i := range b {
			counts[key{b[i], -1, -1}]++
			for j := i + 1; j < len(b); j++ {
				counts[key{b[i], b[j], -1}]++
				for k := j + 1; k < len(b); k++ {
					counts[key{b[i], b[j], b[k]}]++
				}
			}
		}
	}
	want := []Itemset{}
	for k, c := range counts {
		if c >= 10 { // ceil(0.001 × 9835)
			items := slices.DeleteFunc(k[:], func(i int) bool { return i < 0 })
			want = append(want, Itemset{Items: items, Count: c, Support: float64(c) / 9835})
		}
	}
	slices.SortFunc(want, func(a, b Itemset) int {
		if len(a.Items) != len(b.Items) {
			return len(a.Items) - len(b.Items)
		}
		return slices.Compare(a.Items, b.Items)
	})
	got, err := FrequentItemsets(baskets, len(names), Options{MinSupport: 0.001, MaxLen: 3})
	if err != nil {
		t.Fatal(err)
	}
	assertItemsets(t, got, want)
}

func BenchmarkMineGroceries(b *testing.B) {
	names, baskets := loadGroceries(b)
	o := Options{MinSupport: 0.001, MinConfidence: 0.5}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Mine(baskets, len(names), o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFrequentItemsetsGroceries(b *testing.B) {
	names, baskets := loadGroceries(b)
	o := Options{MinSupport: 0.001}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FrequentItemsets(baskets, len(names), o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadBasketsGroceries(b *testing.B) {
	dir, err := dataset.Dir("groceries")
	if err != nil {
		b.Skipf("groceries data set not available: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "groceries.csv"))
	if err != nil {
		b.Skipf("groceries data set not available: %v", err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := ReadBaskets(strings.NewReader(string(data))); err != nil {
			b.Fatal(err)
		}
	}
}
