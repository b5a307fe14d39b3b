// Package config reads Pulse's settings from command-line flags, falling
// back to PULSE_* environment variables, and checks them all at once.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults, as API.md "Command line" states them.
const (
	DefaultAddr = "127.0.0.1:8080"
	DefaultDB   = "./pulse-data/pulse.db"
)

// Config is every setting of a Pulse process.
type Config struct {
	Addr        string
	DB          string
	LogLevel    slog.Level
	LogFormat   string // "text" or "json"
	Migrate     bool   // apply pending migrations at start
	TrustProxy  bool
	TLSCert     string
	TLSKey      string
	SessionIdle time.Duration
	SessionMax  time.Duration
	KeyRate     float64
	KeyBurst    int
	LLM         LLM
	Demo        Demo
}

// LLM is the optional OpenAI-compatible service behind the assistant's
// questions in natural language; URL empty means none.
type LLM struct {
	// URL is the base that chat/completions is appended to, such as
	// http://127.0.0.1:11434/v1 for Ollama.
	URL    string
	Model  string
	APIKey string
	// Timeout bounds a whole question, with every model reply and tool
	// call it takes.
	Timeout time.Duration
}

// MaxLLMTimeout keeps an answer inside the server's write timeout of two
// minutes, with time left to send it.
const MaxLLMTimeout = 110 * time.Second

// Demo is what `pulse demo` loads.
type Demo struct {
	Email     string
	Password  string // empty: generate one
	Seed      int
	Customers int
	Purchases int
	Years     int
}

// flagSet binds flags to c, each with its PULSE_* variable as fallback.
type flagSet struct {
	fs     *flag.FlagSet
	getenv func(string) string
	// envErrs are bad environment values by flag name; they only count
	// when the flag itself does not override them.
	envErrs map[string]error
}

func (f *flagSet) bad(name string, err error) {
	if f.envErrs == nil {
		f.envErrs = map[string]error{}
	}
	f.envErrs[name] = err
}

func (f *flagSet) env(name string) (string, string) {
	key := "PULSE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	return key, f.getenv(key)
}

func (f *flagSet) str(p *string, name, def, usage string) {
	key, v := f.env(name)
	if v == "" {
		v = def
	}
	f.fs.StringVar(p, name, v, usage+" (env "+key+")")
}

// secret is str for a value that must not be shown: the environment
// value is not made the flag's default, which -h would print.
func (f *flagSet) secret(p *string, name, usage string) (fromEnv func()) {
	key, v := f.env(name)
	f.fs.StringVar(p, name, "", usage+" (env "+key+"; prefer it: a flag is visible to other local users)")
	return func() {
		set := false
		f.fs.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
		if !set {
			*p = v
		}
	}
}

func (f *flagSet) boolean(p *bool, name string, def bool, usage string) {
	key, v := f.env(name)
	if v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			f.bad(name, fmt.Errorf("%s=%q: must be true or false", key, v))
		}
		def = b
	}
	f.fs.BoolVar(p, name, def, usage+" (env "+key+")")
}

func (f *flagSet) duration(p *time.Duration, name string, def time.Duration, usage string) {
	key, v := f.env(name)
	if v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			f.bad(name, fmt.Errorf("%s=%q: must be a duration such as 72h or 30m", key, v))
		}
		def = d
	}
	f.fs.DurationVar(p, name, def, usage+" (env "+key+")")
}

func (f *flagSet) float(p *float64, name string, def float64, usage string) {
	key, v := f.env(name)
	if v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			f.bad(name, fmt.Errorf("%s=%q: must be a number", key, v))
		}
		def = x
	}
	f.fs.Float64Var(p, name, def, usage+" (env "+key+")")
}

func (f *flagSet) integer(p *int, name string, def int, usage string) {
	key, v := f.env(name)
	if v != "" {
		x, err := strconv.Atoi(v)
		if err != nil {
			f.bad(name, fmt.Errorf("%s=%q: must be a whole number", key, v))
		}
		def = x
	}
	f.fs.IntVar(p, name, def, usage+" (env "+key+")")
}

// ErrHelp is returned when -h or --help was asked for; usage has been
// printed.
var ErrHelp = flag.ErrHelp

