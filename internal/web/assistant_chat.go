package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"pulse/internal/assistant"
	"pulse/internal/i18n"
	"pulse/internal/model"
)

// chatView is the assistant page's question box: off when no LLM is
// configured; after a question, its answer with the tool calls that
// produced it, or why there is none.
type chatView struct {
	Enabled bool
	Action  string
	// Question is the question asked, QuestionErr what is wrong with it.
	Question, QuestionErr string
	// Answered is set when Answer holds the model's answer.
	Answered bool
	Answer   string
	Model    string
	// CallsTitle counts Calls.
	CallsTitle string
	Calls      []toolCallView
	// Error says why a question got no answer.
	Error string
}

// toolCallView is one function the model called, with what it was given
// and what it got back.
type toolCallView struct {
	Name, Args, Result, Error, Duration string
}

// assistantAsk puts the chat box's question to the LLM and shows the page
// again with the answer. A failure of the LLM, or its time running out, is
// said in the box: the page itself worked.
func (h *Web) assistantAsk(w http.ResponseWriter, r *http.Request, v *view) error {
	chat := chatView{Question: v.Value("question")}
	status := http.StatusOK
	// The language switch returns to the page, not to the form's address.
	v.Path = assistantPath(v) + query(r.URL.Query())
	if h.cfg.Ask == nil {
		return h.showAssistant(w, r, v, chat, status)
	}
	ans, err := h.cfg.Ask(r.Context(), *v.App, v.Lang, chat.Question)
	var (
		verr *model.ValidationError
		aerr *assistant.Error
	)
	switch {
	case errors.As(err, &verr):
		msgs := make([]string, 0, len(verr.Errors))
		for _, fe := range verr.Errors {
			msgs = append(msgs, v.areaMessage("assistant", fe.Message))
		}
		chat.QuestionErr, status = strings.Join(msgs, "; "), http.StatusUnprocessableEntity
	case errors.As(err, &aerr):
		chat.Error = llmError(v, aerr)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		chat.Error = v.T("assistant.chat.err.timeout")
	case err != nil:
		return err
	default:
		chat.Answered, chat.Answer, chat.Model = true, ans.Text, ans.Model
		chat.Calls = toolCalls(v, ans.ToolCalls)
		chat.CallsTitle = v.N("assistant.chat.calls", int64(len(chat.Calls)))
	}
	return h.showAssistant(w, r, v, chat, status)
}

// llmError says why the LLM gave no answer. The service's own message is
// kept: it is what an administrator needs to fix it.
func llmError(v *view, e *assistant.Error) string {
	switch e.Kind {
	case assistant.KindTimeout:
		return v.T("assistant.chat.err.timeout")
	case assistant.KindNoAnswer:
		return v.T("assistant.chat.err.no_answer", e.Msg)
	}
	return v.T("assistant.chat.err.service", e.Msg)
}

func toolCalls(v *view, calls []assistant.ToolCall) []toolCallView {
	out := make([]toolCallView, len(calls))
	for i, c := range calls {
		ms := float64(c.Duration.Microseconds()) / 1000
		out[i] = toolCallView{Name: c.Name, Args: prettyJSON(c.Arguments), Result: prettyJSON(c.Result), Error: c.Error,
			Duration: v.T("assistant.chat.duration", i18n.Float(v.Lang, ms, 0))}
	}
	return out
}

// prettyJSON indents a JSON value for reading; what does not parse is
// shown as it came.
func prettyJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}
