package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"pulse/internal/assistant"
	"pulse/internal/server"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// llmStub stands in for an LLM service speaking the chat-completions
// protocol: it records every request and answers each with the next step
// of its script, the last step again once the script has run out.
type llmStub struct {
	t     *testing.T
	srv   *httptest.Server
	mu    sync.Mutex
	steps []http.HandlerFunc
	got   []llmRequest
}

// llmRequest is one request the stub received.
type llmRequest struct {
	header http.Header
	raw    string
	body   struct {
		Model      string           `json:"model"`
		Messages   []map[string]any `json:"messages"`
		ToolChoice string           `json:"tool_choice"`
		Tools      []struct {
			Type     string `json:"type"`
			Function struct {
				Name        string         `json:"name"`
				Description string         `json:"description"`
				Parameters  map[string]any `json:"parameters"`
			} `json:"function"`
		} `json:"tools"`
	}
}

func newLLMStub(t *testing.T, steps ...http.HandlerFunc) *llmStub {
	t.Helper()
	s := &llmStub{t: t, steps: steps}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		rec := llmRequest{header: r.Header.Clone(), raw: string(raw)}
		if r.URL.Path != "/v1/chat/completions" {
			t.Errorf("the LLM was called at %s", r.URL.Path)
		}
		if err := json.Unmarshal(raw, &rec.body); err != nil {
			t.Errorf("the LLM was sent a body that is not a chat request: %v: %s", err, raw)
		}
		s.mu.Lock()
		step := s.steps[min(len(s.got), len(s.steps)-1)]
		s.got = append(s.got, rec)
		s.mu.Unlock()
		step(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *llmStub) requests() []llmRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

// toolResults are the contents of the tool messages of the last request,
// by tool call id.
func (s *llmStub) toolResults() map[string]string {
	got := s.requests()
	out := map[string]string{}
	for _, m := range got[len(got)-1].body.Messages {
		if m["role"] == "tool" {
			out[m["tool_call_id"].(string)], _ = m["content"].(string)
		}
	}
	return out
}

// withLLM makes the server ask stub, with key and timeout.
func withLLM(t *testing.T, stub *llmStub, key string, timeout time.Duration) option {
	t.Helper()
	c, err := assistant.New(assistant.Config{URL: stub.srv.URL + "/v1", Model: "stub-model", APIKey: key, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return func(cfg *server.Config) { cfg.Assistant = c }
}

func llmReply(msg map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"object": "chat.completion", "model": "stub-model-served",
			"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": "stop"}},
			"usage":   map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})
	}
}

func llmSay(text string) http.HandlerFunc {
	return llmReply(map[string]any{"role": "assistant", "content": text})
}

// llmCall asks for tool calls, each a name and its arguments' JSON, with
// ids call_1, call_2, ...
func llmCall(calls ...[2]string) http.HandlerFunc {
	list := make([]any, len(calls))
	for i, c := range calls {
		list[i] = map[string]any{"id": fmt.Sprintf("call_%d", i+1), "type": "function",
			"function": map[string]any{"name": c[0], "arguments": c[1]}}
	}
	return llmReply(map[string]any{"role": "assistant", "content": "", "tool_calls": list})
}

// assistantShops are two accounts with an app each: A's holds anna and a
// guest, B's holds boris, whose strings must never reach A's questions.
func assistantShops(t *testing.T, db *store.DB, opts ...option) (*harness, *client, *client) {
	t.Helper()
	h := newHarness(t, db, opts...)
	a, b := h.register("Anna", "anna@example.com"), h.register("Boris", "boris@example.com")
	// A's sales, by hand: 49.90 + 100.00 + 10.10 (anna) + 5.00 (guest)
	// = 165.00 in 4 orders from 2 customers; anna's own are 160.00 in 3.
	loadBatch(t, h, a.key,
		customerEv("anna", obj{"name": "Anna Petrova", "email": "anna@example.com", "created_at": "2026-11-01T09:30:00Z"}),
		purchaseEv("o1", "anna", "49.90", "2026-11-02T10:00:00Z", obj{"product": "Starter"}),
		purchaseEv("o2", "anna", "100.00", "2026-11-05T12:00:00Z", obj{"product": "Pro"}),
		purchaseEv("o4", "anna", "10.10", "2026-11-15T18:00:00Z", obj{"product": "Addon"}),
		purchaseEv("g1", "guest", "5.00", "2026-11-06T10:00:00Z", obj{"product": "Starter"}))
	loadBatch(t, h, b.key,
		customerEv("boris", obj{"name": "Boris Secretov", "email": "boris@hidden.example"}),
		purchaseEv("b1", "boris", "777.77", "2026-11-03T12:00:00Z", obj{"product": "Hidden gem"}))
	return h, a, b
}

