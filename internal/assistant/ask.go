package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// systemPrompt is what the model is told before the question.
const systemPrompt = `You are the sales analyst of Pulse, a CRM, answering a question about one shop.
Get every figure from the tools: call them for the data you need, and never estimate, recall or invent a number.
Quote the figures you use as the tools gave them, with their currency and period.
If the tools cannot answer the question, say so and say what is missing.
Answer briefly, in the language the question is written in.`

// errAskTimeout marks the end of a question's own time, as opposed to its
// caller giving up.
var errAskTimeout = errors.New("assistant: the question's time is up")

// Ask puts a question to the model with the tools, runs the calls it asks
// for and returns its answer. It fails with an *Error when the service
// fails, the time is up or the model gives no answer; with the context's
// error when ctx ends first.
func (c *Client) Ask(ctx context.Context, req Request) (*Answer, error) {
	tools := make(map[string]Tool, len(req.Tools))
	specs := make([]toolSpec, len(req.Tools))
	for i, t := range req.Tools {
		if _, dup := tools[t.Name]; dup {
			return nil, fmt.Errorf("assistant: two tools are named %q", t.Name)
		}
		tools[t.Name] = t
		specs[i] = toolSpec{Type: "function", Function: functionSpec{Name: t.Name, Description: t.Description, Parameters: t.Parameters}}
	}
	ctx, cancel := context.WithTimeoutCause(ctx, c.cfg.Timeout, errAskTimeout)
	defer cancel()

	prompt := systemPrompt
	if req.Facts != "" {
		prompt += "\n\n" + req.Facts
	}
	body := chatRequest{Model: c.cfg.Model, Messages: []message{
		{Role: "system", Content: prompt},
		{Role: "user", Content: req.Question},
	}}
	if len(specs) > 0 {
		body.Tools, body.ToolChoice = specs, "auto"
	}
	ans := &Answer{Model: c.cfg.Model, ToolCalls: []ToolCall{}}
	for ans.Rounds < c.cfg.MaxRounds {
		reply, err := c.send(ctx, body)
		if err != nil {
			return nil, c.ended(ctx, err)
		}
		ans.Rounds++
		ans.addUsage(reply)
		if reply.Model != "" {
			ans.Model = reply.Model
		}
		msg := reply.Choices[0].Message
		content := text(msg.Content)
		if len(msg.ToolCalls) == 0 {
			ans.Text = strings.TrimSpace(content)
			if ans.Text == "" {
				return nil, c.fail(KindNoAnswer, 0, "the model's reply is empty (finish reason %q)", reply.Choices[0].FinishReason)
			}
			return ans, nil
		}
		echo := message{Role: "assistant", Content: content, ToolCalls: make([]wireCall, len(msg.ToolCalls))}
		var results []message
		for i, wc := range msg.ToolCalls {
			call, args := parseCall(wc, ans.Rounds, i)
			echo.ToolCalls[i] = wireCall{ID: call.ID, Type: "function", Function: wireFunction{Name: call.Name, Arguments: args}}
			if i < MaxCallsPerRound {
				c.run(ctx, tools, &call)
			} else {
				call.Error = fmt.Sprintf("not run: at most %d tool calls are run per reply; ask for the rest in the next one", MaxCallsPerRound)
			}
			if err := ctx.Err(); err != nil {
				return nil, c.ended(ctx, err)
			}
			ans.ToolCalls = append(ans.ToolCalls, call)
			results = append(results, message{Role: "tool", ToolCallID: call.ID, Content: call.content()})
		}
		body.Messages = append(append(body.Messages, echo), results...)
	}
	return nil, c.fail(KindNoAnswer, 0, "the model was still asking for tools after %d replies, without an answer", c.cfg.MaxRounds)
}

// ended turns the end of ctx into a timeout when the question's own time
// ran out, and passes other errors through.
func (c *Client) ended(ctx context.Context, err error) error {
	if errors.Is(context.Cause(ctx), errAskTimeout) {
		return c.fail(KindTimeout, 0, "the model did not answer within %s", c.cfg.Timeout)
	}
	return err
}

func (a *Answer) addUsage(r *chatReply) {
	if r.Usage == nil {
		return
	}
	if a.Usage == nil {
		a.Usage = &Usage{}
	}
	a.Usage.PromptTokens += r.Usage.PromptTokens
	a.Usage.CompletionTokens += r.Usage.CompletionTokens
	a.Usage.TotalTokens += r.Usage.TotalTokens
}

// parseCall reads a requested call: its arguments as JSON (an empty
// object when none were given) and as the JSON string the protocol sends
// back. A call without an id gets one, as the result must name it.
func parseCall(wc wireCall, round, i int) (ToolCall, json.RawMessage) {
	call := ToolCall{ID: wc.ID, Name: wc.Function.Name}
	if call.ID == "" {
		call.ID = fmt.Sprintf("call_%d_%d", round, i+1)
	}
	raw := wc.Function.Arguments
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = json.RawMessage(s)
	}
	if strings.TrimSpace(string(raw)) == "" || string(raw) == "null" {
		raw = json.RawMessage("{}")
	}
	if !json.Valid(raw) {
		// Kept as text, so that the answer shows what the model wrote.
		quoted, _ := json.Marshal(string(raw))
		call.Arguments = quoted
		call.Error = "the arguments are not valid JSON; send a JSON object that matches the tool's parameters"
		return call, quoted
	}
	call.Arguments = raw
	asString, _ := json.Marshal(string(raw))
	return call, asString
}

// run calls the tool call names, unless the call is already refused,
// and records the result or the error.
func (c *Client) run(ctx context.Context, tools map[string]Tool, call *ToolCall) {
	if call.Error != "" {
		return
	}
	t, ok := tools[call.Name]
	if !ok {
		names := slices.Sorted(maps.Keys(tools))
		call.Error = fmt.Sprintf("there is no tool named %q; the tools are %s", call.Name, strings.Join(names, ", "))
		return
	}
	start := time.Now()
	v, err := t.Call(ctx, call.Arguments)
	call.Duration = time.Since(start)
	if err != nil {
		call.Error = err.Error()
		return
	}
	b, err := json.Marshal(v)
	switch {
	case err != nil:
		call.Error = "the tool's result could not be encoded"
	case len(b) > MaxResultBytes:
		call.Error = fmt.Sprintf("the result is %d KiB, over the %d KiB a tool may return; narrow the request: a shorter period, a coarser interval or a smaller limit",
			(len(b)+1023)>>10, MaxResultBytes>>10)
	default:
		call.Result = b
	}
}

// content is what the model is sent for the call.
func (t ToolCall) content() string {
	if t.Error != "" {
		b, _ := json.Marshal(map[string]string{"error": t.Error})
		return string(b)
	}
	return string(t.Result)
}
