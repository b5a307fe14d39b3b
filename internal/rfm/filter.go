package rfm

import (
	"time"

	"pulse/internal/day"
	"pulse/internal/store"
)

// FromTotals turns customers' totals into what they are scored on, with
// recency counted in local dates of loc up to day asOf. A purchase dated
// after asOf (ingestion accepts times slightly ahead of the clock) has
// recency 0.
func FromTotals(rows []store.CustomerRFM, asOf int64, loc *time.Location) []Customer {
	out := make([]Customer, len(rows))
	for i, r := range rows {
		out[i] = Customer{Recency: max(0, asOf-day.Of(r.LastPurchaseAt, loc)), Orders: r.Orders, Revenue: r.Revenue}
	}
	return out
}

// Filter is the store condition that keeps the customers md puts in
// segment s, their recency counted up to day asOf in loc. It turns each
// recency cut into the start of the local day it allows, so the database
// needs no time zones.
func (md Model) Filter(s Segment, asOf int64, loc *time.Location) *store.RFMFilter {
	f := &store.RFMFilter{Cells: Cells(s)}
	for sc := 2; sc <= 5; sc++ {
		if days, ok := md.RecencyCut(sc); ok {
			t := day.Start(asOf-days, loc)
			f.LastFrom[sc-2] = &t
		}
		if v, ok := md.F.At(sc); ok {
			f.OrdersFrom[sc-2] = &v
		}
		if v, ok := md.M.At(sc); ok {
			f.RevenueFrom[sc-2] = &v
		}
	}
	return f
}
