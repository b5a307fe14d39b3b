package web_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestMain fails the run when some page template was never rendered by a
// test, unless only some tests were selected with -run.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" {
		files, err := filepath.Glob("templates/*.html")
		if err != nil {
			panic(err)
		}
		var missed []string
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".html")
			if _, ok := seenPages.Load(name); !ok && name != "layout" {
				missed = append(missed, name)
			}
		}
		if len(missed) > 0 {
			slices.Sort(missed)
			fmt.Fprintf(os.Stderr, "FAIL: templates no test rendered: %s\n", strings.Join(missed, ", "))
			code = 1
		}
	}
	os.Exit(code)
}
