package api_test

import (
	"testing"
	"time"

	"pulse/internal/store"
)

// crmShop is a fixture whose app A holds a small customer base, loaded
// through the batch endpoint, and whose app B holds one customer of its
// own.
type crmShop struct {
	*fixture
	now string // the server's clock, RFC 3339: when notes are written
}

// The customers of app A. Their ids and names exercise search: Cyrillic, a
// slash, and the LIKE wildcards % _ and \ as literal text.
const (
	anna  = "anna"
	ivan  = "клиент/7"
	pct   = "pct"
	under = "under"
	back  = "back"
	guest = "guest" // known only from a purchase
	tl    = "tl"    // has a history with ties, for the timeline
)

// anna's purchases: o3, her latest, is refunded, so her last purchase is
// o4. Stats by hand: 3 orders, 49.90 + 100.00 + 10.10 = 160.00, average
// 53.33; 1 refund of 20.00.
var (
	o1 = purchaseEv("o1", anna, "49.90", "2026-11-02T10:00:00Z", obj{"product": "Starter"})
	o2 = purchaseEv("o2", anna, "100.00", "2026-11-05T12:00:00Z", obj{"product": "Pro"})
	o3 = purchaseEv("o3", anna, "20.00", "2026-11-18T08:00:00Z", obj{"product": "Addon"})
	o4 = purchaseEv("o4", anna, "10.10", "2026-11-15T18:00:00Z", obj{"product": "Addon"})
)

func newCRMShop(t *testing.T, db *store.DB) *crmShop {
	t.Helper()
	s := &crmShop{fixture: newFixture(t, db)}
	s.now = s.h.clock.Now().Format(time.RFC3339Nano)
	t2 := purchaseEv("t2", tl, "7.00", "2026-11-10T08:00:00Z", nil)
	loadBatch(t, s.h, s.a.key,
		customerEv(anna, obj{"name": "Anna Petrova", "email": "anna@example.com", "phone": "+79990001122",
			"created_at": "2026-11-01T09:30:00Z", "attributes": obj{"plan": "pro"}}),
		customerEv(ivan, obj{"name": "Иван Сидоров", "email": "ivan@example.org", "created_at": "2026-11-02T08:00:00Z"}),
		customerEv(pct, obj{"name": "100% Sure", "created_at": "2026-11-03T00:00:00Z"}),
		customerEv(under, obj{"name": "snake_case fan", "created_at": "2026-11-04T00:00:00Z"}),
		customerEv(back, obj{"name": `back\slash`, "created_at": "2026-11-05T00:00:00Z"}),
		customerEv(tl, obj{"name": "Timeline", "created_at": "2026-11-01T09:30:00Z"}),
		o1, o2, o3, o4, refundEv(o3, "2026-11-19T09:00:00Z"),
		purchaseEv("g1", guest, "5.00", "2026-11-06T10:00:00Z", nil),
		purchaseEv("i1", ivan, "15.00", "2026-11-07T12:00:00Z", nil),
		// tl's ties: t1 with the signup, t3 with t2's refund, t4 with the
		// notes written below.
		purchaseEv("t1", tl, "1.00", "2026-11-01T09:30:00Z", nil),
		t2,
		purchaseEv("t3", tl, "3.00", "2026-11-15T18:00:00Z", nil),
		refundEv(t2, "2026-11-15T18:00:00Z"),
		purchaseEv("t4", tl, "4.00", s.now, nil),
	)
	loadBatch(t, s.h, s.b.key, customerEv("boris", obj{"name": "Boris"}),
		purchaseEv("b1", "boris", "9.00", "2026-11-03T00:00:00Z", nil))
	for id, tags := range map[string][]string{anna: {"vip", "newsletter"}, ivan: {"vip"}} {
		if r := keyReq(s.h, s.a.key, "PUT", custPath(id, "tags"), obj{"tags": tags}); r.status != 200 {
			t.Fatalf("tag %s: %d %s", id, r.status, r.body)
		}
	}
	for _, text := range []string{"first call", "second call"} {
		if r := keyReq(s.h, s.a.key, "POST", custPath(tl, "notes"), obj{"text": text}); r.status != 201 {
			t.Fatalf("note: %d %s", r.status, r.body)
		}
	}
	return s
}

// allA is app A's customers in the default order: created_at, then id.
var allA = []string{anna, tl, ivan, pct, under, back, guest}
