package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"pulse/internal/config"
	"pulse/internal/day"
	"pulse/internal/demo"
	"pulse/internal/model"
	"pulse/internal/recommend"
	"pulse/internal/store"
)

// recsOptions are the flags of "pulse eval recs".
type recsOptions struct {
	k, testDays            int
	seed, customers, years int
	neighbours, minCommon  int
	db, app, end           string
	endTime                time.Time // from end; zero for the default
}

// demoEvalEnd is where the evaluated demo history stops unless --end says
// otherwise: a fixed day, so that the same flags print the same table.
var demoEvalEnd = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newRecsFlags(o *recsOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("pulse eval recs", flag.ContinueOnError)
	fs.IntVar(&o.k, "k", 10, "length of each recommendation list")
	fs.IntVar(&o.testDays, "test-days", 90, "days at the end of the history held out as the test period")
	fs.IntVar(&o.seed, "seed", 1, "demo history: random seed")
	fs.IntVar(&o.customers, "customers", 5000, "demo history: customers")
	fs.IntVar(&o.years, "years", 2, "demo history: years")
	fs.IntVar(&o.neighbours, "neighbours", 50, "similar products kept per product")
	fs.IntVar(&o.minCommon, "min-common", 2, "customers who must have bought both products of a similar pair")
	fs.StringVar(&o.db, "db", "", "database to read an app's history from, with --app, instead of the demo")
	fs.StringVar(&o.app, "app", "", "id of the app whose history to evaluate (needs --db)")
	fs.StringVar(&o.end, "end", "", "YYYY-MM-DD: the history ends when this day begins, in UTC\n(default 2026-01-01 for the demo, now for --app)")
	return fs
}

func recsUsage(w io.Writer) {
	fmt.Fprint(w, "Usage: pulse eval recs [flags]\n\n"+
		"Holds out the last --test-days of a purchase history, fits the product recommender on\n"+
		"the rest and prints, for each method, the share of customers with a hit among the k\n"+
		"products recommended to them (hit rate) and the mean share of their test products\n"+
		"found (recall). \"new\" counts only the products new to each customer, what item-item\n"+
		"and popular recommend; \"all\" counts repeat purchases too, which only buy-again can\n"+
		"find. The history is the demo shop unless --db and --app name a real app.\n\nFlags:\n")
	fs := newRecsFlags(&recsOptions{})
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// runEvalRecs parses the flags of "pulse eval recs" and runs it.
func runEvalRecs(ctx context.Context, env Env, args []string) error {
	o, err := parseRecsFlags(args, env)
	if errors.Is(err, flag.ErrHelp) {
		recsUsage(env.Stdout)
		return config.ErrHelp
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "pulse eval recs: %v\nRun \"pulse eval recs -h\" for its flags.\n", err)
		return errUsage
	}
	return evalRecs(ctx, env.Stdout, o)
}

func parseRecsFlags(args []string, env Env) (recsOptions, error) {
	var o recsOptions
	fs := newRecsFlags(&o)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	// The environment fills what the command line left out.
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		key := "PULSE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := env.Getenv(key); v != "" && !onCommandLine[f.Name] && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s=%q: %w", key, v, err)
			}
		}
	})
	if envErr != nil {
		return o, envErr
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"k", o.k}, {"test-days", o.testDays}, {"customers", o.customers}, {"years", o.years},
		{"neighbours", o.neighbours}, {"min-common", o.minCommon}} {
		if c.v < 1 {
			return o, fmt.Errorf("--%s %d: want 1 or more", c.name, c.v)
		}
	}
	switch {
	case o.app != "" && o.db == "":
		return o, errors.New("--app needs --db")
	// A PULSE_DB set for the server must not turn a demo run into a
	// database one; only --db on the command line asks for that.
	case o.app == "" && onCommandLine["db"]:
		return o, errors.New("--db needs --app: name the app to evaluate")
	}
	if o.end != "" {
		d, err := day.Parse(o.end)
		if err != nil {
			return o, fmt.Errorf("--end %q: want a date YYYY-MM-DD", o.end)
		}
		o.endTime = day.Time(d)
	}
	return o, nil
}

