package httpx_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"pulse/internal/httpx"
)

type item struct {
	ID  string `json:"id"`
	Qty int    `json:"qty"`
}

type order struct {
	Name  *string `json:"name"`
	Items []item  `json:"items"`
}

const testLimit = 1 << 10

func decode(t *testing.T, body string, limit int64) (order, error) {
	t.Helper()
	var dst order
	r := httptest.NewRequest(http.MethodPost, "/orders", strings.NewReader(body))
	w := httptest.NewRecorder()
	err := httpx.DecodeJSON(w, r, limit, &dst)
	return dst, err
}

func asProblem(t *testing.T, err error) *httpx.Problem {
	t.Helper()
	var p *httpx.Problem
	if !errors.As(err, &p) {
		t.Fatalf("error %v (%T) is not a *httpx.Problem", err, err)
	}
	return p
}

func TestDecodeJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		body       string
		limit      int64
		status     int
		slug       string
		field      string // errors[0].field, "" for no field errors
		detailHas  string
		messageHas string
	}{
		{name: "empty body", body: "", status: 400, slug: "invalid-json", detailHas: "empty"},
		{name: "whitespace body", body: " \n\t\r\n ", status: 400, slug: "invalid-json", detailHas: "empty"},
		{name: "invalid JSON", body: `{"name": "x",}`, status: 400, slug: "invalid-json", detailHas: "(at byte 14)"},
		{name: "not JSON at all", body: `name=x`, status: 400, slug: "invalid-json", detailHas: "at byte"},
		{name: "truncated", body: `{"name":"x"`, status: 400, slug: "invalid-json", detailHas: "ends too soon"},
		{name: "array instead of object", body: `[{"name":"x"}]`, status: 400, slug: "invalid-json", detailHas: "must be a JSON object, not array"},
		{name: "string instead of object", body: `"x"`, status: 400, slug: "invalid-json", detailHas: "must be a JSON object, not string"},
		{name: "number instead of object", body: `42`, status: 400, slug: "invalid-json", detailHas: "must be a JSON object, not number"},
		{name: "wrong type top-level", body: `{"name": 5}`, status: 400, slug: "invalid-json", field: "name", messageHas: "must be a string, not number"},
		{name: "wrong type array field", body: `{"items": {}}`, status: 400, slug: "invalid-json", field: "items", messageHas: "must be an array, not object"},
		// encoding/json reports nested fields as a dotted path without the
		// array index; DecodeJSON puts the index back.
		{name: "wrong type nested", body: `{"items": [{"id":"a","qty":1},{"id":"b","qty":"2"}]}`, status: 400, slug: "invalid-json", field: "items[1].qty", messageHas: "must be a whole number, not string"},
		{name: "fraction for int", body: `{"items": [{"id":"a","qty":1},{"id":"a","qty":1.5}]}`, status: 400, slug: "invalid-json", field: "items[1].qty", messageHas: "whole number"},
		{name: "null instead of object", body: `null`, status: 400, slug: "invalid-json", detailHas: "must be a JSON object, not null"},
		{name: "unknown top-level field", body: `{"nmae": "x"}`, status: 422, slug: "unknown-field", field: "nmae", detailHas: `"nmae"`},
		{name: "unknown nested field", body: `{"name":"x","items":[{"id":"a","qty":1},{"id":"b","qyt":2}]}`, status: 422, slug: "unknown-field", field: "items[1].qyt", detailHas: `"items[1].qyt"`},
		{name: "unknown nested field, other keys in another case", body: `{"Items":[{"ID":"a","qyt":2}]}`, status: 422, slug: "unknown-field", field: "Items[0].qyt"},
		{name: "trailing object", body: `{} {}`, status: 400, slug: "invalid-json", detailHas: "data after the JSON value"},
		{name: "trailing garbage", body: `{"name":"x"} x`, status: 400, slug: "invalid-json", detailHas: "data after the JSON value"},
		{name: "trailing brace", body: `{"name":"x"}}`, status: 400, slug: "invalid-json", detailHas: "data after the JSON value"},
		{name: "over the limit", body: `{"name":"` + strings.Repeat("x", 40) + `"}`, limit: 32, status: 413, slug: "body-too-large", detailHas: "32 bytes"},
		{name: "one byte over the limit", body: `{"name":"` + strings.Repeat("x", 22) + `"}`, limit: 32, status: 413, slug: "body-too-large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			limit := tt.limit
			if limit == 0 {
				limit = testLimit
			}
			_, err := decode(t, tt.body, limit)
			if err == nil {
				t.Fatalf("DecodeJSON(%q) = nil, want a %d problem", tt.body, tt.status)
			}
			p := asProblem(t, err)
			if p.Status != tt.status {
				t.Errorf("status = %d, want %d (%s)", p.Status, tt.status, p.Detail)
			}
			if want := "urn:pulse:problem:" + tt.slug; p.Type != want {
				t.Errorf("type = %q, want %q", p.Type, want)
			}
			if want := http.StatusText(tt.status); p.Title != want {
				t.Errorf("title = %q, want %q", p.Title, want)
			}
			if !strings.Contains(p.Detail, tt.detailHas) {
				t.Errorf("detail = %q, want it to contain %q", p.Detail, tt.detailHas)
			}
			if tt.field == "" {
				if len(p.Errors) != 0 {
					t.Errorf("errors = %+v, want none", p.Errors)
				}
				return
			}
			if len(p.Errors) != 1 {
				t.Fatalf("errors = %+v, want one naming %q", p.Errors, tt.field)
			}
			if p.Errors[0].Field != tt.field {
				t.Errorf("errors[0].field = %q, want %q", p.Errors[0].Field, tt.field)
			}
			if !strings.Contains(p.Errors[0].Message, tt.messageHas) {
				t.Errorf("errors[0].message = %q, want it to contain %q", p.Errors[0].Message, tt.messageHas)
			}
		})
	}
}

