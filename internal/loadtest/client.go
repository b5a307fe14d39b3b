package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The request loop speaks HTTP/1.1 itself rather than through net/http:
// on a machine shared with the server, net/http's client spent more CPU per
// request than a small server does answering it, so the run measured the
// generator. This client does only what the run needs: one keep-alive
// connection per worker, one request in flight on it, and just enough of
// the response (status, framing, Retry-After, Connection: close) to count
// it and keep the connection in step.

// target is what every request of a run shares: where to connect and the
// fixed part of the request head.
type target struct {
	addr string      // host:port to dial
	tls  *tls.Config // nil for http
	// head is the request line and headers up to the Content-Length value,
	// which differs from one body to the next.
	head []byte
}

// lengthRoom is the most the Content-Length value and the blank line after
// it can take: 20 digits, then CRLF CRLF.
const lengthRoom = 20 + 4

func newTarget(base, path, key string) (*target, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("--url %q: %w", base, err)
	}
	t := &target{}
	port := u.Port()
	switch u.Scheme {
	case "http":
		if port == "" {
			port = "80"
		}
	case "https":
		if port == "" {
			port = "443"
		}
		t.tls = &tls.Config{ServerName: u.Hostname()}
	default:
		return nil, fmt.Errorf("--url %q: must be http:// or https://", base)
	}
	t.addr = net.JoinHostPort(u.Hostname(), port)
	var h []byte
	h = append(h, "POST "...)
	h = append(h, strings.TrimRight(u.EscapedPath(), "/")...)
	h = append(h, path...)
	h = append(h, " HTTP/1.1\r\nHost: "...)
	h = append(h, u.Host...)
	h = append(h, "\r\nAuthorization: Bearer "...)
	h = append(h, key...)
	h = append(h, "\r\nContent-Type: application/json\r\nContent-Length: "...)
	t.head = h
	return t, nil
}

// dial opens a connection ready for requests.
func (t *target) dial(ctx context.Context) (net.Conn, error) {
	d := net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	c, err := d.DialContext(ctx, "tcp", t.addr)
	if err != nil {
		return nil, err
	}
	// Each request goes out in one write and nothing follows it until the
	// response, so Nagle's algorithm could only delay it.
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	if t.tls == nil {
		return c, nil
	}
	tc := tls.Client(c, t.tls)
	hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		c.Close()
		return nil, err
	}
	return tc, nil
}

// frame turns buf, reserve() bytes of room followed by a body, into a
// request and returns it. The head goes into the end of the room, right
// before the body, so that the body, up to megabytes in batch mode, is
// never copied.
func (t *target) frame(buf []byte) []byte {
	room := t.reserve()
	var digits [20]byte
	n := strconv.AppendInt(digits[:0], int64(len(buf)-room), 10)
	start := room - 4 - len(n) - len(t.head)
	i := start + copy(buf[start:], t.head)
	i += copy(buf[i:], n)
	copy(buf[i:], "\r\n\r\n")
	return buf[start:]
}

// reserve is how many bytes frame needs in front of the body.
func (t *target) reserve() int { return len(t.head) + lengthRoom }

// badResponse is a response that does not follow HTTP/1.1, as opposed to
// one that did not arrive whole; the run counts the two apart.
type badResponse struct{ msg string }

func (e *badResponse) Error() string { return "malformed response: " + e.msg }

func malformed(format string, args ...any) error {
	return &badResponse{fmt.Sprintf(format, args...)}
}

// response is what the run needs of one HTTP response.
type response struct {
	status     int
	retryAfter time.Duration // from a 429 or 503
	close      bool          // the connection cannot carry another request
	body       []byte        // the kept part of the body
}

const (
	// maxHeaderBytes matches net/http's server default; a response head
	// beyond it is not one worth waiting for.
	maxHeaderBytes = 1 << 20
	// maxChunkSize refuses chunk sizes that could only be garbage, well
	// before they could overflow.
	maxChunkSize = 1 << 40
)

// keepLimit is how much of a body with this status the run looks at: a
// batch's counts, the start of an error to show, nothing of the rest.
func keepLimit(status int, batch bool) int {
	switch {
	case status/100 == 2:
		if batch {
			return maxBody
		}
		return 0
	case status == 429, status == 503:
		return 0
	}
	return errorSample
}

// readResponse reads one response from br, skipping informational ones.
// It keeps the part of the body keepLimit asks for in kept's storage and
// discards the rest. An error is a *badResponse when the bytes made no
// sense as HTTP; either way the connection is out of step and must go.
func readResponse(br *bufio.Reader, batch bool, kept []byte, now time.Time) (response, error) {
	for {
		r, err := readOne(br, batch, kept, now)
		switch {
		case err != nil || r.status >= 200:
			return r, err
		case r.status == 101:
			// A switch of protocols, which a POST here never asks for.
			return r, malformed("unexpected 101 Switching Protocols")
		}
		// Any other 1xx is informational: the real answer follows.
	}
}

