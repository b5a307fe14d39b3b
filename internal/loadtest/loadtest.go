// Package loadtest drives a running Pulse server with synthetic ingestion
// traffic and measures what it sustains: requests and events per second,
// errors by status, and latency percentiles.
//
// It is meant to share a small machine with the server, so it keeps its own
// cost per request low: each client speaks HTTP/1.1 over its own connection
// (see client.go), bodies are built by appending into a reused buffer, each
// client keeps its own counters and latencies, and the pieces are merged only
// once the run is over.
package loadtest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"pulse/internal/token"
)

// Mode says which endpoint a run sends to.
type Mode string

// The modes of a run.
const (
	ModeSingle    Mode = "single"    // one purchase per POST /api/v1/purchases
	ModeCustomers Mode = "customers" // one new customer per POST /api/v1/customers
	ModeBatch     Mode = "batch"     // BatchSize events per POST /api/v1/batch
)

// Defaults of Options.
const (
	DefaultURL         = "http://127.0.0.1:8080"
	DefaultConcurrency = 64
	DefaultDuration    = 10 * time.Second
	DefaultWarmup      = time.Second
	DefaultBatchSize   = 500

	// maxBatchSize is the API's limit on events in one batch.
	maxBatchSize   = 1000
	maxConcurrency = 10000
)

// Options configure a run.
type Options struct {
	URL         string // base URL of the server, without /api/v1
	Key         string // API key, full or ingest
	Mode        Mode
	Concurrency int           // clients, each with one request in flight
	Duration    time.Duration // measured part of the run
	Warmup      time.Duration // traffic sent before measuring, to fill caches and open the connections
	BatchSize   int           // events per request in batch mode
	JSON        bool          // print the result as JSON rather than a table
}

const (
	// requestTimeout bounds one request, so that a stalled server ends the
	// run at most this long after its planned end. A connection's deadline
	// is pushed back only once half of it has passed, which saves a timer
	// update per request and still stops a stalled request within
	// requestTimeout/2 to requestTimeout.
	requestTimeout = 30 * time.Second
	// maxRetryAfter caps a Retry-After so that a nonsensical header cannot
	// overflow a Duration.
	maxRetryAfter = time.Hour
	// errorSample is how much of a failed response's body is kept to show
	// what went wrong.
	errorSample = 300
	// maxBody bounds how much of a batch response is kept to find its
	// counts; a larger one counts as a bad response.
	maxBody = 64 << 20
)

// Run sends traffic as o says for o.Warmup and then o.Duration, and returns
// what it measured over the second part. It first checks that the server
// answers and accepts the key, and fails if not. When ctx ends early, Run
// returns what it measured so far together with the context's error.
func Run(ctx context.Context, o Options) (*Result, error) {
	if errs := o.check(); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	base := strings.TrimRight(o.URL, "/")
	t, err := newTarget(base, endpoint(o.Mode), o.Key)
	if err != nil {
		return nil, err
	}
	if err := preflight(ctx, base, o.Key); err != nil {
		return nil, err
	}
	runID := "lt_" + token.Base62(8)
	now := time.Now()
	from, until := now.Add(o.Warmup), now.Add(o.Warmup+o.Duration)
	// A guess at how many requests one client completes, so that recording
	// a latency seldom grows the slice while the run is measured.
	latCap := min(max(int(o.Duration.Seconds()*20000)/o.Concurrency, 1024), 1<<20)
	workers := make([]*worker, o.Concurrency)
	var seq atomic.Uint64
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{
			target: t,
			gen:    newGenerator(runID, &seq, now.UTC(), o.Mode, o.BatchSize),
			batch:  o.Mode == ModeBatch,
			req:    make([]byte, t.reserve(), t.reserve()+4096),
			lat:    make([]time.Duration, 0, latCap),
			errors: map[int]int64{},
		}
		workers[i] = w
	}
	// Reads and writes take no context, so the end of ctx closes the
	// connections to unblock the workers.
	stop := context.AfterFunc(ctx, func() {
		for _, w := range workers {
			w.shut()
		}
	})
	defer stop()
	for _, w := range workers {
		wg.Go(func() {
			defer w.shut()
			w.run(ctx, from, until)
		})
	}
	wg.Wait()
	res := merge(workers)
	res.RunID, res.Mode, res.URL, res.Concurrency, res.Warmup = runID, o.Mode, base, o.Concurrency, o.Warmup
	if o.Mode == ModeBatch {
		res.BatchSize = o.BatchSize
	}
	// The measured time runs to the end of the last request started in the
	// window, not to the window's end, so that rates are not inflated by
	// requests that finished after it.
	res.Elapsed = max(time.Since(from), 0)
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("interrupted: %w", err)
	}
	return res, nil
}