func askAs(h *harness, key string, body any) *response {
	h.t.Helper()
	return keyReq(h, key, "POST", "/api/v1/assistant/ask", body)
}

// TestAssistantRoundTrip: the model calls the sales report and the
// customer lookup; it is sent the app's real figures, and the answer
// carries its text and every call with its arguments and result.
func TestAssistantRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		stub := newLLMStub(t,
			llmCall([2]string{"sales_report", `{"from":"2026-11-01","to":"2026-11-19","interval":"week"}`},
				[2]string{"customer_lookup", `{"id":"anna"}`}),
			llmSay("Revenue from 1 to 19 November was 165.00 USD in 4 orders; Anna Petrova spent 160.00 USD."))
		h, a, _ := assistantShops(t, db, withLLM(t, stub, "sk-llm-test", 10*time.Second))
		r := askAs(h, a.key, obj{"question": "  How did sales go this month, and how much has Anna spent?  "})
		if r.status != http.StatusOK {
			t.Fatalf("ask: %d %s", r.status, r.body)
		}
		checkFields(t, nil, "answer", r, map[string]any{
			"answer": "Revenue from 1 to 19 November was 165.00 USD in 4 orders; Anna Petrova spent 160.00 USD.",
			"model":  "stub-model-served", "rounds": 2.0,
			"usage.prompt_tokens": 20.0, "usage.completion_tokens": 10.0, "usage.total_tokens": 30.0,
			"tool_calls.0.id": "call_1", "tool_calls.0.name": "sales_report", "tool_calls.0.error": nil,
			"tool_calls.0.arguments.from": "2026-11-01", "tool_calls.0.arguments.interval": "week",
			"tool_calls.0.result.currency": "USD", "tool_calls.0.result.totals.revenue": "165.00",
			"tool_calls.0.result.totals.orders": 4.0, "tool_calls.0.result.totals.customers": 2.0,
			"tool_calls.1.id": "call_2", "tool_calls.1.name": "customer_lookup", "tool_calls.1.error": nil,
			"tool_calls.1.arguments.id": "anna", "tool_calls.1.result.name": "Anna Petrova",
			"tool_calls.1.result.stats.revenue": "160.00", "tool_calls.1.result.stats.orders": 3.0,
		})
		for i := range 2 {
			if d, _ := r.field(fmt.Sprintf("tool_calls.%d.duration_ms", i)); d == nil || d.(float64) < 0 {
				t.Errorf("tool call %d has duration_ms %v", i, d)
			}
		}

		// The model was sent exactly what the answer shows, and it is what
		// the report endpoint gives for the same request.
		sent := stub.toolResults()
		for i, id := range []string{"call_1", "call_2"} {
			shown, _ := r.field(fmt.Sprintf("tool_calls.%d.result", i))
			var got any
			if err := json.Unmarshal([]byte(sent[id]), &got); err != nil || !reflect.DeepEqual(got, shown) {
				t.Errorf("%s: the model was sent %s, the answer shows %v", id, sent[id], shown)
			}
		}
		report := keyReq(h, a.key, "GET", "/api/v1/reports/sales?from=2026-11-01&to=2026-11-19&interval=week", nil)
		if shown, _ := r.field("tool_calls.0.result"); !reflect.DeepEqual(shown, report.json) {
			t.Errorf("the tool's sales report differs from the endpoint's:\n%v\n%v", shown, report.json)
		}

		got := stub.requests()
		if len(got) != 2 {
			t.Fatalf("the LLM got %d requests, want 2", len(got))
		}
		first := got[0]
		if auth := first.header.Get("Authorization"); auth != "Bearer sk-llm-test" {
			t.Errorf("Authorization = %q", auth)
		}
		if first.body.Model != "stub-model" || first.body.ToolChoice != "auto" {
			t.Errorf("model %q, tool_choice %q", first.body.Model, first.body.ToolChoice)
		}
		var names []string
		for _, tl := range first.body.Tools {
			names = append(names, tl.Function.Name)
			p := tl.Function.Parameters
			if tl.Type != "function" || tl.Function.Description == "" || p["type"] != "object" || p["additionalProperties"] != false {
				t.Errorf("tool %s is offered as %+v", tl.Function.Name, tl)
			}
			if _, ok := p["properties"].(map[string]any)["app_id"]; ok {
				t.Errorf("tool %s takes an app id", tl.Function.Name)
			}
		}
		want := []string{"sales_report", "product_report", "customers_at_risk", "customer_lookup", "forecast", "trends",
			"recommendations", "period_summary"}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("tools offered = %v, want %v", names, want)
		}
		sys, _ := first.body.Messages[0]["content"].(string)
		for _, w := range []string{"Today is 2026-11-20, a Friday", "(UTC)", "currency, USD"} {
			if !strings.Contains(sys, w) {
				t.Errorf("the system prompt does not say %q:\n%s", w, sys)
			}
		}
		if q := first.body.Messages[1]["content"]; q != "How did sales go this month, and how much has Anna spent?" {
			t.Errorf("question sent = %q", q)
		}
	})
}