func TestDecodeJSONValid(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	tests := []struct {
		name  string
		body  string
		limit int64
		want  order
	}{
		{"empty object", `{}`, 0, order{}},
		{"name only", `{"name":"Ada"}`, 0, order{Name: str("Ada")}},
		{"null name", `{"name":null}`, 0, order{}},
		{"empty name", `{"name":""}`, 0, order{Name: str("")}},
		{"full", `{"name":"Ada","items":[{"id":"a","qty":1},{"id":"b","qty":-2}]}`, 0,
			order{Name: str("Ada"), Items: []item{{"a", 1}, {"b", -2}}}},
		{"surrounding whitespace", "\n  {\"name\":\"Ada\"}  \n", 0, order{Name: str("Ada")}},
		{"keys in another case", `{"NAME":"Ada","Items":[{"ID":"a","QTY":3}]}`, 0,
			order{Name: str("Ada"), Items: []item{{"a", 3}}}},
		{"unicode", `{"name":"Zoë 日本語 🎉 \u00e9\ud83d\ude00","items":[{"id":"ключ","qty":1}]}`, 0,
			order{Name: str("Zoë 日本語 🎉 é😀"), Items: []item{{"ключ", 1}}}},
		{"exactly at the limit", `{"name":"` + strings.Repeat("x", 21) + `"}`, 32,
			order{Name: str(strings.Repeat("x", 21))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			limit := tt.limit
			if limit == 0 {
				limit = testLimit
			}
			if tt.limit != 0 && int64(len(tt.body)) != tt.limit {
				t.Fatalf("test table: body is %d bytes, want exactly %d", len(tt.body), tt.limit)
			}
			got, err := decode(t, tt.body, limit)
			if err != nil {
				t.Fatalf("DecodeJSON(%q): %v", tt.body, err)
			}
			if (got.Name == nil) != (tt.want.Name == nil) || got.Name != nil && *got.Name != *tt.want.Name {
				t.Errorf("Name = %v, want %v", deref(got.Name), deref(tt.want.Name))
			}
			if len(got.Items) != len(tt.want.Items) {
				t.Fatalf("Items = %+v, want %+v", got.Items, tt.want.Items)
			}
			for i := range got.Items {
				if got.Items[i] != tt.want.Items[i] {
					t.Errorf("Items[%d] = %+v, want %+v", i, got.Items[i], tt.want.Items[i])
				}
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return "&" + *s
}

func TestDecodeJSONUnreadableBody(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/", io.NopCloser(iotest.ErrReader(errors.New("connection reset"))))
	var dst order
	err := httpx.DecodeJSON(httptest.NewRecorder(), r, testLimit, &dst)
	p := asProblem(t, err)
	if p.Status != http.StatusBadRequest || p.Type != "urn:pulse:problem:unreadable-body" {
		t.Errorf("problem = %+v, want 400 unreadable-body", p)
	}
}

// TestUnknownFieldPathTypes covers unknown fields under maps, pointers and
// embedded structs, where the path search has to follow the Go type.
func TestUnknownFieldPathTypes(t *testing.T) {
	t.Parallel()
	type Base struct {
		Created string `json:"created"`
	}
	type inner struct {
		Val int `json:"val"`
	}
	type outer struct {
		Base
		Ptr     *inner           `json:"ptr"`
		ByName  map[string]inner `json:"by_name"`
		Skipped string           `json:"-"`
		NoTag   string
		Opt     string `json:"opt,omitempty"`
	}
	tests := []struct {
		body, field string
	}{
		{`{"ptr":{"val":1,"vla":2}}`, "ptr.vla"},
		{`{"by_name":{"x":{"val":1},"y":{"bad":1}}}`, "by_name.y.bad"},
		{`{"created":"now","cretaed":"x"}`, "cretaed"},
		{`{"Skipped":"x"}`, "Skipped"},
		{`{"NoTag":"x","opt":"y","nope":1}`, "nope"},
	}
	for _, tt := range tests {
		var dst outer
		err := httpx.Unmarshal([]byte(tt.body), &dst)
		if err == nil {
			t.Errorf("Unmarshal(%q) = nil, want unknown field %q", tt.body, tt.field)
			continue
		}
		p := asProblem(t, err)
		if p.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Field != tt.field {
			t.Errorf("Unmarshal(%q) = %d %+v, want 422 naming %q", tt.body, p.Status, p.Errors, tt.field)
		}
	}
	var ok outer
	if err := httpx.Unmarshal([]byte(`{"created":"now","NoTag":"a","opt":"b","ptr":{"val":1},"by_name":{"k":{"val":2}}}`), &ok); err != nil {
		t.Errorf("Unmarshal of known fields: %v", err)
	}
	if ok.Created != "now" || ok.NoTag != "a" || ok.Ptr == nil || ok.Ptr.Val != 1 || ok.ByName["k"].Val != 2 {
		t.Errorf("decoded %+v", ok)
	}
}
