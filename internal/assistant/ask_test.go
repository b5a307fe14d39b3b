package assistant_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"pulse/internal/assistant"
)

// TestAskRoundTrip: the question and the tools go out in the
// chat-completions shape, the model's call is run and its result sent back
// under the call's id, and the answer carries the text, the call with its
// arguments and result, and the usage summed over both replies.
func TestAskRoundTrip(t *testing.T) {
	t.Parallel()
	svc := newService(t, reply(map[string]any{"role": "assistant", "content": "Let me add.",
		"tool_calls": []any{call("call_a", "add", `{"a":2,"b":40}`)}}, 100, 10, 110), say(" The sum is 42. ", 150, 7, 157))
	c := svc.client(t, assistant.Config{APIKey: "sk-test-123"})
	ans, err := c.Ask(context.Background(), assistant.Request{Question: "What is 2 + 40?", Facts: "Today is 2026-11-20.",
		Tools: []assistant.Tool{addTool}})
	if err != nil {
		t.Fatalf("Ask: %v", err)
	}
	if ans.Text != "The sum is 42." || ans.Model != "served-model" || ans.Rounds != 2 {
		t.Errorf("answer = %q by %q in %d rounds, want %q by served-model in 2", ans.Text, ans.Model, ans.Rounds, "The sum is 42.")
	}
	if ans.Usage == nil || *ans.Usage != (assistant.Usage{PromptTokens: 250, CompletionTokens: 17, TotalTokens: 267}) {
		t.Errorf("usage = %+v, want 250/17/267", ans.Usage)
	}
	if len(ans.ToolCalls) != 1 {
		t.Fatalf("tool calls = %+v, want one", ans.ToolCalls)
	}
	tc := ans.ToolCalls[0]
	if tc.ID != "call_a" || tc.Name != "add" || string(tc.Arguments) != `{"a":2,"b":40}` ||
		string(tc.Result) != `{"sum":42}` || tc.Error != "" {
		t.Errorf("tool call = %+v", tc)
	}

	got := svc.requests()
	if len(got) != 2 {
		t.Fatalf("the service got %d requests, want 2", len(got))
	}
	first := got[0]
	if first.Path != "/v1/chat/completions" || first.Header.Get("Authorization") != "Bearer sk-test-123" {
		t.Errorf("first request: path %q, Authorization %q", first.Path, first.Header.Get("Authorization"))
	}
	if first.Body["model"] != "test-model" || first.Body["tool_choice"] != "auto" || first.Body["stream"] != false {
		t.Errorf("first request body = %v", first.Body)
	}
	wantTools := `[{"function":{"description":"Adds two whole numbers.","name":"add","parameters":` +
		`{"additionalProperties":false,"properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"],"type":"object"}},"type":"function"}]`
	if b, _ := json.Marshal(first.Body["tools"]); string(b) != wantTools {
		t.Errorf("tools sent = %s\nwant          %s", b, wantTools)
	}
	msgs := first.messages(t)
	if len(msgs) != 2 || msgs[0]["role"] != "system" || msgs[1]["role"] != "user" || msgs[1]["content"] != "What is 2 + 40?" {
		t.Fatalf("first messages = %v", msgs)
	}
	if sys, _ := msgs[0]["content"].(string); !strings.Contains(sys, "never estimate, recall or invent a number") ||
		!strings.HasSuffix(sys, "\n\nToday is 2026-11-20.") {
		t.Errorf("system prompt = %q", sys)
	}

	msgs = got[1].messages(t)
	if len(msgs) != 4 {
		t.Fatalf("second request has %d messages, want 4: %v", len(msgs), msgs)
	}
	echo, result := msgs[2], msgs[3]
	wantEcho := `{"content":"Let me add.","role":"assistant","tool_calls":[{"function":{"arguments":"{\"a\":2,\"b\":40}","name":"add"},"id":"call_a","type":"function"}]}`
	if b, _ := json.Marshal(echo); string(b) != wantEcho {
		t.Errorf("echoed call = %s\nwant           %s", b, wantEcho)
	}
	if result["role"] != "tool" || result["tool_call_id"] != "call_a" || result["content"] != `{"sum":42}` {
		t.Errorf("tool message = %v", result)
	}
}

