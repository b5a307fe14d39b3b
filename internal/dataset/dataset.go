// Package dataset locates the shared real-world data sets (M4, CDNOW,
// groceries) that tests and evaluation commands compare against published
// numbers. The data is never copied into the repository.
package dataset

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Dir returns the directory of the named data set: $PULSE_DATA_DIR/<name>
// when that variable is set, otherwise <repo root>/../shared/data/<name>.
// The repository root is found by walking up from the working directory to
// the go.mod, so it works from any package directory under `go test`; the
// location of this source file is a fallback for binaries run elsewhere.
// It returns an error when the directory does not exist, so callers can
// skip with a clear message rather than pass silently.
func Dir(name string) (string, error) {
	if base := os.Getenv("PULSE_DATA_DIR"); base != "" {
		return existing(filepath.Join(base, name))
	}
	var roots []string
	if wd, err := os.Getwd(); err == nil {
		if root, ok := moduleRoot(wd); ok {
			roots = append(roots, root)
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		// file is <root>/internal/dataset/dataset.go.
		roots = append(roots, filepath.Join(filepath.Dir(file), "..", ".."))
	}
	var errs []error
	for _, root := range roots {
		dir, err := existing(filepath.Join(root, "..", "shared", "data", name))
		if err == nil {
			return dir, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return "", fmt.Errorf("dataset.Dir %q: repository root not found; set PULSE_DATA_DIR", name)
	}
	return "", fmt.Errorf("dataset.Dir %q: %w", name, errors.Join(errs...))
}

func moduleRoot(dir string) (string, bool) {
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func existing(dir string) (string, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return "", fmt.Errorf("%s is not a directory", dir)
	}
	return filepath.Clean(dir), nil
}
