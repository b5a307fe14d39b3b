package store

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// scanItemProducts reads the product of every item of a stored items
// array (model.Item as JSON): its product_id, or its name when it has
// none, in order, duplicates included. It reads the array as the writer
// stores it, strings with escapes included, and reports false for
// anything else, for the caller to decode with encoding/json: a full
// decode of every item of a million purchases costs seconds the
// recommendations wait for.
func scanItemProducts(b []byte, dst []string) ([]string, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return dst, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return dst, skipSpace(b, i+1) == len(b)
	}
	for {
		if i >= len(b) || b[i] != '{' {
			return dst, false
		}
		var id, name string
		i = skipSpace(b, i+1)
		for i < len(b) && b[i] != '}' {
			key, next, ok := scanString(b, i)
			if !ok {
				return dst, false
			}
			i = skipSpace(b, next)
			if i >= len(b) || b[i] != ':' {
				return dst, false
			}
			i = skipSpace(b, i+1)
			switch key {
			case "product_id", "name", "category":
				var v string
				if v, i, ok = scanString(b, i); !ok {
					return dst, false
				}
				if key == "product_id" {
					id = v
				} else if key == "name" {
					name = v
				}
			case "quantity", "price":
				if i, ok = scanInt(b, i); !ok {
					return dst, false
				}
			default:
				for _, k := range itemKeys {
					if strings.EqualFold(key, k) {
						return dst, false // encoding/json would match it: let it
					}
				}
				if i, ok = skipScalar(b, i); !ok {
					return dst, false
				}
			}
			i = skipSpace(b, i)
			if i < len(b) && b[i] == ',' {
				if i = skipSpace(b, i+1); i >= len(b) || b[i] != '"' {
					return dst, false // a comma before the closing brace
				}
			} else if i >= len(b) || b[i] != '}' {
				return dst, false
			}
		}
		if i >= len(b) {
			return dst, false
		}
		if id != "" {
			dst = append(dst, id)
		} else {
			dst = append(dst, name)
		}
		i = skipSpace(b, i+1)
		switch {
		case i < len(b) && b[i] == ',':
			i = skipSpace(b, i+1)
		case i < len(b) && b[i] == ']':
			return dst, skipSpace(b, i+1) == len(b)
		default:
			return dst, false
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanString reads the JSON string at b[i], unescaped, and the index after
// it.
func scanString(b []byte, i int) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", i, false
	}
	escaped := false
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '\\':
			// JSON's escapes only; Go's Unquote knows more (\x41, \a).
			if j+1 >= len(b) || bytes.IndexByte([]byte(`"\\/bfnrtu`), b[j+1]) < 0 {
				return "", i, false
			}
			escaped = true
			j++
		case c < 0x20:
			return "", i, false
		case c == '"':
			if !escaped {
				return string(b[i+1 : j]), j + 1, utf8.Valid(b[i+1 : j])
			}
			s, err := strconv.Unquote(string(b[i : j+1]))
			return s, j + 1, err == nil && utf8.ValidString(s)
		}
	}
	return "", i, false
}

// itemKeys are the fields of a stored item.
var itemKeys = []string{"product_id", "name", "category", "quantity", "price"}

// scanInt passes over a JSON integer that fits an int64 with room to
// spare, as quantities and prices do.
func scanInt(b []byte, i int) (int, bool) {
	j, digits, ok := intPart(b, i)
	if !ok || digits > 18 || (j < len(b) && (b[j] == '.' || b[j] == 'e' || b[j] == 'E')) {
		return i, false
	}
	return j, true
}

// intPart passes over the integer part of a JSON number at b[i]: an
// optional minus, then 0 or digits without a leading zero.
func intPart(b []byte, i int) (end, digits int, ok bool) {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	start := j
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	digits = j - start
	return j, digits, digits > 0 && (digits == 1 || b[start] != '0')
}

// digitsFrom passes over the digits at b[j], reporting whether there was
// one.
func digitsFrom(b []byte, j int) (int, bool) {
	k := j
	for k < len(b) && b[k] >= '0' && b[k] <= '9' {
		k++
	}
	return k, k > j
}

// skipScalar passes over a string, number, true, false or null at b[i]:
// a field a stored item does not have. Anything else (an object or an
// array) is left to the full decoder.
func skipScalar(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	if b[i] == '"' {
		_, next, ok := scanString(b, i)
		return next, ok
	}
	for _, lit := range []string{"true", "false", "null"} {
		if bytes.HasPrefix(b[i:], []byte(lit)) {
			return i + len(lit), true
		}
	}
	j, _, ok := intPart(b, i)
	if !ok {
		return i, false
	}
	if j < len(b) && b[j] == '.' {
		if j, ok = digitsFrom(b, j+1); !ok {
			return i, false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if j, ok = digitsFrom(b, j); !ok {
			return i, false
		}
	}
	return j, true
}
