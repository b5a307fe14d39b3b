package report

import (
	"context"
	"slices"

	"pulse/internal/buyerset"
	"pulse/internal/model"
)

// ProductsParams are a products report request as given.
type ProductsParams struct {
	From, To, GroupBy string
}

// Products is the products report: every product sold in the period, or in
// the previous period of equal length, by revenue, highest first.
type Products struct {
	Currency string
	Period   Period
	Previous Period
	GroupBy  *GroupBy
	Products []ProductRow
}

// ProductRow is one product's figures in the period. Revenue is the sum of
// its lines (quantity × unit price) on the purchase day, refunded or not;
// Refunds is the line amount of its refunds made in the period. Customers
// is the distinct buyers of the product.
type ProductRow struct {
	Product, Name, Category         string
	Revenue, Refunds, Units, Orders int64
	Customers                       int64
	PreviousRevenue                 int64
	// Groups is the breakdown by attribute, when one was asked for.
	Groups []ProductGroup
}

// ShareOfRevenue is the product's percentage of all products' revenue,
// rounded to two decimals; false when there was none.
func (p ProductRow) ShareOfRevenue(total int64) (float64, bool) {
	if total == 0 {
		return 0, false
	}
	return Round2(100 * float64(p.Revenue) / float64(total)), true
}

// ProductGroup is a product's figures for one attribute value.
type ProductGroup struct {
	Value                             string
	Revenue, Units, Orders, Customers int64
}

// TotalRevenue is the sum of the products' revenue.
func (r *Products) TotalRevenue() int64 {
	var n int64
	for _, p := range r.Products {
		n += p.Revenue
	}
	return n
}

// Products computes an app's products report from the daily product rollup
// and the products' daily buyer sets.
func (s *Service) Products(ctx context.Context, appID string, in ProductsParams) (*Products, error) {
	a, err := s.app(ctx, appID)
	if err != nil {
		return nil, err
	}
	loc := location(a)
	verr := &model.ValidationError{}
	p := ParsePeriod(verr, in.From, in.To, loc, s.now())
	var gb *GroupBy
	if in.GroupBy != "" {
		gb = ParseGroupBy(verr, in.GroupBy)
	}
	if err := verr.Err(); err != nil {
		return nil, err
	}
	if err := EnsureBuyers(ctx, s.db, a, loc); err != nil {
		return nil, err
	}
	out := &Products{Currency: a.Currency, Period: p, Previous: p.Previous(), GroupBy: gb}
	cur, err := s.db.ProductTotals(ctx, appID, p.From, p.To)
	if err != nil {
		return nil, err
	}
	prev, err := s.db.ProductTotals(ctx, appID, out.Previous.From, out.Previous.To)
	if err != nil {
		return nil, err
	}
	rows := map[string]*ProductRow{}
	for _, t := range cur {
		rows[t.Product] = &ProductRow{Product: t.Product, Name: t.Name, Category: t.Category,
			Revenue: t.Revenue, Refunds: t.Refunded, Units: t.Units, Orders: t.Orders}
	}
	for _, t := range prev {
		r := rows[t.Product]
		if r == nil {
			if t.Revenue == 0 {
				continue
			}
			r = &ProductRow{Product: t.Product, Name: t.Name, Category: t.Category}
			rows[t.Product] = r
		}
		r.PreviousRevenue = t.Revenue
	}
	if err := s.productCustomers(ctx, appID, p, rows); err != nil {
		return nil, err
	}
	if gb != nil {
		if err := s.productGroups(ctx, appID, p, *gb, rows); err != nil {
			return nil, err
		}
	}
	for _, r := range rows {
		out.Products = append(out.Products, *r)
	}
	sortGroups(out.Products, func(r ProductRow) int64 { return r.Revenue }, func(r ProductRow) string { return r.Product })
	return out, nil
}

// productCustomers unions each product's daily buyer sets over the period.
func (s *Service) productCustomers(ctx context.Context, appID string, p Period, rows map[string]*ProductRow) error {
	days, err := s.db.ProductBuyerDays(ctx, appID, p.From, p.To)
	if err != nil {
		return err
	}
	sets := map[string][][]byte{}
	for _, d := range days {
		sets[d.Product] = append(sets[d.Product], d.Members)
	}
	var u buyerset.Union
	for product, members := range sets {
		r := rows[product]
		if r == nil {
			continue
		}
		u.Reset()
		for _, m := range members {
			if err := u.AddDay(m); err != nil {
				return err
			}
		}
		r.Customers = u.Buyers()
	}
	return nil
}

// productGroups breaks each product's sales down by an attribute, from the
// period's purchases.
func (s *Service) productGroups(ctx context.Context, appID string, p Period, gb GroupBy, rows map[string]*ProductRow) error {
	a, err := s.app(ctx, appID)
	if err != nil {
		return err
	}
	from, to := span(p, location(a))
	orders, err := s.db.OrdersForGrouping(ctx, appID, from, to, gb.Side)
	if err != nil {
		return err
	}
	type key struct{ product, value string }
	type acc struct {
		ProductGroup
		buyers map[string]bool
	}
	groups := map[key]*acc{}
	for _, o := range orders {
		v := valueOf(o.Attributes, gb.Attribute)
		for _, l := range orderLines(o.Items) {
			k := key{l.product, v}
			g := groups[k]
			if g == nil {
				g = &acc{ProductGroup: ProductGroup{Value: v}, buyers: map[string]bool{}}
				groups[k] = g
			}
			g.Revenue += l.amount
			g.Units += l.units
			g.Orders++
			g.buyers[o.CustomerID] = true
		}
	}
	for k, g := range groups {
		g.Customers = int64(len(g.buyers))
		if r := rows[k.product]; r != nil {
			r.Groups = append(r.Groups, g.ProductGroup)
		}
	}
	for _, r := range rows {
		if r.Groups == nil {
			r.Groups = []ProductGroup{}
		}
		sortGroups(r.Groups, func(g ProductGroup) int64 { return g.Revenue }, func(g ProductGroup) string { return g.Value })
	}
	return nil
}

type orderLine struct {
	product       string
	units, amount int64
}

// orderLines merges an order's items by product, as the daily product
// rollup counts them: a product on two lines is one order of it.
func orderLines(items []model.Item) []orderLine {
	var out []orderLine
	for _, it := range items {
		k := it.Product()
		i := slices.IndexFunc(out, func(l orderLine) bool { return l.product == k })
		if i < 0 {
			out = append(out, orderLine{product: k})
			i = len(out) - 1
		}
		out[i].units += it.Quantity
		out[i].amount += it.Quantity * it.Price
	}
	return out
}
