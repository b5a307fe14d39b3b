package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pipeReader serves raw bytes from the far end of a net.Pipe, as a server
// would over a connection, in small writes so that the parser meets
// responses split at awkward places.
func pipeReader(t *testing.T, raw string) *bufio.Reader {
	t.Helper()
	client, server := net.Pipe()
	t.Cleanup(func() { client.Close() })
	go func() {
		defer server.Close()
		for b := []byte(raw); len(b) > 0; {
			n := min(len(b), 7)
			if _, err := server.Write(b[:n]); err != nil {
				return
			}
			b = b[n:]
		}
	}()
	// A small buffer, so that headers and bodies cross its boundary too.
	return bufio.NewReaderSize(client, 64)
}

func TestReadResponse(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	type want struct {
		status int
		body   string
		close  bool
		retry  time.Duration
	}
	cases := []struct {
		name  string
		raw   string
		batch bool
		want  []want // responses read in turn from the same stream
	}{
		{"content length, kept alive",
			"HTTP/1.1 201 Created\r\nContent-Length: 10\r\nContent-Type: application/json\r\n\r\n{\"id\":\"x\"}" +
				"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}",
			true, []want{{status: 201, body: `{"id":"x"}`}, {status: 200, body: `{}`}}},
		{"body discarded unless needed",
			"HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\n{\"id\":\"x\"}HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
			false, []want{{status: 201}, {status: 201}}},
		{"chunked with extensions and trailers",
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"4;ext=1\r\n{\"ac\r\n" + "a\r\ncepted\":3,\r\n" + "0E \r\n\"rejected\":0}\n\r\n" + "0\r\nX-Trailer: 1\r\n\r\n" +
				"HTTP/1.1 201 Created\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n",
			true, []want{{status: 200, body: "{\"accepted\":3,\"rejected\":0}\n"}, {status: 201}}},
		{"chunked, discarded",
			"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n" +
				"HTTP/1.1 204 No Content\r\n\r\n",
			false, []want{{status: 201}, {status: 204}}},
		{"connection close",
			"HTTP/1.1 201 Created\r\nConnection: keep-alive, Close\r\nContent-Length: 2\r\n\r\n{}",
			false, []want{{status: 201, close: true}}},
		{"HTTP/1.0 closes",
			"HTTP/1.0 201 Created\r\nContent-Length: 2\r\n\r\n{}",
			false, []want{{status: 201, close: true}}},
		{"no length reads to the end",
			"HTTP/1.1 201 Created\r\n\r\n{\"accepted\":1,\"rejected\":0}",
			true, []want{{status: 201, body: `{"accepted":1,"rejected":0}`, close: true}}},
		{"Retry-After in seconds",
			"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nContent-Length: 5\r\n\r\nslow!" +
				"HTTP/1.1 503 Service Unavailable\r\nRetry-After:  120 \r\nContent-Length: 0\r\n\r\n",
			false, []want{{status: 429, retry: 3 * time.Second}, {status: 503, retry: 2 * time.Minute}}},
		{"Retry-After as a date",
			"HTTP/1.1 503 Service Unavailable\r\nRetry-After: Fri, 20 Nov 2026 10:00:05 GMT\r\nContent-Length: 0\r\n\r\n",
			false, []want{{status: 503, retry: 5 * time.Second}}},
		{"Retry-After only counts on 429 and 503",
			"HTTP/1.1 201 Created\r\nRetry-After: 3\r\nContent-Length: 0\r\n\r\n",
			false, []want{{status: 201}}},
		{"informational responses skipped",
			"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
			false, []want{{status: 201}}},
		{"error body sampled",
			"HTTP/1.1 422 Unprocessable Entity\r\nContent-Length: 1000\r\n\r\n" + strings.Repeat("e", 1000) +
				"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
			false, []want{{status: 422, body: strings.Repeat("e", errorSample)}, {status: 201}}},
		{"long header that does not matter",
			"HTTP/1.1 201 Created\r\nX-Padding: " + strings.Repeat("p", 500) + "\r\n \tfolded\r\nContent-Length: 2\r\n\r\n{}",
			true, []want{{status: 201, body: `{}`}}},
		{"bare LF line endings",
			"HTTP/1.1 201 Created\nContent-Length: 2\n\n{}",
			true, []want{{status: 201, body: `{}`}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			br := pipeReader(t, c.raw)
			var kept []byte
			for i, w := range c.want {
				r, err := readResponse(br, c.batch, kept, now)
				if err != nil {
					t.Fatalf("response %d: %v", i, err)
				}
				if r.status != w.status || string(r.body) != w.body || r.close != w.close || r.retryAfter != w.retry {
					t.Fatalf("response %d: status %d, body %q, close %t, retry %s; want %+v",
						i, r.status, r.body, r.close, r.retryAfter, w)
				}
				kept = r.body[:0]
			}
			if _, err := br.ReadByte(); err != io.EOF {
				t.Errorf("bytes left after the last response (%v)", err)
			}
		})
	}
}

func TestReadResponseErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		raw  string
		bad  bool // malformed, rather than cut short
	}{
		{"not HTTP", "SSH-2.0-OpenSSH_9.6\r\n", true},
		{"status not a number", "HTTP/1.1 2x1 Created\r\n\r\n", true},
		{"status too short", "HTTP/1.1 20\r\n\r\n", true},
		{"status runs on", "HTTP/1.1 2011 Created\r\n\r\n", true},
		{"HTTP/2 status line", "HTTP/2 201\r\n\r\n", true},
		{"status line over the buffer", "HTTP/1.1 201 " + strings.Repeat("x", 200) + "\r\n\r\n", true},
		{"header without a colon", "HTTP/1.1 201 Created\r\nContent-Length 2\r\n\r\n{}", true},
		{"bad length", "HTTP/1.1 201 Created\r\nContent-Length: 2x\r\n\r\n{}", true},
		{"negative length", "HTTP/1.1 201 Created\r\nContent-Length: -1\r\n\r\n", true},
		{"conflicting lengths", "HTTP/1.1 201 Created\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", true},
		{"length header too long", "HTTP/1.1 201 Created\r\nContent-Length: " + strings.Repeat("0", 200) + "2\r\n\r\n{}", true},
		{"unsupported transfer coding", "HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", true},
		{"bad chunk size", "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", true},
		{"chunk size overflow", "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", true},
		{"chunk without CRLF", "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}xx\r\n0\r\n\r\n", true},
		{"switching protocols", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", true},
		{"closed before answering", "", false},
		{"cut in the status line", "HTTP/1.1 20", false},
		{"cut in the headers", "HTTP/1.1 201 Created\r\nContent-Len", false},
		{"cut in the body", "HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\n{\"id\"", false},
		{"cut in a chunk", "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\na\r\n{\"id\"", false},
		{"cut before the last chunk", "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := readResponse(pipeReader(t, c.raw), true, nil, time.Now())
			var bad *badResponse
			if err == nil || errors.As(err, &bad) != c.bad {
				t.Fatalf("error %v; want malformed %t", err, c.bad)
			}
		})
	}
}

func TestBatchCounts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body               string
		accepted, rejected int64
		ok                 bool
	}{
		{`{"accepted":499,"rejected":1,"results":[{"index":0,"status":422}]}` + "\n", 499, 1, true},
		{`{"accepted":0,"rejected":0}`, 0, 0, true},
		// Other shapes go through encoding/json.
		{` { "rejected": 2, "accepted": 7 }`, 7, 2, true},
		{`{"results":[{"error":{"detail":"\"accepted\":5"}}],"accepted":1,"rejected":1}`, 1, 1, true},
		{`{"accepted":12345678901234567890,"rejected":0}`, 0, 0, false},
		{`{"accepted":3.5,"rejected":0}`, 0, 0, false},
		{`{"rejected":3}`, 0, 0, false},
		{`{"accepted":3,"rejected":0`, 0, 0, false},
		{`<html>`, 0, 0, false},
		{``, 0, 0, false},
	}
	for _, c := range cases {
		a, r, ok := batchCounts([]byte(c.body))
		if a != c.accepted || r != c.rejected || ok != c.ok {
			t.Errorf("batchCounts(%q) = %d, %d, %t; want %d, %d, %t", c.body, a, r, ok, c.accepted, c.rejected, c.ok)
		}
	}
}

// reply is one scripted answer of a rawServer: raw bytes, then the
// connection closed if hangUp.
type reply struct {
	raw    string
	hangUp bool
}

// rawServer accepts connections on a local listener and answers each
// request with the next of its scripted replies.
type rawServer struct {
	t    *testing.T
	ln   net.Listener
	mu   sync.Mutex
	reqs []*http.Request // as parsed by net/http, bodies read
	body [][]byte
	n    int // responses sent
	// conns counts accepted connections.
	conns int
}

func newRawServer(t *testing.T, script ...reply) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{t: t, ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
			go s.serve(c, script)
		}
	}()
	return s
}

