package assoc

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// extension is a candidate item for the current prefix with the number
// and the list (tid-list) of the baskets holding the prefix and that item.
type extension struct {
	item  int32
	count int32
	tids  []int32
}

// mineTree finds the frequent item sets depth first from tid-lists, as in
// Eclat (Zaki 2000), but counts all extensions of a prefix in one pass over
// the prefix's baskets ("occurrence deliver", Uno et al. 2004, LCM) rather
// than intersecting the prefix's list with every candidate's: on sparse
// baskets that touches a few items per basket instead of every candidate.
// Memory is the baskets twice over (as tid-lists and as rows of frequent
// items), the tid-lists of one prefix per depth, and 24 bytes per frequent
// set.
func mineTree(baskets [][]int, items int, o Options) (*tree, error) {
	if items < 0 {
		return nil, fmt.Errorf("items must be >= 0, got %d", items)
	}
	if len(baskets) > math.MaxInt32 {
		return nil, fmt.Errorf("%d baskets exceed the limit of %d", len(baskets), math.MaxInt32)
	}
	tids, err := tidLists(baskets, items)
	if err != nil {
		return nil, err
	}
	t := &tree{n: len(baskets)}
	if t.n == 0 {
		return t, nil
	}
	need := minCount(t.n, o.MinSupport)
	for i, l := range tids {
		if len(l) >= need {
			t.orig = append(t.orig, i)
		}
	}
	// Rare items first: a prefix is extended only by later, more common
	// items, so the deep paths start from short tid-lists.
	slices.SortStableFunc(t.orig, func(a, b int) int { return cmp.Compare(len(tids[a]), len(tids[b])) })
	t.top = len(t.orig)
	if t.top == 0 {
		return t, nil
	}
	if t.top > o.MaxItemsets {
		return nil, fmt.Errorf("%w: more than %d", ErrTooManyItemsets, o.MaxItemsets)
	}
	exts := make([]extension, t.top)
	t.counts = make([]int32, t.top)
	t.nodes = make([]node, t.top, max(t.top, 1024))
	for r, i := range t.orig {
		exts[r] = extension{item: int32(r), count: int32(len(tids[i])), tids: tids[i]}
		t.counts[r] = int32(len(tids[i]))
		t.nodes[r] = node{item: int32(r), size: 1, parent: -1, count: int32(len(tids[i]))}
	}
	g := &grower{
		t: t, need: int32(need), maxLen: o.MaxLen, limit: o.MaxItemsets,
		cnt: make([]int32, t.top), slot: make([]int32, t.top), mark: make([]uint32, t.top),
	}
	g.rows(exts)
	if err := g.expand(0, exts); err != nil {
		return nil, err
	}
	return t, nil
}

// tidLists returns, for every item, the ascending indexes of the baskets
// holding it, each basket counted once per item.
func tidLists(baskets [][]int, items int) ([][]int32, error) {
	counts := make([]int, items)
	seen := make([]int, items) // basket index + 1 that last counted the item
	total := 0
	for b, basket := range baskets {
		for _, it := range basket {
			if it < 0 || it >= items {
				return nil, fmt.Errorf("basket %d: item %d out of range [0, %d)", b, it, items)
			}
			if seen[it] == b+1 {
				continue
			}
			seen[it] = b + 1
			counts[it]++
			total++
		}
	}
	backing := make([]int32, total)
	lists := make([][]int32, items)
	off := 0
	for i, c := range counts {
		lists[i] = backing[off : off : off+c]
		off += c
	}
	for b, basket := range baskets {
		for _, it := range basket {
			if l := lists[it]; len(l) == 0 || l[len(l)-1] != int32(b) {
				lists[it] = append(l, int32(b))
			}
		}
	}
	return lists, nil
}

