package assistant

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// The chat-completions protocol, as much of it as the tool loop uses.

type chatRequest struct {
	Model      string     `json:"model"`
	Messages   []message  `json:"messages"`
	Tools      []toolSpec `json:"tools,omitempty"`
	ToolChoice string     `json:"tool_choice,omitempty"`
	// Ollama streams by default on some of its endpoints; the loop needs
	// whole replies.
	Stream bool `json:"stream"`
}

type message struct {
	Role       string     `json:"role"`
	Content    string     `json:"content"`
	ToolCalls  []wireCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
}

type toolSpec struct {
	Type     string       `json:"type"`
	Function functionSpec `json:"function"`
}

type functionSpec struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
}

type wireCall struct {
	ID       string       `json:"id"`
	Type     string       `json:"type"`
	Function wireFunction `json:"function"`
}

type wireFunction struct {
	Name string `json:"name"`
	// Arguments is a JSON string holding the arguments' JSON; some
	// servers send the object itself, which is accepted too.
	Arguments json.RawMessage `json:"arguments"`
}

type chatReply struct {
	Model   string `json:"model"`
	Choices []struct {
		Message struct {
			// Content is a string, null, or (from some servers) an
			// array of text parts.
			Content   json.RawMessage `json:"content"`
			ToolCalls []wireCall      `json:"tool_calls"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	} `json:"usage"`
	// Error is set by servers that report a failure with status 200.
	Error json.RawMessage `json:"error"`
}

// send makes one chat-completions request and decodes the reply.
func (c *Client) send(ctx context.Context, body chatRequest) (*chatReply, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("assistant: encoding the request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("assistant: building the request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, c.fail(KindService, 0, "could not reach the LLM service at %s: %s", c.host, transportCause(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxReplyBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, c.fail(KindService, resp.StatusCode, "reading the LLM service's reply failed: %s", transportCause(err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := fmt.Sprintf("the LLM service answered %s", resp.Status)
		if detail := providerMessage(raw); detail != "" {
			msg += ": " + detail
		}
		return nil, c.fail(KindService, resp.StatusCode, "%s", msg)
	}
	if len(raw) > MaxReplyBytes {
		return nil, c.fail(KindService, resp.StatusCode, "the LLM service's reply is larger than %d MiB", MaxReplyBytes>>20)
	}
	var reply chatReply
	if err := json.Unmarshal(raw, &reply); err != nil {
		return nil, c.fail(KindService, resp.StatusCode, "the LLM service's reply is not a chat completion: %s", clip(err.Error(), 200))
	}
	if len(reply.Error) > 0 && string(reply.Error) != "null" {
		return nil, c.fail(KindService, resp.StatusCode, "the LLM service reported an error: %s", providerMessage(raw))
	}
	if len(reply.Choices) == 0 {
		return nil, c.fail(KindService, resp.StatusCode, "the LLM service's reply has no choices")
	}
	return &reply, nil
}

// transportCause is err without the request URL, which may hold
// credentials.
func transportCause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return clip(err.Error(), 200)
}

// providerMessage is the error message in an error reply: OpenAI's
// {"error": {"message": ...}}, the {"error": "..."} of Ollama and others,
// or a short plain-text body. An HTML page says nothing useful.
func providerMessage(raw []byte) string {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Detail  string          `json:"detail"`
	}
	if json.Unmarshal(raw, &v) == nil {
		var s string
		var obj struct {
			Message string `json:"message"`
		}
		switch {
		case json.Unmarshal(v.Error, &s) == nil && s != "":
			return clip(s, 300)
		case json.Unmarshal(v.Error, &obj) == nil && obj.Message != "":
			return clip(obj.Message, 300)
		case v.Message != "":
			return clip(v.Message, 300)
		case v.Detail != "":
			return clip(v.Detail, 300)
		}
		return ""
	}
	text := strings.TrimSpace(string(raw))
	if text == "" || strings.HasPrefix(text, "<") || !utf8.ValidString(text) {
		return ""
	}
	return clip(text, 300)
}

// clip shortens s to at most n characters on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// text is a reply's content as one string.
func text(content json.RawMessage) string {
	var s string
	if json.Unmarshal(content, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(content, &parts) == nil {
		var b strings.Builder
		for _, p := range parts {
			if p.Type == "" || p.Type == "text" {
				b.WriteString(p.Text)
			}
		}
		return b.String()
	}
	return ""
}
