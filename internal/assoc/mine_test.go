package assoc

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
)

// The five baskets of Tan, Steinbach & Kumar, "Introduction to Data
// Mining", Table 6.1, where {milk, diapers} ⇒ {beer} has support 0.4 and
// confidence 0.67. Counts by hand: bread 4, milk 4, diapers 4, beer 3,
// eggs 1, cola 2; bread+milk 3, bread+diapers 3, bread+beer 2,
// milk+diapers 3, milk+beer 2, diapers+beer 3, milk+cola 2,
// diapers+cola 2 (the other pairs at most 1); bread+milk+diapers 2,
// bread+diapers+beer 2, milk+diapers+beer 2, milk+diapers+cola 2 (the other
// triples and all quadruples at most 1).
const (
	bread = iota
	milk
	diapers
	beer
	eggs
	cola
	nItems
)

var textbook = [][]int{
	{bread, milk},
	{bread, diapers, beer, eggs},
	{milk, diapers, beer, cola},
	{bread, milk, diapers, beer},
	{bread, milk, diapers, cola},
}

// rule builds the expected rule from hand counts: the rule's count, the
// antecedent's count and the consequent's count, out of 5 baskets.
func rule(ante []int, cons, count, anteCount, consCount int) Rule {
	conf := float64(count) / float64(anteCount)
	return Rule{
		Antecedent: ante, Consequent: cons, Count: count,
		Support: float64(count) / 5, Confidence: conf, Coverage: float64(anteCount) / 5,
		Lift: conf / (float64(consCount) / 5),
	}
}

func TestMineTextbook(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    Options
		want []Rule
	}{{
		// Confidences by hand: 3/4, 3/3, 2/2 pass 0.7; 2/3 and 2/4 do not.
		name: "pairs and triples at confidence 0.7",
		o:    Options{MinSupport: 0.4, MinConfidence: 0.7, MinLen: 2},
		want: []Rule{
			rule([]int{bread}, milk, 3, 4, 4),    // conf 3/4, lift 15/16
			rule([]int{bread}, diapers, 3, 4, 4), // 3/4, 15/16
			rule([]int{milk}, bread, 3, 4, 4),    // 3/4, 15/16
			rule([]int{milk}, diapers, 3, 4, 4),  // 3/4, 15/16
			rule([]int{diapers}, bread, 3, 4, 4), // 3/4, 15/16
			rule([]int{diapers}, milk, 3, 4, 4),  // 3/4, 15/16
			rule([]int{diapers}, beer, 3, 4, 3),  // 3/4, lift 5/4
			rule([]int{beer}, diapers, 3, 3, 4),  // 1, 5/4
			rule([]int{cola}, milk, 2, 2, 4),     // 1, 5/4
			rule([]int{cola}, diapers, 2, 2, 4),  // 1, 5/4
			rule([]int{bread, beer}, diapers, 2, 2, 4),
			rule([]int{milk, beer}, diapers, 2, 2, 4),
			rule([]int{milk, cola}, diapers, 2, 2, 4),
			rule([]int{diapers, cola}, milk, 2, 2, 4),
		},
	}, {
		name: "triples only at confidence 0.6",
		o:    Options{MinSupport: 0.4, MinConfidence: 0.6, MinLen: 3, MaxLen: 3},
		want: []Rule{
			rule([]int{bread, milk}, diapers, 2, 3, 4), // 2/3, lift 5/6
			rule([]int{bread, diapers}, milk, 2, 3, 4), // 2/3, 5/6
			rule([]int{bread, diapers}, beer, 2, 3, 3), // 2/3, 10/9
			rule([]int{bread, beer}, diapers, 2, 2, 4), // 1, 5/4
			rule([]int{milk, diapers}, bread, 2, 3, 4), // 2/3, 5/6
			rule([]int{milk, diapers}, beer, 2, 3, 3),  // the textbook rule: 0.4, 2/3, 10/9
			rule([]int{milk, diapers}, cola, 2, 3, 2),  // 2/3, 5/3
			rule([]int{milk, beer}, diapers, 2, 2, 4),  // 1, 5/4
			rule([]int{milk, cola}, diapers, 2, 2, 4),  // 1, 5/4
			rule([]int{diapers, beer}, bread, 2, 3, 4), // 2/3, 5/6
			rule([]int{diapers, beer}, milk, 2, 3, 4),  // 2/3, 5/6
			rule([]int{diapers, cola}, milk, 2, 2, 4),  // 1, 5/4
		},
	}, {
		// A one-item set gives {} ⇒ {y} with confidence supp(y) and lift 1;
		// beer (0.6) is frequent at 0.6 but below confidence 0.7.
		name: "empty antecedents",
		o:    Options{MinSupport: 0.6, MinConfidence: 0.7, MaxLen: 1},
		want: []Rule{
			rule([]int{}, bread, 4, 5, 4),
			rule([]int{}, milk, 4, 5, 4),
			rule([]int{}, diapers, 4, 5, 4),
		},
	}, {
		// At 0.6 (3 baskets) only the pairs with count 3 are frequent.
		name: "high support",
		o:    Options{MinSupport: 0.6, MinConfidence: 0.8, MinLen: 2},
		want: []Rule{rule([]int{beer}, diapers, 3, 3, 4)},
	}, {
		name: "confidence 1",
		o:    Options{MinSupport: 0.4, MinConfidence: 1, MinLen: 3, MaxLen: 3},
		want: []Rule{
			rule([]int{bread, beer}, diapers, 2, 2, 4),
			rule([]int{milk, beer}, diapers, 2, 2, 4),
			rule([]int{milk, cola}, diapers, 2, 2, 4),
			rule([]int{diapers, cola}, milk, 2, 2, 4),
		},
	}, {
		name: "support above every set",
		o:    Options{MinSupport: 0.9, MinConfidence: 0},
		want: []Rule{},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Mine(textbook, nItems, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			assertRules(t, got, tt.want)
		})
	}
}