func (s *rawServer) serve(c net.Conn, script []reply) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, req)
		s.body = append(s.body, body)
		i := s.n
		s.n++
		s.mu.Unlock()
		if i >= len(script) {
			return
		}
		if _, err := io.WriteString(c, script[i].raw); err != nil || script[i].hangUp {
			return
		}
	}
}

func (s *rawServer) url() string { return "http://" + s.ln.Addr().String() }

func newTestWorker(t testing.TB, base string, mode Mode) *worker {
	t.Helper()
	tg, err := newTarget(base, endpoint(mode), testKey)
	if err != nil {
		t.Fatal(err)
	}
	w := &worker{
		target: tg,
		gen:    newGenerator("lt_Ab3dE9xZ", new(atomic.Uint64), time.Now().UTC(), mode, 3),
		batch:  mode == ModeBatch,
		req:    make([]byte, tg.reserve()),
		errors: map[int]int64{},
	}
	t.Cleanup(w.shut)
	return w
}

func (w *worker) sendNext(ctx context.Context) outcome {
	w.req = w.gen.next(w.req[:w.target.reserve()])
	return w.send(ctx, time.Now())
}

// The worker's requests must be what net/http reads as well-formed, and it
// must keep its connection in step across the ways responses end.
func TestWorkerOverLoopback(t *testing.T) {
	t.Parallel()
	withLength := func(head, body string) string {
		return head + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	s := newRawServer(t,
		// A stray response after the real one must not be taken for the
		// next request's.
		reply{raw: withLength("HTTP/1.1 201 Created", `{"accepted":2,"rejected":1,"results":[{"index":0}]}`+"\n") +
			withLength("HTTP/1.1 500 Stray", "")},
		reply{raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
			"1b\r\n" + `{"accepted":3,"rejected":0}` + "\r\n0\r\n\r\n"},
		reply{raw: "garbage\r\n\r\n"},
		reply{raw: withLength("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2", "")},
		reply{raw: withLength("HTTP/1.1 503 Service Unavailable\r\nRetry-After: "+
			time.Now().Add(time.Minute).UTC().Format(http.TimeFormat), "")},
		reply{raw: withLength("HTTP/1.1 409 Conflict", "duplicate")},
		reply{raw: "HTTP/1.1 201 Created\r\nContent-Length: 6\r\n\r\n{}", hangUp: true},
		reply{hangUp: true},
	)
	w := newTestWorker(t, s.url()+"/", ModeBatch)
	ctx := context.Background()
	var outs []outcome
	for range 8 {
		o := w.sendNext(ctx)
		w.record(o, time.Millisecond)
		outs = append(outs, o)
	}
	checks := []struct {
		ok   bool
		what string
	}{
		{outs[0].status == 201 && outs[0].accepted == 2 && outs[0].rejected == 1, "201 with counts"},
		{outs[1].status == 200 && outs[1].accepted == 3, "chunked 200 with counts"},
		{outs[2].bad && strings.Contains(outs[2].detail, "malformed response"), "garbage is a bad response"},
		{outs[3].status == 429 && outs[3].retryAfter == 2*time.Second, "429 with Retry-After"},
		{outs[4].status == 503 && outs[4].retryAfter > 50*time.Second, "503 with a Retry-After date"},
		{outs[5].status == 409 && outs[5].detail == "HTTP 409: duplicate", "409 with its body"},
		{outs[6].status == 0 && strings.Contains(outs[6].detail, "unexpected EOF"), "a body cut short is a network error"},
		{outs[7].status == 0 && strings.Contains(outs[7].detail, "EOF"), "no answer is a network error"},
	}
	for i, c := range checks {
		if !c.ok {
			t.Errorf("request %d: %s: got %+v", i, c.what, outs[i])
		}
	}
	if w.succeeded != 2 || w.events != 5 || w.badResponses != 1 || w.netErrors != 2 ||
		w.rateLimited != 1 || w.unavailable != 1 || w.errors[409] != 1 {
		t.Errorf("counts: %d succeeded, %d events, %d bad, %d network, %d 429, %d 503, errors %v",
			w.succeeded, w.events, w.badResponses, w.netErrors, w.rateLimited, w.unavailable, w.errors)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// One connection until the stray response, one until Connection:
	// close, one until the garbage, one until the cut body, one that the
	// server closed at once.
	if s.conns != 5 {
		t.Errorf("%d connections, want 5", s.conns)
	}
	for i, r := range s.reqs {
		if r.Method != "POST" || r.URL.Path != "/api/v1/batch" || r.Host != s.ln.Addr().String() ||
			r.Header.Get("Authorization") != "Bearer "+testKey || r.Header.Get("Content-Type") != "application/json" ||
			r.ContentLength != int64(len(s.body[i])) || !bytes.HasPrefix(s.body[i], []byte(`{"events":[`)) {
			t.Errorf("request %d: %s %s host %q, headers %v, body %q", i, r.Method, r.URL, r.Host, r.Header, s.body[i])
		}
	}
}

func TestTargetKeepsBasePath(t *testing.T) {
	t.Parallel()
	tg, err := newTarget("https://[::1]/pulse", "/api/v1/purchases", "k")
	if err != nil {
		t.Fatal(err)
	}
	want := "POST /pulse/api/v1/purchases HTTP/1.1\r\nHost: [::1]\r\n"
	if !strings.HasPrefix(string(tg.head), want) || tg.addr != "[::1]:443" || tg.tls == nil || tg.tls.ServerName != "::1" {
		t.Errorf("head %q, addr %q", tg.head, tg.addr)
	}
	buf := append(make([]byte, tg.reserve()), `{"a":1}`...)
	req := string(tg.frame(buf))
	if !strings.HasSuffix(req, "\r\nContent-Length: 7\r\n\r\n{\"a\":1}") || !strings.HasPrefix(req, want) {
		t.Errorf("request %q", req)
	}
}

// An interrupted run must not wait for a server that never answers.
func TestWorkerInterrupted(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, c) }() // reads, never answers
		}
	}()
	w := newTestWorker(t, "http://"+ln.Addr().String(), ModeSingle)
	ctx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, w.shut)
	defer stop()
	time.AfterFunc(100*time.Millisecond, cancel)
	began := time.Now()
	o := w.sendNext(ctx)
	if took := time.Since(began); took > 5*time.Second || o.status != 0 {
		t.Fatalf("send returned %+v after %s", o, took)
	}
	if o := w.sendNext(ctx); o.status != 0 || w.conn != nil {
		t.Fatalf("a worker shut down dialled again: %+v", o)
	}
}