// TestAssistantConfinedToTheKeysApp: asked with A's key, the tools read
// A's app only: B's customer is not found by id or by search, and nothing
// of B's reaches the model. With B's key, the same call finds him.
func TestAssistantConfinedToTheKeysApp(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		calls := llmCall([2]string{"customer_lookup", `{"id":"boris"}`}, [2]string{"customer_lookup", `{"query":"Boris"}`},
			[2]string{"sales_report", `{"from":"2026-11-01","to":"2026-11-19"}`},
			[2]string{"product_report", `{"from":"2026-11-01","to":"2026-11-19"}`},
			[2]string{"sales_report", `{"app_id":"other"}`})
		// The same script for A's question, then for B's.
		stub := newLLMStub(t, calls, llmSay("There is no customer Boris in this shop."), calls, llmSay("Boris bought for 777.77."))
		h, a, b := assistantShops(t, db, withLLM(t, stub, "", 10*time.Second))
		r := askAs(h, a.key, obj{"question": "What did Boris buy?"})
		if r.status != http.StatusOK {
			t.Fatalf("ask: %d %s", r.status, r.body)
		}
		checkFields(t, nil, "confined", r, map[string]any{
			"tool_calls.0.result": nil, "tool_calls.0.error": `this shop has no customer with id "boris"`,
			"tool_calls.1.error": nil, "tool_calls.1.result.customers": []any{}, "tool_calls.1.result.more": false,
			"tool_calls.2.result.totals.revenue": "165.00", "tool_calls.3.result.total_products": 3.0,
			"tool_calls.4.result": nil,
			"tool_calls.4.error":  `invalid arguments: field "app_id" is not part of this request; check its spelling; app_id is not a known field`,
		})
		for _, req := range stub.requests() {
			if h := req.header.Get("Authorization"); h != "" {
				t.Errorf("Authorization %q sent with no key configured", h)
			}
			for _, leak := range []string{"Secretov", "hidden.example", "777.77", "Hidden gem", b.appID, b.key} {
				if strings.Contains(req.raw, leak) {
					t.Errorf("a request to the model holds %q of the other app: %s", leak, req.raw)
				}
			}
		}

		r = askAs(h, b.key, obj{"question": "What did Boris buy?"})
		checkFields(t, nil, "B's own", r, map[string]any{
			"tool_calls.0.error": nil, "tool_calls.0.result.name": "Boris Secretov",
			"tool_calls.0.result.stats.revenue": "777.77", "tool_calls.2.result.totals.revenue": "777.77",
		})
	})
}

