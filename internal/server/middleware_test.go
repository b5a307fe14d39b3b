package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRecoverPanicsAnswersWithAProblemAndLogsTheCause(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	h := withRequestID(recoverPanics(log, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("database exploded")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	var p map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(rec.Body.String(), "exploded") {
		t.Error("the panic value leaked to the client")
	}
	if p["request_id"] != rec.Header().Get("X-Request-Id") || p["request_id"] == "" {
		t.Errorf("problem request_id %v, header %q", p["request_id"], rec.Header().Get("X-Request-Id"))
	}
	if !strings.Contains(logs.String(), "database exploded") {
		t.Error("the panic is not logged")
	}
}
