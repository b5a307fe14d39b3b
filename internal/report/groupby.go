package report

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"pulse/internal/day"
	"pulse/internal/model"
	"pulse/internal/store"
)

// NoValue is the group of orders whose attribute is missing or null.
const NoValue = "(none)"

// maxAttrKeyLen is the longest attribute name ingestion accepts.
const maxAttrKeyLen = 64

// GroupBy is a breakdown by one attribute of purchases or of customers.
type GroupBy struct {
	Side      store.Side
	Attribute string
}

// String is the breakdown as requested: "customer.country".
func (g GroupBy) String() string { return string(g.Side) + "." + g.Attribute }

// ParseGroupBy reads "customer.<attribute>" or "purchase.<attribute>".
func ParseGroupBy(verr *model.ValidationError, s string) *GroupBy {
	side, attr, ok := strings.Cut(s, ".")
	switch {
	case !ok || (side != string(store.SideCustomer) && side != string(store.SidePurchase)):
		verr.Add("group_by", "must be customer.<attribute> or purchase.<attribute>")
	case attr == "" || utf8.RuneCountInString(attr) > maxAttrKeyLen:
		verr.Add("group_by", "the attribute name must be 1 to %d characters", maxAttrKeyLen)
	case strings.ContainsFunc(attr, unicode.IsControl):
		verr.Add("group_by", "the attribute name must not contain control characters")
	default:
		return &GroupBy{Side: store.Side(side), Attribute: attr}
	}
	return nil
}

// valueOf is the group an attribute value falls in: strings as they are,
// numbers and booleans as JSON writes them.
func valueOf(attrs map[string]any, key string) string {
	switch v := attrs[key].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return NoValue
}

// Group is the sales figures of one attribute value over the period.
// Distinct-customer figures count customers within the group: a customer
// whose orders fall in two groups counts in both.
type Group struct {
	Value string
	Totals
}

// span is the instants of a period's local days.
func span(p Period, loc *time.Location) (time.Time, time.Time) {
	return day.Start(p.From, loc), day.Start(p.To+1, loc)
}

// salesGroups breaks the period's sales down by an attribute, from the
// period's purchases and refunds: attributes are free-form, so there is no
// rollup for them.
func (s *Service) salesGroups(ctx context.Context, appID string, loc *time.Location, p Period, gb GroupBy) ([]Group, error) {
	from, to := span(p, loc)
	orders, err := s.db.OrdersForGrouping(ctx, appID, from, to, gb.Side)
	if err != nil {
		return nil, err
	}
	refunds, err := s.db.RefundsForGrouping(ctx, appID, from, to, gb.Side)
	if err != nil {
		return nil, err
	}
	type acc struct {
		Totals
		orders map[string]int64 // per customer
		first  map[string]bool  // whether that customer's first order is in the period
	}
	groups := map[string]*acc{}
	get := func(v string) *acc {
		g := groups[v]
		if g == nil {
			g = &acc{orders: map[string]int64{}, first: map[string]bool{}}
			groups[v] = g
		}
		return g
	}
	for _, o := range orders {
		g := get(valueOf(o.Attributes, gb.Attribute))
		g.Revenue += o.Amount
		g.Orders++
		g.orders[o.CustomerID]++
		g.first[o.CustomerID] = day.Of(o.FirstOrderAt, loc) >= p.From
	}
	for _, r := range refunds {
		g := get(valueOf(r.Attributes, gb.Attribute))
		g.Refunds += r.Amount
		g.RefundsCount++
	}
	out := make([]Group, 0, len(groups))
	for v, g := range groups {
		g.Customers = int64(len(g.orders))
		for c, n := range g.orders {
			if n >= 2 {
				g.Repeaters++
			}
			if g.first[c] {
				g.NewCustomers++
			}
		}
		g.ReturningCustomers = g.Customers - g.NewCustomers
		out = append(out, Group{Value: v, Totals: g.Totals})
	}
	sortGroups(out, func(g Group) int64 { return g.Revenue }, func(g Group) string { return g.Value })
	return out, nil
}

// sortGroups orders by revenue, highest first, then by value.
func sortGroups[T any](gs []T, revenue func(T) int64, value func(T) string) {
	slices.SortFunc(gs, func(a, b T) int {
		if ra, rb := revenue(a), revenue(b); ra != rb {
			if ra > rb {
				return -1
			}
			return 1
		}
		return strings.Compare(value(a), value(b))
	})
}
