package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"pulse/internal/assistant"
	"pulse/internal/day"
	"pulse/internal/httpx"
	"pulse/internal/insight"
	"pulse/internal/model"
)

type assistantAskJSON struct {
	Question string `json:"question"`
}

// assistantAnswerJSON is the model's answer with every tool call it made:
// the numbers in the answer are meant to be found in the calls' results.
type assistantAnswerJSON struct {
	Answer    string         `json:"answer"`
	Model     string         `json:"model"`
	Rounds    int            `json:"rounds"`
	ToolCalls []toolCallJSON `json:"tool_calls"`
	Usage     *llmUsageJSON  `json:"usage"`
}

// toolCallJSON is one call: result is what the model was sent, or null
// with error saying what it was sent instead.
type toolCallJSON struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Arguments  json.RawMessage `json:"arguments"`
	Result     json.RawMessage `json:"result"`
	Error      *string         `json:"error"`
	DurationMS float64         `json:"duration_ms"`
}

type llmUsageJSON struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// assistantAsk is POST /api/v1/assistant/ask: a question in natural
// language, answered by the configured LLM with the key's app's analytics
// as its tools.
func (a *API) assistantAsk(w http.ResponseWriter, r *http.Request) error {
	llm := a.cfg.Assistant
	if llm == nil {
		return httpx.NewProblem(http.StatusServiceUnavailable, "llm-not-configured",
			"questions in natural language need an OpenAI-compatible LLM service: start Pulse with PULSE_LLM_URL "+
				"(the base URL that chat/completions is appended to, such as http://127.0.0.1:11434/v1 for Ollama) and "+
				"PULSE_LLM_MODEL set, or --llm-url and --llm-model, and PULSE_LLM_API_KEY for a service that needs a key; "+
				"the reports, trends and forecasts work without one")
	}
	var in assistantAskJSON
	if err := decode(w, r, &in); err != nil {
		return err
	}
	ans, err := a.Ask(r.Context(), keyFrom(r.Context()).App, requestLang(r, &model.ValidationError{}), in.Question)
	var ae *assistant.Error
	if errors.As(err, &ae) {
		return llmProblem(ae, llm)
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toAnswer(ans))
	return nil
}

func checkQuestion(q string) error {
	switch {
	case q == "":
		return model.Invalid("question", "is required: the question to answer, in words")
	case utf8.RuneCountInString(q) > assistant.MaxQuestionLen:
		return model.Invalid("question", "must be at most %d characters", assistant.MaxQuestionLen)
	case strings.ContainsFunc(q, func(c rune) bool { return unicode.IsControl(c) && c != '\n' && c != '\t' && c != '\r' }):
		return model.Invalid("question", "must not contain control characters other than line breaks and tabs")
	}
	return nil
}

// shopFacts tells the model what it needs to turn "last month" into
// dates and to read the tools' money.
func (a *API) shopFacts(app model.App) string {
	today := day.Of(a.now(), insight.Location(app))
	return fmt.Sprintf("The shop is %q. Today is %s, a %s, in the shop's time zone (%s). "+
		"Dates are YYYY-MM-DD in that time zone and periods include both ends. "+
		"Money is a decimal string in the shop's currency, %s.",
		app.Name, day.String(today), day.Time(today).Weekday(), app.Timezone, app.Currency)
}

// llmProblem is the problem for a failed question: the LLM service is an
// upstream of this one, so its failures are gateway errors.
func llmProblem(e *assistant.Error, llm *assistant.Client) *httpx.Problem {
	switch e.Kind {
	case assistant.KindTimeout:
		return httpx.NewProblem(http.StatusGatewayTimeout, "llm-timeout",
			fmt.Sprintf("the LLM (%s) did not answer within %s (PULSE_LLM_TIMEOUT): ask a narrower question, or use a faster model or a longer timeout",
				llm.Model(), llm.Timeout()))
	case assistant.KindNoAnswer:
		return httpx.NewProblem(http.StatusBadGateway, "llm-error",
			fmt.Sprintf("the LLM (%s) gave no answer: %s; try again, or ask a narrower question", llm.Model(), e.Msg))
	}
	return httpx.NewProblem(http.StatusBadGateway, "llm-error", fmt.Sprintf("the LLM (%s) failed: %s", llm.Model(), e.Msg))
}

func toAnswer(ans *assistant.Answer) assistantAnswerJSON {
	out := assistantAnswerJSON{Answer: ans.Text, Model: ans.Model, Rounds: ans.Rounds,
		ToolCalls: make([]toolCallJSON, len(ans.ToolCalls))}
	for i, c := range ans.ToolCalls {
		j := toolCallJSON{ID: c.ID, Name: c.Name, Arguments: c.Arguments, Result: c.Result,
			DurationMS: float64(c.Duration.Microseconds()) / 1000}
		if c.Error != "" {
			j.Error = &c.Error
		}
		out.ToolCalls[i] = j
	}
	if u := ans.Usage; u != nil {
		out.Usage = &llmUsageJSON{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens}
	}
	return out
}
