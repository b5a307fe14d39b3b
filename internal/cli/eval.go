package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"pulse/internal/config"
	"pulse/internal/dataset"
	"pulse/internal/m4"
)

// evalOptions are the flags of "pulse eval m4".
type evalOptions struct {
	data    string
	methods []string
	limit   int
	workers int
	// methodsFromEnv marks methods set from PULSE_METHOD, which a --method
	// on the command line replaces rather than extends.
	methodsFromEnv bool
}

// runEval scores forecasting methods on a public benchmark and prints them
// next to the published results (only the M4 weekly set is supported), or,
// as "pulse eval recs", the product recommender on a held-out period.
func runEval(ctx context.Context, env Env, args []string) error {
	if len(args) > 0 && args[0] == "recs" {
		return runEvalRecs(ctx, env, args[1:])
	}
	if len(args) == 0 || args[0] != "m4" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			evalUsage(env.Stdout)
			return config.ErrHelp
		}
		fmt.Fprint(env.Stderr, "pulse eval: name a benchmark: pulse eval m4 [flags] or pulse eval recs [flags]\n")
		return errUsage
	}
	opts, err := parseEvalFlags(args[1:], env)
	if errors.Is(err, flag.ErrHelp) {
		evalUsage(env.Stdout)
		return config.ErrHelp
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "pulse eval m4: %v\nRun \"pulse eval m4 -h\" for its flags.\n", err)
		return errUsage
	}
	return evalM4(ctx, env.Stdout, opts)
}

func newEvalFlags(o *evalOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("pulse eval m4", flag.ContinueOnError)
	fs.StringVar(&o.data, "data", "", "directory holding Weekly-train.csv, Weekly-test.csv and m4_eval_*.csv\n(default $PULSE_DATA_DIR/m4-weekly, else ../shared/data/m4-weekly beside the repository)")
	fs.Func("method", "comma-separated methods to score: "+strings.Join(m4.MethodNames(), ", ")+" (default auto)", func(s string) error {
		if o.methodsFromEnv {
			o.methods, o.methodsFromEnv = nil, false
		}
		for _, name := range strings.Split(s, ",") {
			name = strings.TrimSpace(name)
			if _, err := m4.Method(name); err != nil {
				return fmt.Errorf("unknown method %q (want one of %s)", name, strings.Join(m4.MethodNames(), ", "))
			}
			o.methods = append(o.methods, name)
		}
		return nil
	})
	fs.IntVar(&o.limit, "limit", 0, "score only the first N series (0: all 359)")
	fs.IntVar(&o.workers, "workers", 0, "series forecast in parallel (0: GOMAXPROCS)")
	return fs
}

func evalUsage(w io.Writer) {
	fmt.Fprint(w, "Usage: pulse eval m4 [flags]\n\n"+
		"Forecasts the 359 weekly series of the M4 competition 13 weeks ahead and prints\n"+
		"sMAPE, MASE and OWA (relative to Naive2) beside the official results.\n"+
		"\"pulse eval recs -h\" describes the evaluation of product recommendations.\n\nFlags:\n")
	fs := newEvalFlags(&evalOptions{})
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func parseEvalFlags(args []string, env Env) (evalOptions, error) {
	var o evalOptions
	fs := newEvalFlags(&o)
	fs.SetOutput(io.Discard)
	// Environment first, so that the command line overrides it.
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		key := "PULSE_" + strings.ToUpper(f.Name)
		if v := env.Getenv(key); v != "" && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s=%q: %w", key, v, err)
			}
			o.methodsFromEnv = f.Name == "method"
		}
	})
	if envErr != nil {
		return o, envErr
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.limit < 0 {
		return o, fmt.Errorf("--limit %d: want 0 or more", o.limit)
	}
	if len(o.methods) == 0 {
		o.methods = []string{"auto"}
	}
	if o.data == "" {
		if base := env.Getenv("PULSE_DATA_DIR"); base != "" {
			o.data = filepath.Join(base, "m4-weekly")
		} else if dir, err := dataset.Dir("m4-weekly"); err == nil {
			o.data = dir
		} else {
			return o, fmt.Errorf("M4 data not found (%v); pass --data DIR", err)
		}
	}
	return o, nil
}

// evalM4 scores Naive2 and the asked methods on the same series and prints
// them, then the official rows for comparison.
func evalM4(ctx context.Context, w io.Writer, o evalOptions) error {
	series, err := m4.LoadWeekly(o.data)
	if err != nil {
		return err
	}
	if o.limit > 0 && o.limit < len(series) {
		series = series[:o.limit]
	}
	naive2Fn, _ := m4.Method("naive2")
	naive2, err := m4.Evaluate(series, naive2Fn, o.workers)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "M4 weekly: %d series, horizon %d, MASE scaled by the in-sample one-step naive error\n\n", len(series), m4.WeeklyHorizon)
	const row = "%-8s %7.3f %7.3f %7.3f %9s\n"
	fmt.Fprintf(w, "%-8s %7s %7s %7s %9s\n", "method", "sMAPE", "MASE", "OWA", "time")
	for _, name := range o.methods {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := m4.Method(name)
		if err != nil {
			return err
		}
		start := time.Now()
		sc, err := m4.Evaluate(series, f, o.workers)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(w, row, name, sc.SMAPE, sc.MASE, sc.OWA(naive2), time.Since(start).Round(time.Millisecond))
	}
	const plainRow = "%-8s %7.3f %7.3f %7.3f\n"
	fmt.Fprintf(w, plainRow, "naive2", naive2.SMAPE, naive2.MASE, 1.0)
	refs, err := m4.WeeklyReferences(o.data, "Naive2", "Damped", "Theta")
	if err != nil {
		return err
	}
	note := ""
	if len(series) < 359 {
		note = " (all 359 series: not comparable with a subset)"
	}
	fmt.Fprintf(w, "\nOfficial M4 results, weekly%s:\n", note)
	for _, r := range refs {
		fmt.Fprintf(w, plainRow, r.Method, r.SMAPE, r.MASE, r.OWA)
	}
	return nil
}
