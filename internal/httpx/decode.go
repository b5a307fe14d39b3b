package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// DecodeJSON reads r's body, at most limit bytes, into dst, which must be a
// pointer to a struct. It is strict: unknown fields, trailing data and wrong
// types are errors. Every error is a *Problem naming the field at fault:
// 413 over the limit, 400 for a body that is not JSON or not of the expected
// type, 422 for an unknown field.
func DecodeJSON(w http.ResponseWriter, r *http.Request, limit int64, dst any) error {
	return decodeJSON(w, r, limit, dst, -1)
}

// DecodeJSONOuter is DecodeJSON for a body whose nested values are raw
// messages decoded (and checked for repeated names) one by one later, as
// the events of a batch: repeated names are refused in the outermost object
// only, so that one bad event does not refuse the whole batch.
func DecodeJSONOuter(w http.ResponseWriter, r *http.Request, limit int64, dst any) error {
	return decodeJSON(w, r, limit, dst, 1)
}

func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, dst any, depth int) error {
	body, err := ReadBody(w, r, limit)
	if err != nil {
		return err
	}
	return unmarshal(body, dst, depth)
}

// ReadBody reads r's body, at most limit bytes. Errors are problems: 413
// over the limit, 400 when the body cannot be read.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, NewProblem(http.StatusRequestEntityTooLarge, "body-too-large",
				fmt.Sprintf("the request body is larger than the limit of %d bytes", limit))
		}
		return nil, NewProblem(http.StatusBadRequest, "unreadable-body", "the request body could not be read")
	}
	return body, nil
}

// Unmarshal is DecodeJSON's strict decoding of an already read body.
func Unmarshal(body []byte, dst any) error { return unmarshal(body, dst, -1) }

// UnmarshalOuter is DecodeJSONOuter's decoding of an already read body.
func UnmarshalOuter(body []byte, dst any) error { return unmarshal(body, dst, 1) }

func unmarshal(body []byte, dst any, depth int) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return NewProblem(http.StatusBadRequest, "invalid-json", "the request body is empty; send a JSON object")
	}
	// encoding/json quietly accepts null for a struct; a request is an object.
	if trimmed[0] != '{' && json.Valid(trimmed) {
		return NewProblem(http.StatusBadRequest, "invalid-json",
			"the request body must be a JSON object, not "+kindOf(trimmed[0]))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeProblem(body, dst, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return NewProblem(http.StatusBadRequest, "invalid-json",
			"the request body has data after the JSON value; send exactly one JSON object")
	}
	if field := duplicateKey(body, depth); field != "" {
		p := NewProblem(http.StatusBadRequest, "invalid-json",
			fmt.Sprintf("field %q appears more than once in its object; send each field once", field))
		p.Errors = []FieldError{{Field: field, Message: "appears more than once"}}
		return p
	}
	return nil
}

func decodeProblem(body []byte, dst any, err error) error {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return NewProblem(http.StatusBadRequest, "invalid-json",
			fmt.Sprintf("the request body is not valid JSON: %s (at byte %d)",
				strings.TrimPrefix(syntax.Error(), "json: "), syntax.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return NewProblem(http.StatusBadRequest, "invalid-json", "the request body is not valid JSON: it ends too soon")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return NewProblem(http.StatusBadRequest, "invalid-json",
				fmt.Sprintf("the request body must be a JSON object, not %s", typeErr.Value))
		}
		field := typeErr.Field
		if located := locateWrongType(body, strings.Split(field, "."), typeErr.Value); located != "" {
			field = located
		}
		p := NewProblem(http.StatusBadRequest, "invalid-json",
			fmt.Sprintf("field %q has the wrong type", field))
		p.Errors = []FieldError{{Field: field,
			Message: fmt.Sprintf("must be %s, not %s", jsonKind(typeErr.Type), typeErr.Value)}}
		return p
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := unknownFieldPath(body, reflect.TypeOf(dst))
		if field == "" {
			field = strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		}
		p := NewProblem(http.StatusUnprocessableEntity, "unknown-field",
			fmt.Sprintf("field %q is not part of this request; check its spelling", field))
		p.Errors = []FieldError{{Field: field, Message: "is not a known field"}}
		return p
	default:
		return NewProblem(http.StatusBadRequest, "invalid-json", "the request body is not valid JSON")
	}
}