// TestAskEndpoint: the URL is a base that chat/completions is appended
// to, with or without /v1 and a trailing slash, its query kept.
func TestAskEndpoint(t *testing.T) {
	t.Parallel()
	svc := newService(t, say("ok"))
	for _, c := range []struct{ base, path, query string }{
		{"/v1", "/v1/chat/completions", ""},
		{"/v1/", "/v1/chat/completions", ""},
		{"", "/chat/completions", ""},
		{"/", "/chat/completions", ""},
		{"/openai/deployments/m?api-version=2024-10-21", "/openai/deployments/m/chat/completions", "api-version=2024-10-21"},
	} {
		cl := svc.client(t, assistant.Config{URL: svc.srv.URL + c.base})
		if _, err := cl.Ask(context.Background(), assistant.Request{Question: "hi"}); err != nil {
			t.Fatalf("%q: %v", c.base, err)
		}
		got := svc.requests()
		last := got[len(got)-1]
		if last.Path != c.path || last.Query != c.query {
			t.Errorf("base %q: request to %q?%q, want %q?%q", c.base, last.Path, last.Query, c.path, c.query)
		}
		if h := last.Header.Get("Authorization"); h != "" {
			t.Errorf("base %q: Authorization %q sent without a key", c.base, h)
		}
		if _, ok := last.Body["tools"]; ok {
			t.Errorf("base %q: tools sent when there are none: %v", c.base, last.Body)
		}
	}
}

// TestAskToolErrors: a call the tools cannot serve is answered with an
// error the model can read, recorded on the call, and the conversation goes
// on to the answer.
func TestAskToolErrors(t *testing.T) {
	t.Parallel()
	big := assistant.Tool{Name: "big", Description: "x", Parameters: json.RawMessage(`{"type":"object"}`),
		Call: func(context.Context, json.RawMessage) (any, error) {
			return strings.Repeat("x", assistant.MaxResultBytes), nil
		}}
	tests := []struct {
		name      string
		calls     []map[string]any
		wantArgs  []string
		wantError []string // a substring of each call's error; "" for a result
	}{
		{"unknown tool", []map[string]any{call("c1", "delete_everything", `{}`)},
			[]string{`{}`}, []string{`there is no tool named "delete_everything"; the tools are add, big`}},
		{"arguments not JSON", []map[string]any{call("c1", "add", `{"a": 2,`)},
			[]string{`"{\"a\": 2,"`}, []string{"the arguments are not valid JSON"}},
		{"arguments the tool refuses", []map[string]any{call("c1", "add", `{"a":"two","b":2}`)},
			[]string{`{"a":"two","b":2}`}, []string{"a and b must both be whole numbers"}},
		{"no arguments", []map[string]any{call("c1", "add", ``)},
			[]string{`{}`}, []string{"a and b must both be whole numbers"}},
		{"result too large", []map[string]any{call("c1", "big", `{}`)},
			[]string{`{}`}, []string{"over the 32 KiB a tool may return; narrow the request"}},
		{"arguments as an object, no id", []map[string]any{{"type": "function", "function": map[string]any{"name": "add", "arguments": map[string]any{"a": 1, "b": 2}}}},
			[]string{`{"a":1,"b":2}`}, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := newService(t, ask(tt.calls...), say("done"))
			ans, err := svc.client(t, assistant.Config{}).Ask(context.Background(),
				assistant.Request{Question: "q", Tools: []assistant.Tool{addTool, big}})
			if err != nil {
				t.Fatalf("Ask: %v", err)
			}
			if ans.Text != "done" || len(ans.ToolCalls) != len(tt.calls) {
				t.Fatalf("answer %q with calls %+v", ans.Text, ans.ToolCalls)
			}
			sent := svc.requests()[1].messages(t)[3:]
			for i, tc := range ans.ToolCalls {
				if string(tc.Arguments) != tt.wantArgs[i] {
					t.Errorf("call %d arguments = %s, want %s", i, tc.Arguments, tt.wantArgs[i])
				}
				if sent[i]["tool_call_id"] != tc.ID || tc.ID == "" {
					t.Errorf("call %d: id %q, tool message names %v", i, tc.ID, sent[i]["tool_call_id"])
				}
				if tt.wantError[i] == "" {
					if tc.Error != "" || string(tc.Result) != `{"sum":3}` || sent[i]["content"] != `{"sum":3}` {
						t.Errorf("call %d = %+v, sent %v; want the sum 3", i, tc, sent[i]["content"])
					}
					continue
				}
				if !strings.Contains(tc.Error, tt.wantError[i]) || tc.Result != nil {
					t.Errorf("call %d error = %q, result %s; want an error with %q", i, tc.Error, tc.Result, tt.wantError[i])
				}
				want, _ := json.Marshal(map[string]string{"error": tc.Error})
				if sent[i]["content"] != string(want) {
					t.Errorf("call %d: the model was sent %v, want %s", i, sent[i]["content"], want)
				}
			}
		})
	}
}

