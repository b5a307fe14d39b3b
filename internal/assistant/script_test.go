package assistant_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"pulse/internal/assistant"
)

// received is one request the scripted service got.
type received struct {
	Path, Query string
	Header      http.Header
	Body        map[string]any
}

// messages is the request's messages as objects.
func (r received) messages(t *testing.T) []map[string]any {
	t.Helper()
	list, _ := r.Body["messages"].([]any)
	out := make([]map[string]any, len(list))
	for i, m := range list {
		out[i], _ = m.(map[string]any)
	}
	return out
}

// service is a stand-in for an LLM service: it records every request and
// answers each with the next step of its script, the last step again once
// the script has run out.
type service struct {
	t     *testing.T
	srv   *httptest.Server
	mu    sync.Mutex
	steps []http.HandlerFunc
	got   []received
}

func newService(t *testing.T, steps ...http.HandlerFunc) *service {
	t.Helper()
	s := &service{t: t, steps: steps}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *service) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	rec := received{Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone()}
	if err := json.Unmarshal(raw, &rec.Body); err != nil {
		s.t.Errorf("the client sent a body that is not JSON: %v: %s", err, raw)
	}
	s.mu.Lock()
	i := len(s.got)
	s.got = append(s.got, rec)
	step := s.steps[min(i, len(s.steps)-1)]
	s.mu.Unlock()
	step(w, r)
}

func (s *service) requests() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

// client is a Client of s with cfg's other settings.
func (s *service) client(t *testing.T, cfg assistant.Config) *assistant.Client {
	t.Helper()
	if cfg.URL == "" {
		cfg.URL = s.srv.URL + "/v1"
	}
	if cfg.Model == "" {
		cfg.Model = "test-model"
	}
	c, err := assistant.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// reply answers with a chat completion whose message is msg.
func reply(msg map[string]any, usage ...int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body := map[string]any{"id": "chatcmpl-1", "object": "chat.completion", "model": "served-model",
			"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": "stop"}}}
		if len(usage) == 3 {
			body["usage"] = map[string]any{"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": usage[2]}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	}
}

// say is a final answer.
func say(text string, usage ...int) http.HandlerFunc {
	return reply(map[string]any{"role": "assistant", "content": text}, usage...)
}

// call is one requested tool call, its arguments given as the protocol's
// JSON string.
func call(id, name, args string) map[string]any {
	return map[string]any{"id": id, "type": "function", "function": map[string]any{"name": name, "arguments": args}}
}

// ask is a reply that asks for tool calls.
func ask(calls ...map[string]any) http.HandlerFunc {
	list := make([]any, len(calls))
	for i, c := range calls {
		list[i] = c
	}
	return reply(map[string]any{"role": "assistant", "content": nil, "tool_calls": list})
}

// status answers with code and a body.
func status(code int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

// stall waits d, or until the client gives up, before answering.
func stall(d time.Duration, then http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
			then(w, r)
		case <-r.Context().Done():
		}
	}
}

// addTool adds two whole numbers: a tool whose every result is checkable.
var addTool = assistant.Tool{
	Name:        "add",
	Description: "Adds two whole numbers.",
	Parameters:  json.RawMessage(`{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"],"additionalProperties":false}`),
	Call: func(_ context.Context, args json.RawMessage) (any, error) {
		var in struct{ A, B *int }
		if err := json.Unmarshal(args, &in); err != nil || in.A == nil || in.B == nil {
			return nil, fmt.Errorf("a and b must both be whole numbers")
		}
		return map[string]int{"sum": *in.A + *in.B}, nil
	},
}
