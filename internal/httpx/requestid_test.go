package httpx_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"pulse/internal/httpx"
)

// serve runs one request with the given incoming X-Request-Id (none when
// nil) through WithRequestID and returns the id the handler saw and the
// response's header values.
func serve(t *testing.T, incoming *string) (seen string, header []string) {
	t.Helper()
	var called bool
	h := httpx.WithRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called = true
		seen = httpx.RequestID(r.Context())
		w.WriteHeader(http.StatusNoContent)
	}))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if incoming != nil {
		r.Header.Set(httpx.RequestIDHeader, *incoming)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if !called {
		t.Fatal("next handler not called")
	}
	return seen, w.Result().Header.Values(httpx.RequestIDHeader)
}

var generated = regexp.MustCompile(`^[0-9a-f]{24}$`)

func TestWithRequestID(t *testing.T) {
	t.Parallel()
	if httpx.RequestIDHeader != "X-Request-Id" {
		t.Fatalf("RequestIDHeader = %q", httpx.RequestIDHeader)
	}
	tests := []struct {
		name string
		in   *string
		keep bool
	}{
		{"none", nil, false},
		{"empty", ptr(""), false},
		{"simple", ptr("abc123"), true},
		{"all allowed characters", ptr("AZaz09-_."), true},
		{"uuid", ptr("0f8fad5b-d9cb-469f-a165-70867728950e"), true},
		{"64 characters", ptr(strings.Repeat("a", 64)), true},
		{"65 characters", ptr(strings.Repeat("a", 65)), false},
		{"space", ptr("abc 123"), false},
		{"slash", ptr("a/b"), false},
		{"colon", ptr("a:b"), false},
		{"non-ASCII", ptr("zoë"), false},
		{"header injection", ptr("abc\r\nSet-Cookie: x=y"), false},
		{"log injection", ptr("abc\nlevel=ERROR"), false},
		{"quote", ptr(`a"b`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			seen, header := serve(t, tt.in)
			if len(header) != 1 {
				t.Fatalf("response has %d %s headers, want 1: %q", len(header), httpx.RequestIDHeader, header)
			}
			if header[0] != seen {
				t.Errorf("response header %q differs from RequestID(ctx) %q", header[0], seen)
			}
			if tt.keep {
				if seen != *tt.in {
					t.Errorf("valid incoming id %q replaced by %q", *tt.in, seen)
				}
				return
			}
			if !generated.MatchString(seen) {
				t.Errorf("id = %q, want a fresh 24-hex-digit id", seen)
			}
		})
	}
}

func TestWithRequestIDFresh(t *testing.T) {
	t.Parallel()
	a, _ := serve(t, nil)
	b, _ := serve(t, ptr("bad id"))
	if a == b {
		t.Errorf("two requests got the same generated id %q", a)
	}
}

func TestRequestIDWithoutMiddleware(t *testing.T) {
	t.Parallel()
	if id := httpx.RequestID(context.Background()); id != "" {
		t.Errorf("RequestID(Background) = %q, want empty", id)
	}
}

func ptr(s string) *string { return &s }
