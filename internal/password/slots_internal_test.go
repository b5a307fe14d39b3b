package password

import (
	"context"
	"errors"
	"testing"
	"time"
)

var cheapParams = Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// fillSlots takes every slot of h, as if that many hashes were running.
func fillSlots(t *testing.T, h *Hasher) {
	t.Helper()
	for i := 0; i < cap(h.slots); i++ {
		h.slots <- struct{}{}
	}
}

func TestSlotsAtLeastTwo(t *testing.T) {
	t.Parallel()
	if n := cap(NewHasher(cheapParams).slots); n < 2 {
		t.Fatalf("hasher has %d slots, want at least 2", n)
	}
}

// TestBusyHasherHonoursContext: with every slot taken, Hash and Verify wait,
// and give up with the context's error.
func TestBusyHasherHonoursContext(t *testing.T) {
	t.Parallel()
	h := NewHasher(cheapParams)
	enc, err := h.Hash(context.Background(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	fillSlots(t, h)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	timeout, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()

	tests := []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"cancelled", cancelled, context.Canceled},
		{"deadline", timeout, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		if got, err := h.Hash(tt.ctx, "pw"); !errors.Is(err, tt.want) || got != "" {
			t.Errorf("%s: Hash = %q, %v; want error wrapping %v", tt.name, got, err, tt.want)
		}
		if ok, err := h.Verify(tt.ctx, "pw", enc); !errors.Is(err, tt.want) || ok {
			t.Errorf("%s: Verify = %v, %v; want false and error wrapping %v", tt.name, ok, err, tt.want)
		}
		// The empty-hash path (unknown account) waits the same way.
		if ok, err := h.Verify(tt.ctx, "pw", ""); !errors.Is(err, tt.want) || ok {
			t.Errorf("%s: Verify(empty hash) = %v, %v; want false and error wrapping %v", tt.name, ok, err, tt.want)
		}
	}
	if n := len(h.slots); n != cap(h.slots) {
		t.Errorf("after refused calls %d of %d slots are taken; refused calls must not take or free slots", n, cap(h.slots))
	}
}

// TestBusyHasherQueues: a Verify waiting for a slot proceeds once one is
// freed, and gives its slot back afterwards.
func TestBusyHasherQueues(t *testing.T) {
	t.Parallel()
	h := NewHasher(cheapParams)
	enc, err := h.Hash(context.Background(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	fillSlots(t, h)

	type result struct {
		ok  bool
		err error
	}
	done := make(chan result, 1)
	go func() {
		ok, err := h.Verify(context.Background(), "pw", enc)
		done <- result{ok, err}
	}()
	select {
	case r := <-done:
		t.Fatalf("Verify finished (%v, %v) while every slot was taken", r.ok, r.err)
	case <-time.After(50 * time.Millisecond):
	}
	<-h.slots // one running hash finishes
	select {
	case r := <-done:
		if !r.ok || r.err != nil {
			t.Fatalf("Verify = %v, %v; want true", r.ok, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Verify still waiting after a slot was freed")
	}
	if n, want := len(h.slots), cap(h.slots)-1; n != want {
		t.Errorf("%d slots taken after Verify, want %d (Verify must release its slot)", n, want)
	}
}

func TestDummyHashIsWellFormed(t *testing.T) {
	t.Parallel()
	h := NewHasher(cheapParams)
	if h.dummy == "" {
		t.Fatal("NewHasher made no dummy hash")
	}
	if _, _, _, err := decode(h.dummy); err != nil {
		t.Fatalf("dummy hash %q does not decode: %v", h.dummy, err)
	}
}
