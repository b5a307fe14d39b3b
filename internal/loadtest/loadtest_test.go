package loadtest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func testOptions(url string, mode Mode) Options {
	return Options{
		URL: url, Key: testKey, Mode: mode, Concurrency: 4,
		Duration: 300 * time.Millisecond, Warmup: 100 * time.Millisecond, BatchSize: 20,
	}
}

func run(t *testing.T, o Options) *Result {
	t.Helper()
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// checkClean fails unless every measured request succeeded.
func checkClean(t *testing.T, res *Result) {
	t.Helper()
	if res.Requests == 0 || res.Succeeded != res.Requests {
		t.Fatalf("requests %d, succeeded %d; first error %q", res.Requests, res.Succeeded, res.FirstError)
	}
	if res.errorCount() != 0 || res.RateLimited != 0 || res.Unavailable != 0 || res.FirstError != "" {
		t.Fatalf("unexpected errors: %+v", res)
	}
	l := res.Latency
	if l.Count != int(res.Succeeded) || l.P50 <= 0 || l.P50 > l.P90 || l.P90 > l.P99 || l.P99 > l.Max {
		t.Fatalf("latency %+v for %d successes", l, res.Succeeded)
	}
	if res.Elapsed < 300*time.Millisecond || res.RequestsPerSec() <= 0 {
		t.Fatalf("elapsed %s, %.1f requests/s", res.Elapsed, res.RequestsPerSec())
	}
}

func TestRunSingleAndCustomers(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{ModeSingle, ModeCustomers} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			f, srv := newFake(t)
			res := run(t, testOptions(srv.URL, mode))
			checkClean(t, res)
			if res.Events != res.Succeeded {
				t.Errorf("events %d, want one per success (%d)", res.Events, res.Succeeded)
			}
			requests, events, _ := f.counts()
			// The server also saw the warmup, which the result leaves out.
			if int64(requests) <= res.Requests || events != requests {
				t.Errorf("server saw %d requests with %d events; result counts %d", requests, events, res.Requests)
			}
			if dup := f.duplicates(); len(dup) > 0 {
				t.Errorf("%d ids sent more than once, such as %q", len(dup), dup[0])
			}
			if res.Mode != mode || res.BatchSize != 0 || !strings.HasPrefix(res.RunID, "lt_") {
				t.Errorf("result header %q %q %d", res.RunID, res.Mode, res.BatchSize)
			}
		})
	}
}

func TestRunBatchSumsAccepted(t *testing.T) {
	t.Parallel()
	f, srv := newFake(t)
	o := testOptions(srv.URL, ModeBatch)
	res := run(t, o)
	checkClean(t, res)
	// The fake rejects the first event of each batch.
	if want := res.Succeeded * int64(o.BatchSize-1); res.Events != want {
		t.Errorf("events %d, want %d (accepted summed over %d batches)", res.Events, want, res.Succeeded)
	}
	if res.Rejected != res.Succeeded {
		t.Errorf("rejected %d, want one per batch (%d)", res.Rejected, res.Succeeded)
	}
	_, events, accepted := f.counts()
	if int64(accepted) <= res.Events {
		t.Errorf("server accepted %d events, result counts %d: the warmup should be left out", accepted, res.Events)
	}
	f.mu.Lock()
	for _, n := range f.batchSize {
		if n != o.BatchSize {
			t.Errorf("a batch of %d events, want %d", n, o.BatchSize)
			break
		}
	}
	f.mu.Unlock()
	if dup := f.duplicates(); len(dup) > 0 || events == 0 {
		t.Errorf("%d events, %d ids sent more than once", events, len(dup))
	}
	if res.BatchSize != o.BatchSize {
		t.Errorf("result batch size %d", res.BatchSize)
	}
}

func TestIDsAreUniqueAcrossRuns(t *testing.T) {
	t.Parallel()
	f, srv := newFake(t)
	o := testOptions(srv.URL, ModeCustomers)
	o.Warmup, o.Duration = 0, 100*time.Millisecond
	first, second := run(t, o), run(t, o)
	if first.RunID == second.RunID {
		t.Errorf("two runs share the run id %q", first.RunID)
	}
	if dup := f.duplicates(); len(dup) > 0 {
		t.Errorf("%d ids sent by both runs, such as %q", len(dup), dup[0])
	}
}