// TestAskCallsPerRound: calls past MaxCallsPerRound in one reply are not
// run, and the model is told so.
func TestAskCallsPerRound(t *testing.T) {
	t.Parallel()
	var calls []map[string]any
	for i := range assistant.MaxCallsPerRound + 2 {
		calls = append(calls, call(fmt.Sprint("c", i), "add", fmt.Sprintf(`{"a":%d,"b":1}`, i)))
	}
	svc := newService(t, ask(calls...), say("done"))
	ans, err := svc.client(t, assistant.Config{}).Ask(context.Background(), assistant.Request{Question: "q", Tools: []assistant.Tool{addTool}})
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range ans.ToolCalls {
		ran := string(tc.Result) == fmt.Sprintf(`{"sum":%d}`, i+1)
		if ran != (i < assistant.MaxCallsPerRound) {
			t.Errorf("call %d: result %s, error %q", i, tc.Result, tc.Error)
		}
	}
	if n := len(svc.requests()[1].messages(t)); n != 3+len(calls) {
		t.Errorf("second request has %d messages, want a tool message for each of %d calls", n, len(calls))
	}
}

// TestAskRoundsBound: a model that keeps asking for tools gets
// DefaultMaxRounds replies' worth of them, then the question fails.
func TestAskRoundsBound(t *testing.T) {
	t.Parallel()
	svc := newService(t, ask(call("c", "add", `{"a":1,"b":1}`)))
	_, err := svc.client(t, assistant.Config{}).Ask(context.Background(), assistant.Request{Question: "q", Tools: []assistant.Tool{addTool}})
	var ae *assistant.Error
	if !errors.As(err, &ae) || ae.Kind != assistant.KindNoAnswer || !strings.Contains(ae.Msg, "after 6 replies") {
		t.Fatalf("err = %v, want a KindNoAnswer error naming 6 replies", err)
	}
	if n := len(svc.requests()); n != assistant.DefaultMaxRounds {
		t.Errorf("the service got %d requests, want %d", n, assistant.DefaultMaxRounds)
	}
}

// TestAskTimeout: the timeout covers the model's replies and the tools'
// work; a caller that gives up gets its own context error instead.
func TestAskTimeout(t *testing.T) {
	t.Parallel()
	slowTool := assistant.Tool{Name: "slow", Parameters: json.RawMessage(`{"type":"object"}`),
		Call: func(ctx context.Context, _ json.RawMessage) (any, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}}
	for _, c := range []struct {
		name  string
		steps []http.HandlerFunc
	}{
		{"slow model", []http.HandlerFunc{stall(5*time.Second, say("late"))}},
		{"slow second reply", []http.HandlerFunc{ask(call("c", "add", `{"a":1,"b":1}`)), stall(5*time.Second, say("late"))}},
		{"slow tool", []http.HandlerFunc{ask(call("c", "slow", `{}`)), say("late")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			svc := newService(t, c.steps...)
			cl := svc.client(t, assistant.Config{Timeout: 200 * time.Millisecond})
			start := time.Now()
			_, err := cl.Ask(context.Background(), assistant.Request{Question: "q", Tools: []assistant.Tool{addTool, slowTool}})
			var ae *assistant.Error
			if !errors.As(err, &ae) || ae.Kind != assistant.KindTimeout || ae.Msg != "the model did not answer within 200ms" {
				t.Fatalf("err = %#v, want a KindTimeout error", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Ask took %s with a 200ms timeout", d)
			}
		})
	}
	t.Run("caller gives up", func(t *testing.T) {
		t.Parallel()
		svc := newService(t, stall(5*time.Second, say("late")))
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := svc.client(t, assistant.Config{Timeout: time.Minute}).Ask(ctx, assistant.Request{Question: "q"})
		var ae *assistant.Error
		if errors.As(err, &ae) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want the caller's context.DeadlineExceeded", err)
		}
	})
}

