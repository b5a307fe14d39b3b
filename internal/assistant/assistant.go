// Package assistant answers questions in natural language with an
// OpenAI-compatible chat-completions service (Ollama, a llama.cpp server,
// vLLM or a hosted one). The model gets Pulse's own analytics functions as
// tools and is told to answer from their results only; every call it makes
// is returned with its arguments and result, so that each number in an
// answer can be traced to the function that produced it.
//
// The package knows nothing of Pulse's data: the caller hands it the tools,
// already bound to the one app they may read.
package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Limits of a conversation.
const (
	// DefaultTimeout bounds a whole question: every model request and
	// every tool call it leads to.
	DefaultTimeout = 60 * time.Second
	// DefaultMaxRounds is how many replies the model may give before it
	// must have answered: up to five rounds of tool calls and the answer.
	DefaultMaxRounds = 6
	// MaxCallsPerRound bounds the tool calls run for one reply; the
	// model is told about the calls past it instead of their results.
	MaxCallsPerRound = 8
	// MaxReplyBytes bounds a reply of the service that is read.
	MaxReplyBytes = 4 << 20
	// MaxResultBytes bounds one tool result sent to the model: a model's
	// context is small, and a larger result is refused with advice to
	// narrow the request rather than cut.
	MaxResultBytes = 32 << 10
	// MaxQuestionLen is the longest question, in characters, a caller
	// should accept; Ask itself does not check it.
	MaxQuestionLen = 2000
)

// Config says which service and model to use.
type Config struct {
	// URL is the base that "chat/completions" is appended to, such as
	// http://127.0.0.1:11434/v1 for Ollama or https://api.openai.com/v1.
	// A query string is kept on every request.
	URL    string
	Model  string
	APIKey string // sent as a bearer token when set
	// Timeout bounds a whole question; zero means DefaultTimeout.
	Timeout time.Duration
	// MaxRounds bounds the model's replies; zero means DefaultMaxRounds.
	MaxRounds int
	// HTTP is the client to use; nil means one of the package's own. Its
	// own timeout, if any, adds to Timeout rather than replacing it.
	HTTP *http.Client
}

// Client asks one model. It is safe for concurrent use.
type Client struct {
	cfg      Config
	endpoint string
	host     string // for messages: the URL may hold credentials
	http     *http.Client
}

// New checks cfg and returns a Client. The URL must be http or https and
// the model must be named.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("assistant: the LLM URL must be an http:// or https:// URL such as http://127.0.0.1:11434/v1")
	}
	if strings.TrimSpace(cfg.Model) == "" {
		return nil, errors.New("assistant: the LLM model must be named")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxRounds <= 0 {
		cfg.MaxRounds = DefaultMaxRounds
	}
	c := &Client{cfg: cfg, host: u.Host, http: cfg.HTTP}
	if c.http == nil {
		c.http = &http.Client{Transport: http.DefaultTransport}
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/chat/completions"
	u.RawPath = ""
	u.Fragment = ""
	c.endpoint = u.String()
	return c, nil
}

// Model is the configured model's name.
func (c *Client) Model() string { return c.cfg.Model }

// Timeout is how long a whole question may take.
func (c *Client) Timeout() time.Duration { return c.cfg.Timeout }

// Tool is a function the model may call. Parameters is its arguments' JSON
// Schema. Call gets the arguments as the model wrote them (an empty object
// when it gave none) and must check them; its error's text is what the
// model reads, so it should say what was wrong and never hold a secret.
type Tool struct {
	Name        string
	Description string
	Parameters  json.RawMessage
	Call        func(ctx context.Context, args json.RawMessage) (any, error)
}

// Request is one question with what the model needs around it.
type Request struct {
	Question string
	// Facts are added to the system prompt: what the model cannot ask a
	// tool, such as today's date and the shop's currency.
	Facts string
	Tools []Tool
}

// Answer is the model's answer and how it was reached.
type Answer struct {
	Text  string
	Model string // as the service named it, else the configured one
	// Rounds is the number of replies the model gave.
	Rounds    int
	ToolCalls []ToolCall
	Usage     *Usage // nil when the service reports none
}

// ToolCall is one call the model asked for. Exactly one of Result and
// Error is set: Result is the JSON the model was sent, Error the message
// it was sent instead.
type ToolCall struct {
	ID        string
	Name      string
	Arguments json.RawMessage
	Result    json.RawMessage
	Error     string
	Duration  time.Duration
}

// Usage is the tokens the service counted, summed over the rounds.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
	TotalTokens      int
}

// Kind classifies an Error.
type Kind int

const (
	// KindTimeout: the question took longer than the timeout.
	KindTimeout Kind = iota + 1
	// KindService: the service could not be reached, answered with an
	// error status, or sent something that is not a chat completion.
	KindService
	// KindNoAnswer: the model gave no answer: an empty reply, or still
	// asking for tools after the last round.
	KindNoAnswer
)

// Error is a failure of the service or of the conversation. Its message
// says what went wrong for the user to read, with the service's status
// and own message where there is one, and never the API key.
type Error struct {
	Kind Kind
	// Status is the HTTP status the service answered, when that failed.
	Status int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

func (c *Client) fail(kind Kind, status int, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	if c.cfg.APIKey != "" {
		msg = strings.ReplaceAll(msg, c.cfg.APIKey, "[redacted]")
	}
	return &Error{Kind: kind, Status: status, Msg: msg}
}
