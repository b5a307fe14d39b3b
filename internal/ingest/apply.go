package ingest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"pulse/internal/model"
	"pulse/internal/rollup"
	"pulse/internal/store"
)

// appState is one app's part of a transaction: the rows its events touch,
// loaded once, changed in memory event by event, and written at the end in
// a few multi-row statements.
type appState struct {
	app       model.App
	customers map[string]*model.Customer
	purchases map[string]*model.Purchase

	// dirty customers need their whole row written; counted ones only
	// their purchase totals.
	dirty        map[string]*model.Customer
	counted      map[string]*model.Customer
	newPurchases []*model.Purchase
	fresh        map[string]bool
	refunds      []*model.Purchase
	respan       map[string]bool
	products     map[string]*store.ProductSeen
	deltas       *rollup.Deltas
	buyerOrders  []store.BuyerOrder
	newCustomers int64
	accepted     bool
	lastEvent    time.Time
	log          []model.RecentEvent
}

// apply runs inside the group's transaction.
func (w *Writer) apply(ctx context.Context, q *store.Queries, jobs []*job) error {
	byApp := map[string][]*job{}
	for _, j := range jobs {
		byApp[j.appID] = append(byApp[j.appID], j)
	}
	ids := slices.Sorted(maps.Keys(byApp))
	if err := q.LockApps(ctx, ids); err != nil {
		return err
	}
	apps, err := q.AppsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		app, ok := apps[id]
		if !ok {
			// Deleted while its events waited: nothing to store them in.
			for _, j := range byApp[id] {
				j.results = failAll(j.events, model.ErrNotFound)
			}
			continue
		}
		st, err := w.load(ctx, q, app, byApp[id])
		if err != nil {
			return err
		}
		for _, j := range byApp[id] {
			j.results = make([]Result, len(j.events))
			for i := range j.events {
				j.results[i] = st.apply(&j.events[i], j.received)
				st.record(w, &j.events[i], j.results[i], j.received)
			}
			for _, r := range j.rejected {
				r.Seq = w.nextSeq(j.received)
				st.log = append(st.log, r)
			}
		}
		if err := st.flush(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func failAll(events []Event, err error) []Result {
	out := make([]Result, len(events))
	for i := range out {
		out[i].Err = err
	}
	return out
}

// load reads every customer and purchase the jobs' events name.
func (w *Writer) load(ctx context.Context, q *store.Queries, app model.App, jobs []*job) (*appState, error) {
	var custIDs, buyIDs []string
	for _, j := range jobs {
		for i := range j.events {
			ev := &j.events[i]
			if ev.Kind == KindCustomer {
				custIDs = append(custIDs, ev.Customer.ID)
			} else {
				buyIDs = append(buyIDs, ev.Purchase.P.ID)
				custIDs = append(custIDs, ev.Purchase.P.CustomerID)
			}
		}
	}
	purchases, err := q.PurchasesByIDs(ctx, app.ID, dedupe(buyIDs))
	if err != nil {
		return nil, err
	}
	// A refund of a stored purchase updates its customer, whose id may have
	// been erased since.
	for _, p := range purchases {
		custIDs = append(custIDs, p.CustomerID)
	}
	customers, err := q.CustomersByIDs(ctx, app.ID, dedupe(custIDs))
	if err != nil {
		return nil, err
	}
	return &appState{
		app:       app,
		customers: customers,
		purchases: purchases,
		dirty:     map[string]*model.Customer{},
		counted:   map[string]*model.Customer{},
		respan:    map[string]bool{},
		fresh:     map[string]bool{},
		products:  map[string]*store.ProductSeen{},
		deltas:    rollup.New(w.location(app.Timezone)),
	}, nil
}

func dedupe(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

func (st *appState) apply(ev *Event, received time.Time) Result {
	if ev.Kind == KindCustomer {
		return st.applyCustomer(&ev.Customer, received)
	}
	return st.applyPurchase(&ev.Purchase, received)
}

func (st *appState) applyCustomer(ev *CustomerEvent, received time.Time) Result {
	c, known := st.customers[ev.ID]
	if !known {
		c = &model.Customer{AppID: st.app.ID, ID: ev.ID, CreatedAt: received}
		if ev.CreatedAt != nil {
			c.CreatedAt = *ev.CreatedAt
		}
		st.customers[ev.ID] = c
		st.newCustomers++
		st.deltas.Customer(c.CreatedAt, 1)
	} else if ev.CreatedAt != nil && !ev.CreatedAt.Equal(c.CreatedAt) {
		st.deltas.Customer(c.CreatedAt, -1)
		st.deltas.Customer(*ev.CreatedAt, 1)
		c.CreatedAt = *ev.CreatedAt
	}
	// A customer first seen in a purchase gets its profile now: for the app
	// this is the customer's creation.
	created := !c.HasProfile
	c.HasProfile = true
	c.UpdatedAt = received
	for _, f := range []struct {
		in  Field
		dst *string
	}{{ev.Name, &c.Name}, {ev.Email, &c.Email}, {ev.Phone, &c.Phone}} {
		if f.in.Set {
			*f.dst = f.in.Value
		}
	}
	if ev.Attributes != nil {
		if c.Attributes == nil {
			c.Attributes = map[string]any{}
		}
		for k, v := range ev.Attributes {
			if v == nil {
				delete(c.Attributes, k)
			} else {
				c.Attributes[k] = v
			}
		}
		if len(c.Attributes) == 0 {
			c.Attributes = nil
		}
	}
	st.dirty[c.ID] = c
	return Result{Created: created, Customer: snapshotCustomer(c)}
}

func snapshotCustomer(c *model.Customer) *model.Customer {
	s := *c
	s.Attributes = maps.Clone(c.Attributes)
	return &s
}

func snapshotPurchase(p *model.Purchase) *model.Purchase {
	s := *p
	return &s
}

func (st *appState) applyPurchase(ev *PurchaseEvent, received time.Time) Result {
	if stored, ok := st.purchases[ev.P.ID]; ok {
		return st.repeatPurchase(stored, ev)
	}
	p := ev.P
	p.AppID = st.app.ID
	c := st.customers[p.CustomerID]
	if c == nil {
		// Apps send events out of order: the customer's own event may
		// follow. Until then the customer dates from its first purchase.
		c = &model.Customer{AppID: st.app.ID, ID: p.CustomerID, CreatedAt: p.PurchasedAt, UpdatedAt: received}
		st.customers[c.ID] = c
		st.newCustomers++
		st.deltas.Customer(c.CreatedAt, 1)
		st.dirty[c.ID] = c
	} else if !c.HasProfile && p.PurchasedAt.Before(c.CreatedAt) {
		st.deltas.Customer(c.CreatedAt, -1)
		st.deltas.Customer(p.PurchasedAt, 1)
		c.CreatedAt = p.PurchasedAt
		st.dirty[c.ID] = c
	}
	s := &c.Stats
	if p.Status == model.StatusPaid {
		s.Orders++
		s.Revenue += p.Amount
		if s.FirstPurchaseAt == nil || p.PurchasedAt.Before(*s.FirstPurchaseAt) {
			s.FirstPurchaseAt = &p.PurchasedAt
		}
		if s.LastPurchaseAt == nil || p.PurchasedAt.After(*s.LastPurchaseAt) {
			s.LastPurchaseAt = &p.PurchasedAt
		}
	} else {
		s.Refunds++
		s.Refunded += p.Amount
	}
	st.count(c)
	st.purchases[p.ID] = &p
	st.newPurchases = append(st.newPurchases, &p)
	st.fresh[p.ID] = true
	st.deltas.Purchase(&p)
	st.buyerOrders = append(st.buyerOrders, store.BuyerOrder{CustomerID: p.CustomerID, At: p.PurchasedAt, Products: store.OrderProducts(p.Items)})
	st.sawProducts(&p)
	return Result{Created: true, Purchase: snapshotPurchase(&p)}
}

// repeatPurchase handles a purchase id seen before: the same content is a
// safe retry, paid to refunded is a refund, anything else a conflict.
func (st *appState) repeatPurchase(stored *model.Purchase, ev *PurchaseEvent) Result {
	if diff := differences(stored, ev, st.app.Currency); len(diff) > 0 {
		names := make([]string, len(diff))
		for i, d := range diff {
			names[i] = d.Field
		}
		return Result{Err: &model.ConflictError{
			Message: fmt.Sprintf("purchase %q was already received with a different %s; a stored purchase can only change from paid to refunded",
				stored.ID, strings.Join(names, ", ")),
			Fields: diff,
		}}
	}
	if ev.Given.Status && ev.P.Status == model.StatusRefunded && stored.Status == model.StatusPaid {
		stored.Status = model.StatusRefunded
		stored.RefundedAt = ev.P.RefundedAt
		if !st.fresh[stored.ID] {
			// A purchase new in this transaction is inserted as it ends up.
			st.refunds = append(st.refunds, stored)
		}
		st.deltas.Refund(stored)
		if c := st.customers[stored.CustomerID]; c != nil {
			s := &c.Stats
			s.Orders--
			s.Revenue -= stored.Amount
			s.Refunds++
			s.Refunded += stored.Amount
			if (s.FirstPurchaseAt != nil && s.FirstPurchaseAt.Equal(stored.PurchasedAt)) ||
				(s.LastPurchaseAt != nil && s.LastPurchaseAt.Equal(stored.PurchasedAt)) {
				st.respan[c.ID] = true
			}
			st.count(c)
		}
	}
	return Result{Created: false, Purchase: snapshotPurchase(stored)}
}

// count marks a customer whose purchase totals changed.
func (st *appState) count(c *model.Customer) {
	if st.dirty[c.ID] == nil {
		st.counted[c.ID] = c
	}
}

func (st *appState) sawProducts(p *model.Purchase) {
	for _, it := range p.Items {
		k := it.Product()
		ps := st.products[k]
		if ps == nil {
			ps = &store.ProductSeen{Product: k, First: p.PurchasedAt, Last: p.PurchasedAt}
			st.products[k] = ps
		}
		if it.Name != "" {
			ps.Name = it.Name
		}
		if it.Category != "" {
			ps.Category = it.Category
		}
		if p.PurchasedAt.Before(ps.First) {
			ps.First = p.PurchasedAt
		}
		if p.PurchasedAt.After(ps.Last) {
			ps.Last = p.PurchasedAt
		}
	}
}

// flush writes everything the app's events changed.
func (st *appState) flush(ctx context.Context, q *store.Queries) error {
	if err := q.SaveCustomers(ctx, sortedCustomers(st.dirty, nil)); err != nil {
		return err
	}
	if err := q.SaveCustomerStats(ctx, sortedCustomers(st.counted, st.dirty)); err != nil {
		return err
	}
	if err := q.InsertPurchases(ctx, st.newPurchases); err != nil {
		return err
	}
	for _, p := range st.refunds {
		if err := q.RefundPurchase(ctx, p); err != nil {
			return err
		}
	}
	if err := q.RecomputePurchaseSpan(ctx, st.app.ID, slices.Sorted(maps.Keys(st.respan))); err != nil {
		return err
	}
	if err := q.AddRollups(ctx, st.app.ID, st.deltas); err != nil {
		return err
	}
	if err := q.AddBuyerOrders(ctx, st.app.ID, st.app.Timezone, st.deltas.Loc, st.buyerOrders, st.customers); err != nil {
		return err
	}
	if len(st.products) > 0 {
		ps := make([]store.ProductSeen, 0, len(st.products))
		for _, k := range slices.Sorted(maps.Keys(st.products)) {
			ps = append(ps, *st.products[k])
		}
		if err := q.SaveProducts(ctx, st.app.ID, ps); err != nil {
			return err
		}
	}
	if st.accepted {
		if err := q.AddAppStats(ctx, st.app.ID, st.newCustomers, int64(len(st.newPurchases)), st.lastEvent); err != nil {
			return err
		}
	}
	if len(st.log) > store.RecentKept*2 {
		st.log = keepNewest(st.log)
	}
	return q.AddRecentEvents(ctx, st.app.ID, st.log)
}

// sortedCustomers lists m's customers that are not in skip, by id.
func sortedCustomers(m, skip map[string]*model.Customer) []*model.Customer {
	out := make([]*model.Customer, 0, len(m))
	for _, id := range slices.Sorted(maps.Keys(m)) {
		if skip[id] == nil {
			out = append(out, m[id])
		}
	}
	return out
}

// keepNewest drops log lines that the trim would delete anyway.
func keepNewest(log []model.RecentEvent) []model.RecentEvent {
	var acc, rej int
	out := make([]model.RecentEvent, 0, 2*store.RecentKept)
	for i := len(log) - 1; i >= 0; i-- {
		if log[i].Accepted && acc < store.RecentKept {
			acc++
			out = append(out, log[i])
		} else if !log[i].Accepted && rej < store.RecentKept {
			rej++
			out = append(out, log[i])
		}
	}
	slices.Reverse(out)
	return out
}
