// Package cli is the pulse command: it parses the subcommand and its
// configuration and wires the services together.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"pulse/internal/config"
	"pulse/internal/loadtest"
	"pulse/internal/version"
)

// Env is what a subcommand gets from the process.
type Env struct {
	Args   []string
	Getenv func(string) string
	Stdout io.Writer
	Stderr io.Writer
}

const usage = `Pulse: a CRM with a built-in sales analyst.

Usage:
  pulse serve     [flags]   run the web server (migrates the database first)
  pulse migrate   [flags]   apply pending database migrations and exit
  pulse demo      [flags]   create a demo account with two years of realistic sales history
  pulse loadtest  [flags]   send synthetic events to a running server and report throughput
  pulse eval m4   [flags]   score the forecasting engine on the M4 weekly series
  pulse eval recs [flags]   score product recommendations on a held-out period
  pulse version             print the version

Run "pulse <command> -h" for a command's flags. Every flag can also be set
with an environment variable PULSE_<FLAG>, for example PULSE_DB.
`

// Run executes the command line and returns the process exit code.
func Run(ctx context.Context, env Env) int {
	if len(env.Args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	cmd, args := env.Args[0], env.Args[1:]
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, env, args)
	case "migrate":
		err = migrate(ctx, env, args)
	case "loadtest":
		err = runLoadtest(ctx, env, args)
	case "demo":
		err = runDemo(ctx, env, args)
	case "eval":
		err = runEval(ctx, env, args)
	case "version", "--version", "-v":
		fmt.Fprintln(env.Stdout, version.String())
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
	default:
		fmt.Fprintf(env.Stderr, "pulse: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, config.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(env.Stderr, "pulse %s: %v\n", cmd, err)
	return 1
}

// errUsage marks configuration errors, already reported, that deserve exit
// code 2 rather than 1.
var errUsage = errors.New("usage")

func loadConfig(cmd string, env Env, args []string) (config.Config, error) {
	cfg, err := config.Load(cmd, args, env.Getenv, env.Stderr)
	if errors.Is(err, config.ErrHelp) {
		return cfg, err
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "pulse %s: %v\n", cmd, err)
		return cfg, errUsage
	}
	return cfg, nil
}

// runLoadtest drives a running server and prints what it sustained; a
// result is printed even when the run is interrupted.
func runLoadtest(ctx context.Context, env Env, args []string) error {
	opts, err := loadtest.ParseArgs(args, env.Getenv)
	if errors.Is(err, config.ErrHelp) {
		loadtest.Usage(env.Stderr)
		return err
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "pulse loadtest: %v\nRun \"pulse loadtest -h\" for its flags.\n", err)
		return errUsage
	}
	fmt.Fprintf(env.Stderr, "pulse loadtest: %s mode, %d clients, %s warmup then %s against %s\n",
		opts.Mode, opts.Concurrency, opts.Warmup, opts.Duration, opts.URL)
	res, runErr := loadtest.Run(ctx, opts)
	if res != nil {
		if opts.JSON {
			err = res.WriteJSON(env.Stdout)
		} else {
			err = res.Print(env.Stdout)
		}
	}
	return errors.Join(runErr, err)
}

// secretAttrs are attribute names whose values never reach a log line,
// whatever a future caller passes: a second line of defence behind not
// logging credentials in the first place.
var secretAttrs = map[string]bool{
	"password": true, "key": true, "api_key": true, "secret": true, "token": true,
	"session": true, "cookie": true, "authorization": true, "csrf_token": true,
}

// NewLogger returns the process logger: text or JSON on w, at the
// configured level, with secret-named attributes redacted.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{
		Level: cfg.LogLevel,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if secretAttrs[strings.ToLower(a.Key)] {
				return slog.String(a.Key, "[redacted]")
			}
			return a
		},
	}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
