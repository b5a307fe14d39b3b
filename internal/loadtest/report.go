package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Result is what a run measured. Only requests started after the warmup
// count; those cut short by the end of the caller's context do not.
type Result struct {
	RunID       string // prefix of every id the run sent
	Mode        Mode
	URL         string
	Concurrency int
	BatchSize   int // in batch mode only
	Warmup      time.Duration
	Elapsed     time.Duration // measured wall time

	Requests  int64 // every measured request, whatever its outcome
	Succeeded int64 // 2xx responses
	// Events is events stored: one per 2xx in single and customers modes,
	// the sum of "accepted" over 2xx batches in batch mode.
	Events   int64
	Rejected int64 // events refused inside 2xx batches

	RateLimited int64         // 429 responses
	Unavailable int64         // 503 responses
	RetryWaits  int64         // times a Retry-After was waited out
	RetrySlept  time.Duration // time spent waiting them out

	Errors       map[int]int64 // other non-2xx responses by status
	NetErrors    int64         // requests that got no response
	BadResponses int64         // responses that broke HTTP/1.1, and 2xx batch responses without an accepted count
	FirstError   string        // one failure's message or response body, for a hint

	Latency Latency // of 2xx responses
}

// Latency summarises request latencies by nearest-rank percentiles.
type Latency struct {
	Count              int
	P50, P90, P99, Max time.Duration
}

// RequestsPerSec is measured requests of any outcome per second.
func (r *Result) RequestsPerSec() float64 { return perSec(r.Requests, r.Elapsed) }

// EventsPerSec is stored events per second.
func (r *Result) EventsPerSec() float64 { return perSec(r.Events, r.Elapsed) }

func perSec(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// percentiles sorts d in place and summarises it. Nearest rank, rather than
// interpolation, reports latencies that some request really had.
func percentiles(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(p/100*float64(len(d)))) - 1
		return d[min(max(i, 0), len(d)-1)]
	}
	return Latency{Count: len(d), P50: rank(50), P90: rank(90), P99: rank(99), Max: d[len(d)-1]}
}

// Print writes r as a compact table for people.
func (r *Result) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	run := fmt.Sprintf("%s: %s, %d clients", r.RunID, r.Mode, r.Concurrency)
	if r.BatchSize > 0 {
		run += fmt.Sprintf(", %d events a batch", r.BatchSize)
	}
	fmt.Fprintf(tw, "run\t%s, %s\n", run, r.URL)
	fmt.Fprintf(tw, "measured\t%s after %s warmup\n", round(r.Elapsed), r.Warmup)
	fmt.Fprintf(tw, "requests\t%d\t%.1f/s\n", r.Requests, r.RequestsPerSec())
	fmt.Fprintf(tw, "events\t%d\t%.1f/s\n", r.Events, r.EventsPerSec())
	fmt.Fprintf(tw, "succeeded\t%d\t2xx\n", r.Succeeded)
	if r.Mode == ModeBatch {
		fmt.Fprintf(tw, "rejected\t%d\tevents refused inside 2xx batches\n", r.Rejected)
	}
	throttled := fmt.Sprintf("429: %d  503: %d", r.RateLimited, r.Unavailable)
	if r.RetryWaits > 0 {
		throttled += fmt.Sprintf("  (waited out Retry-After %d times, %s in all)", r.RetryWaits, round(r.RetrySlept))
	}
	fmt.Fprintf(tw, "throttled\t%d\t%s\n", r.RateLimited+r.Unavailable, throttled)
	fmt.Fprintf(tw, "errors\t%d\t%s\n", r.errorCount(), r.errorSummary())
	if l := r.Latency; l.Count > 0 {
		fmt.Fprintf(tw, "latency\tp50 %s  p90 %s  p99 %s  max %s  (of %d 2xx)\n",
			round(l.P50), round(l.P90), round(l.P99), round(l.Max), l.Count)
	} else {
		fmt.Fprintf(tw, "latency\tno 2xx responses to time\n")
	}
	if r.FirstError != "" {
		fmt.Fprintf(tw, "first error\t%s\n", r.FirstError)
	}
	if r.RateLimited > 0 {
		fmt.Fprintf(tw, "note\t429 is the server's limit per API key: raise pulse serve --rate-limit and --rate-burst to measure ingestion\n")
	}
	return tw.Flush()
}

