package report

import (
	"context"
	"strconv"
	"time"

	"pulse/internal/model"
)

// Top customer list sizes.
const (
	DefaultTopCustomers = 20
	MaxTopCustomers     = 500
)

// CustomersParams are a top customers request as given.
type CustomersParams struct {
	From, To, Limit string
}

// TopCustomers is the customers with the most revenue from orders placed in
// the period, most first.
type TopCustomers struct {
	Currency  string
	Period    Period
	Customers []TopCustomer
}

// TopCustomer is one customer's orders in the period. An erased customer
// has no id, name or email.
type TopCustomer struct {
	ID, Name, Email string
	Erased          bool
	Orders, Revenue int64
	LastOrderAt     time.Time
}

// TopCustomers lists an app's top customers by revenue in the period. It
// reads the period's purchases: a ranking over any period has no rollup.
func (s *Service) TopCustomers(ctx context.Context, appID string, in CustomersParams) (*TopCustomers, error) {
	a, err := s.app(ctx, appID)
	if err != nil {
		return nil, err
	}
	loc := location(a)
	verr := &model.ValidationError{}
	p := ParsePeriod(verr, in.From, in.To, loc, s.now())
	limit := DefaultTopCustomers
	if in.Limit != "" {
		n, err := strconv.Atoi(in.Limit)
		if err != nil || n < 1 || n > MaxTopCustomers {
			verr.Add("limit", "must be a whole number from 1 to %d", MaxTopCustomers)
		}
		limit = n
	}
	if err := verr.Err(); err != nil {
		return nil, err
	}
	from, to := span(p, loc)
	rows, err := s.db.TopCustomers(ctx, appID, from, to, limit)
	if err != nil {
		return nil, err
	}
	out := &TopCustomers{Currency: a.Currency, Period: p, Customers: make([]TopCustomer, len(rows))}
	for i, r := range rows {
		c := TopCustomer{ID: r.ID, Name: r.Name, Email: r.Email, Erased: r.Erased,
			Orders: r.Orders, Revenue: r.Revenue, LastOrderAt: r.LastOrderAt}
		if r.Erased || model.IsErased(r.ID) {
			c.ID, c.Name, c.Email, c.Erased = "", "", "", true
		}
		out.Customers[i] = c
	}
	return out, nil
}