func TestRetryAfterIsRespectedAndCounted(t *testing.T) {
	t.Parallel()
	f, srv := newFake(t)
	f.script = func(n int, w http.ResponseWriter) bool {
		switch n {
		case 0:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable) // no Retry-After: no wait
		case 2:
			unprocessable(w, "amount: too many digits")
		case 3:
			w.WriteHeader(http.StatusConflict)
		default:
			return false
		}
		return true
	}
	o := testOptions(srv.URL, ModeSingle)
	o.Concurrency, o.Warmup, o.Duration = 1, 0, 1500*time.Millisecond
	res := run(t, o)
	if res.RateLimited != 1 || res.Unavailable != 1 || res.RetryWaits != 1 {
		t.Errorf("429s %d, 503s %d, waits %d; want 1 each", res.RateLimited, res.Unavailable, res.RetryWaits)
	}
	if res.RetrySlept < 900*time.Millisecond || res.RetrySlept > 1400*time.Millisecond {
		t.Errorf("slept %s for Retry-After: 1", res.RetrySlept)
	}
	if res.Errors[422] != 1 || res.Errors[409] != 1 || len(res.Errors) != 2 || res.NetErrors != 0 {
		t.Errorf("errors %v, network %d; want 422 and 409 once each", res.Errors, res.NetErrors)
	}
	if !strings.HasPrefix(res.FirstError, "HTTP 422: ") || !strings.Contains(res.FirstError, "too many digits") {
		t.Errorf("first error %q", res.FirstError)
	}
	if res.Succeeded == 0 || res.Requests != res.Succeeded+4 {
		t.Errorf("requests %d, succeeded %d", res.Requests, res.Succeeded)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if gap := f.arrivals[1].Sub(f.arrivals[0]); gap < 950*time.Millisecond {
		t.Errorf("the request after a 429 with Retry-After: 1 came %s later", gap)
	}
}

func TestRetryAfterDoesNotOutlastTheRun(t *testing.T) {
	t.Parallel()
	f, srv := newFake(t)
	f.script = func(n int, w http.ResponseWriter) bool {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
		return true
	}
	o := testOptions(srv.URL, ModeSingle)
	o.Warmup, o.Duration = 0, 200*time.Millisecond
	began := time.Now()
	res := run(t, o)
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("run took %s; a Retry-After should be cut at the end of the run", took)
	}
	if res.RateLimited != int64(o.Concurrency) || res.Succeeded != 0 {
		t.Errorf("429s %d, successes %d; want one 429 per client", res.RateLimited, res.Succeeded)
	}
}

func TestRunFailsFast(t *testing.T) {
	t.Parallel()
	_, srv := newFake(t)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	notPulse := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notPulse.Close)
	cases := []struct {
		name, url, key, want string
	}{
		{"unreachable", down.URL, testKey, "cannot reach the server"},
		{"wrong key", srv.URL, "pulse_sk_wrong", "refused the API key (HTTP 401)"},
		{"not Pulse", notPulse.URL, testKey, "answered HTTP 404"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := testOptions(c.url, ModeSingle)
			o.Key = c.key
			res, err := Run(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), c.want) || res != nil {
				t.Fatalf("Run = %v, %v; want an error with %q", res, err, c.want)
			}
			if strings.Contains(err.Error(), c.key) {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
}

func TestRunChecksOptions(t *testing.T) {
	t.Parallel()
	if res, err := Run(context.Background(), Options{URL: DefaultURL, Key: testKey, Mode: ModeSingle}); err == nil || res != nil {
		t.Fatalf("Run with no clients and no duration = %v, %v; want an error", res, err)
	}
}

func TestRunInterrupted(t *testing.T) {
	t.Parallel()
	_, srv := newFake(t)
	o := testOptions(srv.URL, ModeSingle)
	o.Warmup, o.Duration = 0, time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	res, err := Run(ctx, o)
	if !errors.Is(err, context.DeadlineExceeded) || res == nil {
		t.Fatalf("Run = %v, %v; want a partial result and the context's error", res, err)
	}
	// Requests cut short by the interruption are not the server's failures.
	if res.Requests == 0 || res.NetErrors != 0 || res.Elapsed > 10*time.Second {
		t.Errorf("requests %d, network errors %d, elapsed %s", res.Requests, res.NetErrors, res.Elapsed)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-3", 0},
		{"2", 2 * time.Second},
		{" 7 ", 7 * time.Second},
		{"99999999999999999", maxRetryAfter},
		{"Fri, 20 Nov 2026 10:00:05 GMT", 5 * time.Second},
		{"Fri, 20 Nov 2026 09:59:00 GMT", 0},
		{"soon", 0},
	}
	for _, c := range cases {
		if got := parseRetryAfter(c.in, now); got != c.want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}
