package cli_test

import (
	"regexp"
	"testing"

	"pulse/internal/dataset"
)

func TestEvalM4(t *testing.T) {
	t.Parallel()
	dir, err := dataset.Dir("m4-weekly")
	if err != nil {
		t.Skipf("M4 weekly data not available (%v): set PULSE_DATA_DIR or add ../shared/data/m4-weekly", err)
	}
	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // regexp on stdout
		wantErr  string // regexp on stderr
	}{
		// Naive on all series reproduces the official row; the official
		// rows follow.
		{"naive on all series", []string{"eval", "m4", "--data", dir, "--method", "naive"}, 0,
			`(?s)359 series.*\nnaive\s+9\.161\s+2\.777\s+1\.000\s.*\nnaive2\s+9\.161\s+2\.777\s+1\.000\n.*Official M4 results, weekly:\nNaive2\s+9\.161\s+2\.777\s+1\.000\nDamped\s+8\.866\s+2\.404\s+0\.917\nTheta\s+9\.093\s+2\.637\s+0\.971\n$`, `^$`},
		{"auto and damped on 20 series", []string{"eval", "m4", "--data", dir, "--limit", "20", "--method", "auto,damped"}, 0,
			`(?s)20 series.*\nauto\s+\d+\.\d{3}\s+\d+\.\d{3}\s+\d\.\d{3}\s+\S+\n` + `damped\s+\d+\.\d{3}\s+\d+\.\d{3}\s+\d\.\d{3}\s+\S+\n.*not comparable with a subset`, `^$`},
		{"method from the environment", []string{"eval", "m4", "--data", dir, "--limit", "3"}, 0, `\nses\s+\d`, `^$`},
		{"help", []string{"eval", "m4", "-h"}, 0, `pulse eval m4 \[flags\](?s).*-method`, ``},
		{"no benchmark", []string{"eval"}, 2, `^$`, `name a benchmark`},
		{"unknown benchmark", []string{"eval", "m3"}, 2, `^$`, `name a benchmark`},
		{"unknown method", []string{"eval", "m4", "--method", "oracle"}, 2, `^$`, `unknown method "oracle"`},
		{"negative limit", []string{"eval", "m4", "--limit", "-1"}, 2, `^$`, `--limit -1`},
		{"missing data", []string{"eval", "m4", "--data", t.TempDir()}, 1, `^$`, `Weekly-train\.csv`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			getenv := noEnv
			if c.name == "method from the environment" {
				getenv = func(k string) string {
					if k == "PULSE_METHOD" {
						return "ses"
					}
					return ""
				}
			}
			code, out, errOut := run(t, getenv, c.args...)
			if code != c.wantCode {
				t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, c.wantCode, out, errOut)
			}
			if !regexp.MustCompile(c.wantOut).MatchString(out) {
				t.Errorf("stdout %q does not match %q", out, c.wantOut)
			}
			if !regexp.MustCompile(c.wantErr).MatchString(errOut) {
				t.Errorf("stderr %q does not match %q", errOut, c.wantErr)
			}
		})
	}
}
