package buyerset

import (
	"math/rand/v2"
	"testing"
)

// Sets survive encoding, and a union counts distinct and repeat buyers as
// a brute force over the same orders does, across Resets and growth.
func TestUnionMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var u Union
	for _, tc := range []struct{ days, orders, customers int }{
		{1, 0, 10}, {1, 5, 3}, {7, 50, 20}, {30, 2000, 100_000}, {3, 10, 1 << 20},
	} {
		u.Reset()
		orders := map[uint64]int{}
		for range tc.days {
			var s Set
			perDay := map[uint64]int{}
			for range tc.orders / tc.days {
				no := 1 + rng.Uint64N(uint64(tc.customers))
				s.Add(int64(no))
				perDay[no]++
				orders[no]++
			}
			var repeat int64
			for _, n := range perDay {
				if n >= 2 {
					repeat++
				}
			}
			if s.Len() != int64(len(perDay)) || s.Repeaters() != repeat {
				t.Fatalf("%+v: set has %d buyers, %d repeaters; want %d, %d", tc, s.Len(), s.Repeaters(), len(perDay), repeat)
			}
			b := s.Encode()
			back, err := Decode(b)
			if err != nil || back.Len() != s.Len() || back.Repeaters() != repeat {
				t.Fatalf("%+v: decode: %v", tc, err)
			}
			if err := u.AddDay(b); err != nil {
				t.Fatal(err)
			}
		}
		var repeat int64
		for _, n := range orders {
			if n >= 2 {
				repeat++
			}
		}
		if u.Buyers() != int64(len(orders)) || u.Repeaters() != repeat {
			t.Errorf("%+v: union %d buyers, %d repeaters; want %d, %d", tc, u.Buyers(), u.Repeaters(), len(orders), repeat)
		}
	}
}

func TestDecodeRejectsTruncated(t *testing.T) {
	if _, err := Decode([]byte{0x80}); err == nil {
		t.Error("a truncated varint decoded")
	}
	if err := new(Union).AddDay([]byte{0xff, 0xff}); err == nil {
		t.Error("a truncated varint was added")
	}
}

// Merging the unions of two disjoint ranges of days equals one union of
// all the days.
func TestMergeEqualsOneUnion(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var whole, first, second Union
	for d := range 20 {
		var s Set
		for range 300 {
			s.Add(int64(1 + rng.IntN(5000)))
		}
		b := s.Encode()
		if err := whole.AddDay(b); err != nil {
			t.Fatal(err)
		}
		part := &first
		if d >= 8 {
			part = &second
		}
		if err := part.AddDay(b); err != nil {
			t.Fatal(err)
		}
	}
	var merged Union
	merged.Merge(&first)
	merged.Merge(&second)
	if merged.Buyers() != whole.Buyers() || merged.Repeaters() != whole.Repeaters() {
		t.Errorf("merged %d/%d, one union %d/%d", merged.Buyers(), merged.Repeaters(), whole.Buyers(), whole.Repeaters())
	}
}
