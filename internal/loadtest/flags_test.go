package loadtest

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseArgs(t *testing.T) {
	t.Parallel()
	defaults := Options{
		URL: DefaultURL, Key: "k", Mode: ModeSingle, Concurrency: 64,
		Duration: 10 * time.Second, Warmup: time.Second, BatchSize: 500,
	}
	vars := map[string]string{
		"PULSE_URL": "http://10.0.0.5:9000", "PULSE_KEY": "envkey", "PULSE_MODE": "batch",
		"PULSE_CONCURRENCY": "8", "PULSE_DURATION": "1m", "PULSE_WARMUP": "0s",
		"PULSE_BATCH_SIZE": "1000", "PULSE_JSON": "true",
	}
	fromEnv := Options{
		URL: "http://10.0.0.5:9000", Key: "envkey", Mode: ModeBatch, Concurrency: 8,
		Duration: time.Minute, Warmup: 0, BatchSize: 1000, JSON: true,
	}
	cases := []struct {
		name string
		args []string
		vars map[string]string
		want Options
	}{
		{"defaults", []string{"--key", "k"}, nil, defaults},
		{"environment", nil, vars, fromEnv},
		{"flags override the environment", []string{
			"--url=https://pulse.example.com/", "--key", "flagkey", "--mode", "customers",
			"--concurrency", "2", "--duration", "5s", "--warmup", "250ms", "--batch-size", "1", "--json=false",
		}, vars, Options{
			URL: "https://pulse.example.com/", Key: "flagkey", Mode: ModeCustomers, Concurrency: 2,
			Duration: 5 * time.Second, Warmup: 250 * time.Millisecond, BatchSize: 1,
		}},
		{"a flag overrides a bad environment value", []string{"--concurrency", "3"},
			map[string]string{"PULSE_KEY": "k", "PULSE_CONCURRENCY": "many"},
			func() Options { o := defaults; o.Concurrency = 3; return o }()},
		{"empty environment values are unset", []string{"-key=k"},
			map[string]string{"PULSE_MODE": "", "PULSE_DURATION": ""}, defaults},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseArgs(c.args, envOf(c.vars))
			if err != nil {
				t.Fatalf("ParseArgs: %v", err)
			}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestParseArgsErrors(t *testing.T) {
	t.Parallel()
	key := map[string]string{"PULSE_KEY": "k"}
	cases := []struct {
		name string
		args []string
		vars map[string]string
		want []string // each must appear in the error
	}{
		{"no key", nil, nil, []string{"--key is required"}},
		{"unknown mode", []string{"--mode", "bulk"}, key, []string{`--mode "bulk"`}},
		{"no clients", []string{"--concurrency", "0"}, key, []string{"--concurrency 0"}},
		{"batch over the API limit", []string{"--mode", "batch", "--batch-size", "1001"}, key, []string{"--batch-size 1001"}},
		{"zero duration", []string{"--duration", "0s"}, key, []string{"--duration 0s"}},
		{"negative warmup", []string{"--warmup", "-1s"}, key, []string{"--warmup -1s"}},
		{"not a URL", []string{"--url", "127.0.0.1:8080"}, key, []string{`--url "127.0.0.1:8080"`}},
		{"URL without host", []string{"--url", "http://"}, key, []string{`--url "http://"`}},
		{"empty batch", []string{"--mode=batch", "--batch-size=0"}, key, []string{"--batch-size 0"}},
		{"duration without unit", []string{"--duration", "10"}, key, []string{"invalid value \"10\" for flag -duration"}},
		{"unknown flag", []string{"--rate", "5"}, key, []string{"flag provided but not defined: -rate"}},
		{"stray argument", []string{"now"}, key, []string{`unexpected argument "now"`}},
		{"key with a line break", nil, map[string]string{"PULSE_KEY": "k\r\nX-Evil: 1"}, []string{"--key must not contain control characters"}},
		{"bad environment values", nil, map[string]string{
			"PULSE_KEY": "k", "PULSE_CONCURRENCY": "many", "PULSE_WARMUP": "1", "PULSE_JSON": "maybe",
		}, []string{`PULSE_CONCURRENCY="many"`, `PULSE_WARMUP="1"`, `PULSE_JSON="maybe"`}},
		{"every problem at once", []string{"--mode", "x", "--concurrency", "-1"}, nil,
			[]string{"--key", "--mode", "--concurrency"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseArgs(c.args, envOf(c.vars))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestParseArgsHelp(t *testing.T) {
	t.Parallel()
	if _, err := ParseArgs([]string{"-h"}, envOf(nil)); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v, want flag.ErrHelp", err)
	}
	var out bytes.Buffer
	Usage(&out)
	for _, name := range []string{"-url", "-key", "-mode", "-concurrency", "-duration", "-warmup", "-batch-size", "-json", "PULSE_KEY"} {
		if !strings.Contains(out.String(), name) {
			t.Errorf("usage does not mention %s:\n%s", name, out.String())
		}
	}
}
