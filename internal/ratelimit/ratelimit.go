// Package ratelimit keeps token buckets per key: per API key for request
// rates, per account and per client address for login failures.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter holds one token bucket per key. Each bucket holds up to Burst
// tokens and refills at Rate tokens per second. Buckets that have refilled
// completely are forgotten, so memory follows the number of active keys.
type Limiter struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	sweepAt time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// New returns a limiter refilling rate tokens per second up to burst.
// now may be nil for the wall clock; tests pass a fake one.
func New(rate float64, burst int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{rate: rate, burst: float64(max(1, burst)), now: now, buckets: map[string]*bucket{}}
}

// Allow takes one token for key. When the bucket is empty it takes nothing
// and returns false with how long until a token is there.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, l.wait(b)
}

// Check reports whether key has a token, without taking it.
func (l *Limiter) Check(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key)
	if b.tokens >= 1 {
		return true, 0
	}
	return false, l.wait(b)
}

// Reset fills key's bucket again, for example after a successful login.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	delete(l.buckets, key)
	l.mu.Unlock()
}

func (l *Limiter) wait(b *bucket) time.Duration {
	if l.rate <= 0 {
		return time.Duration(1<<63 - 1)
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// refill brings key's bucket up to date. The caller holds l.mu.
func (l *Limiter) refill(key string) *bucket {
	now := l.now()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
		return b
	}
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+elapsed*l.rate)
		b.at = now
	}
	return b
}

// sweep drops buckets that are full again, at most once a minute. The
// caller holds l.mu.
func (l *Limiter) sweep(now time.Time) {
	if now.Before(l.sweepAt) {
		return
	}
	l.sweepAt = now.Add(time.Minute)
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
