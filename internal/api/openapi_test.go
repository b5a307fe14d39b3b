package api_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pulse/internal/api"
)

// httpMethods are the operation keys of an OpenAPI path item that the
// router can serve.
var httpMethods = []string{"get", "post", "put", "patch", "delete"}

// TestOpenAPIMatchesRoutes keeps the served OpenAPI document and the route
// table in step: every route is documented, every documented operation is
// routed, and the document is well-formed enough for tools to load.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	a := api.New(api.Config{KeyRate: 1, KeyBurst: 1}, slog.New(slog.DiscardHandler), nil, nil, nil, nil, nil)

	routes := map[string]bool{}
	for _, r := range a.Routes() {
		routes[r.Method+" "+r.Path] = true
	}

	doc := fetchOpenAPI(t, a)

	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1") {
		t.Errorf(`"openapi" is %q, want 3.1.x`, v)
	}

	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		t.Fatalf(`the document has no "paths" object`)
	}
	documented := map[string]bool{}
	opIDs := map[string]string{}
	for path, item := range paths {
		ops, ok := item.(map[string]any)
		if !ok {
			t.Errorf("paths[%q] is not an object", path)
			continue
		}
		for _, m := range httpMethods {
			op, ok := ops[m]
			if !ok {
				continue
			}
			key := strings.ToUpper(m) + " " + path
			documented[key] = true
			obj, _ := op.(map[string]any)
			id, _ := obj["operationId"].(string)
			if id == "" {
				t.Errorf("%s has no operationId", key)
				continue
			}
			if prev, dup := opIDs[id]; dup {
				t.Errorf("operationId %q is used by both %s and %s", id, prev, key)
			}
			opIDs[id] = key
		}
	}

	for _, r := range sortedKeys(routes) {
		if !documented[r] {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range sortedKeys(documented) {
		if !routes[d] {
			t.Errorf("openapi.json documents %s, which the router does not serve", d)
		}
	}

	walkRefs(t, doc, doc, "#")
}

// fetchOpenAPI gets the document the way a client does and decodes it.
func fetchOpenAPI(t *testing.T, a *api.API) map[string]any {
	t.Helper()
	mux := http.NewServeMux()
	a.Register(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: status %d, body %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET /api/v1/openapi.json: Content-Type %q, want application/json", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return doc
}

// walkRefs checks that every "$ref" under v, found at the JSON pointer at,
// resolves within root.
func walkRefs(t *testing.T, root, v any, at string) {
	t.Helper()
	switch val := v.(type) {
	case map[string]any:
		if s, ok := val["$ref"]; ok {
			ref, _ := s.(string)
			if !strings.HasPrefix(ref, "#/components/") {
				t.Errorf("%s: $ref %q does not point into #/components", at, s)
			} else if _, ok := resolve(root, ref); !ok {
				t.Errorf("%s: $ref %q points at nothing", at, ref)
			}
		}
		for _, k := range sortedKeys(val) {
			walkRefs(t, root, val[k], at+"/"+escapePointer(k))
		}
	case []any:
		for i, e := range val {
			walkRefs(t, root, e, at+"/"+strconv.Itoa(i))
		}
	}
}

// resolve follows a local JSON pointer ("#/a/b") through root.
func resolve(root any, ref string) (any, bool) {
	cur := root
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
