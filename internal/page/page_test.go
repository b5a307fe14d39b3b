package page_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"pulse/internal/model"
	"pulse/internal/page"
)

// fields returns the field names of err, which must be a *model.ValidationError.
func fields(t *testing.T, err error) []string {
	t.Helper()
	var verr *model.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error %v (%T) is not a *model.ValidationError", err, err)
	}
	var out []string
	for _, f := range verr.Errors {
		out = append(out, f.Field)
	}
	return out
}

func TestParseLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"", page.DefaultLimit, false},
		{"1", 1, false},
		{"50", 50, false},
		{"499", 499, false},
		{"500", 500, false},
		{"0", 0, true},
		{"501", 0, true},
		{"-3", 0, true},
		{"abc", 0, true},
		{"1.5", 0, true},
		{" 5", 0, true},
		{"99999999999999999999", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			p, err := page.Parse(tt.in, "", "")
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Parse(limit=%q) = %+v, want an error", tt.in, p)
				}
				if f := fields(t, err); len(f) != 1 || f[0] != "limit" {
					t.Errorf("Parse(limit=%q) error fields = %q, want [limit]", tt.in, f)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(limit=%q): %v", tt.in, err)
			}
			if p.Limit != tt.want || p.After != nil {
				t.Errorf("Parse(limit=%q) = %+v, want Limit %d and no cursor", tt.in, p, tt.want)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	if page.DefaultLimit != 50 || page.MaxLimit != 500 {
		t.Errorf("DefaultLimit, MaxLimit = %d, %d; want 50, 500", page.DefaultLimit, page.MaxLimit)
	}
}

func TestParseCursorRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []page.Cursor{
		{Sort: "name", Key: "Alice", ID: "ct_1"},
		{Sort: "", Key: "", ID: "ct_2"},
		{Sort: "-created", Key: "2024-05-01T12:00:00.123456789Z", ID: "ct_3"},
		{Sort: "name", Key: `quote " backslash \ slash / 日本 🎉`, ID: "id with spaces"},
	}
	for _, c := range tests {
		enc := c.Encode()
		if strings.ContainsAny(enc, "+/=") {
			t.Errorf("Encode(%+v) = %q is not URL-safe unpadded", c, enc)
		}
		p, err := page.Parse("10", enc, c.Sort)
		if err != nil {
			t.Errorf("Parse(cursor of %+v): %v", c, err)
			continue
		}
		if p.Limit != 10 {
			t.Errorf("Limit = %d, want 10", p.Limit)
		}
		if p.After == nil || *p.After != c {
			t.Errorf("Parse(Encode(%+v)).After = %+v", c, p.After)
		}
	}
}

func TestParseCursorErrors(t *testing.T) {
	t.Parallel()
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, cursor, sort string
	}{
		{"garbage", "!!not base64!!", "name"},
		{"padded base64", base64.URLEncoding.EncodeToString([]byte(`{"k":"a","i":"b"}`)), ""},
		{"std base64 alphabet", "+/+/", "name"},
		{"base64 of text", b64("hello"), "name"},
		{"base64 of null", b64("null"), ""},
		{"base64 of an array", b64(`["a","b"]`), ""},
		{"no id", b64(`{"s":"name","k":"Alice"}`), "name"},
		{"empty id", b64(`{"s":"name","k":"Alice","i":""}`), "name"},
		{"id of wrong type", b64(`{"s":"name","k":"Alice","i":5}`), "name"},
		{"another sort", page.Cursor{Sort: "name", Key: "Alice", ID: "ct_1"}.Encode(), "-name"},
		{"sorted cursor, unsorted list", page.Cursor{Sort: "name", Key: "Alice", ID: "ct_1"}.Encode(), ""},
		{"unsorted cursor, sorted list", page.Cursor{Key: "Alice", ID: "ct_1"}.Encode(), "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := page.Parse("", tt.cursor, tt.sort)
			if err == nil {
				t.Fatalf("Parse(cursor=%q, sort=%q) = %+v, want an error", tt.cursor, tt.sort, p)
			}
			if f := fields(t, err); len(f) != 1 || f[0] != "cursor" {
				t.Errorf("error fields = %q, want [cursor]", f)
			}
		})
	}
}

func TestParseReportsBothFields(t *testing.T) {
	t.Parallel()
	_, err := page.Parse("0", "garbage!", "")
	f := fields(t, err)
	if len(f) != 2 || f[0] != "limit" || f[1] != "cursor" {
		t.Errorf("error fields = %q, want [limit cursor]", f)
	}
}