// grower extends prefixes depth first. Per depth it reuses one scratch
// area, since the tid-lists made for a prefix are dead once its subtree is
// done; cnt, slot and mark are indexed by recoded item and only ever used
// between two recursive calls.
type grower struct {
	t      *tree
	need   int32
	maxLen int
	limit  int

	off  []int32 // basket b holds row[off[b]:off[b+1]]
	row  []int32 // frequent items of each basket, recoded, ascending
	cnt  []int32
	slot []int32  // index of a frequent extension in the kids list
	mark []uint32 // == stamp for the candidates of the current prefix
	// stamp changes per prefix, which clears mark without a pass over it.
	stamp uint32

	scratch [][]int32     // per depth: tid-list storage
	exts    [][]extension // per depth: extension lists
}

// rows builds the horizontal view of the baskets from the frequent items'
// tid-lists; visiting items in recoded order leaves every row sorted.
func (g *grower) rows(exts []extension) {
	g.off = make([]int32, g.t.n+1)
	for _, e := range exts {
		for _, b := range e.tids {
			g.off[b+1]++
		}
	}
	for b := range g.t.n {
		g.off[b+1] += g.off[b]
	}
	g.row = make([]int32, g.off[g.t.n])
	fill := slices.Clone(g.off[:g.t.n])
	for _, e := range exts {
		for _, b := range e.tids {
			g.row[fill[b]] = e.item
			fill[b]++
		}
	}
}

// expand grows the children of the sibling nodes starting at base, whose
// items and tid-lists are exts (in the same order, ascending by item).
func (g *grower) expand(base int, exts []extension) error {
	depth := int(g.t.nodes[base].size)
	if depth >= g.maxLen {
		return nil
	}
	for len(g.scratch) <= depth {
		g.scratch = append(g.scratch, nil)
		g.exts = append(g.exts, nil)
	}
	// Children at the last allowed depth are never extended, so they need
	// counts but no tid-lists.
	leaves := depth+1 >= g.maxLen
	for i := range exts {
		cands := exts[i+1:]
		if len(cands) == 0 {
			break
		}
		g.stamp++
		for _, e := range cands {
			g.mark[e.item] = g.stamp
		}
		lo, tids := exts[i].item, exts[i].tids
		for _, b := range tids {
			row := g.row[g.off[b]:g.off[b+1]]
			for k := len(row) - 1; k >= 0 && row[k] > lo; k-- {
				if j := row[k]; g.mark[j] == g.stamp {
					g.cnt[j]++
				}
			}
		}
		kids := g.exts[depth][:0]
		total := 0
		for _, e := range cands {
			c := g.cnt[e.item]
			g.cnt[e.item] = 0
			if c < g.need {
				g.mark[e.item] = 0
				continue
			}
			g.slot[e.item] = int32(len(kids))
			kids = append(kids, extension{item: e.item, count: c})
			total += int(c)
		}
		g.exts[depth] = kids
		if len(kids) == 0 {
			continue
		}
		if len(g.t.nodes)+len(kids) > g.limit {
			return fmt.Errorf("%w: more than %d", ErrTooManyItemsets, g.limit)
		}
		parent := int32(base + i)
		first := len(g.t.nodes)
		g.t.nodes[parent].first = int32(first)
		g.t.nodes[parent].kids = int32(len(kids))
		for _, k := range kids {
			g.t.nodes = append(g.t.nodes, node{item: k.item, size: int32(depth + 1), parent: parent, count: k.count})
		}
		if leaves {
			continue
		}
		buf := g.scratch[depth]
		if cap(buf) < total {
			buf = make([]int32, max(total, 2*cap(buf)))
			g.scratch[depth] = buf
		}
		at := 0
		for k := range kids {
			c := int(kids[k].count)
			kids[k].tids = buf[at : at : at+c]
			at += c
		}
		for _, b := range tids {
			row := g.row[g.off[b]:g.off[b+1]]
			for k := len(row) - 1; k >= 0 && row[k] > lo; k-- {
				if j := row[k]; g.mark[j] == g.stamp {
					kid := &kids[g.slot[j]]
					kid.tids = append(kid.tids, b)
				}
			}
		}
		// The recursion uses the scratch of deeper levels only, so kids and
		// their tid-lists stay intact until this loop moves on.
		if err := g.expand(first, kids); err != nil {
			return err
		}
	}
	return nil
}