// TestAssistantBadToolCalls: an unknown tool or arguments a tool refuses
// are answered with an error the model reads; it then answers, and the
// calls are recorded with their errors.
func TestAssistantBadToolCalls(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	stub := newLLMStub(t,
		llmCall([2]string{"export_database", `{}`}, [2]string{"sales_report", `{"interval":"year"}`},
			[2]string{"sales_report", `{"from":20261101}`}, [2]string{"forecast", `{"horizon":0}`},
			[2]string{"customers_at_risk", `{"limit":500}`}, [2]string{"customer_lookup", `{}`}),
		llmSay("I could not get the figures."))
	h, a, _ := assistantShops(t, db, withLLM(t, stub, "", 10*time.Second))
	r := askAs(h, a.key, obj{"question": "Export everything"})
	if r.status != http.StatusOK {
		t.Fatalf("ask: %d %s", r.status, r.body)
	}
	wantErrors := []string{
		`there is no tool named "export_database"; the tools are customer_lookup, customers_at_risk, forecast, period_summary, product_report, recommendations, sales_report, trends`,
		"invalid arguments: interval must be day, week or month",
		`invalid arguments: field "from" has the wrong type; from must be a string, not number`,
		"invalid arguments: horizon must be a whole number from 1 to 90 for interval day",
		"invalid arguments: limit must be a whole number from 1 to 50",
		"invalid arguments: id or query is required, not both",
	}
	sent := stub.toolResults()
	for i, want := range wantErrors {
		checkFields(t, nil, fmt.Sprint("call ", i), r, map[string]any{
			fmt.Sprintf("tool_calls.%d.error", i): want, fmt.Sprintf("tool_calls.%d.result", i): nil})
		msg, _ := json.Marshal(map[string]string{"error": want})
		if got := sent[fmt.Sprintf("call_%d", i+1)]; got != string(msg) {
			t.Errorf("call %d: the model was sent %s, want %s", i, got, msg)
		}
	}
	checkFields(t, nil, "answer", r, map[string]any{"answer": "I could not get the figures.", "rounds": 2.0})
}

// TestAssistantToolsMatchTheirEndpoints: each tool returns what its
// endpoint returns for the same app and request, cut to what the model
// needs.
func TestAssistantToolsMatchTheirEndpoints(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	stub := newLLMStub(t,
		llmCall([2]string{"product_report", `{"from":"2026-11-01","to":"2026-11-19","limit":2}`},
			[2]string{"customers_at_risk", `{"limit":5}`},
			[2]string{"forecast", `{"metric":"orders","interval":"day","horizon":3}`},
			[2]string{"trends", `{"lang":"ru"}`},
			[2]string{"recommendations", `{"limit":20,"lang":"ru"}`},
			[2]string{"period_summary", `{"from":"2026-11-01","to":"2026-11-19","lang":"ru"}`}),
		llmSay("ok"))
	h, a, _ := assistantShops(t, db, withLLM(t, stub, "", 30*time.Second))
	r := askAs(h, a.key, obj{"question": "Everything, please"})
	if r.status != http.StatusOK {
		t.Fatalf("ask: %d %s", r.status, r.body)
	}
	for i := range 6 {
		if e, _ := r.field(fmt.Sprintf("tool_calls.%d.error", i)); e != nil {
			t.Fatalf("call %d failed: %v", i, e)
		}
	}
	result := func(i int) map[string]any {
		v, _ := r.field(fmt.Sprintf("tool_calls.%d.result", i))
		return v.(map[string]any)
	}
	endpoint := func(path string) map[string]any {
		resp := keyReq(h, a.key, "GET", path, nil)
		if resp.status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, resp.status, resp.body)
		}
		return resp.json.(map[string]any)
	}

	products, want := result(0), endpoint("/api/v1/reports/products?from=2026-11-01&to=2026-11-19")
	if products["total_products"] != 3.0 {
		t.Errorf("total_products = %v, want 3 (Starter, Pro, Addon)", products["total_products"])
	}
	want["products"] = want["products"].([]any)[:2]
	delete(products, "total_products")
	if !reflect.DeepEqual(products, want) {
		t.Errorf("product_report = %v\nendpoint gives %v", products, want)
	}

	atRisk, want := result(1), endpoint("/api/v1/insights/customers?at_risk=true&limit=5")
	want["next_cursor"] = nil
	if !reflect.DeepEqual(atRisk, want) {
		t.Errorf("customers_at_risk = %v\nendpoint gives %v", atRisk, want)
	}

	fc, want := result(2), endpoint("/api/v1/insights/forecast?metric=orders&interval=day&horizon=3")
	history := want["history"].([]any)
	if fc["history_points"] != float64(len(history)) || len(fc["history"].([]any)) != min(14, len(history)) {
		t.Errorf("forecast history: %v points shown of %v; the endpoint has %d", len(fc["history"].([]any)), fc["history_points"], len(history))
	}
	want["history"] = history[max(0, len(history)-14):]
	delete(fc, "history_points")
	if !reflect.DeepEqual(fc, want) || len(fc["forecast"].([]any)) != 3 {
		t.Errorf("forecast = %v\nendpoint gives %v", fc, want)
	}

	if tr, want := result(3), endpoint("/api/v1/insights/trends?lang=ru"); !reflect.DeepEqual(tr, want) {
		t.Errorf("trends = %v\nendpoint gives %v", tr, want)
	}

	recs, want := result(4), endpoint("/api/v1/insights/recommendations?lang=ru&status=new")
	if recs["total"] != float64(len(want["recommendations"].([]any))) ||
		!reflect.DeepEqual(recs["recommendations"], want["recommendations"]) || recs["as_of"] != want["as_of"] {
		t.Errorf("recommendations = %v\nendpoint gives %v", recs, want)
	}

	if sm, want := result(5), endpoint("/api/v1/insights/summary?from=2026-11-01&to=2026-11-19&lang=ru"); !reflect.DeepEqual(sm, want) {
		t.Errorf("period_summary = %v\nendpoint gives %v", sm, want)
	}
}