type row struct {
	ID   string
	Name string
}

func rows(n int) []row {
	out := make([]row, n)
	for i := range out {
		out[i] = row{ID: fmt.Sprintf("ct_%d", i), Name: fmt.Sprintf("name %d", i)}
	}
	return out
}

func cursorOf(r row) page.Cursor { return page.Cursor{Sort: "name", Key: r.Name, ID: r.ID} }

func TestSlice(t *testing.T) {
	t.Parallel()
	const limit = 3
	tests := []struct {
		name     string
		rows     []row
		wantLen  int
		wantNext *row
	}{
		{"nil", nil, 0, nil},
		{"empty", []row{}, 0, nil},
		{"fewer than limit", rows(2), 2, nil},
		{"exactly limit", rows(limit), limit, nil},
		{"limit plus one", rows(limit + 1), limit, &rows(limit)[limit-1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := page.Slice(tt.rows, limit, cursorOf)
			if p.Data == nil {
				t.Fatal("Data is nil; it must marshal as []")
			}
			if len(p.Data) != tt.wantLen {
				t.Fatalf("len(Data) = %d, want %d", len(p.Data), tt.wantLen)
			}
			for i, r := range p.Data {
				if r != tt.rows[i] {
					t.Errorf("Data[%d] = %+v, want %+v", i, r, tt.rows[i])
				}
			}
			if tt.wantNext == nil {
				if p.NextCursor != nil {
					t.Errorf("NextCursor = %q, want none", *p.NextCursor)
				}
				return
			}
			if p.NextCursor == nil {
				t.Fatal("NextCursor = nil, want a cursor")
			}
			got, err := page.Parse("", *p.NextCursor, "name")
			if err != nil {
				t.Fatalf("NextCursor %q does not parse: %v", *p.NextCursor, err)
			}
			if want := cursorOf(*tt.wantNext); *got.After != want {
				t.Errorf("NextCursor decodes to %+v, want %+v (the last kept row)", *got.After, want)
			}
		})
	}
}

func TestMap(t *testing.T) {
	t.Parallel()
	p := page.Slice(rows(4), 3, cursorOf)
	m := page.Map(p, func(r row) string { return r.ID + "=" + r.Name })
	want := []string{"ct_0=name 0", "ct_1=name 1", "ct_2=name 2"}
	if len(m.Data) != len(want) {
		t.Fatalf("Map Data = %q, want %q", m.Data, want)
	}
	for i := range want {
		if m.Data[i] != want[i] {
			t.Errorf("Map Data[%d] = %q, want %q", i, m.Data[i], want[i])
		}
	}
	if m.NextCursor == nil || p.NextCursor == nil || *m.NextCursor != *p.NextCursor {
		t.Errorf("Map lost the cursor: %v, want %v", m.NextCursor, p.NextCursor)
	}

	last := page.Map(page.Slice(rows(1), 3, cursorOf), func(r row) int { return len(r.ID) })
	if last.NextCursor != nil || len(last.Data) != 1 || last.Data[0] != 4 {
		t.Errorf("Map of a last page = %+v", last)
	}

	empty := page.Map(page.Page[row]{}, func(r row) int { return 1 })
	if empty.Data == nil || len(empty.Data) != 0 {
		t.Errorf("Map of a zero page: Data = %#v, want an empty non-nil slice", empty.Data)
	}
}

func TestPageJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		page any
		want string
	}{
		{"empty from nil", page.Slice[row](nil, 10, cursorOf), `{"data":[],"next_cursor":null}`},
		{"empty mapped", page.Map(page.Slice[row](nil, 10, cursorOf), func(r row) string { return r.ID }), `{"data":[],"next_cursor":null}`},
		{"last page", page.Slice([]string{"a", "b"}, 10, func(s string) page.Cursor { return page.Cursor{ID: s} }), `{"data":["a","b"],"next_cursor":null}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.page)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("%s: JSON = %s, want %s", tt.name, b, tt.want)
		}
	}

	p := page.Slice([]string{"a", "b", "c"}, 2, func(s string) page.Cursor { return page.Cursor{ID: s} })
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Data       []string `json:"data"`
		NextCursor *string  `json:"next_cursor"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Data) != 2 || got.NextCursor == nil || *got.NextCursor != (page.Cursor{ID: "b"}).Encode() {
		t.Errorf("JSON = %s, want two rows and a cursor after b", b)
	}
}