// TestAskServiceErrors: each way the service can fail is an *Error naming
// what went wrong, with the status and the service's own message, and
// never the API key or the URL's credentials.
func TestAskServiceErrors(t *testing.T) {
	t.Parallel()
	const key = "sk-secret-key-987"
	tests := []struct {
		name       string
		step       http.HandlerFunc
		kind       assistant.Kind
		wantStatus int
		want       string
	}{
		{"OpenAI error", status(401, "application/json",
			`{"error":{"message":"Incorrect API key provided: `+key+`.","type":"invalid_request_error","code":"invalid_api_key"}}`),
			assistant.KindService, 401, "the LLM service answered 401 Unauthorized: Incorrect API key provided: [redacted]."},
		{"Ollama error", status(404, "application/json", `{"error":"model \"llama9\" not found, try pulling it first"}`),
			assistant.KindService, 404, `the LLM service answered 404 Not Found: model "llama9" not found, try pulling it first`},
		{"server error, HTML page", status(502, "text/html", "<html><body>Bad gateway</body></html>"),
			assistant.KindService, 502, "the LLM service answered 502 Bad Gateway"},
		{"server error, text", status(500, "text/plain", "upstream\nfailed"),
			assistant.KindService, 500, "the LLM service answered 500 Internal Server Error: upstream failed"},
		{"not JSON", status(200, "application/json", "{choices"),
			assistant.KindService, 200, "the LLM service's reply is not a chat completion: invalid character 'c' looking for beginning of object key string"},
		{"no choices", status(200, "application/json", `{"choices":[]}`),
			assistant.KindService, 200, "the LLM service's reply has no choices"},
		{"error with status 200", status(200, "application/json", `{"error":{"message":"context length exceeded"}}`),
			assistant.KindService, 200, "the LLM service reported an error: context length exceeded"},
		{"too large", status(200, "application/json", `{"x":"`+strings.Repeat("a", assistant.MaxReplyBytes)+`"}`),
			assistant.KindService, 200, "the LLM service's reply is larger than 4 MiB"},
		{"empty answer", reply(map[string]any{"role": "assistant", "content": "  "}),
			assistant.KindNoAnswer, 0, `the model's reply is empty (finish reason "stop")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := newService(t, tt.step)
			_, err := svc.client(t, assistant.Config{APIKey: key}).Ask(context.Background(), assistant.Request{Question: "q"})
			var ae *assistant.Error
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an *assistant.Error", err)
			}
			if ae.Kind != tt.kind || ae.Status != tt.wantStatus || ae.Msg != tt.want {
				t.Errorf("error = %+v\nwant kind %d, status %d, %q", ae, tt.kind, tt.wantStatus, tt.want)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		t.Parallel()
		closed := httptest.NewServer(http.NotFoundHandler())
		host := closed.Listener.Addr().String()
		closed.Close()
		c, err := assistant.New(assistant.Config{URL: "http://user:url-password@" + host + "/v1", Model: "m", APIKey: key})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Ask(context.Background(), assistant.Request{Question: "q"})
		var ae *assistant.Error
		if !errors.As(err, &ae) || ae.Kind != assistant.KindService || ae.Status != 0 {
			t.Fatalf("err = %#v, want a KindService error", err)
		}
		if !strings.HasPrefix(ae.Msg, "could not reach the LLM service at "+host+": ") || !strings.Contains(ae.Msg, "refused") ||
			strings.Contains(ae.Msg, "url-password") || strings.Contains(ae.Msg, key) {
			t.Errorf("message = %q", ae.Msg)
		}
	})
}

// TestAskContentParts: content sent as an array of text parts is joined.
func TestAskContentParts(t *testing.T) {
	t.Parallel()
	svc := newService(t, reply(map[string]any{"role": "assistant", "content": []any{
		map[string]any{"type": "text", "text": "Revenue "}, map[string]any{"type": "text", "text": "grew."}}}))
	ans, err := svc.client(t, assistant.Config{}).Ask(context.Background(), assistant.Request{Question: "q"})
	if err != nil || ans.Text != "Revenue grew." || ans.Usage != nil || len(ans.ToolCalls) != 0 {
		t.Fatalf("Ask = %+v, %v", ans, err)
	}
}

func TestNewChecksConfig(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		cfg  assistant.Config
		want string
	}{
		{assistant.Config{URL: "ftp://host/v1", Model: "m"}, "http:// or https://"},
		{assistant.Config{URL: "127.0.0.1:11434/v1", Model: "m"}, "http:// or https://"},
		{assistant.Config{URL: "http:///v1", Model: "m"}, "http:// or https://"},
		{assistant.Config{URL: "http://host/v1", Model: " "}, "model must be named"},
	} {
		if _, err := assistant.New(c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want an error with %q", c.cfg, err, c.want)
		}
	}
	c, err := assistant.New(assistant.Config{URL: "https://api.example.com/v1", Model: "m"})
	if err != nil || c.Timeout() != assistant.DefaultTimeout || c.Model() != "m" {
		t.Errorf("New with defaults = %v, %v", c, err)
	}
}

func TestAskRefusesDuplicateTools(t *testing.T) {
	t.Parallel()
	svc := newService(t, say("x"))
	_, err := svc.client(t, assistant.Config{}).Ask(context.Background(), assistant.Request{Question: "q", Tools: []assistant.Tool{addTool, addTool}})
	if err == nil || len(svc.requests()) != 0 {
		t.Fatalf("err = %v after %d requests, want a refusal before any", err, len(svc.requests()))
	}
}
