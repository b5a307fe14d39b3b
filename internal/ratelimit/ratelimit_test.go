package ratelimit_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pulse/internal/ratelimit"
)

// clock is a fake time source that only moves when told to.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// near reports whether got is within 1ms of want: waits are computed in
// float64 seconds.
func near(got, want time.Duration) bool {
	d := got - want
	return d > -time.Millisecond && d < time.Millisecond
}

// allowN calls Allow n times and returns how many were allowed.
func allowN(l *ratelimit.Limiter, key string, n int) int {
	ok := 0
	for range n {
		if allowed, _ := l.Allow(key); allowed {
			ok++
		}
	}
	return ok
}

func TestBurstThenRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rate  float64
		burst int
		wait  time.Duration
	}{
		{rate: 1, burst: 1, wait: time.Second},
		{rate: 2, burst: 3, wait: 500 * time.Millisecond},
		{rate: 10, burst: 5, wait: 100 * time.Millisecond},
		{rate: 0.1, burst: 2, wait: 10 * time.Second},
		{rate: 200, burst: 400, wait: 5 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("rate=%v,burst=%d", tt.rate, tt.burst), func(t *testing.T) {
			t.Parallel()
			l := ratelimit.New(tt.rate, tt.burst, newClock().Now)
			for i := range tt.burst {
				if ok, wait := l.Allow("k"); !ok || wait != 0 {
					t.Fatalf("call %d of burst %d: Allow = %v, %v; want true, 0", i+1, tt.burst, ok, wait)
				}
			}
			for range 3 {
				ok, wait := l.Allow("k")
				if ok {
					t.Fatalf("Allow after burst of %d = true", tt.burst)
				}
				if !near(wait, tt.wait) {
					t.Errorf("retry after %v, want about %v (1/rate)", wait, tt.wait)
				}
			}
		})
	}
}

func TestBurstAtLeastOne(t *testing.T) {
	t.Parallel()
	for _, burst := range []int{0, -5} {
		l := ratelimit.New(1, burst, newClock().Now)
		if n := allowN(l, "k", 5); n != 1 {
			t.Errorf("burst %d: %d of 5 allowed, want 1", burst, n)
		}
	}
}

func TestRefill(t *testing.T) {
	t.Parallel()
	c := newClock()
	l := ratelimit.New(2, 4, c.Now) // one token every 500ms
	if n := allowN(l, "k", 4); n != 4 {
		t.Fatalf("burst: %d allowed, want 4", n)
	}
	c.Advance(250 * time.Millisecond) // half a token
	ok, wait := l.Allow("k")
	if ok {
		t.Fatal("allowed with half a token")
	}
	if !near(wait, 250*time.Millisecond) {
		t.Errorf("retry after %v, want 250ms for the other half", wait)
	}
	c.Advance(250 * time.Millisecond) // one whole token
	if ok, _ := l.Allow("k"); !ok {
		t.Fatal("refused after a token refilled")
	}
	if ok, _ := l.Allow("k"); ok {
		t.Fatal("allowed twice after one token refilled")
	}
	c.Advance(1500 * time.Millisecond) // three tokens
	if n := allowN(l, "k", 10); n != 3 {
		t.Errorf("after 1.5s at 2/s: %d allowed, want 3", n)
	}
	c.Advance(time.Hour) // far more than the burst
	if n := allowN(l, "k", 10); n != 4 {
		t.Errorf("after an hour: %d allowed, want the burst of 4", n)
	}
}

func TestClockGoingBackwards(t *testing.T) {
	t.Parallel()
	c := newClock()
	l := ratelimit.New(1, 2, c.Now)
	allowN(l, "k", 2)
	c.Advance(-time.Hour)
	if ok, _ := l.Allow("k"); ok {
		t.Fatal("a clock going back must not refill the bucket")
	}
	c.Advance(time.Hour + time.Second)
	if n := allowN(l, "k", 5); n != 1 {
		t.Errorf("one second after the bucket emptied: %d allowed, want 1", n)
	}
}

func TestCheckDoesNotConsume(t *testing.T) {
	t.Parallel()
	c := newClock()
	l := ratelimit.New(1, 3, c.Now)
	for range 10 {
		if ok, wait := l.Check("k"); !ok || wait != 0 {
			t.Fatalf("Check on a fresh key = %v, %v; want true, 0", ok, wait)
		}
	}
	if n := allowN(l, "k", 10); n != 3 {
		t.Fatalf("after 10 Checks, %d of 10 Allows succeeded; want the full burst of 3", n)
	}
	for range 3 {
		ok, wait := l.Check("k")
		if ok || !near(wait, time.Second) {
			t.Errorf("Check on an empty bucket = %v, %v; want false, 1s", ok, wait)
		}
	}
	c.Advance(time.Second)
	if ok, _ := l.Check("k"); !ok {
		t.Fatal("Check after refill = false")
	}
	if ok, _ := l.Check("k"); !ok {
		t.Fatal("second Check after refill = false: Check consumed the token")
	}
	if n := allowN(l, "k", 5); n != 1 {
		t.Errorf("%d allowed after one refilled token, want 1", n)
	}
}