// evalRecs reads the history, runs the evaluation and prints its table.
func evalRecs(ctx context.Context, w io.Writer, o recsOptions) error {
	var (
		purchases []recommend.Purchase
		source    string
		end       time.Time
		err       error
	)
	if o.app != "" {
		end = time.Now().UTC()
		if !o.endTime.IsZero() {
			end = o.endTime
		}
		purchases, err = appPurchases(ctx, o.db, o.app, end)
		source = "app " + o.app
	} else {
		end = demoEvalEnd
		if !o.endTime.IsZero() {
			end = o.endTime
		}
		h := demo.Generate(demo.Options{Seed: int64(o.seed), End: end, Years: o.years, Customers: o.customers})
		purchases, err = demoPurchases(h)
		source = fmt.Sprintf("demo shop (seed %d, %d customers, %d years)", o.seed, o.customers, o.years)
	}
	if err != nil {
		return err
	}
	if len(purchases) == 0 {
		return fmt.Errorf("%s has no paid purchases before %s", source, end.Format(time.DateOnly))
	}
	// The last day is the one the last instant before end falls on.
	split := day.Of(end.Add(-time.Nanosecond), time.UTC) + 1 - int64(o.testDays)
	started := time.Now()
	e := recommend.Evaluate(purchases, split, o.k,
		recommend.Options{Neighbours: o.neighbours, MinCommon: o.minCommon})
	took := time.Since(started)
	printRecsEvaluation(w, source, len(purchases), o.testDays, e, took)
	return nil
}

func printRecsEvaluation(w io.Writer, source string, purchases, testDays int, e recommend.Evaluation, took time.Duration) {
	fmt.Fprintf(w, "Recommendations: %s, %d paid purchases\n", source, purchases)
	fmt.Fprintf(w, "Fitted on %d customers and %d products before %s; tested on the %d days from it.\n",
		e.Customers, e.Products, day.String(e.Split), testDays)
	fmt.Fprintf(w, "Fitted and scored in %s.\n\n", took.Round(time.Millisecond))
	k := fmt.Sprint(e.K)
	fmt.Fprintf(w, "%-5s %-10s %8s %10s %7s %11s\n", "test", "method", "hit@"+k, "recall@"+k, "users", "test items")
	for _, s := range e.Scores {
		fmt.Fprintf(w, "%-5s %-10s %8.3f %10.3f %7d %11d\n", s.Test, s.Method, s.HitRate, s.Recall, s.Users, s.TestItems)
	}
}

// appPurchases reads an app's paid purchases from the database, with days
// in UTC. The schema must be current: an evaluation only reads, so it
// never migrates.
func appPurchases(ctx context.Context, dsn, appID string, end time.Time) ([]recommend.Purchase, error) {
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	st, err := db.Status(ctx)
	if err != nil {
		return nil, err
	}
	if st.Behind() || st.Ahead() {
		return nil, fmt.Errorf("the database schema is at version %d, this binary's is %d: run the matching pulse migrate first", st.Current, st.Latest)
	}
	baskets, err := db.Baskets(ctx, appID, end)
	if err != nil {
		return nil, err
	}
	out := make([]recommend.Purchase, len(baskets))
	for i, b := range baskets {
		out[i] = recommend.Purchase{Customer: b.CustomerID, Day: day.Of(b.At, time.UTC), Products: b.Products}
	}
	return out, nil
}

// demoPurchases turns the demo's paid purchase events into purchases, days
// in UTC, a product named as store.Baskets names it.
func demoPurchases(h *demo.History) ([]recommend.Purchase, error) {
	strs := map[string]string{}
	intern := func(s string) string {
		if v, ok := strs[s]; ok {
			return v
		}
		strs[s] = s
		return s
	}
	var out []recommend.Purchase
	for _, raw := range h.Events {
		var ev struct {
			Type        string    `json:"type"`
			CustomerID  string    `json:"customer_id"`
			PurchasedAt time.Time `json:"purchased_at"`
			Status      string    `json:"status"`
			Items       []struct {
				ProductID string `json:"product_id"`
				Name      string `json:"name"`
			} `json:"items"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, fmt.Errorf("demo event: %w", err)
		}
		if ev.Type != "purchase" || ev.Status != string(model.StatusPaid) {
			continue
		}
		items := make([]model.Item, len(ev.Items))
		for i, it := range ev.Items {
			items[i] = model.Item{ProductID: it.ProductID, Name: it.Name}
		}
		products := store.OrderProducts(items)
		for i, p := range products {
			products[i] = intern(p)
		}
		out = append(out, recommend.Purchase{Customer: intern(ev.CustomerID), Day: day.Of(ev.PurchasedAt, time.UTC), Products: products})
	}
	return out, nil
}
