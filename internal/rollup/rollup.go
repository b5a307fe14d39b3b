// Package rollup accumulates the daily aggregates that reports read instead
// of raw purchases: sales and refunds per day and per day and product, and
// new customers per day, each on the local date in the app's time zone.
// Ingestion adds each event's deltas in the same transaction as the event;
// a rebuild (after a time zone change) adds every purchase again.
package rollup

import (
	"time"

	"pulse/internal/day"
	"pulse/internal/model"
)

// Sales are one day's totals for an app.
type Sales struct {
	Orders, Revenue, Units, Refunds, Refunded, NewCustomers int64
}

// Product are one day's totals for one product.
type Product struct {
	Orders, Units, Revenue, Refunds, Refunded int64
}

// ProductDay keys a product's totals.
type ProductDay struct {
	Day     int64
	Product string
}

// Deltas are changes to an app's rollups, to be added to the stored rows.
type Deltas struct {
	Loc      *time.Location
	Sales    map[int64]*Sales
	Products map[ProductDay]*Product
}

// New returns empty deltas that bucket days in loc.
func New(loc *time.Location) *Deltas {
	return &Deltas{Loc: loc, Sales: map[int64]*Sales{}, Products: map[ProductDay]*Product{}}
}

func (d *Deltas) sales(t time.Time) *Sales {
	k := day.Of(t, d.Loc)
	s := d.Sales[k]
	if s == nil {
		s = &Sales{}
		d.Sales[k] = s
	}
	return s
}

func (d *Deltas) product(t time.Time, product string) *Product {
	k := ProductDay{Day: day.Of(t, d.Loc), Product: product}
	p := d.Products[k]
	if p == nil {
		p = &Product{}
		d.Products[k] = p
	}
	return p
}

// Sale counts p as sold on its purchase day, whatever its status: a refund
// is a sale and, later, a refund.
func (d *Deltas) Sale(p *model.Purchase) {
	s := d.sales(p.PurchasedAt)
	s.Orders++
	s.Revenue += p.Amount
	for _, it := range p.Items {
		s.Units += it.Quantity
	}
	for _, pr := range lines(p.Items) {
		x := d.product(p.PurchasedAt, pr.product)
		x.Orders++
		x.Units += pr.units
		x.Revenue += pr.amount
	}
}

// Refund counts p as refunded on the day of p.RefundedAt.
func (d *Deltas) Refund(p *model.Purchase) {
	at := p.PurchasedAt
	if p.RefundedAt != nil {
		at = *p.RefundedAt
	}
	s := d.sales(at)
	s.Refunds++
	s.Refunded += p.Amount
	for _, pr := range lines(p.Items) {
		x := d.product(at, pr.product)
		x.Refunds++
		x.Refunded += pr.amount
	}
}

// Customer adds n (1 or -1) new customers on the day of createdAt.
func (d *Deltas) Customer(createdAt time.Time, n int64) {
	d.sales(createdAt).NewCustomers += n
}

// Purchase adds everything p contributes: its sale and, when refunded, its
// refund.
func (d *Deltas) Purchase(p *model.Purchase) {
	d.Sale(p)
	if p.Status == model.StatusRefunded {
		d.Refund(p)
	}
}

type productLine struct {
	product       string
	units, amount int64
}

// lines merges a purchase's items by product, so that a product listed on
// two lines of one order is one order of that product.
func lines(items []model.Item) []productLine {
	out := make([]productLine, 0, len(items))
next:
	for _, it := range items {
		k := it.Product()
		for i := range out {
			if out[i].product == k {
				out[i].units += it.Quantity
				out[i].amount += it.Quantity * it.Price
				continue next
			}
		}
		out = append(out, productLine{product: k, units: it.Quantity, amount: it.Quantity * it.Price})
	}
	return out
}
