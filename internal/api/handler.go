package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"pulse/internal/httpx"
	"pulse/internal/model"
)

// handlerFunc is an HTTP handler that returns its failure instead of writing
// it; fail turns the error into a problem response.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// fail writes err as a problem. Domain errors map to their statuses; any
// other error is logged with its cause and answered with a 500 that says
// nothing of it.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := a.problemFor(r, err)
	p.RequestID = httpx.RequestID(r.Context())
	httpx.WriteProblem(w, p)
}

func (a *API) problemFor(r *http.Request, err error) *httpx.Problem {
	var (
		prob      *httpx.Problem
		invalid   *model.ValidationError
		conflict  *model.ConflictError
		throttled *model.ThrottledError
		unauth    *model.UnauthenticatedError
		busy      *model.UnavailableError
	)
	switch {
	case errors.As(err, &prob):
		return prob
	case errors.As(err, &invalid):
		p := httpx.NewProblem(http.StatusUnprocessableEntity, "validation", summarize(invalid.Errors))
		p.Errors = fieldErrors(invalid.Errors)
		return p
	case errors.As(err, &conflict):
		p := httpx.NewProblem(http.StatusConflict, "conflict", conflict.Message)
		p.Errors = fieldErrors(conflict.Fields)
		return p
	case errors.As(err, &throttled):
		p := httpx.NewProblem(http.StatusTooManyRequests, "rate-limited", throttled.Message)
		p.RetryAfter = throttled.RetryAfter
		return p
	case errors.As(err, &unauth):
		return httpx.NewProblem(http.StatusUnauthorized, "unauthenticated", unauth.Reason)
	case errors.As(err, &busy):
		p := httpx.NewProblem(http.StatusServiceUnavailable, "busy", busy.Reason)
		p.RetryAfter = busy.RetryAfter
		return p
	case errors.Is(err, model.ErrForbidden):
		return httpx.NewProblem(http.StatusForbidden, "forbidden", "these credentials may not do this")
	case errors.Is(err, model.ErrNotFound):
		return httpx.NewProblem(http.StatusNotFound, "not-found", "no such resource: "+r.URL.Path)
	case errors.Is(err, context.DeadlineExceeded):
		a.log.WarnContext(r.Context(), "request timed out", "err", err, "request_id", httpx.RequestID(r.Context()))
		p := httpx.NewProblem(http.StatusServiceUnavailable, "timeout", "the server took too long; try again")
		p.RetryAfter = 1
		return p
	}
	a.log.ErrorContext(r.Context(), "request failed", "err", err,
		"method", r.Method, "path", r.URL.Path, "request_id", httpx.RequestID(r.Context()))
	return httpx.NewProblem(http.StatusInternalServerError, "internal",
		"something went wrong on our side; the request id identifies it in the server log")
}

func fieldErrors(fs []model.FieldError) []httpx.FieldError {
	out := make([]httpx.FieldError, len(fs))
	for i, f := range fs {
		out[i] = httpx.FieldError{Field: f.Field, Message: f.Message}
	}
	return out
}

// summarize states the first invalid field in a sentence, and how many
// more there are.
func summarize(fs []model.FieldError) string {
	if len(fs) == 0 {
		return "the request is invalid"
	}
	s := fmt.Sprintf("%s %s", fs[0].Field, fs[0].Message)
	if len(fs) > 1 {
		s += fmt.Sprintf(" (and %d more invalid fields)", len(fs)-1)
	}
	return s
}

func notFoundPath(r *http.Request) error {
	return httpx.NewProblem(http.StatusNotFound, "not-found",
		fmt.Sprintf("there is no %s %s in this API; see /api/v1/openapi.json", r.Method, r.URL.Path))
}

// decode reads a JSON body of at most bodyLimit bytes into dst.
func decode(w http.ResponseWriter, r *http.Request, dst any) error {
	return httpx.DecodeJSON(w, r, bodyLimit, dst)
}