func TestFrequentItemsetsTextbook(t *testing.T) {
	t.Parallel()
	set := func(count int, items ...int) Itemset {
		return Itemset{Items: items, Count: count, Support: float64(count) / 5}
	}
	got, err := FrequentItemsets(textbook, nItems, Options{MinSupport: 0.4})
	if err != nil {
		t.Fatal(err)
	}
	want := []Itemset{
		set(4, bread), set(4, milk), set(4, diapers), set(3, beer), set(2, cola),
		set(3, bread, milk), set(3, bread, diapers), set(2, bread, beer), set(3, milk, diapers),
		set(2, milk, beer), set(2, milk, cola), set(3, diapers, beer), set(2, diapers, cola),
		set(2, bread, milk, diapers), set(2, bread, diapers, beer), set(2, milk, diapers, beer),
		set(2, milk, diapers, cola),
	}
	assertItemsets(t, got, want)

	got, err = FrequentItemsets(textbook, nItems, Options{MinSupport: 0.4, MinLen: 3})
	if err != nil {
		t.Fatal(err)
	}
	assertItemsets(t, got, want[13:])
}

func TestMinCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n       int
		support float64
		want    int
	}{
		{9835, 0.001, 10}, // 9.835
		{9835, 0.006, 60}, // 59.01
		{5, 0.4, 2},       // 2 in floating point too
		{10, 0.3, 3},
		{100, 0.07, 8}, // 7.000000000000001 in floating point, as in arules
		{4, 0.25, 1},
		{1, 1, 1},
		{3, 1e-9, 1},
	}
	for _, tt := range tests {
		if got := minCount(tt.n, tt.support); got != tt.want {
			t.Errorf("minCount(%d, %v) = %d, want %d", tt.n, tt.support, got, tt.want)
		}
	}
}

// TestSupportThresholdRounding pins the arules threshold ceil(N × supp) in
// floating point: with 100 baskets and support 0.07, 7 baskets are not
// enough and 8 are.
func TestSupportThresholdRounding(t *testing.T) {
	t.Parallel()
	for _, holders := range []int{7, 8} {
		baskets := make([][]int, 100)
		for i := range holders {
			baskets[i] = []int{0}
		}
		got, err := Mine(baskets, 1, Options{MinSupport: 0.07})
		if err != nil {
			t.Fatal(err)
		}
		if want := holders == 8; (len(got) == 1) != want {
			t.Errorf("item in %d of 100 baskets at support 0.07: %d rules, want frequent = %v", holders, len(got), want)
		}
	}
}

// TestConfidenceSlack checks arules' 1e-12 allowance: a confidence of 1/3
// passes a threshold typed a hair above it, and fails one clearly above.
func TestConfidenceSlack(t *testing.T) {
	t.Parallel()
	baskets := [][]int{{0, 1}, {0}, {0}}
	tests := []struct {
		minConf float64
		want    int
	}{
		{1.0 / 3, 1},
		{0.33333333333334, 1}, // 1/3 + 6.7e-15
		{0.3333334, 0},
	}
	for _, tt := range tests {
		got, err := Mine(baskets, 2, Options{MinSupport: 0.1, MinConfidence: tt.minConf, MinLen: 2})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range got {
			if r.Consequent == 1 {
				n++
			}
		}
		if n != tt.want {
			t.Errorf("MinConfidence %v: %d rules {0} => {1}, want %d", tt.minConf, n, tt.want)
		}
	}
}

