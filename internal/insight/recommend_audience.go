package insight

import (
	"context"
	"math"
	"strconv"
	"time"

	"pulse/internal/model"
	"pulse/internal/money"
	"pulse/internal/page"
)

// AudienceSlice is the part of an audience's ids a page asks for with
// limit and cursor (as the client sent them), and the cursor of the next
// page, nil on the last. A cursor holds the index and id of the last
// member of its page, so that it fails rather than skips when the
// audience has changed under it.
func AudienceSlice(ids []string, recID, limit, cursor string) (from, to int, next *string, err error) {
	sort := "audience:" + recID
	p, err := page.Parse(limit, cursor, sort)
	if err != nil {
		return 0, 0, nil, err
	}
	if p.After != nil {
		n, err := strconv.Atoi(p.After.Key)
		if err != nil || n < 0 || n >= len(ids) || ids[n] != p.After.ID {
			return 0, 0, nil, model.Invalid("cursor", "is not a cursor returned by this API for this audience")
		}
		from = n + 1
	}
	to = min(len(ids), from+p.Limit)
	if to < len(ids) && to > from {
		s := page.Cursor{Sort: sort, Key: strconv.Itoa(to - 1), ID: ids[to-1]}.Encode()
		next = &s
	}
	return from, to, next, nil
}

// AudienceMember is a customer of an audience with, once the app's
// scores are computed, the scores that put them there.
type AudienceMember struct {
	*model.Customer
	Score *CustomerScore // nil before the scores are computed
	CLV   float64        // major units, over DefaultHorizonDays
}

// AudienceMembers looks the customers ids up, in their order; erased ones
// are left out. Scores come from the cached snapshot, without waiting.
func (s *Service) AudienceMembers(ctx context.Context, app model.App, ids []string) ([]AudienceMember, error) {
	people, err := s.db.CustomersByIDs(ctx, app.ID, ids)
	if err != nil {
		return nil, err
	}
	var cm *CustomerModel
	if snap := s.Cached(app); snap != nil {
		cm = snap.Customers
	}
	out := make([]AudienceMember, 0, len(ids))
	for _, id := range ids {
		c, ok := people[id]
		if !ok || c.ErasedAt != nil {
			continue
		}
		m := AudienceMember{Customer: c}
		if cm != nil {
			if sc, ok := cm.Score(id); ok {
				m.Score, m.CLV = sc, cm.ValueOf(sc, DefaultHorizonDays, DefaultDiscountRate).CLV
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// ProductName is a product's name from names, its id when it has none.
func ProductName(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

// AudienceCSV is a whole audience as the CSV download gives it: its
// customers with contact details and scores, or its products.
func (s *Service) AudienceCSV(ctx context.Context, app model.App, rec *Recommendation, ids []string) (header []string, rows [][]string, err error) {
	cur := app.Currency
	if rec.AudienceType == AudienceProducts {
		names, err := s.db.ProductNames(ctx, app.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, pid := range ids {
			rows = append(rows, []string{pid, ProductName(names, pid)})
		}
		return []string{"product", "name"}, rows, nil
	}
	members, err := s.AudienceMembers(ctx, app, ids)
	if err != nil {
		return nil, nil, err
	}
	exp, ok := money.Exponent(cur)
	if !ok {
		exp = 2
	}
	for _, m := range members {
		c := m.Customer
		row := []string{c.ID, c.Name, c.Email, c.Phone, "", "", "", strconv.FormatInt(c.Stats.Orders, 10),
			money.FormatCode(c.Stats.Revenue, cur), ""}
		if m.Score != nil {
			row[4] = string(m.Score.Segment)
			if !math.IsNaN(m.Score.PAlive) {
				row[5] = strconv.FormatFloat(math.Round(m.Score.PAlive*1e4)/1e4, 'f', 4, 64)
			}
			row[6] = money.FormatCode(int64(math.Round(m.CLV*math.Pow10(exp))), cur)
		}
		if t := c.Stats.LastPurchaseAt; t != nil {
			row[9] = t.UTC().Format(time.RFC3339)
		}
		rows = append(rows, row)
	}
	return []string{"customer_id", "name", "email", "phone", "segment", "p_alive", "clv", "orders", "revenue",
		"last_purchase_at"}, rows, nil
}