// kindOf names the JSON type of a value by its first byte.
func kindOf(first byte) string {
	switch first {
	case '[':
		return "array"
	case '"':
		return "string"
	case 'n':
		return "null"
	case 't', 'f':
		return "bool"
	}
	return "number"
}

// KindNamer is implemented by types with their own UnmarshalJSON that
// accept more than one JSON type, so that a wrong-type error can say what
// they do accept ("a decimal string or a number").
type KindNamer interface{ JSONKind() string }

var kindNamer = reflect.TypeFor[KindNamer]()

// jsonKind names the JSON type a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	if t.Implements(kindNamer) {
		return reflect.Zero(t).Interface().(KindNamer).JSONKind()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "a " + t.String()
}

// locateWrongType adds array indices to the dotted path encoding/json
// reports for a wrong type ("items.qty" becomes "items[1].qty"): it follows
// the path through body and returns the first place holding a value of the
// reported JSON kind, or "" when it cannot tell.
func locateWrongType(body []byte, segs []string, kind string) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	return locate(v, segs, kind, "")
}

func locate(v any, segs []string, kind, path string) string {
	if len(segs) == 0 && sameKind(v, kind) {
		return path
	}
	if arr, ok := v.([]any); ok {
		for i, e := range arr {
			if p := locate(e, segs, kind, fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
		return ""
	}
	if len(segs) == 0 {
		if sameKind(v, kind) {
			return path
		}
		return ""
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	matched := false
	for k, e := range obj {
		if strings.EqualFold(k, segs[0]) {
			matched = true
			if p := locate(e, segs[1:], kind, join(path, k)); p != "" {
				return p
			}
		}
	}
	if !matched {
		// encoding/json names an embedded struct by its Go type
		// ("PurchaseInput.items"); its fields sit in this same object.
		return locate(v, segs[1:], kind, path)
	}
	return ""
}

// sameKind reports whether v is of the JSON kind json.UnmarshalTypeError
// names; a number it quotes ("number 2.0") is compared by value, as the
// literal's spelling is lost once decoded.
func sameKind(v any, kind string) bool {
	f, isNum := v.(float64)
	if lit, ok := strings.CutPrefix(kind, "number "); ok {
		want, err := strconv.ParseFloat(lit, 64)
		return isNum && err == nil && f == want
	}
	if kind == "number" {
		return isNum
	}
	return valueKind(v) == kind
}

// valueKind names a decoded value's JSON kind as json.UnmarshalTypeError
// does in its Value field.
func valueKind(v any) string {
	switch x := v.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case float64:
		if x == float64(int64(x)) {
			return "number"
		}
		return "number " + strconv.FormatFloat(x, 'g', -1, 64)
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

// unknownFieldPath finds the full path ("items[2].nmae") of the first key in
// body that t does not declare. encoding/json reports only the bare name, and
// a user with a nested typo needs to know where it is.
func unknownFieldPath(body []byte, t reflect.Type) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	return findUnknown(v, t, "")
}

func findUnknown(v any, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch val := v.(type) {
	case map[string]any:
		if t.Kind() == reflect.Map {
			for k, e := range val {
				if p := findUnknown(e, t.Elem(), join(path, k)); p != "" {
					return p
				}
			}
			return ""
		}
		if t.Kind() != reflect.Struct {
			return ""
		}
		fields := jsonFields(t)
		// Sorted, so the same body always names the same field.
		for _, k := range slices.Sorted(maps.Keys(val)) {
			ft, ok := fields[k]
			if !ok {
				// encoding/json matches names case-insensitively.
				for name, f := range fields {
					if strings.EqualFold(name, k) {
						ft, ok = f, true
						break
					}
				}
			}
			if !ok {
				return join(path, displayKey(k))
			}
			if p := findUnknown(val[k], ft, join(path, k)); p != "" {
				return p
			}
		}
	case []any:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return ""
		}
		for i, e := range val {
			if p := findUnknown(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	}
	return ""
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
