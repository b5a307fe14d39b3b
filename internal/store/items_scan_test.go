package store

import (
	"encoding/json"
	"slices"
	"testing"

	"pulse/internal/model"
)

// decodeProducts is the reference: the full decode.
func decodeProducts(b []byte) ([]string, bool) {
	var items []model.Item
	if err := json.Unmarshal(b, &items); err != nil {
		return nil, false
	}
	out := []string{}
	for _, it := range items {
		out = append(out, it.Product())
	}
	return out, true
}

func TestScanItemProducts(t *testing.T) {
	t.Parallel()
	written, _ := json.Marshal([]model.Item{
		{ProductID: "sku-1", Name: "Camera", Quantity: 1, Price: 29900},
		{Name: "Gift \"wrap\" \u00e9\u4e2d", Category: "extras", Quantity: 2, Price: 150},
		{ProductID: "a\\b/c\u2028", Quantity: 1, Price: -5},
	})
	for _, tt := range []struct {
		name string
		in   string
		want []string // nil: the fast path must refuse it
	}{
		{"as the writer stores it", string(written), []string{"sku-1", "Gift \"wrap\" é中", "a\\b/c\u2028"}},
		{"empty", `[]`, []string{}},
		{"spaces", " [ { \"name\" : \"x\" , \"quantity\" : 1 } ] ", []string{"x"}},
		{"id over name", `[{"name":"n","product_id":"p"}]`, []string{"p"}},
		{"empty id falls back to the name", `[{"product_id":"","name":"n"}]`, []string{"n"}},
		{"last of a repeated key", `[{"name":"a","name":"b"}]`, []string{"b"}},
		{"other fields", `[{"x":null,"y":true,"z":false,"w":-1.5e-3,"v":"s","quantity":-12,"price":0,"name":"n"}]`, []string{"n"}},
		{"unicode escapes", `[{"name":"\u0041\u00e9"}]`, []string{"Aé"}},
		{"a surrogate pair, left to the decoder", `[{"name":"\ud83d\ude00"}]`, nil},
		{"a Go escape that JSON lacks", `[{"name":"\x41"}]`, nil},
		{"a fractional quantity", `[{"name":"n","quantity":1.5}]`, nil},
		{"an exponent quantity", `[{"name":"n","quantity":1e2}]`, nil},
		{"a bare word", `[{"name":"n","x":truefalse}]`, nil},
		{"null for a name", `[{"name":null}]`, nil},
		{"a nested value", `[{"name":"n","attributes":{"a":1}}]`, nil},
		{"a key in other case", `[{"Name":"n"}]`, nil},
		{"a number for a name", `[{"name":5}]`, nil},
		{"not an array", `{"name":"n"}`, nil},
		{"truncated", `[{"name":"n"`, nil},
		{"trailing text", `[{"name":"n"}] x`, nil},
		{"trailing comma", `[{"name":"n"},]`, nil},
		{"control character", "[{\"name\":\"a\nb\"}]", nil},
		{"invalid UTF-8", "[{\"name\":\"\xff\"}]", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := scanItemProducts([]byte(tt.in), nil)
			if tt.want == nil {
				if ok {
					t.Errorf("accepted %q as %q", tt.in, got)
				}
				return
			}
			if !ok || !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Fatalf("scan = %q, %v; want %q", got, ok, tt.want)
			}
			ref, _ := decodeProducts([]byte(tt.in))
			if !slices.Equal(got, ref) && !(len(got) == 0 && len(ref) == 0) {
				t.Errorf("scan %q, the full decode %q", got, ref)
			}
		})
	}
}

// FuzzScanItemProducts: whatever the fast path accepts, it reads as the
// full decode does.
func FuzzScanItemProducts(f *testing.F) {
	for _, s := range []string{`[]`, `[{"product_id":"a","name":"b","quantity":1,"price":100}]`,
		`[{"name":"\u00e9\"x"},{"product_id":"p"}]`, ` [ {"name" : "n" } ] `, `[{"name":"a","name":"b"}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := scanItemProducts(b, nil)
		if !ok {
			return
		}
		ref, valid := decodeProducts(b)
		if !valid {
			t.Fatalf("accepted %q, which does not decode", b)
		}
		if !slices.Equal(got, ref) && !(len(got) == 0 && len(ref) == 0) {
			t.Fatalf("%q: scan %q, decode %q", b, got, ref)
		}
	})
}
