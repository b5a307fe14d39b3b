package loadtest

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func ms(n ...int) []time.Duration {
	d := make([]time.Duration, len(n))
	for i, v := range n {
		d[i] = time.Duration(v) * time.Millisecond
	}
	return d
}

func TestPercentiles(t *testing.T) {
	t.Parallel()
	oneToHundred := make([]int, 100)
	for i := range oneToHundred {
		oneToHundred[i] = i + 1
	}
	rand.Shuffle(len(oneToHundred), func(i, j int) {
		oneToHundred[i], oneToHundred[j] = oneToHundred[j], oneToHundred[i]
	})
	oneToThousand := make([]int, 1000)
	for i := range oneToThousand {
		oneToThousand[i] = 1000 - i
	}
	cases := []struct {
		name string
		in   []time.Duration
		want Latency
	}{
		{"none", nil, Latency{}},
		{"one", ms(7), Latency{Count: 1, P50: 7 * time.Millisecond, P90: 7 * time.Millisecond, P99: 7 * time.Millisecond, Max: 7 * time.Millisecond}},
		{"two", ms(30, 10), Latency{Count: 2, P50: 10 * time.Millisecond, P90: 30 * time.Millisecond, P99: 30 * time.Millisecond, Max: 30 * time.Millisecond}},
		{"1 to 100 shuffled", ms(oneToHundred...), Latency{Count: 100, P50: 50 * time.Millisecond, P90: 90 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond}},
		{"1000 descending", ms(oneToThousand...), Latency{Count: 1000, P50: 500 * time.Millisecond, P90: 900 * time.Millisecond, P99: 990 * time.Millisecond, Max: 1000 * time.Millisecond}},
		{"ten with a slow tail", ms(1, 1, 1, 1, 1, 2, 2, 2, 3, 250), Latency{Count: 10, P50: 1 * time.Millisecond, P90: 3 * time.Millisecond, P99: 250 * time.Millisecond, Max: 250 * time.Millisecond}},
		{"equal values", ms(5, 5, 5, 5), Latency{Count: 4, P50: 5 * time.Millisecond, P90: 5 * time.Millisecond, P99: 5 * time.Millisecond, Max: 5 * time.Millisecond}},
	}
	for _, c := range cases {
		if got := percentiles(c.in); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestMergeAddsWorkersUp(t *testing.T) {
	t.Parallel()
	a := &worker{requests: 5, succeeded: 3, events: 3, rateLimited: 1, netErrors: 1,
		errors: map[int]int64{422: 1}, lat: ms(1, 2, 3)}
	b := &worker{requests: 4, succeeded: 2, events: 2, unavailable: 1, retryWaits: 1, retrySlept: time.Second,
		errors: map[int]int64{422: 2, 500: 1}, firstErr: "HTTP 500: boom", lat: ms(4, 5)}
	r := merge([]*worker{a, b})
	if r.Requests != 9 || r.Succeeded != 5 || r.Events != 5 || r.RateLimited != 1 || r.Unavailable != 1 ||
		r.NetErrors != 1 || r.RetryWaits != 1 || r.RetrySlept != time.Second || r.FirstError != "HTTP 500: boom" {
		t.Errorf("merged %+v", r)
	}
	if r.Errors[422] != 3 || r.Errors[500] != 1 || r.Latency.Count != 5 || r.Latency.Max != 5*time.Millisecond {
		t.Errorf("errors %v, latency %+v", r.Errors, r.Latency)
	}
}

func sampleResult() *Result {
	return &Result{
		RunID: "lt_Ab3dE9xZ", Mode: ModeBatch, URL: "http://127.0.0.1:8080", Concurrency: 8, BatchSize: 500,
		Warmup: time.Second, Elapsed: 10 * time.Second,
		Requests: 130, Succeeded: 100, Events: 49900, Rejected: 100,
		RateLimited: 20, Unavailable: 5, RetryWaits: 25, RetrySlept: 25 * time.Second,
		Errors: map[int]int64{500: 1, 413: 2}, NetErrors: 1, BadResponses: 1, FirstError: "HTTP 413: too large",
		Latency: Latency{Count: 100, P50: 1234567 * time.Nanosecond, P90: 3 * time.Millisecond, P99: 12 * time.Millisecond, Max: 1500 * time.Millisecond},
	}
}

func TestPrint(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := sampleResult().Print(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"lt_Ab3dE9xZ: batch, 8 clients, 500 events a batch, http://127.0.0.1:8080",
		"10s after 1s warmup",
		"130", "13.0/s", "49900", "4990.0/s",
		"rejected", "100",
		"429: 20  503: 5  (waited out Retry-After 25 times, 25s in all)",
		"413: 2  500: 1  network: 1  bad response: 1",
		"p50 1.23ms  p90 3ms  p99 12ms  max 1.5s  (of 100 2xx)",
		"HTTP 413: too large",
		"--rate-limit",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if lines := strings.Count(out.String(), "\n"); lines > 12 {
		t.Errorf("%d lines; the table should stay compact:\n%s", lines, out.String())
	}
}

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := sampleResult().WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	want := map[string]any{
		"run_id": "lt_Ab3dE9xZ", "mode": "batch", "concurrency": 8.0, "batch_size": 500.0,
		"seconds": 10.0, "warmup_seconds": 1.0, "requests": 130.0, "requests_per_sec": 13.0,
		"succeeded": 100.0, "events": 49900.0, "events_per_sec": 4990.0, "events_rejected": 100.0,
		"rate_limited": 20.0, "unavailable": 5.0, "retry_after_waits": 25.0, "retry_after_seconds": 25.0,
		"network_errors": 1.0, "bad_responses": 1.0, "first_error": "HTTP 413: too large",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if e, _ := got["errors"].(map[string]any); e["413"] != 2.0 || e["500"] != 1.0 {
		t.Errorf("errors = %v", got["errors"])
	}
	lat, _ := got["latency_ms"].(map[string]any)
	if lat["count"] != 100.0 || lat["p50"] != 1.234567 || lat["max"] != 1500.0 {
		t.Errorf("latency_ms = %v", lat)
	}
}
