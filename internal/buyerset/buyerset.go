// Package buyerset keeps the customers who ordered on one day as a compact
// set of small integers, and counts distinct customers over many days
// exactly. Reports need distinct buyers, new and returning customers and
// repeat buyers for any range of days; sums of daily counts cannot give
// them, and scanning purchases for them is too slow on a large shop. Each
// customer gets a number within its app (1, 2, 3, ...), a day's set is
// stored as an encoded list of numbers, and a range of days is a union of
// bitsets.
package buyerset

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"slices"
)

// Set is one day's buyers in number order. Each entry is a customer number
// shifted left by one, with the low bit set when the customer placed two or
// more orders that day.
type Set struct {
	entries []uint64
}

// Add counts one order by customer no (≥ 1).
func (s *Set) Add(no int64) {
	k := uint64(no) << 1
	i, found := slices.BinarySearchFunc(s.entries, k, func(e, k uint64) int {
		switch {
		case e>>1 < k>>1:
			return -1
		case e>>1 > k>>1:
			return 1
		}
		return 0
	})
	if found {
		s.entries[i] |= 1
		return
	}
	s.entries = slices.Insert(s.entries, i, k)
}

// Len is the number of distinct buyers.
func (s *Set) Len() int64 { return int64(len(s.entries)) }

// Repeaters is the number of buyers with two or more orders.
func (s *Set) Repeaters() int64 {
	var n int64
	for _, e := range s.entries {
		n += int64(e & 1)
	}
	return n
}

// Encode writes s as varints of the gap to the previous number, shifted
// left by one with the repeat bit: on a busy day most gaps fit one byte.
func (s *Set) Encode() []byte {
	out := make([]byte, 0, len(s.entries)*2)
	var prev uint64
	for _, e := range s.entries {
		no := e >> 1
		out = binary.AppendUvarint(out, (no-prev)<<1|e&1)
		prev = no
	}
	return out
}

var errCorrupt = errors.New("buyerset: corrupt set")

// Decode reads a set written by Encode; nil or empty is the empty set.
func Decode(b []byte) (Set, error) {
	var s Set
	err := Each(b, func(no uint64, repeat bool) {
		e := no << 1
		if repeat {
			e |= 1
		}
		s.entries = append(s.entries, e)
	})
	return s, err
}

// Each calls fn for every buyer in an encoded set, in number order.
func Each(b []byte, fn func(no uint64, repeat bool)) error {
	var no uint64
	for len(b) > 0 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return errCorrupt
		}
		b = b[n:]
		no += v >> 1
		fn(no, v&1 == 1)
	}
	return nil
}

// Union counts the distinct buyers of the days added to it, and how many
// of them ordered two or more times over those days. The zero value is
// ready; Reset empties it for the next range and keeps its memory.
type Union struct {
	// words[i] holds buyers 64i to 64i+63: those seen, and those seen
	// ordering twice, side by side so that one cache line serves both.
	words  []pair
	lo, hi int // the words touched since the last Reset
}

type pair struct{ seen, twice uint64 }

// AddDay adds an encoded day's set.
func (u *Union) AddDay(b []byte) error {
	var no uint64
	first, last := -1, 0
	words := u.words
	for len(b) > 0 {
		// Gaps fit one or two bytes but on the sparsest days: decode
		// those inline.
		var v uint64
		var n int
		switch {
		case b[0] < 0x80:
			v, n = uint64(b[0]), 1
		case len(b) > 1 && b[1] < 0x80:
			v, n = uint64(b[0]&0x7f)|uint64(b[1])<<7, 2
		default:
			if v, n = binary.Uvarint(b); n <= 0 {
				return errCorrupt
			}
		}
		b = b[n:]
		no += v >> 1
		w, bit := int(no>>6), uint64(1)<<(no&63)
		if w >= len(words) {
			u.grow(w)
			words = u.words
		}
		if first < 0 {
			first = w
		}
		last = w
		p := &words[w]
		// A buyer seen on an earlier day, or with two orders today, has
		// ordered at least twice. Without a branch: whether a buyer was
		// seen before is a coin toss the CPU would often guess wrong.
		p.twice |= p.seen&bit | bit*(v&1)
		p.seen |= bit
	}
	// Numbers ascend within a day: the first and last bound what it touched.
	if first >= 0 {
		u.touch(first, last+1)
	}
	return nil
}

// Merge adds every buyer of o, which must hold other days than u: a buyer
// in both has ordered at least twice.
func (u *Union) Merge(o *Union) {
	if o.lo >= o.hi {
		return
	}
	if o.hi > len(u.words) {
		u.grow(o.hi - 1)
	}
	u.touch(o.lo, o.hi)
	for i := o.lo; i < o.hi; i++ {
		p, q := &u.words[i], o.words[i]
		p.twice |= q.twice | p.seen&q.seen
		p.seen |= q.seen
	}
}

func (u *Union) touch(lo, hi int) {
	if lo < u.lo {
		u.lo = lo
	}
	if hi > u.hi {
		u.hi = hi
	}
}

func (u *Union) grow(w int) {
	n := max(2*len(u.words), w+1, 1024)
	if u.hi == 0 {
		u.lo = n
	}
	u.words = append(u.words, make([]pair, n-len(u.words))...)
}

// Buyers is the number of distinct buyers added since the last Reset.
func (u *Union) Buyers() int64 {
	var n int
	for i := u.lo; i < u.hi; i++ {
		n += bits.OnesCount64(u.words[i].seen)
	}
	return int64(n)
}

// Repeaters is the number of those buyers with two or more orders.
func (u *Union) Repeaters() int64 {
	var n int
	for i := u.lo; i < u.hi; i++ {
		n += bits.OnesCount64(u.words[i].twice)
	}
	return int64(n)
}

// Reset empties u.
func (u *Union) Reset() {
	if u.lo < u.hi {
		clear(u.words[u.lo:u.hi])
	}
	u.lo, u.hi = len(u.words), 0
}