func TestMineDuplicatesCountOnce(t *testing.T) {
	t.Parallel()
	o := Options{MinSupport: 0.01, MinConfidence: 0}
	withDups, err := Mine([][]int{{0, 0, 1, 0}, {1, 1}, {0, 2, 2}, {}}, 3, o)
	if err != nil {
		t.Fatal(err)
	}
	clean, err := Mine([][]int{{0, 1}, {1}, {0, 2}, {}}, 3, o)
	if err != nil {
		t.Fatal(err)
	}
	assertRules(t, withDups, clean)
	// By hand, 4 baskets: item 0 in 2, item 1 in 2, item 2 in 1, {0,1} in 1.
	want := rule([]int{0}, 1, 1, 2, 2)
	want.Support, want.Coverage, want.Lift = 1.0/4, 2.0/4, (1.0/2)/(2.0/4)
	for _, r := range withDups {
		if slices.Equal(r.Antecedent, []int{0}) && r.Consequent == 1 {
			assertRules(t, []Rule{r}, []Rule{want})
			return
		}
	}
	t.Errorf("rule {0} => {1} missing from %v", withDups)
}

func TestMineEmpty(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		baskets [][]int
		items   int
	}{
		{"no baskets", nil, 0},
		{"no baskets, items named", [][]int{}, 5},
		{"empty baskets", [][]int{{}, {}, {}}, 3},
	}
	for _, tt := range tests {
		got, err := Mine(tt.baskets, tt.items, Options{MinSupport: 0.1})
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if got == nil || len(got) != 0 {
			t.Errorf("%s: got %v, want an empty non-nil list", tt.name, got)
		}
		sets, err := FrequentItemsets(tt.baskets, tt.items, Options{MinSupport: 0.1})
		if err != nil || sets == nil || len(sets) != 0 {
			t.Errorf("%s: FrequentItemsets = %v, %v; want an empty list", tt.name, sets, err)
		}
	}
}

func TestOptionErrors(t *testing.T) {
	t.Parallel()
	ok := Options{MinSupport: 0.1, MinConfidence: 0.5}
	with := func(f func(*Options)) Options { o := ok; f(&o); return o }
	tests := []struct {
		name   string
		o      Options
		option string
	}{
		{"zero support", with(func(o *Options) { o.MinSupport = 0 }), "MinSupport"},
		{"negative support", with(func(o *Options) { o.MinSupport = -0.1 }), "MinSupport"},
		{"support above 1", with(func(o *Options) { o.MinSupport = 1.5 }), "MinSupport"},
		{"NaN support", with(func(o *Options) { o.MinSupport = math.NaN() }), "MinSupport"},
		{"negative confidence", with(func(o *Options) { o.MinConfidence = -0.1 }), "MinConfidence"},
		{"confidence above 1", with(func(o *Options) { o.MinConfidence = 1.1 }), "MinConfidence"},
		{"NaN confidence", with(func(o *Options) { o.MinConfidence = math.NaN() }), "MinConfidence"},
		{"negative MinLen", with(func(o *Options) { o.MinLen = -1 }), "MinLen"},
		{"negative MaxLen", with(func(o *Options) { o.MaxLen = -1 }), "MaxLen"},
		{"MinLen above MaxLen", with(func(o *Options) { o.MinLen, o.MaxLen = 3, 2 }), "MinLen"},
		{"MinLen above default MaxLen", with(func(o *Options) { o.MinLen = 11 }), "MinLen"},
		{"negative MaxItemsets", with(func(o *Options) { o.MaxItemsets = -1 }), "MaxItemsets"},
	}
	for _, tt := range tests {
		for fn, call := range map[string]func() error{
			"Mine":             func() error { _, err := Mine(textbook, nItems, tt.o); return err },
			"FrequentItemsets": func() error { _, err := FrequentItemsets(textbook, nItems, tt.o); return err },
		} {
			err := call()
			var oe *OptionError
			if !errors.As(err, &oe) || oe.Option != tt.option {
				t.Errorf("%s %s: error %v, want an OptionError for %s", fn, tt.name, err, tt.option)
			}
		}
	}
	if _, err := Mine(textbook, nItems, ok); err != nil {
		t.Errorf("valid options: %v", err)
	}
}