func TestReset(t *testing.T) {
	t.Parallel()
	l := ratelimit.New(0.001, 5, newClock().Now)
	allowN(l, "k", 5)
	if ok, _ := l.Allow("k"); ok {
		t.Fatal("allowed past burst")
	}
	l.Reset("k")
	if n := allowN(l, "k", 10); n != 5 {
		t.Errorf("after Reset: %d allowed, want the burst of 5", n)
	}
	l.Reset("never seen") // must not panic or affect others
	if ok, _ := l.Allow("k"); ok {
		t.Error("Reset of another key refilled k")
	}
}

func TestKeysIndependent(t *testing.T) {
	t.Parallel()
	l := ratelimit.New(0.001, 2, newClock().Now)
	if n := allowN(l, "a", 5); n != 2 {
		t.Fatalf("a: %d allowed, want 2", n)
	}
	for _, k := range []string{"b", "A", "a ", ""} {
		if n := allowN(l, k, 5); n != 2 {
			t.Errorf("key %q: %d allowed after a was used up, want 2", k, n)
		}
	}
	l.Reset("b")
	if ok, _ := l.Allow("a"); ok {
		t.Error("Reset(b) refilled a")
	}
}

func TestZeroRate(t *testing.T) {
	t.Parallel()
	c := newClock()
	l := ratelimit.New(0, 2, c.Now)
	if n := allowN(l, "k", 5); n != 2 {
		t.Fatalf("%d allowed, want the burst of 2", n)
	}
	c.Advance(24 * time.Hour)
	ok, wait := l.Allow("k")
	if ok {
		t.Fatal("a zero rate refilled")
	}
	if wait < 24*time.Hour*365 {
		t.Errorf("retry after %v with a zero rate, want effectively forever", wait)
	}
}

// TestSweepForgetsOnlyFullBuckets: the once-a-minute sweep must drop only
// buckets that have refilled; dropping a partial one would hand out a fresh
// burst.
func TestSweepForgetsOnlyFullBuckets(t *testing.T) {
	t.Parallel()
	c := newClock()
	// 0.01/s: after 61s a bucket has refilled 0.61 tokens, far from full.
	l := ratelimit.New(0.01, 5, c.Now)
	allowN(l, "slow", 5)
	c.Advance(61 * time.Second)
	l.Allow("other") // a sweep is due
	c.Advance(61 * time.Second)
	l.Allow("other") // and another
	// 1.22 tokens refilled: one allowed, not a fresh burst of 5.
	if n := allowN(l, "slow", 5); n != 1 {
		t.Errorf("after sweeps: %d allowed, want 1 (the sweep forgot a partly refilled bucket?)", n)
	}

	// A bucket that has refilled completely behaves as new after a sweep.
	l2 := ratelimit.New(1, 3, c.Now)
	allowN(l2, "k", 3)
	c.Advance(10 * time.Minute)
	l2.Allow("other")
	if n := allowN(l2, "k", 10); n != 3 {
		t.Errorf("after a long pause: %d allowed, want the full burst of 3", n)
	}
}

// TestConcurrentAllow: with the clock frozen, however many goroutines ask,
// exactly burst calls succeed. Run with -race.
func TestConcurrentAllow(t *testing.T) {
	t.Parallel()
	const burst, goroutines, calls = 50, 64, 20
	c := newClock()
	l := ratelimit.New(1000, burst, c.Now)
	var allowed, checked atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range calls {
				if ok, _ := l.Allow("shared"); ok {
					allowed.Add(1)
				}
				// Other keys and Check calls in between, to exercise the map.
				l.Allow(fmt.Sprintf("own-%d", g))
				if i%5 == 0 {
					if ok, _ := l.Check("shared"); ok {
						checked.Add(1)
					}
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	if n := allowed.Load(); n != burst {
		t.Errorf("%d Allow calls succeeded on one key with a frozen clock, want exactly %d", n, burst)
	}
	if ok, _ := l.Allow("shared"); ok {
		t.Error("Allow succeeded after the burst was used up")
	}
	c.Advance(time.Second) // 1000 tokens, capped at burst
	if n := allowN(l, "shared", 2*burst); n != burst {
		t.Errorf("after refill: %d allowed, want %d", n, burst)
	}
}

func TestNilClockUsesWallClock(t *testing.T) {
	t.Parallel()
	l := ratelimit.New(1, 2, nil)
	if n := allowN(l, "k", 5); n != 2 {
		t.Fatalf("%d allowed, want 2", n)
	}
	ok, wait := l.Allow("k")
	if ok || wait <= 0 || wait > time.Second {
		t.Errorf("Allow past burst = %v, %v; want false and a wait in (0, 1s]", ok, wait)
	}
}
