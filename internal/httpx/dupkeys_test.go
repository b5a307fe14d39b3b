package httpx

import "testing"

func TestDuplicateKey(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		body  string
		depth int
		want  string
	}{
		{`{"a": 1, "b": 2}`, -1, ""},
		{`{"a": 1, "a": 2}`, -1, "a"},
		{`{"a": {"b": 1, "c": {"d": 1, "d": 2}}}`, -1, "a.c.d"},
		{`{"items": [{"x": 1}, {"x": 1, "y": "x", "y": 2}]}`, -1, "items[1].y"},
		{`{"a": "a", "b": "a"}`, -1, ""},                // equal values are fine
		{`{"a\"b": 1, "a\"b": 2}`, -1, `a"b`},           // escaped quote inside the name
		{`{"\u0061": 1, "a": 2}`, -1, "a"},              // escapes are decoded first
		{`{"": 1, "": 2}`, -1, `""`},                    // the empty name stays visible
		{`{"a": [1, {"a": 2}], "b": {"a": 3}}`, -1, ""}, // same name in other objects
		{`{"e": [{"t": 1, "t": 2}]}`, 1, ""},            // nested objects not looked at
		{`{"e": [{"t": 1}], "e": []}`, 1, "e"},          // but the outer one is
		{`{"s": "{\"a\": 1, \"a\": 2}"}`, -1, ""},       // a string that looks like JSON
		{`[{"a": 1}, {"a": 1}]`, -1, ""},                // array elements are not names
		{`{"a": 1, "A": 2}`, -1, ""},                    // JSON names are case-sensitive
	} {
		if got := duplicateKey([]byte(c.body), c.depth); got != c.want {
			t.Errorf("duplicateKey(%s, %d) = %q, want %q", c.body, c.depth, got, c.want)
		}
	}
}
