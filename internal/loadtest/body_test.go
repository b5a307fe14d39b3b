package loadtest

import (
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"
)

func TestGeneratorBodiesAreJSON(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC()
	for _, mode := range []Mode{ModeSingle, ModeCustomers, ModeBatch} {
		g := newGenerator("lt_Ab3dE9xZ", new(atomic.Uint64), now, mode, 50)
		for range 200 {
			b := g.next(nil)
			if !json.Valid(b) {
				t.Fatalf("%s: not JSON: %s", mode, b)
			}
		}
	}
}

// The generator shares a machine with the server under test, so building a
// body into a buffer of the right size must not allocate.
func TestGeneratorDoesNotAllocate(t *testing.T) {
	now := time.Now().UTC()
	for _, mode := range []Mode{ModeSingle, ModeCustomers, ModeBatch} {
		g := newGenerator("lt_Ab3dE9xZ", new(atomic.Uint64), now, mode, 100)
		buf := make([]byte, 0, 64<<10)
		if n := testing.AllocsPerRun(100, func() { buf = g.next(buf[:0]) }); n != 0 {
			t.Errorf("%s: %.1f allocations per body", mode, n)
		}
	}
}

func BenchmarkGenerator(b *testing.B) {
	now := time.Now().UTC()
	for _, mode := range []Mode{ModeSingle, ModeBatch} {
		b.Run(string(mode), func(b *testing.B) {
			g := newGenerator("lt_Ab3dE9xZ", new(atomic.Uint64), now, mode, DefaultBatchSize)
			buf := make([]byte, 0, 256<<10)
			b.ReportAllocs()
			for b.Loop() {
				buf = g.next(buf[:0])
			}
			b.SetBytes(int64(len(buf)))
		})
	}
}
