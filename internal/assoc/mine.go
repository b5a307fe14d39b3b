package assoc

import (
	"cmp"
	"fmt"
	"slices"
)

// Mine returns the association rules in baskets under o (see the package
// documentation for the exact arules semantics). Each basket lists item
// indexes in [0, items); an item repeated within a basket counts once.
// Rules come ordered by length, then antecedent, then consequent; sort
// them by lift or confidence as the use needs. No baskets give no rules.
func Mine(baskets [][]int, items int, o Options) ([]Rule, error) {
	o, err := o.normalized()
	if err != nil {
		return nil, err
	}
	t, err := mineTree(baskets, items, o)
	if err != nil {
		return nil, fmt.Errorf("assoc.Mine: %w", err)
	}
	return t.rules(o), nil
}

// FrequentItemsets returns the item sets of MinLen to MaxLen items whose
// support reaches o.MinSupport, as arules' apriori with target "frequent
// itemsets"; o.MinConfidence plays no part. They come ordered by size,
// then items.
func FrequentItemsets(baskets [][]int, items int, o Options) ([]Itemset, error) {
	o, err := o.normalized()
	if err != nil {
		return nil, err
	}
	t, err := mineTree(baskets, items, o)
	if err != nil {
		return nil, fmt.Errorf("assoc.FrequentItemsets: %w", err)
	}
	return t.itemsets(o), nil
}

// node is one frequent item set in a prefix tree: the set is the items on
// the path from the top level down to the node. Items are recoded so that
// a child's item is greater than its parent's, and the children of a node
// are contiguous in tree.nodes, sorted by item, which lets lookup find the
// count of any frequent set by binary search.
type node struct {
	item   int32 // recoded item
	size   int32 // number of items in the set
	parent int32 // -1 at the top level
	first  int32 // index of the first child
	kids   int32 // number of children
	count  int32
}

// tree holds every frequent item set of at most MaxLen items. The top
// level is nodes[:top], where node i is recoded item i.
type tree struct {
	n      int     // baskets
	orig   []int   // recoded item -> caller's index
	counts []int32 // baskets per recoded item
	nodes  []node
	top    int
}

// path writes the recoded items of node idx, ascending, into buf.
func (t *tree) path(idx int32, buf []int32) []int32 {
	k := int(t.nodes[idx].size)
	buf = buf[:k]
	for idx >= 0 {
		k--
		buf[k] = t.nodes[idx].item
		idx = t.nodes[idx].parent
	}
	return buf
}

// lookup returns the count of the frequent set with the given ascending
// recoded items (N for the empty set).
func (t *tree) lookup(items []int32) int32 {
	if len(items) == 0 {
		return int32(t.n)
	}
	idx := int(items[0])
	for _, it := range items[1:] {
		nd := t.nodes[idx]
		kids := t.nodes[nd.first : nd.first+nd.kids]
		k, ok := slices.BinarySearchFunc(kids, it, func(n node, it int32) int { return cmp.Compare(n.item, it) })
		if !ok {
			// Every subset of a frequent set is frequent and the tree holds
			// all of them, so this is a bug, not a data condition.
			panic(fmt.Sprintf("assoc: subset %v of a frequent set missing from the tree", items))
		}
		idx = int(nd.first) + k
	}
	return t.nodes[idx].count
}

// rules turns the tree into rules; see the package documentation.
func (t *tree) rules(o Options) []Rule {
	out := []Rule{}
	n := float64(t.n)
	var set, sub [DefaultMaxLen + 1]int32
	var arena []int
	for idx := range t.nodes {
		nd := t.nodes[idx]
		k := int(nd.size)
		if k < o.MinLen || k > o.MaxLen {
			continue
		}
		buf := set[:0]
		if k > len(set) {
			buf = make([]int32, k)
		}
		items := t.path(int32(idx), buf)
		for p, y := range items {
			var cover int32
			switch {
			case k == 1:
				cover = int32(t.n)
			case p == k-1:
				cover = t.nodes[nd.parent].count
			default:
				cover = t.lookup(append(append(sub[:0], items[:p]...), items[p+1:]...))
			}
			conf := float64(nd.count) / float64(cover)
			if conf < o.MinConfidence-confidenceSlack {
				continue
			}
			if cap(arena)-len(arena) < k-1 {
				arena = make([]int, 0, max(4096, k))
			}
			start := len(arena)
			for q, it := range items {
				if q != p {
					arena = append(arena, t.orig[it])
				}
			}
			ante := arena[start:len(arena):len(arena)]
			slices.Sort(ante)
			out = append(out, Rule{
				Antecedent: ante,
				Consequent: t.orig[y],
				Count:      int(nd.count),
				Support:    float64(nd.count) / n,
				Confidence: conf,
				Coverage:   float64(cover) / n,
				Lift:       conf * n / float64(t.counts[y]),
			})
		}
	}
	slices.SortFunc(out, compareRules)
	return out
}

func compareRules(a, b Rule) int {
	if c := cmp.Compare(len(a.Antecedent), len(b.Antecedent)); c != 0 {
		return c
	}
	if c := slices.Compare(a.Antecedent, b.Antecedent); c != 0 {
		return c
	}
	return cmp.Compare(a.Consequent, b.Consequent)
}

// itemsets lists the frequent sets of MinLen to MaxLen items.
func (t *tree) itemsets(o Options) []Itemset {
	out := []Itemset{}
	var set [DefaultMaxLen + 1]int32
	var arena []int
	for idx, nd := range t.nodes {
		k := int(nd.size)
		if k < o.MinLen || k > o.MaxLen {
			continue
		}
		if cap(arena)-len(arena) < k {
			arena = make([]int, 0, max(4096, k))
		}
		items := arena[len(arena) : len(arena)+k : len(arena)+k]
		arena = arena[:len(arena)+k]
		buf := set[:0]
		if k > len(set) {
			buf = make([]int32, k)
		}
		for q, it := range t.path(int32(idx), buf) {
			items[q] = t.orig[it]
		}
		slices.Sort(items)
		out = append(out, Itemset{Items: items, Count: int(nd.count), Support: float64(nd.count) / float64(t.n)})
	}
	slices.SortFunc(out, func(a, b Itemset) int {
		if c := cmp.Compare(len(a.Items), len(b.Items)); c != 0 {
			return c
		}
		return slices.Compare(a.Items, b.Items)
	})
	return out
}
