package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pulse/internal/apps"
	"pulse/internal/auth"
	"pulse/internal/demo"
	"pulse/internal/httpx"
	"pulse/internal/ingest"
	"pulse/internal/model"
	"pulse/internal/money"
	"pulse/internal/password"
	"pulse/internal/token"
)

// runDemo creates a demo account and app and loads a generated history
// through the same ingestion code the API uses, then says how to log in.
func runDemo(ctx context.Context, env Env, args []string) error {
	cfg, log, db, err := start(ctx, "demo", env, args)
	if err != nil {
		return err
	}
	defer db.Close()

	d := cfg.Demo
	pw := d.Password
	if pw == "" {
		pw = "demo-" + token.Base62(12)
	}
	name, appName, currency := "Demo", "Demo shop", "USD"
	authSvc := auth.New(db, password.NewHasher(password.DefaultParams), auth.DefaultConfig)
	reg, err := authSvc.Register(ctx, auth.RegisterInput{Name: &name, Email: &d.Email, Password: &pw,
		App: apps.Input{Name: &appName, Currency: &currency}})
	var conflict *model.ConflictError
	if errors.As(err, &conflict) {
		return fmt.Errorf("an account with %s already exists; pass --email to load another demo", d.Email)
	}
	if err != nil {
		return err
	}

	start := time.Now()
	h := demo.Generate(demo.Options{Seed: int64(d.Seed), End: start, Years: d.Years, Customers: d.Customers,
		TargetPurchases: d.Purchases, Currency: currency})
	w := ingest.NewWriter(db, log, ingest.Config{})
	defer w.Close()
	exp, _ := money.Exponent(currency)
	var accepted, rejected int
	for _, body := range h.Batches(ingest.MaxBatchEvents) {
		a, r, err := loadBatch(ctx, w, reg.App.ID, ingest.Currency{Code: currency, Exp: exp}, body)
		if err != nil {
			return err
		}
		accepted, rejected = accepted+a, rejected+r
	}
	if rejected > 0 {
		return fmt.Errorf("%d demo events were refused", rejected)
	}
	fmt.Fprintf(env.Stdout, `Loaded the demo: %d customers and %d purchases (%d refunded) over %d years, %d events in %s.

Start Pulse with "pulse serve" (same --db) and log in:
  email     %s
  password  %s
The app's full API key, shown once:
  %s
`, h.Customers, h.Purchases, h.Refunds, d.Years, accepted, time.Since(start).Round(time.Millisecond),
		d.Email, pw, reg.KeySecret)
	return nil
}

// loadBatch decodes one batch body and submits its events, counting the
// accepted and refused ones.
func loadBatch(ctx context.Context, w *ingest.Writer, appID string, cur ingest.Currency, body []byte) (int, int, error) {
	var in ingest.BatchInput
	if err := httpx.UnmarshalOuter(body, &in); err != nil {
		return 0, 0, err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	items, err := ingest.DecodeBatch(in, cur, now)
	if err != nil {
		return 0, 0, err
	}
	events := make([]ingest.Event, 0, len(items))
	for _, it := range items {
		if it.Err == nil {
			events = append(events, it.Event)
		}
	}
	res, err := w.Submit(ctx, appID, now, events, nil)
	if err != nil {
		return 0, 0, err
	}
	accepted := 0
	for _, r := range res {
		if r.Err == nil {
			accepted++
		}
	}
	return accepted, len(items) - accepted, nil
}
