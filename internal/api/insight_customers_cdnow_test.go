package api_test

import (
	"bufio"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pulse/internal/dataset"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// cdnowEvents reads the 2,357-customer CDNOW sample of Fader, Hardie & Lee
// (2005) as purchase events: one per row, at noon UTC of its date.
func cdnowEvents(t *testing.T) []map[string]any {
	t.Helper()
	dir, err := dataset.Dir("cdnow")
	if err != nil {
		t.Skipf("CDNOW data not found, the published-number check cannot run: %v", err)
	}
	f, err := os.Open(filepath.Join(dir, "CDNOW_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var events []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Fields(sc.Text())
		if len(cols) == 0 {
			continue
		}
		if len(cols) != 5 {
			t.Fatalf("CDNOW row %q: want 5 columns", sc.Text())
		}
		d, err := time.Parse("20060102", cols[2])
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, map[string]any{"type": "purchase", "id": fmt.Sprintf("cd_%d", len(events)),
			"customer_id": cols[0], "amount": cols[4], "purchased_at": d.Add(12 * time.Hour).Format(time.RFC3339)})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(events) != 6919 {
		t.Fatalf("CDNOW sample: %d rows, want 6,919", len(events))
	}
	return events
}

// sigFig rounds v to n significant digits.
func sigFig(v float64, n int) float64 {
	if v == 0 {
		return 0
	}
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(v))))
	return math.Round(v*p) / p
}

// TestCustomerModelsReproduceCDNOW loads the whole CDNOW sample through the
// batch endpoint and asks for the customers as of the end of the paper's
// calibration period, 1997-09-30, 39 weeks (273 days) ahead: the fitted
// BG/NBD and Gamma-Gamma parameters, the log-likelihood and the expected
// holdout repeat purchases must be the published ones. Purchases after
// the date are in the database and must not count.
func TestCustomerModelsReproduceCDNOW(t *testing.T) {
	t.Parallel()
	events := cdnowEvents(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		sendBatches(t, s, events)

		q := url.Values{"as_of": {"1997-09-30"}, "horizon_days": {"273"}, "limit": {"500"}, "sort": {"-expected_purchases"}}
		r := s.get("/api/v1/insights/customers?" + q.Encode())
		if r.status != 200 {
			t.Fatalf("insights/customers: %d %s", r.status, r.body)
		}
		num := func(path string) float64 {
			v, ok := r.field(path)
			f, isNum := v.(float64)
			if !ok || !isNum {
				t.Fatalf("no number at %s: %.300s", path, r.body)
			}
			return f
		}
		if got := r.str("model.method"); got != "bg_nbd" {
			t.Fatalf("model.method = %q, want bg_nbd", got)
		}
		for _, c := range []struct {
			path string
			want float64
		}{
			{"model.bg_nbd.r", 0.243}, {"model.bg_nbd.alpha", 4.414}, {"model.bg_nbd.a", 0.793}, {"model.bg_nbd.b", 2.426},
			{"model.gamma_gamma.p", 6.25}, {"model.gamma_gamma.q", 3.74}, {"model.gamma_gamma.v", 15.44},
		} {
			if got := num(c.path); sigFig(got, 3) != sigFig(c.want, 3) {
				t.Errorf("%s = %v, want %v to 3 significant digits", c.path, got, c.want)
			}
		}
		if ll := num("model.bg_nbd.log_likelihood"); math.Abs(ll-(-9582.43)) > 0.05 {
			t.Errorf("BG/NBD log-likelihood = %.3f, want -9582.43 ± 0.05", ll)
		}
		if n := num("model.customers"); n != 2357 {
			t.Errorf("model.customers = %v, want 2,357", n)
		}
		if n := num("model.gamma_gamma.customers"); n != 946 {
			t.Errorf("model.gamma_gamma.customers = %v, want the 946 repeat buyers", n)
		}

		// Walk every page: the rows must add up to the totals, and the
		// aggregate expected holdout repeat purchases must be the paper's.
		var sum float64
		seen := map[string]bool{}
		prev := math.Inf(1)
		for page := r; ; {
			data, _ := page.field("data")
			for _, row := range data.([]any) {
				m := row.(map[string]any)
				id := m["customer_id"].(string)
				if seen[id] {
					t.Fatalf("customer %s on two pages", id)
				}
				seen[id] = true
				e := m["expected_purchases"].(float64)
				if e > prev {
					t.Fatalf("rows not sorted by -expected_purchases: %v after %v", e, prev)
				}
				prev = e
				sum += e
			}
			next, _ := page.field("next_cursor")
			if next == nil {
				break
			}
			q.Set("cursor", next.(string))
			page = s.get("/api/v1/insights/customers?" + q.Encode())
			if page.status != 200 {
				t.Fatalf("next page: %d %s", page.status, page.body)
			}
		}
		if len(seen) != 2357 {
			t.Errorf("listed %d customers, want 2,357", len(seen))
		}
		if total := num("totals.expected_purchases"); math.Abs(total-sum) > 0.01 {
			t.Errorf("totals.expected_purchases = %v, rows add up to %v", total, sum)
		}
		if sum < 1640 || sum > 1675 {
			t.Errorf("expected holdout repeat purchases = %.1f, want 1,640–1,675 (actual 1,882)", sum)
		}
		t.Logf("CDNOW through the API: expected holdout repeat purchases %.1f (actual 1,882)", sum)
	})
}
