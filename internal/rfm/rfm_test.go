package rfm

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The grid of the package comment, row by row from R = 5 down, columns
// FM = 1 to 5.
var grid = map[int][5]Segment{
	5: {New, PotentialLoyalists, PotentialLoyalists, Champions, Champions},
	4: {Promising, PotentialLoyalists, PotentialLoyalists, Loyal, Loyal},
	3: {AboutToSleep, AboutToSleep, NeedAttention, Loyal, Loyal},
	2: {Hibernating, Hibernating, AtRisk, AtRisk, CannotLoseThem},
	1: {Hibernating, Hibernating, AtRisk, AtRisk, CannotLoseThem},
}

func TestOfFollowsTheGrid(t *testing.T) {
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			for m := 1; m <= 5; m++ {
				fm := (f + m + 1) / 2
				if got, want := Of(r, f, m), grid[r][fm-1]; got != want {
					t.Errorf("Of(%d, %d, %d) = %s, want %s (FM %d)", r, f, m, got, want, fm)
				}
			}
		}
	}
}

func TestFMRoundsHalfUp(t *testing.T) {
	for _, c := range []struct{ f, m, want int }{{1, 1, 1}, {1, 2, 2}, {2, 3, 3}, {4, 5, 5}, {5, 5, 5}, {1, 5, 3}, {3, 4, 4}} {
		if got := FM(c.f, c.m); got != c.want {
			t.Errorf("FM(%d, %d) = %d, want %d", c.f, c.m, got, c.want)
		}
	}
}

func TestCellsPartitionTheScores(t *testing.T) {
	seen := map[[3]int]Segment{}
	for _, s := range Segments() {
		cells := Cells(s)
		if len(cells) == 0 {
			t.Errorf("%s has no cells", s)
		}
		for _, c := range cells {
			if prev, ok := seen[c]; ok {
				t.Errorf("%v in both %s and %s", c, prev, s)
			}
			seen[c] = s
		}
	}
	if len(seen) != 125 {
		t.Errorf("%d cells covered, want 125", len(seen))
	}
}

func TestSegmentNamesAndIDs(t *testing.T) {
	if len(Segments()) != 10 {
		t.Fatalf("%d segments", len(Segments()))
	}
	if got := IDs(); got != "champions, loyal, potential_loyalists, new, promising, need_attention, about_to_sleep, at_risk, cannot_lose_them, hibernating" {
		t.Errorf("IDs() = %q", got)
	}
	if CannotLoseThem.Name() != "Cannot lose them" || Segment("Champions").Valid() || !Hibernating.Valid() {
		t.Error("names or validity are wrong")
	}
}

// bruteScore is the rule of the package comment computed directly: one
// plus five times the share of values strictly below v, rounded down.
func bruteScore(values []int64, v int64) int {
	below := 0
	for _, x := range values {
		if x < v {
			below++
		}
	}
	return 1 + 5*below/len(values)
}

func TestQuintiles(t *testing.T) {
	cases := []struct {
		name   string
		values []int64
		scores []int
		cuts   [4]*int64 // for scores 2..5
	}{
		{"ten distinct", []int64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, []int{5, 5, 4, 4, 3, 3, 2, 2, 1, 1}, cuts(3, 5, 7, 9)},
		{"ties share the first rank's score", []int64{1, 1, 1, 2, 3}, []int{1, 1, 1, 4, 5}, cuts(2, 2, 2, 3)},
		{"a tie across a cut", []int64{5, 1, 2, 2, 2, 2, 3, 4, 4, 6}, []int{5, 1, 1, 1, 1, 1, 3, 4, 4, 5}, cuts(3, 3, 4, 5)},
		{"all equal", []int64{7, 7, 7}, []int{1, 1, 1}, [4]*int64{}},
		{"one customer", []int64{42}, []int{1}, [4]*int64{}},
		{"two customers", []int64{1, 2}, []int{1, 3}, cuts(2, 2, -1, -1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := Quintiles(c.values)
			for i, v := range c.values {
				if got := q.Score(v); got != c.scores[i] {
					t.Errorf("Score(%d) = %d, want %d", v, got, c.scores[i])
				}
			}
			for s := 2; s <= 5; s++ {
				got, ok := q.At(s)
				want := c.cuts[s-2]
				if ok != (want != nil) || (ok && got != *want) {
					t.Errorf("cut %d = %d, %v; want %v", s, got, ok, want)
				}
			}
		})
	}
}

// cuts makes a cut list; -1 stands for a score nobody reaches.
func cuts(vs ...int64) [4]*int64 {
	var out [4]*int64
	for i, v := range vs {
		if v >= 0 {
			out[i] = &v
		}
	}
	return out
}

func TestQuintilesMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 1 + rng.IntN(60)
		spread := 1 + rng.Int64N(20) // small spreads make many ties
		values := make([]int64, n)
		for i := range values {
			values[i] = rng.Int64N(spread)
		}
		q := Quintiles(values)
		for _, v := range values {
			if got, want := q.Score(v), bruteScore(values, v); got != want {
				t.Fatalf("trial %d: Score(%d) = %d, want %d over %v", trial, v, got, want, values)
			}
		}
	}
}

func TestModelReversesRecency(t *testing.T) {
	cs := []Customer{
		{Recency: 0, Orders: 9, Revenue: 900},
		{Recency: 10, Orders: 5, Revenue: 500},
		{Recency: 20, Orders: 4, Revenue: 400},
		{Recency: 30, Orders: 2, Revenue: 200},
		{Recency: 40, Orders: 1, Revenue: 100},
	}
	md := Fit(cs)
	want := []Segment{Champions, Loyal, NeedAttention, Hibernating, Hibernating}
	for i, c := range cs {
		r, f, m := md.Scores(c)
		if r != 5-i || f != 5-i || m != 5-i {
			t.Errorf("customer %d scores %d %d %d, want %d each", i, r, f, m, 5-i)
		}
		if got := md.Segment(c); got != want[i] {
			t.Errorf("customer %d in %s, want %s", i, got, want[i])
		}
	}
	var rc []int64
	for s := 2; s <= 5; s++ {
		v, _ := md.RecencyCut(s)
		rc = append(rc, v)
	}
	if !slices.Equal(rc, []int64{30, 20, 10, 0}) {
		t.Errorf("recency cuts = %v", rc)
	}
}
