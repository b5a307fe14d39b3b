package config_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"pulse/internal/config"
)

// env returns a getenv over m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// load runs Load and returns the config, what it wrote as usage, and the error.
func load(t *testing.T, cmd string, args []string, vars map[string]string) (config.Config, string, error) {
	t.Helper()
	var out bytes.Buffer
	c, err := config.Load(cmd, args, env(vars), &out)
	return c, out.String(), err
}

func TestLoadServeDefaults(t *testing.T) {
	t.Parallel()
	c, _, err := load(t, "serve", nil, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := config.Config{
		Addr:        "127.0.0.1:8080",
		DB:          "./pulse-data/pulse.db",
		LogLevel:    slog.LevelInfo,
		LogFormat:   "text",
		Migrate:     true,
		TrustProxy:  false,
		SessionIdle: 72 * time.Hour,
		SessionMax:  30 * 24 * time.Hour,
		KeyRate:     200,
		KeyBurst:    400,
		LLM:         config.LLM{Timeout: 60 * time.Second},
	}
	if c != want {
		t.Errorf("defaults = %+v\nwant       %+v", c, want)
	}
	if config.DefaultAddr != want.Addr || config.DefaultDB != want.DB {
		t.Errorf("DefaultAddr, DefaultDB = %q, %q", config.DefaultAddr, config.DefaultDB)
	}
}

func TestLoadMigrateDefaults(t *testing.T) {
	t.Parallel()
	c, _, err := load(t, "migrate", nil, map[string]string{"PULSE_ADDR": ":9", "PULSE_RATE_LIMIT": "bad"})
	if err != nil {
		t.Fatalf("Load(migrate): %v (serve-only variables must be ignored)", err)
	}
	want := config.Config{DB: "./pulse-data/pulse.db", LogLevel: slog.LevelInfo, LogFormat: "text"}
	if c != want {
		t.Errorf("migrate defaults = %+v, want %+v", c, want)
	}
}

func TestLoadEnvAndFlags(t *testing.T) {
	t.Parallel()
	vars := map[string]string{
		"PULSE_ADDR":         ":9000",
		"PULSE_DB":           "postgres://db/pulse",
		"PULSE_LOG_LEVEL":    "debug",
		"PULSE_LOG_FORMAT":   "json",
		"PULSE_MIGRATE":      "false",
		"PULSE_TRUST_PROXY":  "true",
		"PULSE_TLS_CERT":     "/etc/cert.pem",
		"PULSE_TLS_KEY":      "/etc/key.pem",
		"PULSE_SESSION_IDLE": "30m",
		"PULSE_SESSION_MAX":  "24h",
		"PULSE_RATE_LIMIT":   "12.5",
		"PULSE_RATE_BURST":   "25",
		"PULSE_LLM_URL":      "http://127.0.0.1:11434/v1",
		"PULSE_LLM_MODEL":    "llama3.1:8b",
		"PULSE_LLM_API_KEY":  "sk-env",
		"PULSE_LLM_TIMEOUT":  "90s",
	}
	fromEnv := config.Config{
		Addr: ":9000", DB: "postgres://db/pulse", LogLevel: slog.LevelDebug, LogFormat: "json",
		Migrate: false, TrustProxy: true, TLSCert: "/etc/cert.pem", TLSKey: "/etc/key.pem",
		SessionIdle: 30 * time.Minute, SessionMax: 24 * time.Hour, KeyRate: 12.5, KeyBurst: 25,
		LLM: config.LLM{URL: "http://127.0.0.1:11434/v1", Model: "llama3.1:8b", APIKey: "sk-env", Timeout: 90 * time.Second},
	}
	tests := []struct {
		name string
		args []string
		vars map[string]string
		want config.Config
	}{
		{"env only", nil, vars, fromEnv},
		{"flags override env", []string{
			"--addr", ":9100", "--db=./other.db", "-log-level", "warn", "--log-format=text",
			"--migrate=true", "--trust-proxy=false", "--tls-cert", "", "--tls-key", "",
			"--session-idle=1h", "--session-max=48h", "--rate-limit=7", "--rate-burst=8",
			"--llm-url", "https://api.example.com/v1", "--llm-model=gpt-x", "--llm-api-key", "sk-flag", "--llm-timeout=30s",
		}, vars, config.Config{
			Addr: ":9100", DB: "./other.db", LogLevel: slog.LevelWarn, LogFormat: "text",
			Migrate: true, TrustProxy: false,
			SessionIdle: time.Hour, SessionMax: 48 * time.Hour, KeyRate: 7, KeyBurst: 8,
			LLM: config.LLM{URL: "https://api.example.com/v1", Model: "gpt-x", APIKey: "sk-flag", Timeout: 30 * time.Second},
		}},
		{"llm key from env, the rest from flags", []string{"--llm-url=http://gpu:8000/v1", "--llm-model", "qwen"},
			map[string]string{"PULSE_LLM_API_KEY": "sk-env"}, func() config.Config {
				c, _, _ := load(t, "serve", nil, nil)
				c.LLM = config.LLM{URL: "http://gpu:8000/v1", Model: "qwen", APIKey: "sk-env", Timeout: 60 * time.Second}
				return c
			}()},
		{"one flag, rest from env", []string{"--rate-burst", "99"}, vars, func() config.Config {
			c := fromEnv
			c.KeyBurst = 99
			return c
		}()},
		{"boolean flag alone", []string{"--trust-proxy"}, nil, func() config.Config {
			c, _, _ := load(t, "serve", nil, nil)
			c.TrustProxy = true
			return c
		}()},
		{"empty env value means unset", nil, map[string]string{"PULSE_ADDR": "", "PULSE_MIGRATE": ""}, func() config.Config {
			c, _, _ := load(t, "serve", nil, nil)
			return c
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _, err := load(t, "serve", tt.args, tt.vars)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c != tt.want {
				t.Errorf("got  %+v\nwant %+v", c, tt.want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cmd  string
		args []string
		vars map[string]string
		want []string // each must appear in the error
	}{
		{"bad session idle env", "serve", nil, map[string]string{"PULSE_SESSION_IDLE": "forever"}, []string{`PULSE_SESSION_IDLE="forever"`, "duration"}},
		{"bad migrate env", "serve", nil, map[string]string{"PULSE_MIGRATE": "maybe"}, []string{`PULSE_MIGRATE="maybe"`, "true or false"}},
		{"bad trust-proxy env", "serve", nil, map[string]string{"PULSE_TRUST_PROXY": "yes"}, []string{"PULSE_TRUST_PROXY"}},
		{"bad rate env", "serve", nil, map[string]string{"PULSE_RATE_LIMIT": "fast"}, []string{`PULSE_RATE_LIMIT="fast"`, "number"}},
		{"bad burst env", "serve", nil, map[string]string{"PULSE_RATE_BURST": "1.5"}, []string{`PULSE_RATE_BURST="1.5"`, "whole number"}},
		{"two bad env values, both named", "serve", nil, map[string]string{"PULSE_SESSION_IDLE": "forever", "PULSE_MIGRATE": "maybe"}, []string{"PULSE_SESSION_IDLE", "PULSE_MIGRATE"}},
		{"tls cert without key", "serve", []string{"--tls-cert", "cert.pem"}, nil, []string{"--tls-cert and --tls-key"}},
		{"tls key without cert", "serve", nil, map[string]string{"PULSE_TLS_KEY": "key.pem"}, []string{"--tls-cert and --tls-key"}},
		{"bad log level", "serve", []string{"--log-level", "verbose"}, nil, []string{`--log-level "verbose"`}},
		{"bad log level env", "migrate", nil, map[string]string{"PULSE_LOG_LEVEL": "loud"}, []string{`--log-level "loud"`}},
		{"bad log format", "serve", []string{"--log-format", "xml"}, nil, []string{`--log-format "xml"`}},
		{"extra argument", "serve", []string{"extra"}, nil, []string{`unexpected argument "extra"`}},
		{"extra argument after flags", "migrate", []string{"--db", "x.db", "now"}, nil, []string{`unexpected argument "now"`}},
		{"empty db", "serve", []string{"--db="}, nil, []string{"--db must not be empty"}},
		{"empty addr", "serve", []string{"--addr="}, nil, []string{"--addr must not be empty"}},
		{"zero session", "serve", []string{"--session-max=0s"}, nil, []string{"--session-idle and --session-max must be positive"}},
		{"negative session env", "serve", nil, map[string]string{"PULSE_SESSION_IDLE": "-1h"}, []string{"must be positive"}},
		{"zero rate", "serve", []string{"--rate-limit=0"}, nil, []string{"--rate-limit must be positive"}},
		{"negative rate", "serve", []string{"--rate-limit=-5"}, nil, []string{"--rate-limit must be positive"}},
		{"zero burst", "serve", []string{"--rate-burst=0"}, nil, []string{"--rate-burst at least 1"}},
		{"migrate has no --addr", "migrate", []string{"--addr", ":9000"}, nil, []string{"-addr"}},
		{"migrate has no --tls-cert", "migrate", []string{"--tls-cert=x"}, nil, []string{"-tls-cert"}},
		{"unknown flag", "serve", []string{"--port", "80"}, nil, []string{"-port"}},
		{"bad flag value", "serve", []string{"--rate-burst=many"}, nil, []string{"rate-burst"}},
		{"llm url without model", "serve", nil, map[string]string{"PULSE_LLM_URL": "http://127.0.0.1:11434/v1"},
			[]string{"--llm-model (PULSE_LLM_MODEL) is required with --llm-url"}},
		{"llm url not http", "serve", []string{"--llm-url", "ftp://host/v1", "--llm-model", "m"}, nil,
			[]string{`--llm-url (PULSE_LLM_URL) "ftp://host/v1": must be an http:// or https:// URL`}},
		{"llm url without scheme", "serve", []string{"--llm-url", "127.0.0.1:11434", "--llm-model", "m"}, nil,
			[]string{"--llm-url (PULSE_LLM_URL)", "http://"}},
		{"llm url relative", "serve", []string{"--llm-url", "/v1", "--llm-model", "m"}, nil,
			[]string{`--llm-url (PULSE_LLM_URL) "/v1": must be an http:// or https:// URL`}},
		{"llm model without url", "serve", nil, map[string]string{"PULSE_LLM_MODEL": "m"}, []string{"need --llm-url (PULSE_LLM_URL)"}},
		{"llm key without url", "serve", nil, map[string]string{"PULSE_LLM_API_KEY": "sk"}, []string{"need --llm-url (PULSE_LLM_URL)"}},
		{"llm timeout too long", "serve", []string{"--llm-timeout=5m"}, nil, []string{"--llm-timeout (PULSE_LLM_TIMEOUT) must be from 1s to 1m50s"}},
		{"llm timeout zero", "serve", nil, map[string]string{"PULSE_LLM_TIMEOUT": "0s"}, []string{"--llm-timeout (PULSE_LLM_TIMEOUT)"}},
		{"llm timeout not a duration", "serve", nil, map[string]string{"PULSE_LLM_TIMEOUT": "60"}, []string{`PULSE_LLM_TIMEOUT="60"`, "duration"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := load(t, tt.cmd, tt.args, tt.vars)
			if err == nil {
				t.Fatalf("Load(%s, %q, %v) = nil error, want one mentioning %q", tt.cmd, tt.args, tt.vars, tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestLoadRejectsNaNRateLimit: "NaN" parses as a float, and NaN <= 0 is
// false, so check lets it through; a limiter with rate NaN refuses every
// request (its token count becomes NaN, and NaN >= 1 is false).
func TestLoadRejectsNaNRateLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		vars map[string]string
	}{
		{"flag", []string{"--rate-limit=NaN"}, nil},
		{"env", nil, map[string]string{"PULSE_RATE_LIMIT": "nan"}},
	}
	for _, tt := range tests {
		c, _, err := load(t, "serve", tt.args, tt.vars)
		if err == nil {
			t.Errorf("%s: Load accepted rate limit %v; want an error", tt.name, c.KeyRate)
		}
	}
}

func TestLoadUnknownFlagWritesUsage(t *testing.T) {
	t.Parallel()
	_, out, err := load(t, "migrate", []string{"--addr", ":9000"}, nil)
	if err == nil {
		t.Fatal("migrate --addr accepted")
	}
	if !strings.Contains(out, "-db") || strings.Contains(out, "-addr string") {
		t.Errorf("usage for migrate = %q; want --db listed and no --addr flag", out)
	}
}

func TestLoadHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "--help"} {
		_, out, err := load(t, "serve", []string{arg}, map[string]string{"PULSE_ADDR": ":7777"})
		if !errors.Is(err, config.ErrHelp) {
			t.Errorf("%s: err = %v, want ErrHelp", arg, err)
		}
		for _, w := range []string{"PULSE_ADDR", "PULSE_RATE_BURST", "-tls-key", `":7777"`} {
			if !strings.Contains(out, w) {
				t.Errorf("%s: usage does not mention %q:\n%s", arg, w, out)
			}
		}
	}
}

// TestLoadLLMKeyStaysOutOfUsage: usage shows each flag's default, which
// for the other flags is their environment value; the API key's is not
// shown, and an invalid URL is quoted without its password.
func TestLoadLLMKeyStaysOutOfUsage(t *testing.T) {
	t.Parallel()
	_, out, err := load(t, "serve", []string{"-h"}, map[string]string{"PULSE_LLM_API_KEY": "sk-very-secret"})
	if !errors.Is(err, config.ErrHelp) {
		t.Fatalf("err = %v, want ErrHelp", err)
	}
	if strings.Contains(out, "sk-very-secret") || !strings.Contains(out, "PULSE_LLM_API_KEY") {
		t.Errorf("usage shows the key, or does not name its variable:\n%s", out)
	}
	_, _, err = load(t, "serve", []string{"--llm-url", "ftp://me:hunter2@host/v1", "--llm-model", "m"}, nil)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("err = %v, want one without the URL's password", err)
	}
}

func TestLoadFlagOverridesABadEnvValue(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PULSE_MIGRATE": "maybe", "PULSE_RATE_LIMIT": "fast"}
	getenv := func(k string) string { return env[k] }
	c, err := config.Load("serve", []string{"--migrate=false", "--rate-limit", "50"}, getenv, io.Discard)
	if err != nil {
		t.Fatalf("Load: %v; the flags replace the bad environment values", err)
	}
	if c.Migrate || c.KeyRate != 50 {
		t.Fatalf("Migrate = %v, KeyRate = %v; want false and 50", c.Migrate, c.KeyRate)
	}
	// Without the flags, the same environment is an error naming both.
	_, err = config.Load("serve", nil, getenv, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "PULSE_MIGRATE") || !strings.Contains(err.Error(), "PULSE_RATE_LIMIT") {
		t.Fatalf("Load without flags: err = %v, want both variables named", err)
	}
}