// Load parses the flags of subcommand cmd ("serve", "migrate" or "demo"). Usage and
// flag errors are written to out.
func Load(cmd string, args []string, getenv func(string) string, out io.Writer) (Config, error) {
	var c Config
	f := &flagSet{fs: flag.NewFlagSet("pulse "+cmd, flag.ContinueOnError), getenv: getenv}
	f.fs.SetOutput(out)
	var level string
	useEnvKey := func() {}
	f.str(&c.DB, "db", DefaultDB, "database: a SQLite file path, or a postgres:// URL")
	f.str(&level, "log-level", "info", "log level: debug, info, warn or error")
	f.str(&c.LogFormat, "log-format", "text", "log format: text or json")
	if cmd == "serve" {
		f.str(&c.Addr, "addr", DefaultAddr, "address to listen on")
		f.boolean(&c.Migrate, "migrate", true, "apply pending database migrations at start; when false, refuse to start on an old schema")
		f.boolean(&c.TrustProxy, "trust-proxy", false, "trust X-Forwarded-For and X-Forwarded-Proto from a reverse proxy")
		f.str(&c.TLSCert, "tls-cert", "", "TLS certificate file; serve HTTPS when set with --tls-key")
		f.str(&c.TLSKey, "tls-key", "", "TLS private key file")
		f.duration(&c.SessionIdle, "session-idle", 72*time.Hour, "log a session out after this long without use")
		f.duration(&c.SessionMax, "session-max", 30*24*time.Hour, "log a session out this long after login")
		f.float(&c.KeyRate, "rate-limit", 200, "requests per second allowed per API key")
		f.integer(&c.KeyBurst, "rate-burst", 400, "requests per API key allowed in a burst above the rate")
		f.str(&c.LLM.URL, "llm-url", "", "OpenAI-compatible LLM service for the assistant's questions: the base URL that chat/completions is appended to, such as http://127.0.0.1:11434/v1 for Ollama; empty: none")
		f.str(&c.LLM.Model, "llm-model", "", "model name the LLM service knows, such as llama3.1:8b; required with --llm-url")
		useEnvKey = f.secret(&c.LLM.APIKey, "llm-api-key", "API key sent to the LLM service as a bearer token")
		f.duration(&c.LLM.Timeout, "llm-timeout", 60*time.Second, "longest time one question to the LLM may take, tool calls included")
	}
	if cmd == "demo" {
		c.Migrate = true
		f.str(&c.Demo.Email, "email", "demo@example.com", "email of the demo account to create")
		f.str(&c.Demo.Password, "password", "", "password of the demo account (default: a generated one, printed)")
		f.integer(&c.Demo.Seed, "seed", 1, "random seed: the same seed gives the same history")
		f.integer(&c.Demo.Customers, "customers", 5000, "customers to create")
		f.integer(&c.Demo.Purchases, "purchases", 40000, "purchases to aim for")
		f.integer(&c.Demo.Years, "years", 2, "years of history")
	}
	if err := f.fs.Parse(args); err != nil {
		return c, err
	}
	useEnvKey()
	f.fs.Visit(func(fl *flag.Flag) { delete(f.envErrs, fl.Name) })
	var errs []error
	for _, err := range f.envErrs {
		errs = append(errs, err)
	}
	if f.fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected argument %q", f.fs.Arg(0)))
	}
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		errs = append(errs, fmt.Errorf("--log-level %q: must be debug, info, warn or error", level))
	}
	errs = append(errs, c.check(cmd)...)
	return c, errors.Join(errs...)
}

func (c Config) check(cmd string) []error {
	var errs []error
	if c.DB == "" {
		errs = append(errs, errors.New("--db must not be empty"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format %q: must be text or json", c.LogFormat))
	}
	if cmd == "demo" {
		d := c.Demo
		if d.Customers < 1 || d.Purchases < 1 || d.Years < 1 || d.Years > 10 {
			errs = append(errs, errors.New("--customers and --purchases must be at least 1, --years from 1 to 10"))
		}
	}
	if cmd != "serve" {
		return errs
	}
	if c.Addr == "" {
		errs = append(errs, errors.New("--addr must not be empty"))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("--tls-cert and --tls-key go together"))
	}
	if c.SessionIdle <= 0 || c.SessionMax <= 0 {
		errs = append(errs, errors.New("--session-idle and --session-max must be positive"))
	}
	if !(c.KeyRate > 0) || math.IsInf(c.KeyRate, 0) || c.KeyBurst < 1 { // !(x > 0) also catches NaN
		errs = append(errs, errors.New("--rate-limit must be positive and --rate-burst at least 1"))
	}
	return append(errs, c.LLM.check()...)
}

func (l LLM) check() []error {
	var errs []error
	if l.URL == "" {
		if l.Model != "" || l.APIKey != "" {
			errs = append(errs, errors.New("--llm-model and --llm-api-key need --llm-url (PULSE_LLM_URL), the LLM service to use"))
		}
	} else {
		u, err := url.Parse(l.URL)
		switch {
		case err != nil:
			errs = append(errs, errors.New("--llm-url (PULSE_LLM_URL) is not a URL; give one such as http://127.0.0.1:11434/v1"))
		case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			errs = append(errs, fmt.Errorf("--llm-url (PULSE_LLM_URL) %q: must be an http:// or https:// URL such as http://127.0.0.1:11434/v1", u.Redacted()))
		}
		if strings.TrimSpace(l.Model) == "" {
			errs = append(errs, errors.New("--llm-model (PULSE_LLM_MODEL) is required with --llm-url: the name of the model to ask"))
		}
	}
	if l.Timeout < time.Second || l.Timeout > MaxLLMTimeout {
		errs = append(errs, fmt.Errorf("--llm-timeout (PULSE_LLM_TIMEOUT) must be from 1s to %s", MaxLLMTimeout))
	}
	return errs
}
