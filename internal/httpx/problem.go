// Package httpx holds small HTTP helpers shared by the JSON API and the web
// UI: RFC 9457 problem details, strict JSON decoding, JSON responses and the
// client's address. It knows nothing of Pulse's domain.
package httpx

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// FieldError names one invalid field and why.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Problem is an RFC 9457 problem details object. It is also an error, so a
// handler can return one directly.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
	// RequestID lets a user quote a failure to the operator, who finds the
	// logged cause under it.
	RequestID string `json:"request_id,omitempty"`
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter time.Duration `json:"-"`
}

func (p *Problem) Error() string {
	return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
}

// TypeURI is the problem type for a short slug. The URN form needs no web
// server to resolve and never changes with where Pulse is hosted; the slugs
// are listed in the OpenAPI document.
func TypeURI(slug string) string { return "urn:pulse:problem:" + slug }

// NewProblem builds a problem of the given status, type slug and detail,
// titled with the status text.
func NewProblem(status int, slug, detail string) *Problem {
	return &Problem{Type: TypeURI(slug), Title: http.StatusText(status), Status: status, Detail: detail}
}

// WriteProblem sends p as application/problem+json.
func WriteProblem(w http.ResponseWriter, p *Problem) {
	if p.RetryAfter > 0 {
		secs := int(math.Ceil(p.RetryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(max(1, secs)))
	}
	writeJSON(w, "application/problem+json", p.Status, p)
}

// WriteJSON sends v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	writeJSON(w, "application/json", status, v)
}

func writeJSON(w http.ResponseWriter, contentType string, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a programming error (an unsupported type) gets here.
		http.Error(w, `{"status":500,"title":"Internal Server Error"}`, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType+"; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
