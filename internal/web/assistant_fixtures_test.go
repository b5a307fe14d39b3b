package web_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"pulse/internal/assistant"
	"pulse/internal/auth"
	"pulse/internal/server"
	"pulse/internal/store"
)

// clock is a test's clock, which a test may move on.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newAssistantSite is a site on clk that asks llm, nil for none.
func newAssistantSite(t *testing.T, db *store.DB, clk *clock, llm *assistant.Client) *site {
	t.Helper()
	app := server.New(server.Config{KeyRate: 1000, KeyBurst: 1000, Auth: auth.DefaultConfig, Password: cheapHash,
		Now: clk.Now, Assistant: llm}, slog.New(slog.DiscardHandler), db)
	t.Cleanup(app.Close)
	srv := httptest.NewServer(app.Handler)
	t.Cleanup(srv.Close)
	return &site{t: t, db: db, srv: srv}
}

// pairProducts name the products of pairShop.
var pairProducts = map[string]string{"tea": "Green tea", "cup": "Tea cup", "honey": "Honey"}

// pairShop is a shop of 100 one-order customers, each order of the days
// before insightsNow: 25 bought green tea with a tea cup (p00–p24, 100 to
// 196 days ago), 5 bought the tea alone in the last week (a00–a04), and 70
// bought honey (h00–h69). By customers and by orders alike, P(cup | tea) =
// 25/30 and P(cup) = 25/100, a lift of 10/3; the five recent tea-only
// orders are the ones a bundle would have added the cup to.
func pairShop(t *testing.T, s *site, key string) {
	t.Helper()
	today := time.Date(insightsNow.Year(), insightsNow.Month(), insightsNow.Day(), 12, 0, 0, 0, time.UTC)
	var events []map[string]any
	add := func(customer string, ago int, products ...string) {
		var items []map[string]any
		var cents int64
		for _, p := range products {
			price := map[string]int64{"tea": 1200, "cup": 800, "honey": 900}[p]
			cents += price
			items = append(items, map[string]any{"product_id": p, "name": pairProducts[p], "quantity": 1,
				"price": fmt.Sprintf("%d.%02d", price/100, price%100)})
		}
		events = append(events, map[string]any{"type": "purchase", "id": fmt.Sprintf("o%03d", len(events)),
			"customer_id": customer, "amount": fmt.Sprintf("%d.%02d", cents/100, cents%100),
			"purchased_at": today.AddDate(0, 0, -ago).Format(time.RFC3339), "items": items})
	}
	for i := range 25 {
		add(fmt.Sprintf("p%02d", i), 100+4*i, "tea", "cup")
	}
	for i := range 5 {
		add(fmt.Sprintf("a%02d", i), 2+i, "tea")
	}
	for i := range 70 {
		add(fmt.Sprintf("h%02d", i), 3+2*i, "honey")
	}
	body, _ := json.Marshal(map[string]any{"events": events})
	if st := s.send(key, "/api/v1/batch", string(body)); st != http.StatusOK {
		t.Fatalf("batch: status %d", st)
	}
}