func TestMineBasketErrors(t *testing.T) {
	t.Parallel()
	o := Options{MinSupport: 0.1}
	tests := []struct {
		name    string
		baskets [][]int
		items   int
		want    string
	}{
		{"item past the end", [][]int{{0}, {1, 3}}, 3, "assoc.Mine: basket 1: item 3 out of range [0, 3)"},
		{"negative item", [][]int{{-1}}, 3, "assoc.Mine: basket 0: item -1 out of range [0, 3)"},
		{"negative item count", [][]int{}, -1, "assoc.Mine: items must be >= 0, got -1"},
	}
	for _, tt := range tests {
		_, err := Mine(tt.baskets, tt.items, o)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestMaxItemsets(t *testing.T) {
	t.Parallel()
	// 20 baskets of the same 30 items: every one of the 2^30 - 1 subsets
	// is frequent, so only the guard stops the mining.
	full := make([]int, 30)
	for i := range full {
		full[i] = i
	}
	baskets := slices.Repeat([][]int{full}, 20)
	tests := []struct {
		name string
		o    Options
	}{
		{"guard set", Options{MinSupport: 0.5, MaxItemsets: 1000}},
		{"fewer than the single items", Options{MinSupport: 0.5, MaxItemsets: 29}},
	}
	for _, tt := range tests {
		_, err := Mine(baskets, 30, tt.o)
		if !errors.Is(err, ErrTooManyItemsets) {
			t.Errorf("%s: error %v, want ErrTooManyItemsets", tt.name, err)
		}
	}
	if o, _ := (Options{MinSupport: 0.5}).normalized(); o.MaxItemsets != DefaultMaxItemsets {
		t.Errorf("zero MaxItemsets became %d, want %d", o.MaxItemsets, DefaultMaxItemsets)
	}
	// Exactly at the limit is allowed: 30 + C(30,2) = 465 sets up to pairs.
	sets, err := FrequentItemsets(baskets, 30, Options{MinSupport: 0.5, MaxLen: 2, MaxItemsets: 465})
	if err != nil || len(sets) != 465 {
		t.Errorf("465 sets under a guard of 465: %d sets, %v", len(sets), err)
	}
}

// TestLongRules covers rules longer than the default MaxLen: 12 items
// always bought together give 12 rules of 12 items, each with confidence
// and lift 1.
func TestLongRules(t *testing.T) {
	t.Parallel()
	full := make([]int, 12)
	for i := range full {
		full[i] = i
	}
	got, err := Mine([][]int{full, full}, 12, Options{MinSupport: 1, MinConfidence: 1, MinLen: 12, MaxLen: 12})
	if err != nil {
		t.Fatal(err)
	}
	var want []Rule
	for y := range 12 {
		ante := slices.Delete(slices.Clone(full), y, y+1)
		want = append(want, Rule{Antecedent: ante, Consequent: y, Count: 2, Support: 1, Confidence: 1, Coverage: 1, Lift: 1})
	}
	slices.SortFunc(want, compareRules)
	assertRules(t, got, want)
}

func assertRules(t *testing.T, got, want []Rule) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d rules, want %d:\ngot  %v\nwant %v", len(got), len(want), got, want)
		return
	}
	for i := range got {
		if d := ruleDiff(got[i], want[i]); d != "" {
			t.Errorf("rule %d: %s", i, d)
		}
	}
}

func ruleDiff(g, w Rule) string {
	if !slices.Equal(g.Antecedent, w.Antecedent) || g.Consequent != w.Consequent || g.Count != w.Count {
		return fmt.Sprintf("got %v => %d (count %d), want %v => %d (count %d)",
			g.Antecedent, g.Consequent, g.Count, w.Antecedent, w.Consequent, w.Count)
	}
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"support", g.Support, w.Support},
		{"confidence", g.Confidence, w.Confidence},
		{"coverage", g.Coverage, w.Coverage},
		{"lift", g.Lift, w.Lift},
	} {
		if math.Abs(f.got-f.want) > 1e-12*math.Max(1, math.Abs(f.want)) {
			return fmt.Sprintf("%v => %d: %s %v, want %v", g.Antecedent, g.Consequent, f.name, f.got, f.want)
		}
	}
	return ""
}

func assertItemsets(t *testing.T, got, want []Itemset) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d item sets, want %d:\ngot  %v\nwant %v", len(got), len(want), got, want)
		return
	}
	for i := range got {
		g, w := got[i], want[i]
		if !slices.Equal(g.Items, w.Items) || g.Count != w.Count || math.Abs(g.Support-w.Support) > 1e-12 {
			t.Errorf("item set %d: got %v, want %v", i, g, w)
		}
	}
}
