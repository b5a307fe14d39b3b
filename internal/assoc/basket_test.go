package assoc

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadBaskets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		in          string
		wantNames   []string
		wantBaskets [][]int
	}{
		{
			name:        "labels kept byte for byte",
			in:          "cream cheese ,yogurt\ncream cheese,roll products \n",
			wantNames:   []string{"cream cheese ", "yogurt", "cream cheese", "roll products "},
			wantBaskets: [][]int{{0, 1}, {2, 3}},
		},
		{
			name:        "no final newline",
			in:          "a,b\nb",
			wantNames:   []string{"a", "b"},
			wantBaskets: [][]int{{0, 1}, {1}},
		},
		{
			name:        "CRLF line endings",
			in:          "a,b\r\nc\r\n",
			wantNames:   []string{"a", "b", "c"},
			wantBaskets: [][]int{{0, 1}, {2}},
		},
		{
			name:        "blank line is an empty basket",
			in:          "a\n\nb\n",
			wantNames:   []string{"a", "b"},
			wantBaskets: [][]int{{0}, {}, {1}},
		},
		{
			name:        "empty labels skipped",
			in:          "a,,b,\n,c\n",
			wantNames:   []string{"a", "b", "c"},
			wantBaskets: [][]int{{0, 1}, {2}},
		},
		{
			name:        "repeats kept for Mine to fold",
			in:          "a,b,a\n",
			wantNames:   []string{"a", "b"},
			wantBaskets: [][]int{{0, 1, 0}},
		},
		{
			name:        "empty input",
			in:          "",
			wantNames:   nil,
			wantBaskets: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// OneByteReader makes sure lines split across reads are joined.
			names, baskets, err := ReadBaskets(iotest.OneByteReader(strings.NewReader(tt.in)))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names, tt.wantNames) {
				t.Errorf("names %q, want %q", names, tt.wantNames)
			}
			if !slices.EqualFunc(baskets, tt.wantBaskets, slices.Equal) {
				t.Errorf("baskets %v, want %v", baskets, tt.wantBaskets)
			}
		})
	}
}

func TestReadBasketsReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk gone")
	_, _, err := ReadBaskets(iotest.TimeoutReader(strings.NewReader("a,b\nc,d\n")))
	if !errors.Is(err, iotest.ErrTimeout) {
		t.Errorf("error %v, want the reader's error", err)
	}
	_, _, err = ReadBaskets(iotest.ErrReader(boom))
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "assoc.ReadBaskets: line 1") {
		t.Errorf("error %v, want it wrapped with the line", err)
	}
}

// FuzzReadBaskets checks that any input reads without error and that
// writing the baskets back (labels joined by commas) reproduces the input,
// up to the line-ending and empty-label normalisation documented.
func FuzzReadBaskets(f *testing.F) {
	for _, s := range []string{"", "a,b\nc\n", "cream cheese ,x\r\n\n", ",,\n,a,", "a,a,b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		names, baskets, err := ReadBaskets(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, b := range baskets {
			labels := make([]string, len(b))
			for i, id := range b {
				labels[i] = names[id]
			}
			lines = append(lines, strings.Join(labels, ","))
		}
		var want []string
		if in != "" {
			for line := range strings.SplitSeq(strings.TrimSuffix(in, "\n"), "\n") {
				line = strings.TrimSuffix(line, "\r")
				want = append(want, strings.Join(slices.DeleteFunc(strings.Split(line, ","), func(s string) bool { return s == "" }), ","))
			}
		}
		if !slices.Equal(lines, want) {
			t.Errorf("round trip of %q: %q, want %q", in, lines, want)
		}
		seen := map[string]bool{}
		for _, n := range names {
			if n == "" || seen[n] {
				t.Errorf("bad or repeated label %q in %q", n, names)
			}
			seen[n] = true
		}
	})
}
