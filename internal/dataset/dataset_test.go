package dataset_test

import (
	"os"
	"path/filepath"
	"testing"

	"pulse/internal/dataset"
)

// Not parallel: the subtests set PULSE_DATA_DIR.
func TestDir(t *testing.T) {
	t.Run("environment wins", func(t *testing.T) {
		base := t.TempDir()
		if err := os.Mkdir(filepath.Join(base, "m4-weekly"), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PULSE_DATA_DIR", base)
		got, err := dataset.Dir("m4-weekly")
		if err != nil || got != filepath.Join(base, "m4-weekly") {
			t.Errorf("Dir = %q, %v; want %q", got, err, filepath.Join(base, "m4-weekly"))
		}
		if _, err := dataset.Dir("nope"); err == nil {
			t.Error("missing data set under PULSE_DATA_DIR: no error")
		}
		file := filepath.Join(base, "file")
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := dataset.Dir("file"); err == nil {
			t.Error("a file is not a data set directory")
		}
	})
	t.Run("beside the repository", func(t *testing.T) {
		t.Setenv("PULSE_DATA_DIR", "")
		want, err := filepath.Abs("../../../shared/data/m4-weekly")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(want); err != nil {
			t.Skipf("shared data not present at %s", want)
		}
		got, err := dataset.Dir("m4-weekly")
		if err != nil || got != want {
			t.Errorf("Dir = %q, %v; want %q", got, err, want)
		}
		if _, err := dataset.Dir("no-such-set"); err == nil {
			t.Error("missing data set: no error")
		}
	})
}