func readOne(br *bufio.Reader, batch bool, kept []byte, now time.Time) (response, error) {
	r := response{body: kept[:0]}
	line, long, err := readLine(br)
	if err != nil {
		return r, err
	}
	if long {
		return r, malformed("status line too long")
	}
	status, http10, ok := parseStatusLine(line)
	if !ok {
		return r, malformed("status line %q", sample(line))
	}
	r.status, r.close = status, http10
	length, chunked := int64(-1), false
	size := len(line)
	for {
		line, long, err := readLine(br)
		if err != nil {
			return r, unexpected(err)
		}
		if size += len(line); size > maxHeaderBytes {
			return r, malformed("header over %d bytes", maxHeaderBytes)
		}
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue // obsolete line folding, and never of a header that matters here
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return r, malformed("header line %q", sample(line))
		}
		name, value := line[:colon], bytes.Trim(line[colon+1:], " \t")
		h := headerOf(name)
		if long && h != otherHeader {
			return r, malformed("%s header too long", name)
		}
		switch h {
		case contentLength:
			n, ok := parseLength(value)
			if !ok || (length >= 0 && n != length) {
				return r, malformed("Content-Length %q", sample(value))
			}
			length = n
		case transferEncoding:
			if !foldEq(value, "chunked") {
				return r, malformed("Transfer-Encoding %q", sample(value))
			}
			chunked = true
		case connection:
			if hasToken(value, "close") {
				r.close = true
			}
		case retryAfter:
			if status == 429 || status == 503 {
				r.retryAfter = parseRetryAfter(string(value), now)
			}
		}
	}
	if status < 200 || status == 204 || status == 304 {
		return r, nil
	}
	limit := keepLimit(status, batch)
	switch {
	case chunked:
		r.body, err = readChunked(br, r.body, limit)
	case length >= 0:
		r.body, err = readN(br, length, r.body, limit)
	default:
		// Without a length the body runs to the end of the connection.
		r.close = true
		r.body, err = readN(br, -1, r.body, limit)
	}
	return r, err
}

// header names the response headers that matter to the run.
type header int

const (
	otherHeader header = iota
	contentLength
	transferEncoding
	connection
	retryAfter
)

// headerOf tells which header name is, looking at its length first since
// most headers a server sends match none.
func headerOf(name []byte) header {
	switch len(name) {
	case len("content-length"):
		if foldEq(name, "content-length") {
			return contentLength
		}
	case len("transfer-encoding"):
		if foldEq(name, "transfer-encoding") {
			return transferEncoding
		}
	case len("connection"):
		if foldEq(name, "connection") {
			return connection
		}
	case len("retry-after"):
		if foldEq(name, "retry-after") {
			return retryAfter
		}
	}
	return otherHeader
}

// readLine returns the next line without its line ending, valid until the
// next read from br. A line longer than br's buffer comes back as its first
// buffer-full with long set, the rest skipped.
func readLine(br *bufio.Reader) (line []byte, long bool, err error) {
	line, err = br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// The first part is overwritten by the skipping below, so copy
		// what a caller may look at; long lines are rare enough to afford it.
		first := bytes.Clone(line)
		for err == bufio.ErrBufferFull {
			_, err = br.ReadSlice('\n')
		}
		if err != nil {
			return nil, true, unexpected(err)
		}
		return first, true, nil
	}
	if err != nil {
		if len(line) > 0 {
			err = unexpected(err)
		}
		return nil, false, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, false, nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// parseStatusLine reads "HTTP/1.x NNN reason".
func parseStatusLine(line []byte) (status int, http10, ok bool) {
	if len(line) < len("HTTP/1.1 200") || string(line[:7]) != "HTTP/1." || line[8] != ' ' ||
		line[7] < '0' || line[7] > '9' || (len(line) > 12 && line[12] != ' ') {
		return 0, false, false
	}
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return 0, false, false
		}
		status = status*10 + int(c-'0')
	}
	if status < 100 {
		return 0, false, false
	}
	return status, line[7] == '0', true
}