// TestAssistantFailures: the ways a question fails, each a problem that
// says what to do.
func TestAssistantFailures(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	tests := []struct {
		name       string
		steps      []http.HandlerFunc
		timeout    time.Duration
		wantStatus int
		wantType   string
		wantDetail []string
	}{
		{"model times out", []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(10 * time.Second):
			case <-r.Context().Done():
			}
		}}, 300 * time.Millisecond, http.StatusGatewayTimeout, "llm-timeout",
			[]string{"the LLM (stub-model) did not answer within 300ms (PULSE_LLM_TIMEOUT)"}},
		{"model answers 500", []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"error":{"message":"CUDA out of memory","type":"server_error"}}`)
		}}, time.Minute, http.StatusBadGateway, "llm-error",
			[]string{"the LLM (stub-model) failed: the LLM service answered 500 Internal Server Error: CUDA out of memory"}},
		{"model sends garbage", []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "not json")
		}}, time.Minute, http.StatusBadGateway, "llm-error", []string{"is not a chat completion"}},
		{"model never answers", []http.HandlerFunc{llmCall([2]string{"sales_report", `{}`})}, time.Minute,
			http.StatusBadGateway, "llm-error", []string{"gave no answer", "still asking for tools after 6 replies"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stub := newLLMStub(t, tt.steps...)
			h := newHarness(t, db, withLLM(t, stub, "sk-never-shown", tt.timeout))
			c := h.register("Shop", strings.ReplaceAll(tt.name, " ", "-")+"@example.com")
			start := time.Now()
			r := askAs(h, c.key, obj{"question": "How are sales?"})
			if r.status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.status, tt.wantStatus, r.body)
			}
			checkProblem(t, r)
			if ty := r.str("type"); ty != "urn:pulse:problem:"+tt.wantType {
				t.Errorf("type = %s, want %s", ty, tt.wantType)
			}
			for _, w := range tt.wantDetail {
				if d := r.str("detail"); !strings.Contains(d, w) {
					t.Errorf("detail %q does not say %q", d, w)
				}
			}
			if strings.Contains(string(r.body), "sk-never-shown") || strings.Contains(string(r.body), stub.srv.URL) {
				t.Errorf("the problem shows the key or the LLM's URL: %s", r.body)
			}
			if d := time.Since(start); tt.wantType == "llm-timeout" && d > 5*time.Second {
				t.Errorf("a 300ms timeout took %s", d)
			}
		})
	}
}

// TestAssistantRequests: who may ask, what a question must be, and the
// answer without an LLM configured.
func TestAssistantRequests(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	stub := newLLMStub(t, llmSay("ok"))
	f := &fixture{h: newHarness(t, db, withLLM(t, stub, "", 10*time.Second))}
	f.a, f.b = f.h.register("Anna", "anna@example.com"), f.h.register("Boris", "boris@example.com")
	r := f.a.do("POST", "/api/v1/apps/"+f.a.appID+"/keys", map[string]any{"name": "mobile", "scope": "ingest"})
	f.ingestKey = r.str("key")

	long := strings.Repeat("é", assistant.MaxQuestionLen)
	const path = "/api/v1/assistant/ask"
	for _, c := range []apiCase{
		{name: "answered", method: "POST", path: path, as: "key:A", body: obj{"question": "How are sales?"},
			wantStatus: 200, want: map[string]any{"answer": "ok", "tool_calls": []any{}}},
		{name: "longest question", method: "POST", path: path, as: "key:A", body: obj{"question": long}, wantStatus: 200},
		{name: "too long", method: "POST", path: path, as: "key:A", body: obj{"question": long + "?"},
			wantStatus: 422, want: map[string]any{"errors.0.field": "question", "errors.0.message": "must be at most 2000 characters"}},
		{name: "missing", method: "POST", path: path, as: "key:A", body: obj{},
			wantStatus: 422, want: map[string]any{"type": "urn:pulse:problem:validation", "errors.0.field": "question"}},
		{name: "blank", method: "POST", path: path, as: "key:A", body: obj{"question": " \n "},
			wantStatus: 422, want: map[string]any{"errors.0.field": "question"}},
		{name: "control character", method: "POST", path: path, as: "key:A", body: obj{"question": "sales\x00"},
			wantStatus: 422, want: map[string]any{"errors.0.field": "question"}},
		{name: "wrong type", method: "POST", path: path, as: "key:A", body: obj{"question": 42},
			wantStatus: 400, want: map[string]any{"type": "urn:pulse:problem:invalid-json", "errors.0.field": "question"}},
		{name: "unknown field", method: "POST", path: path, as: "key:A", body: obj{"question": "x", "app_id": "app_1"},
			wantStatus: 422, want: map[string]any{"type": "urn:pulse:problem:unknown-field", "errors.0.field": "app_id"}},
		{name: "not JSON", method: "POST", path: path, as: "key:A", body: "question=x",
			wantStatus: 400, want: map[string]any{"type": "urn:pulse:problem:invalid-json"}},
		{name: "ingest key", method: "POST", path: path, as: "key:ingest", body: obj{"question": "x"},
			wantStatus: 403, want: map[string]any{"type": "urn:pulse:problem:scope"}},
		{name: "no key", method: "POST", path: path, as: "", body: obj{"question": "x"}, wantStatus: 401},
		{name: "session is not a key", method: "POST", path: path, as: "A", body: obj{"question": "x"}, wantStatus: 401},
		{name: "GET", method: "GET", path: path, as: "key:A", wantStatus: 405},
	} {
		t.Run(c.name, func(t *testing.T) { f.run(t, c) })
	}
	if n := len(stub.requests()); n != 2 {
		t.Errorf("the LLM got %d questions, want only the 2 valid ones", n)
	}
}

// TestAssistantNotConfigured: without an LLM the endpoint says how to set
// one up, whatever the question.
func TestAssistantNotConfigured(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storetest.Open(t, store.SQLite))
	c := h.register("Anna", "anna@example.com")
	r := askAs(h, c.key, obj{"question": "How are sales?"})
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	checkProblem(t, r)
	d := r.str("detail")
	for _, w := range []string{"PULSE_LLM_URL", "PULSE_LLM_MODEL", "http://127.0.0.1:11434/v1", "--llm-url"} {
		if !strings.Contains(d, w) {
			t.Errorf("detail %q does not mention %q", d, w)
		}
	}
	if ty := r.str("type"); ty != "urn:pulse:problem:llm-not-configured" {
		t.Errorf("type = %s", ty)
	}
}
