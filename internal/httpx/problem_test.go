package httpx_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"pulse/internal/httpx"
)

func TestNewProblem(t *testing.T) {
	t.Parallel()
	p := httpx.NewProblem(http.StatusUnprocessableEntity, "validation", "name is required")
	if p.Type != "urn:pulse:problem:validation" || p.Title != "Unprocessable Entity" || p.Status != 422 || p.Detail != "name is required" {
		t.Errorf("NewProblem = %+v", p)
	}
	if got, want := p.Error(), "422 Unprocessable Entity: name is required"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := httpx.TypeURI("rate-limited"); got != "urn:pulse:problem:rate-limited" {
		t.Errorf("TypeURI = %q", got)
	}
}

func TestWriteProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter time.Duration
		wantRetry  string // "" for no header
	}{
		{"no retry", 0, ""},
		{"negative retry", -time.Second, ""},
		{"1ns rounds up to 1", time.Nanosecond, "1"},
		{"1ms rounds up to 1", time.Millisecond, "1"},
		{"1s", time.Second, "1"},
		{"1500ms rounds up to 2", 1500 * time.Millisecond, "2"},
		{"2s", 2 * time.Second, "2"},
		{"2001ms rounds up to 3", 2001 * time.Millisecond, "3"},
		{"an hour", time.Hour, "3600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := httpx.NewProblem(http.StatusTooManyRequests, "rate-limited", "slow down")
			p.RetryAfter = tt.retryAfter
			p.RequestID = "req-1"
			p.Errors = []httpx.FieldError{{Field: "limit", Message: "too many"}}
			w := httptest.NewRecorder()
			httpx.WriteProblem(w, p)

			if w.Code != http.StatusTooManyRequests {
				t.Errorf("status = %d, want 429", w.Code)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/problem+json; charset=utf-8" {
				t.Errorf("Content-Type = %q, want application/problem+json; charset=utf-8", ct)
			}
			got, present := w.Header()["Retry-After"]
			switch {
			case tt.wantRetry == "" && present:
				t.Errorf("Retry-After = %q, want none", got)
			case tt.wantRetry != "" && (len(got) != 1 || got[0] != tt.wantRetry):
				t.Errorf("Retry-After = %q, want %q", got, tt.wantRetry)
			}
			body := w.Body.Bytes()
			if cl := w.Header().Get("Content-Length"); cl != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length = %q, body is %d bytes", cl, len(body))
			}
			if !strings.HasSuffix(string(body), "}\n") {
				t.Errorf("body %q does not end in a newline", body)
			}
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatalf("body %q: %v", body, err)
			}
			want := map[string]any{
				"type": "urn:pulse:problem:rate-limited", "title": "Too Many Requests",
				"status": float64(429), "detail": "slow down", "request_id": "req-1",
			}
			for k, v := range want {
				if m[k] != v {
					t.Errorf("body[%q] = %v, want %v", k, m[k], v)
				}
			}
			if _, ok := m["RetryAfter"]; ok {
				t.Error("RetryAfter leaked into the body")
			}
			errs, _ := m["errors"].([]any)
			if len(errs) != 1 {
				t.Fatalf("body errors = %v, want one", m["errors"])
			}
			if e, _ := errs[0].(map[string]any); e["field"] != "limit" || e["message"] != "too many" {
				t.Errorf("body errors[0] = %v", errs[0])
			}
		})
	}
}

func TestWriteProblemOmitsEmptyFields(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	httpx.WriteProblem(w, httpx.NewProblem(http.StatusNotFound, "not-found", ""))
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"detail", "instance", "errors", "request_id"} {
		if _, ok := m[k]; ok {
			t.Errorf("body has empty %q: %s", k, w.Body)
		}
	}
	if w.Code != http.StatusNotFound || m["status"] != float64(404) {
		t.Errorf("status %d, body %s", w.Code, w.Body)
	}
}

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	httpx.WriteJSON(w, http.StatusCreated, map[string]string{"name": "Zoë <b>"})
	if w.Code != http.StatusCreated {
		t.Errorf("status = %d, want 201", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	var m map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil || m["name"] != "Zoë <b>" {
		t.Errorf("body %q: %v, %v", w.Body, m, err)
	}
	if cl := w.Header().Get("Content-Length"); cl != strconv.Itoa(w.Body.Len()) {
		t.Errorf("Content-Length = %q, body is %d bytes", cl, w.Body.Len())
	}

	// A value that cannot be marshalled gives a 500, not a half-written body.
	w = httptest.NewRecorder()
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"f": func() {}})
	if w.Code != http.StatusInternalServerError {
		t.Errorf("unmarshalable value: status = %d, want 500", w.Code)
	}
}
