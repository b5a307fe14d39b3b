package httpx

import (
	"strconv"
	"strings"
)

// duplicateKey returns the path of the first object member name that
// appears twice in the same object of a syntactically valid JSON text, or
// "" when there is none; with depth > 0 only objects nested at most that
// deep are looked at. encoding/json quietly keeps the last value of a
// duplicate, or merges two arrays element by element, which lets a second
// "items" slip past checks the first one passed; a request with a duplicate
// is refused instead. Names are compared after unescaping, exactly.
func duplicateKey(body []byte, depth int) string {
	type frame struct {
		object bool
		keys   map[string]bool
		path   string
		index  int
	}
	var (
		stack  []frame
		key    string
		hasKey bool
	)
	childPath := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := &stack[len(stack)-1]
		if top.object {
			return join(top.path, key)
		}
		return top.path + "[" + strconv.Itoa(top.index) + "]"
	}
	for i := 0; i < len(body); i++ {
		switch c := body[i]; c {
		case '{', '[':
			p := childPath()
			stack = append(stack, frame{object: c == '{', path: p})
			hasKey = false
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ',':
			if len(stack) > 0 && !stack[len(stack)-1].object {
				stack[len(stack)-1].index++
			}
			hasKey = false
		case '"':
			end := i + 1
			escaped := false
			for ; end < len(body) && body[end] != '"'; end++ {
				if body[end] == '\\' {
					escaped = true
					end++
				}
			}
			if end >= len(body) {
				return ""
			}
			s := string(body[i+1 : end])
			i = end
			if len(stack) == 0 || !stack[len(stack)-1].object || hasKey {
				continue // a value, not a name
			}
			if depth > 0 && len(stack) > depth {
				hasKey = true
				continue
			}
			if escaped {
				if u, err := strconv.Unquote(`"` + s + `"`); err == nil {
					s = u
				}
			}
			top := &stack[len(stack)-1]
			if top.keys == nil {
				top.keys = map[string]bool{}
			}
			if top.keys[s] {
				return join(top.path, displayKey(s))
			}
			top.keys[s] = true
			key, hasKey = displayKey(s), true
		}
	}
	return ""
}

// displayKey shows a member name in a field path; the empty name would
// otherwise vanish from it.
func displayKey(k string) string {
	if k == "" || strings.ContainsAny(k, ".[]") {
		return strconv.Quote(k)
	}
	return k
}
