package api

import (
	"context"
	"errors"
	"strings"

	"pulse/internal/assistant"
	"pulse/internal/httpx"
	"pulse/internal/model"
)

// ErrNoLLM is Ask's error when no LLM service is configured.
var ErrNoLLM = errors.New("api: no LLM service is configured")

// Ask puts a question about app to the configured LLM with the app's
// analytics as its tools, texts the tools write in lang: what POST
// /api/v1/assistant/ask does, for the web pages' chat box. It fails with
// ErrNoLLM when no LLM is configured, a *model.ValidationError for a
// question that cannot be asked, and an *assistant.Error when the service
// fails, the time is up or the model gives no answer.
func (a *API) Ask(ctx context.Context, app model.App, lang, question string) (*assistant.Answer, error) {
	llm := a.cfg.Assistant
	if llm == nil {
		return nil, ErrNoLLM
	}
	q := strings.TrimSpace(question)
	if err := checkQuestion(q); err != nil {
		return nil, err
	}
	ans, err := llm.Ask(ctx, assistant.Request{Question: q, Facts: a.shopFacts(app), Tools: a.assistantTools(app, lang)})
	if err != nil {
		var ae *assistant.Error
		if errors.As(err, &ae) {
			a.log.WarnContext(ctx, "the LLM failed", "err", ae.Msg, "app_id", app.ID, "request_id", httpx.RequestID(ctx))
		}
		return nil, err
	}
	a.log.InfoContext(ctx, "assistant answered", "app_id", app.ID, "model", ans.Model,
		"rounds", ans.Rounds, "tool_calls", len(ans.ToolCalls), "request_id", httpx.RequestID(ctx))
	return ans, nil
}
