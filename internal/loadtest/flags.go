package loadtest

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// envPrefix is the prefix of the environment variables that back the flags,
// as for every other pulse command.
const envPrefix = "PULSE_"

// ParseArgs reads the flags of "pulse loadtest", each falling back to its
// PULSE_* environment variable, and checks them all at once. It writes
// nothing: -h gives flag.ErrHelp, and Usage prints the flags.
func ParseArgs(args []string, getenv func(string) string) (Options, error) {
	o, fs, envErrs := newFlagSet(getenv)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return *o, err
	}
	// A flag given on the command line overrides a bad environment value.
	fs.Visit(func(f *flag.Flag) { delete(envErrs, f.Name) })
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(envErrs)) {
		errs = append(errs, envErrs[name])
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	errs = append(errs, o.check()...)
	return *o, errors.Join(errs...)
}

// Usage prints the flags of "pulse loadtest" with their built-in defaults.
func Usage(w io.Writer) {
	_, fs, _ := newFlagSet(func(string) string { return "" })
	fmt.Fprint(w, "Usage: pulse loadtest --key KEY [flags]\n\n"+
		"Sends synthetic events to a running Pulse server and reports what it sustained.\n"+
		"The server limits requests per API key (pulse serve --rate-limit); raise it to\n"+
		"measure ingestion rather than the limiter.\n\nFlags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// newFlagSet defines the flags over a fresh Options; envErrs collects bad
// environment values by flag name.
func newFlagSet(getenv func(string) string) (*Options, *flag.FlagSet, map[string]error) {
	o := &Options{}
	fs := flag.NewFlagSet("pulse loadtest", flag.ContinueOnError)
	envErrs := map[string]error{}
	env := func(name string) (string, string) {
		key := envPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		return key, getenv(key)
	}
	str := func(p *string, name, def, usage string) {
		key, v := env(name)
		if v == "" {
			v = def
		}
		fs.StringVar(p, name, v, usage+" (env "+key+")")
	}
	num := func(p *int, name string, def int, usage string) {
		key, v := env(name)
		if v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				envErrs[name] = fmt.Errorf("%s=%q: must be a whole number", key, v)
			}
			def = n
		}
		fs.IntVar(p, name, def, usage+" (env "+key+")")
	}
	dur := func(p *time.Duration, name string, def time.Duration, usage string) {
		key, v := env(name)
		if v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				envErrs[name] = fmt.Errorf("%s=%q: must be a duration such as 10s or 1m", key, v)
			}
			def = d
		}
		fs.DurationVar(p, name, def, usage+" (env "+key+")")
	}
	str(&o.URL, "url", DefaultURL, "base URL of the Pulse server")
	// The key's value never appears in usage: Usage passes an empty environment.
	str(&o.Key, "key", "", "API key of the app to load (required)")
	key, v := env("mode")
	o.Mode = ModeSingle
	if v != "" {
		o.Mode = Mode(v)
	}
	fs.Var(&o.Mode, "mode", "traffic `kind`: single (POST /purchases), customers (POST /customers) or batch (POST /batch) (env "+key+")")
	num(&o.Concurrency, "concurrency", DefaultConcurrency, "concurrent clients, each with one request in flight")
	dur(&o.Duration, "duration", DefaultDuration, "how long to measure")
	dur(&o.Warmup, "warmup", DefaultWarmup, "how long to send traffic before measuring; not counted")
	num(&o.BatchSize, "batch-size", DefaultBatchSize, "events per request in batch mode (at most 1000)")
	key, v = env("json")
	def := false
	if v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			envErrs["json"] = fmt.Errorf("%s=%q: must be true or false", key, v)
		}
		def = b
	}
	fs.BoolVar(&o.JSON, "json", def, "print the result as JSON (env "+key+")")
	return o, fs, envErrs
}

// String and Set make Mode a flag.Value; check validates it.
func (m *Mode) String() string { return string(*m) }

// Set implements flag.Value.
func (m *Mode) Set(s string) error { *m = Mode(s); return nil }

func (o *Options) check() []error {
	var errs []error
	if o.Key == "" {
		errs = append(errs, errors.New("--key is required (or PULSE_KEY)"))
	} else if strings.ContainsFunc(o.Key, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		// The key goes into the request head as it is; a line break in it
		// would end the header early. Its value is not shown: it is a secret.
		errs = append(errs, errors.New("--key must not contain control characters such as line breaks"))
	}
	if u, err := url.Parse(o.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		errs = append(errs, fmt.Errorf("--url %q: must be an http:// or https:// base URL such as %s", o.URL, DefaultURL))
	}
	switch o.Mode {
	case ModeSingle, ModeCustomers, ModeBatch:
	default:
		errs = append(errs, fmt.Errorf("--mode %q: must be single, customers or batch", o.Mode))
	}
	if o.Concurrency < 1 || o.Concurrency > maxConcurrency {
		errs = append(errs, fmt.Errorf("--concurrency %d: must be 1 to %d", o.Concurrency, maxConcurrency))
	}
	if o.Duration <= 0 {
		errs = append(errs, fmt.Errorf("--duration %s: must be positive", o.Duration))
	}
	if o.Warmup < 0 {
		errs = append(errs, fmt.Errorf("--warmup %s: must not be negative", o.Warmup))
	}
	if o.Mode == ModeBatch && (o.BatchSize < 1 || o.BatchSize > maxBatchSize) {
		errs = append(errs, fmt.Errorf("--batch-size %d: must be 1 to %d", o.BatchSize, maxBatchSize))
	}
	return errs
}