func endpoint(m Mode) string {
	switch m {
	case ModeCustomers:
		return "/api/v1/customers"
	case ModeBatch:
		return "/api/v1/batch"
	}
	return "/api/v1/purchases"
}

// preflight fails fast when the server cannot be reached or refuses the
// key, rather than reporting a run made of nothing but errors. It is one
// request, so net/http's cost does not matter here, and its checks of the
// URL and the server's answer are welcome.
func preflight(ctx context.Context, base, key string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	tr := &http.Transport{
		// No proxy: the run measures the server, not whatever HTTP_PROXY
		// names, and its own connections go straight to the server too.
		Proxy:              nil,
		DialContext:        (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		DisableCompression: true,
		DisableKeepAlives:  true,
	}
	defer tr.CloseIdleConnections()
	c := &http.Client{
		Transport: tr,
		// A redirect is an answer to report, not to follow: the run's own
		// requests would not follow it either.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/connection", nil)
	if err != nil {
		return fmt.Errorf("loadtest.preflight: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the server at %s: %w", base, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	switch code := resp.StatusCode; {
	// 429 means the key was recognised; the run will report the throttling.
	case code/100 == 2, code == http.StatusTooManyRequests:
		return nil
	case code == http.StatusUnauthorized, code == http.StatusForbidden:
		return fmt.Errorf("the server at %s refused the API key (HTTP %d): check --key or PULSE_KEY", base, code)
	default:
		return fmt.Errorf("GET %s/api/v1/connection answered HTTP %d: is this a Pulse server?", base, code)
	}
}

// worker is one client: one connection with one request in flight at a
// time, its own generator, counters and latencies, so that workers share
// nothing while the run lasts.
type worker struct {
	target *target
	gen    *generator
	batch  bool

	conn    net.Conn
	br      *bufio.Reader
	refresh time.Time // when to push the connection's deadline back
	// req holds the request being sent: target.reserve() bytes of room for
	// the head, then the body. It is reused for every request. That is safe
	// because a request is written with one Write that returns only once the
	// bytes are in the kernel (or failed), and its response is read before
	// the next body is built; nothing else holds the buffer, as net/http's
	// transport could, which may still read a request's body after Do
	// returns.
	req  []byte
	resp []byte // the kept part of the last response's body

	// mu guards conn and closed between the worker, the only one to set
	// conn, and shut, which may close it from another goroutine.
	mu     sync.Mutex
	closed bool

	requests, succeeded, events, rejected int64
	rateLimited, unavailable              int64
	retryWaits                            int64
	retrySlept                            time.Duration
	netErrors, badResponses               int64
	errors                                map[int]int64 // other non-2xx statuses
	firstErr                              string
	lat                                   []time.Duration // of 2xx responses
}

// outcome is what one request came to.
type outcome struct {
	status             int // 0 when no response arrived
	accepted, rejected int64
	retryAfter         time.Duration
	bad                bool   // a response that could not be understood
	detail             string // what went wrong, for the report
}

func (w *worker) run(ctx context.Context, from, until time.Time) {
	for ctx.Err() == nil {
		// The body is built before the clock starts, so that latencies are
		// the server's and the connection's, not the generator's.
		w.req = w.gen.next(w.req[:w.target.reserve()])
		began := time.Now()
		if !began.Before(until) {
			return
		}
		out := w.send(ctx, began)
		took := time.Since(began)
		if ctx.Err() != nil {
			return // cut short by the caller: not the server's failure
		}
		measured := !began.Before(from)
		if measured {
			w.record(out, took)
		}
		if out.retryAfter > 0 {
			// A connection left idle through the wait may meet the server's
			// idle timeout just as the next request goes out, which would
			// count as a network error that the server did not make.
			w.drop()
			slept := sleep(ctx, min(out.retryAfter, time.Until(until)))
			if measured {
				w.retryWaits++
				w.retrySlept += slept
			}
		}
	}
}

func (w *worker) record(o outcome, took time.Duration) {
	w.requests++
	switch {
	case o.bad:
		w.badResponses++
	case o.status == 0:
		w.netErrors++
	case o.status/100 == 2:
		w.succeeded++
		w.events += o.accepted
		w.rejected += o.rejected
		w.lat = append(w.lat, took)
	case o.status == http.StatusTooManyRequests:
		w.rateLimited++
	case o.status == http.StatusServiceUnavailable:
		w.unavailable++
	default:
		w.errors[o.status]++
	}
	if w.firstErr == "" && o.detail != "" {
		w.firstErr = o.detail
	}
}

// send sends the request in w.req and reads its response.
func (w *worker) send(ctx context.Context, now time.Time) outcome {
	if w.conn != nil && w.br.Buffered() > 0 {
		// Bytes that came before the request was sent answer no request of
		// ours; read as the next response, they would shift every answer
		// after them onto the wrong request.
		w.drop()
	}
	if w.conn == nil {
		if err := w.connect(ctx); err != nil {
			return outcome{detail: "connecting: " + err.Error()}
		}
	}
	if now.After(w.refresh) {
		_ = w.conn.SetDeadline(now.Add(requestTimeout))
		w.refresh = now.Add(requestTimeout / 2)
	}
	_, werr := w.conn.Write(w.target.frame(w.req))
	// After a failed write the server may still have answered, say with a
	// 413 before reading the whole body; that answer is the better report.
	r, err := readResponse(w.br, w.batch, w.resp, now)
	w.resp = r.body[:0]
	if err != nil || werr != nil || r.close {
		w.drop()
	}
	if err != nil {
		switch _, bad := err.(*badResponse); {
		case bad:
			return outcome{status: r.status, bad: true, detail: err.Error()}
		case werr != nil:
			return outcome{detail: "sending the request: " + werr.Error()}
		}
		return outcome{detail: "reading the response: " + err.Error()}
	}
	out := outcome{status: r.status, retryAfter: r.retryAfter}
	switch {
	case out.status/100 == 2 && w.batch:
		w.readBatch(r.body, &out)
	case out.status/100 == 2:
		out.accepted = 1
	case out.status == http.StatusTooManyRequests, out.status == http.StatusServiceUnavailable:
	default:
		out.detail = "HTTP " + strconv.Itoa(out.status) + ": " + sample(r.body)
	}
	return out
}

// connect dials a new connection for the worker, unless the run is over.
func (w *worker) connect(ctx context.Context) error {
	c, err := w.target.dial(ctx)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		c.Close()
		return net.ErrClosed
	}
	w.conn, w.refresh = c, time.Time{}
	if w.br == nil {
		// Responses are small; a larger body is read past the buffer,
		// straight into w.resp, and the memory adds up over thousands of
		// workers.
		w.br = bufio.NewReaderSize(c, 4<<10)
	} else {
		w.br.Reset(c)
	}
	return nil
}

// drop closes the worker's connection so that the next request dials anew.
// Only the worker calls it.
func (w *worker) drop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}

// shut closes the connection for good, and may be called from any
// goroutine: it interrupts a request in flight, and the worker then sees
// its context ended before it could dial again.
func (w *worker) shut() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	if w.conn != nil {
		w.conn.Close()
	}
}

// readBatch takes the accepted and rejected counts from a batch response.
func (w *worker) readBatch(body []byte, out *outcome) {
	accepted, rejected, ok := batchCounts(body)
	if !ok {
		out.bad = true
		out.detail = "HTTP " + strconv.Itoa(out.status) + " without an \"accepted\" count: " + sample(body)
		return
	}
	out.accepted, out.rejected = accepted, rejected
}

// batchCountsJSON is batchCounts for any shape of JSON.
func batchCountsJSON(b []byte) (accepted, rejected int64, ok bool) {
	var r struct {
		Accepted *int64 `json:"accepted"`
		Rejected int64  `json:"rejected"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Accepted == nil {
		return 0, 0, false
	}
	return *r.Accepted, r.Rejected, true
}

func sample(b []byte) string {
	if len(b) > errorSample {
		b = b[:errorSample]
	}
	return strings.TrimSpace(string(b))
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date. It
// returns 0 when there is nothing to wait for.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(min(s, int64(maxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter)
	}
	return 0
}

// sleep waits d or until ctx ends, and returns how long it waited.
func sleep(ctx context.Context, d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	began := time.Now()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	return time.Since(began)
}

// merge adds up the workers' counts and latencies.
func merge(workers []*worker) *Result {
	r := &Result{Errors: map[int]int64{}}
	n := 0
	for _, w := range workers {
		n += len(w.lat)
	}
	lat := make([]time.Duration, 0, n)
	for _, w := range workers {
		r.Requests += w.requests
		r.Succeeded += w.succeeded
		r.Events += w.events
		r.Rejected += w.rejected
		r.RateLimited += w.rateLimited
		r.Unavailable += w.unavailable
		r.RetryWaits += w.retryWaits
		r.RetrySlept += w.retrySlept
		r.NetErrors += w.netErrors
		r.BadResponses += w.badResponses
		for status, c := range w.errors {
			r.Errors[status] += c
		}
		if r.FirstError == "" {
			r.FirstError = w.firstErr
		}
		lat = append(lat, w.lat...)
	}
	r.Latency = percentiles(lat)
	return r
}

// newRand returns a fast, unshared random source; the load needs variety,
// not unpredictability.
func newRand() *mrand.Rand {
	return mrand.New(mrand.NewPCG(mrand.Uint64(), mrand.Uint64()))
}