// parseLength reads a Content-Length: digits only, as net/http insists.
func parseLength(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// readN reads a body of n bytes, or up to the end of the stream when n is
// negative, keeping up to limit bytes of it, in all, in kept.
func readN(br *bufio.Reader, n int64, kept []byte, limit int) ([]byte, error) {
	if room := limit - len(kept); room > 0 && n != 0 {
		want := room
		if n > 0 {
			want = int(min(int64(room), n))
		}
		var got int
		var err error
		kept, got, err = readInto(br, kept, want)
		if n < 0 && err == io.EOF {
			return kept, nil
		}
		if err != nil {
			return kept, unexpected(err)
		}
		if n > 0 {
			n -= int64(got)
		}
	}
	if n < 0 {
		_, err := io.Copy(io.Discard, br)
		return kept, err
	}
	for n > 0 {
		d, err := br.Discard(int(min(n, 1<<30)))
		n -= int64(d)
		if err != nil {
			return kept, unexpected(err)
		}
	}
	return kept, nil
}

// readInto appends want bytes from br to kept, or fewer and io.EOF when the
// stream ends first.
func readInto(br *bufio.Reader, kept []byte, want int) ([]byte, int, error) {
	got := 0
	for got < want {
		if len(kept) == cap(kept) {
			// Grow towards the need rather than by the limit at once: a batch
			// body may keep up to maxBody, but none comes near it.
			kept = slices.Grow(kept, min(want-got, max(4096, cap(kept))))
		}
		m, err := br.Read(kept[len(kept):min(cap(kept), len(kept)+want-got)])
		kept = kept[:len(kept)+m]
		got += m
		if err != nil {
			return kept, got, err
		}
	}
	return kept, got, nil
}

// readChunked reads a chunked body and its trailers.
func readChunked(br *bufio.Reader, kept []byte, limit int) ([]byte, error) {
	for {
		line, long, err := readLine(br)
		if err != nil {
			return kept, unexpected(err)
		}
		if long {
			return kept, malformed("chunk header too long")
		}
		size, ok := parseChunkSize(line)
		if !ok {
			return kept, malformed("chunk size %q", sample(line))
		}
		if size == 0 {
			break
		}
		if kept, err = readN(br, size, kept, limit); err != nil {
			return kept, err
		}
		line, _, err = readLine(br)
		if err != nil {
			return kept, unexpected(err)
		}
		if len(line) != 0 {
			return kept, malformed("chunk not followed by CRLF")
		}
	}
	for size := 0; ; {
		line, _, err := readLine(br)
		if err != nil {
			return kept, unexpected(err)
		}
		if len(line) == 0 {
			return kept, nil
		}
		if size += len(line); size > maxHeaderBytes {
			return kept, malformed("trailer over %d bytes", maxHeaderBytes)
		}
	}
}

// parseChunkSize reads the hexadecimal size of a chunk, ignoring any
// extensions after a semicolon.
func parseChunkSize(line []byte) (int64, bool) {
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimRight(line, " \t")
	if len(line) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range line {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		n = n<<4 | int64(c)
		if n > maxChunkSize {
			return 0, false
		}
	}
	return n, true
}

// foldEq reports whether b equals the lower-case ASCII s, ignoring case.
func foldEq(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// hasToken reports whether the comma-separated list v holds token, in
// any case.
func hasToken(v []byte, token string) bool {
	for len(v) > 0 {
		item := v
		if i := bytes.IndexByte(v, ','); i >= 0 {
			item, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		if foldEq(bytes.Trim(item, " \t"), token) {
			return true
		}
	}
	return false
}

// batchCounts reads the accepted and rejected counts of a batch response.
// Pulse writes them first, so they are read straight off the front, which
// also ensures they are the top-level ones rather than text inside a
// result; any other shape goes to encoding/json.
func batchCounts(b []byte) (accepted, rejected int64, ok bool) {
	rest := bytes.TrimLeft(b, " \t\r\n")
	if rest, ok = bytes.CutPrefix(rest, []byte(`{"accepted":`)); ok {
		if accepted, rest, ok = leadingInt(rest); ok {
			if rest, ok = bytes.CutPrefix(rest, []byte(`,"rejected":`)); ok {
				if rejected, rest, ok = leadingInt(rest); ok && len(rest) > 0 && (rest[0] == ',' || rest[0] == '}') {
					return accepted, rejected, true
				}
			}
		}
	}
	return batchCountsJSON(b)
}

// leadingInt reads the digits at the start of b.
func leadingInt(b []byte) (int64, []byte, bool) {
	i := 0
	var n int64
	for ; i < len(b) && i < 18 && '0' <= b[i] && b[i] <= '9'; i++ {
		n = n*10 + int64(b[i]-'0')
	}
	if i == 0 || (i < len(b) && '0' <= b[i] && b[i] <= '9') {
		return 0, b, false
	}
	return n, b[i:], true
}
