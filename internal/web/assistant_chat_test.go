package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"pulse/internal/assistant"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// llmStub is an LLM service speaking the chat-completions protocol: it
// answers each request with the next step of its script, the last one
// again once the script has run out, and keeps the questions it was sent.
type llmStub struct {
	srv   *httptest.Server
	mu    sync.Mutex
	steps []http.HandlerFunc
	asked []string
}

func newLLMStub(t *testing.T, steps ...http.HandlerFunc) *llmStub {
	t.Helper()
	s := &llmStub{steps: steps}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Messages []struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"messages"`
		}
		raw, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(raw, &body)
		// A question opens with the system prompt and the question; a
		// request after tool calls has their results too.
		i := 0
		if len(body.Messages) > 2 {
			i = 1
		} else if len(body.Messages) == 2 {
			s.mu.Lock()
			s.asked = append(s.asked, body.Messages[1].Content)
			s.mu.Unlock()
		}
		step := s.steps[min(i, len(s.steps)-1)]
		step(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *llmStub) questions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.asked...)
}

func (s *llmStub) client(t *testing.T, timeout time.Duration) *assistant.Client {
	t.Helper()
	c, err := assistant.New(assistant.Config{URL: s.srv.URL + "/v1", Model: "stub-model", APIKey: "sk-never-shown", Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func llmReply(msg map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"object": "chat.completion", "model": "stub-model-served",
			"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": "stop"}}})
	}
}

func llmSay(text string) http.HandlerFunc {
	return llmReply(map[string]any{"role": "assistant", "content": text})
}

// llmCall asks for one tool call.
func llmCall(name, args string) http.HandlerFunc {
	return llmReply(map[string]any{"role": "assistant", "content": "", "tool_calls": []any{map[string]any{
		"id": "call_1", "type": "function", "function": map[string]any{"name": name, "arguments": args}}}})
}

// chatShop is a shop with a few purchases, for the chat box to be shown.
func chatShop(t *testing.T, s *site, key string) {
	t.Helper()
	sendBuys(t, s, key, []buy{
		{"a", 10000, "2026-11-02T10:00:00Z", false},
		{"b", 2550, "2026-11-10T10:00:00Z", false},
	})
}

// TestAssistantChat: a question goes to the LLM with the app's tools; the
// page shows the answer and each call the model made, with its
// arguments. The question must be there and carry the session's token.
func TestAssistantChat(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		stub := newLLMStub(t, llmCall("sales_report", `{"from":"2026-11-01","to":"2026-11-19"}`),
			llmSay("Revenue was $125.50 from Nov 1 to Nov 19.\nTwo orders."))
		s := newAssistantSite(t, db, &clock{now: insightsNow}, stub.client(t, time.Minute))
		b := s.registerInZone("chat@example.com", "UTC")
		chatShop(t, s, b.key)
		p := b.get(assistantURL(b) + "?period=7")
		if !strings.Contains(p.body, `data-test="chat-form"`) || strings.Contains(p.body, `data-test="chat-off"`) {
			t.Fatal("no question box with an LLM configured")
		}
		if !strings.Contains(p.body, `action="`+assistantURL(b)+`/ask?period=7#chat"`) {
			t.Error("the question box does not keep the period shown")
		}

		for _, tt := range []struct{ lang, calls string }{
			{"en", "1 call to Pulse's data"},
			{"ru", "1 обращение к данным Pulse"},
		} {
			b.post("/lang", url.Values{"lang": {tt.lang}, "back": {assistantURL(b)}})
			b.get(assistantURL(b))
			p := b.post(assistantURL(b)+"/ask?period=7", url.Values{"question": {"  How were sales this month?  "}})
			if p.status != http.StatusOK {
				t.Fatalf("%s: status %d: %s", tt.lang, p.status, p.text())
			}
			if got := field(t, p.body, "chat-answer-text"); got != "Revenue was $125.50 from Nov 1 to Nov 19.\nTwo orders." {
				t.Errorf("%s: answer %q", tt.lang, got)
			}
			calls := squeeze(section(t, p, "chat-calls", "</ol>"))
			if !strings.HasPrefix(calls, "sales_report") {
				t.Errorf("%s: calls %q", tt.lang, calls)
			}
			if got := field(t, p.body, "chat-call-args"); got != "{\n  \"from\": \"2026-11-01\",\n  \"to\": \"2026-11-19\"\n}" {
				t.Errorf("%s: arguments %q", tt.lang, got)
			}
			if !strings.Contains(p.text(), tt.calls) || !strings.Contains(p.text(), "stub-model-served") {
				t.Errorf("%s: the answer does not count its calls or name its model", tt.lang)
			}
			// The result the model was sent is there to check the answer by.
			if !strings.Contains(p.body, "&#34;revenue&#34;: &#34;125.50&#34;") {
				t.Errorf("%s: the call's result does not show the revenue", tt.lang)
			}
			if !strings.Contains(p.body, `data-test="summary-headline"`) || !strings.Contains(p.body, ">  How were sales this month?  </textarea>") {
				t.Errorf("%s: the page around the answer is missing, or the question is not kept", tt.lang)
			}
			if strings.Contains(p.body, "sk-never-shown") || strings.Contains(p.body, stub.srv.URL) {
				t.Errorf("%s: the page shows the LLM's key or address", tt.lang)
			}
		}
		if q := stub.questions(); len(q) != 2 || q[0] != "How were sales this month?" {
			t.Errorf("the LLM was asked %q", q)
		}

		b.post("/lang", url.Values{"lang": {"en"}, "back": {assistantURL(b)}})
		b.get(assistantURL(b))
		for _, tt := range []struct {
			name, question string
			lang           string
			status         int
			want           string
		}{
			{"empty", "   ", "en", http.StatusUnprocessableEntity, "Type a question."},
			{"empty in Russian", "", "ru", http.StatusUnprocessableEntity, "Введите вопрос."},
			{"too long", strings.Repeat("a", 2001), "en", http.StatusUnprocessableEntity, "must be at most 2,000 characters"},
		} {
			b.post("/lang", url.Values{"lang": {tt.lang}, "back": {assistantURL(b)}})
			b.get(assistantURL(b))
			p := b.post(assistantURL(b)+"/ask", url.Values{"question": {tt.question}})
			if p.status != tt.status {
				t.Errorf("%s: status %d", tt.name, p.status)
			}
			if !strings.Contains(p.body, `<p class="error" id="e-question">`+tt.want+`</p>`) {
				t.Errorf("%s: no %q next to the question", tt.name, tt.want)
			}
		}
		if p := b.post(assistantURL(b)+"/ask", url.Values{"csrf_token": {""}, "question": {"Hi?"}}); p.status != http.StatusForbidden {
			t.Errorf("a question without the CSRF token: status %d", p.status)
		}
		if n := len(stub.questions()); n != 2 {
			t.Errorf("refused questions reached the LLM: %d questions", n)
		}
	})
}

// TestAssistantChatFailures: when the LLM fails or takes too long, the
// page says so in the box, and keeps the rest.
func TestAssistantChatFailures(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	tests := []struct {
		name    string
		step    http.HandlerFunc
		timeout time.Duration
		want    string
	}{
		{"times out", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(10 * time.Second):
			case <-r.Context().Done():
			}
		}, 300 * time.Millisecond, "The model did not answer in time."},
		{"answers 500", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"error":{"message":"CUDA out of memory","type":"server_error"}}`)
		}, time.Minute, "The LLM service failed: the LLM service answered 500 Internal Server Error: CUDA out of memory"},
		{"sends garbage", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "not json")
		}, time.Minute, "is not a chat completion"},
		{"never answers", llmCall("sales_report", `{}`), time.Minute, "The model gave no answer"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stub := newLLMStub(t, tt.step)
			s := newAssistantSite(t, db, &clock{now: insightsNow}, stub.client(t, tt.timeout))
			b := s.registerInZone(fmt.Sprintf("fail%d@example.com", i), "UTC")
			chatShop(t, s, b.key)
			b.get(assistantURL(b))
			start := time.Now()
			p := b.post(assistantURL(b)+"/ask", url.Values{"question": {"How are sales?"}})
			if p.status != http.StatusOK {
				t.Fatalf("status %d, want the page: %s", p.status, p.text())
			}
			if got := field(t, p.body, "chat-error"); !strings.Contains(got, tt.want) {
				t.Errorf("the box says %q, want %q", got, tt.want)
			}
			if strings.Contains(p.body, `data-test="chat-answer"`) || !strings.Contains(p.body, `data-test="summary-headline"`) {
				t.Error("an answer is shown, or the rest of the page is not")
			}
			if strings.Contains(p.body, "sk-never-shown") || strings.Contains(p.body, stub.srv.URL) {
				t.Error("the page shows the LLM's key or address")
			}
			if d := time.Since(start); tt.timeout < time.Second && d > 5*time.Second {
				t.Errorf("a %s timeout took %s", tt.timeout, d)
			}
		})
	}
}

// TestAssistantChatNotConfigured: without an LLM the box says how to set
// one up, and a question posted anyway shows the same.
func TestAssistantChatNotConfigured(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	s := newAssistantSite(t, db, &clock{now: insightsNow}, nil)
	b := s.registerInZone("nollm@example.com", "UTC")
	chatShop(t, s, b.key)
	b.get(assistantURL(b))
	p := b.post(assistantURL(b)+"/ask", url.Values{"question": {"How are sales?"}})
	if p.status != http.StatusOK || strings.Contains(p.body, `data-test="chat-form"`) {
		t.Fatalf("status %d, or a question box without an LLM", p.status)
	}
	note := field(t, p.body, "chat-off")
	for _, want := range []string{"PULSE_LLM_URL", "PULSE_LLM_MODEL", "PULSE_LLM_API_KEY"} {
		if !strings.Contains(note, want) {
			t.Errorf("the note %q does not name %s", note, want)
		}
	}
}
