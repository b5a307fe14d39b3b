package httpx

import (
	"bytes"
	"strconv"
	"strings"
)

// dupFrame is an object or array being scanned by duplicateKey.
type dupFrame struct {
	object bool
	first  int // where the object's names start in the shared list
	index  int // the array's current element
	// How the parent reaches this value: a name, or an index.
	viaName  []byte
	viaIndex int
}

// duplicateKey returns the path of the first object member name that
// appears twice in the same object of a syntactically valid JSON text, or
// "" when there is none; with depth > 0 only objects nested at most that
// deep are looked at. encoding/json quietly keeps the last value of a
// duplicate, or merges two arrays element by element, which lets a second
// "items" slip past checks the first one passed; a request with a duplicate
// is refused instead. Names are compared after unescaping, exactly; the
// common case (small objects, no escapes) allocates only the stack.
func duplicateKey(body []byte, depth int) string {
	var (
		stack  = make([]dupFrame, 0, 8)
		names  = make([][]byte, 0, 32) // names of every open object, innermost last
		name   []byte
		hasKey bool
	)
	for i := 0; i < len(body); i++ {
		switch c := body[i]; c {
		case '{', '[':
			f := dupFrame{object: c == '{', viaName: name, first: len(names)}
			if n := len(stack); n > 0 && !stack[n-1].object {
				f.viaName, f.viaIndex = nil, stack[n-1].index
			}
			stack = append(stack, f)
			hasKey = false
		case '}', ']':
			if n := len(stack); n > 0 {
				names = names[:stack[n-1].first]
				stack = stack[:n-1]
			}
		case ',':
			if n := len(stack); n > 0 && !stack[n-1].object {
				stack[n-1].index++
			}
			hasKey = false
		case '"':
			end, escaped := i+1, false
			for ; end < len(body) && body[end] != '"'; end++ {
				if body[end] == '\\' {
					escaped = true
					end++
				}
			}
			if end >= len(body) {
				return ""
			}
			s := body[i+1 : end]
			i = end
			if len(stack) == 0 || !stack[len(stack)-1].object || hasKey {
				continue // a value, not a name
			}
			hasKey = true
			if depth > 0 && len(stack) > depth {
				continue
			}
			if escaped {
				if u, err := strconv.Unquote(`"` + string(s) + `"`); err == nil {
					s = []byte(u)
				}
			}
			for _, seen := range names[stack[len(stack)-1].first:] {
				if bytes.Equal(seen, s) {
					return join(stackPath(stack), displayKey(string(s)))
				}
			}
			names = append(names, s)
			name = s
		}
	}
	return ""
}

// stackPath is the field path of the innermost frame.
func stackPath(stack []dupFrame) string {
	var b strings.Builder
	for k := 1; k < len(stack); k++ {
		if stack[k-1].object {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(displayKey(string(stack[k].viaName)))
		} else {
			b.WriteString("[" + strconv.Itoa(stack[k].viaIndex) + "]")
		}
	}
	return b.String()
}

// displayKey shows a member name in a field path; the empty name would
// otherwise vanish from it.
func displayKey(k string) string {
	if k == "" || strings.ContainsAny(k, ".[]") {
		return strconv.Quote(k)
	}
	return k
}