// rawOK answers every request it reads with a fixed 201 and allocates
// nothing while doing so, so that the allocation count below is the
// worker's own.
func rawOK(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	resp := []byte("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"id\":\"x\"}")
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReaderSize(c, 64<<10)
				for {
					var length int64
					for {
						line, err := br.ReadSlice('\n')
						if err != nil {
							return
						}
						if len(line) <= 2 {
							break
						}
						if name, value, ok := bytes.Cut(line, []byte(": ")); ok && foldEq(name, "content-length") {
							length, _ = parseLength(bytes.TrimSpace(value))
						}
					}
					if _, err := br.Discard(int(length)); err != nil {
						return
					}
					if _, err := c.Write(resp); err != nil {
						return
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

func TestSendDoesNotAllocate(t *testing.T) {
	for _, mode := range []Mode{ModeSingle, ModeBatch} {
		w := newTestWorker(t, rawOK(t), mode)
		w.batch = false // the raw server's answer has no counts
		ctx := context.Background()
		for range 10 { // connect and grow the buffers first
			if o := w.sendNext(ctx); o.status != 201 {
				t.Fatalf("%s: %+v", mode, o)
			}
		}
		if n := testing.AllocsPerRun(200, func() { w.sendNext(ctx) }); n > 0.1 {
			t.Errorf("%s: %.2f allocations per request", mode, n)
		}
	}
}

func BenchmarkSend(b *testing.B) {
	w := newTestWorker(b, rawOK(b), ModeSingle)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if o := w.sendNext(ctx); o.status != 201 {
			b.Fatal(strconv.Itoa(o.status) + " " + o.detail)
		}
	}
}

func TestWorkerOverTLS(t *testing.T) {
	t.Parallel()
	f := &fakePulse{t: t, ids: map[string]int{}}
	srv := httptest.NewTLSServer(f.ingest(f.purchases))
	t.Cleanup(srv.Close)
	w := newTestWorker(t, srv.URL, ModeSingle)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	w.target.tls.RootCAs = roots
	for i := range 3 {
		if o := w.sendNext(context.Background()); o.status != http.StatusCreated || o.accepted != 1 {
			t.Fatalf("request %d: %+v", i, o)
		}
	}
	if requests, events, _ := f.counts(); requests != 3 || events != 3 {
		t.Errorf("server saw %d requests, %d events", requests, events)
	}
}
