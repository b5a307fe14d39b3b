package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// TestEraseWhileIngesting erases customers while their purchases stream
// in. Whatever the interleaving, the personal data must not come back and
// every customer row's totals must match the purchases that point at it.
func TestEraseWhileIngesting(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		post := func(method, path string, body any) (int, error) {
			b, _ := json.Marshal(body)
			r, err := http.NewRequest(method, s.h.srv.URL+path, bytes.NewReader(b))
			if err != nil {
				return 0, err
			}
			r.Header.Set("Authorization", "Bearer "+s.a.key)
			resp, err := s.h.srv.Client().Do(r)
			if err != nil {
				return 0, err
			}
			resp.Body.Close()
			return resp.StatusCode, nil
		}
		const rounds, buys = 6, 20
		for round := range rounds {
			id := fmt.Sprint("racer", round)
			loadBatch(t, s.h, s.a.key, customerEv(id, obj{"name": "Secret Name", "email": "secret@example.com"}))
			var wg sync.WaitGroup
			errs := make(chan error, buys+1)
			wg.Go(func() {
				for i := range buys {
					buy := purchaseEv(fmt.Sprint(id, "-", i), id, "1.00", s.now, nil)
					delete(buy, "type") // a single event has no type
					if st, err := post("POST", "/api/v1/purchases", buy); err != nil || st >= 300 {
						errs <- fmt.Errorf("purchase %d: %d %v", i, st, err)
					}
				}
			})
			wg.Go(func() {
				if st, err := post("DELETE", custPath(id), nil); err != nil || st != 204 {
					errs <- fmt.Errorf("erase: %d %v", st, err)
				}
			})
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		}
		raw := storetest.Inspect(t, db)
		app := s.a.appID
		if leak := dump(t, raw, fmt.Sprintf(`SELECT id, name, email FROM customers WHERE app_id = '%s'
			AND (name = 'Secret Name' OR email = 'secret@example.com')`, app)); leak != "" {
			t.Errorf("erased personal data is back:\n%s", leak)
		}
		mismatch := dump(t, raw, fmt.Sprintf(`SELECT c.id, c.orders, c.revenue,
				(SELECT count(*) FROM purchases p WHERE p.app_id = c.app_id AND p.customer_id = c.id AND p.status = 'paid'),
				(SELECT coalesce(sum(amount), 0) FROM purchases p WHERE p.app_id = c.app_id AND p.customer_id = c.id AND p.status = 'paid')
			FROM customers c WHERE c.app_id = '%s'`, app))
		for _, line := range strings.Split(strings.TrimSpace(mismatch), "\n") {
			f := strings.Fields(line)
			if n := len(f); f[n-4] != f[n-2] || f[n-3] != f[n-1] {
				t.Errorf("customer totals differ from its purchases: %s", line)
			}
		}
		if n := dump(t, raw, fmt.Sprintf(`SELECT count(*) FROM purchases WHERE app_id = '%s' AND customer_id LIKE 'racer%%'
			OR app_id = '%s' AND customer_id IN (SELECT id FROM customers WHERE erased_at IS NOT NULL)`, app, app)); strings.TrimSpace(n) != fmt.Sprint(rounds*buys) {
			t.Errorf("%s racing purchases stored, want %d", n, rounds*buys)
		}
	})
}