func (r *Result) errorCount() int64 {
	n := r.NetErrors + r.BadResponses
	for _, c := range r.Errors {
		n += c
	}
	return n
}

// errorSummary lists errors by status, then those without a usable response.
func (r *Result) errorSummary() string {
	var parts []string
	for _, status := range slices.Sorted(maps.Keys(r.Errors)) {
		parts = append(parts, strconv.Itoa(status)+": "+strconv.FormatInt(r.Errors[status], 10))
	}
	if r.NetErrors > 0 {
		parts = append(parts, "network: "+strconv.FormatInt(r.NetErrors, 10))
	}
	if r.BadResponses > 0 {
		parts = append(parts, "bad response: "+strconv.FormatInt(r.BadResponses, 10))
	}
	return strings.Join(parts, "  ")
}

// round keeps three significant digits or so, which is all a latency
// measured on a busy machine can claim.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(100 * time.Microsecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// jsonResult is the --json form of a Result: durations in seconds or
// milliseconds rather than nanoseconds, and the rates computed.
type jsonResult struct {
	RunID             string           `json:"run_id"`
	Mode              Mode             `json:"mode"`
	URL               string           `json:"url"`
	Concurrency       int              `json:"concurrency"`
	BatchSize         int              `json:"batch_size,omitempty"`
	WarmupSeconds     float64          `json:"warmup_seconds"`
	Seconds           float64          `json:"seconds"`
	Requests          int64            `json:"requests"`
	RequestsPerSec    float64          `json:"requests_per_sec"`
	Succeeded         int64            `json:"succeeded"`
	Events            int64            `json:"events"`
	EventsPerSec      float64          `json:"events_per_sec"`
	EventsRejected    int64            `json:"events_rejected"`
	RateLimited       int64            `json:"rate_limited"`
	Unavailable       int64            `json:"unavailable"`
	RetryAfterWaits   int64            `json:"retry_after_waits"`
	RetryAfterSeconds float64          `json:"retry_after_seconds"`
	Errors            map[string]int64 `json:"errors"`
	NetworkErrors     int64            `json:"network_errors"`
	BadResponses      int64            `json:"bad_responses"`
	FirstError        string           `json:"first_error,omitempty"`
	LatencyMS         struct {
		Count int     `json:"count"`
		P50   float64 `json:"p50"`
		P90   float64 `json:"p90"`
		P99   float64 `json:"p99"`
		Max   float64 `json:"max"`
	} `json:"latency_ms"`
}

// WriteJSON writes r as one indented JSON object.
func (r *Result) WriteJSON(w io.Writer) error {
	j := jsonResult{
		RunID: r.RunID, Mode: r.Mode, URL: r.URL, Concurrency: r.Concurrency, BatchSize: r.BatchSize,
		WarmupSeconds: r.Warmup.Seconds(), Seconds: r.Elapsed.Seconds(),
		Requests: r.Requests, RequestsPerSec: r.RequestsPerSec(), Succeeded: r.Succeeded,
		Events: r.Events, EventsPerSec: r.EventsPerSec(), EventsRejected: r.Rejected,
		RateLimited: r.RateLimited, Unavailable: r.Unavailable,
		RetryAfterWaits: r.RetryWaits, RetryAfterSeconds: r.RetrySlept.Seconds(),
		Errors:        make(map[string]int64, len(r.Errors)),
		NetworkErrors: r.NetErrors, BadResponses: r.BadResponses, FirstError: r.FirstError,
	}
	for status, n := range r.Errors {
		j.Errors[strconv.Itoa(status)] = n
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	j.LatencyMS.Count = r.Latency.Count
	j.LatencyMS.P50, j.LatencyMS.P90 = ms(r.Latency.P50), ms(r.Latency.P90)
	j.LatencyMS.P99, j.LatencyMS.Max = ms(r.Latency.P99), ms(r.Latency.Max)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}
