package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"pulse/internal/model"
	"pulse/internal/page"
)

// CustomerSort is an ordering of the customer list, named as the API's
// ?sort= names it.
type CustomerSort string

// The customer list orderings. Ties are broken by id, in the same direction
// as the sort.
const (
	ByCreated          CustomerSort = "created_at"
	ByCreatedDesc      CustomerSort = "-created_at"
	ByRevenueDesc      CustomerSort = "-revenue"
	ByLastPurchaseDesc CustomerSort = "-last_purchase_at"
)

// CustomerSorts lists every ordering, the default first.
func CustomerSorts() []CustomerSort {
	return []CustomerSort{ByCreated, ByCreatedDesc, ByRevenueDesc, ByLastPurchaseDesc}
}

// noPurchase stands for a missing last purchase time in sort keys: times
// are never before 1970, so it sorts below every real one, and customers
// without purchases come last on both databases although they put NULL at
// opposite ends. It also keeps every cursor key a number.
const noPurchase = -1

type customerOrder struct {
	key  string // the SQL sort key
	desc bool
	val  func(c *model.Customer) int64 // the key of a loaded customer, for its cursor
}

var customerOrders = map[CustomerSort]customerOrder{
	ByCreated:          {"created_at", false, func(c *model.Customer) int64 { return micros(c.CreatedAt) }},
	ByCreatedDesc:      {"created_at", true, func(c *model.Customer) int64 { return micros(c.CreatedAt) }},
	ByRevenueDesc:      {"revenue", true, func(c *model.Customer) int64 { return c.Stats.Revenue }},
	ByLastPurchaseDesc: {fmt.Sprintf("COALESCE(last_purchase_at, %d)", noPurchase), true, lastPurchaseKey},
}

func lastPurchaseKey(c *model.Customer) int64 {
	if c.Stats.LastPurchaseAt == nil {
		return noPurchase
	}
	return micros(*c.Stats.LastPurchaseAt)
}

// Valid reports whether s is a known ordering.
func (s CustomerSort) Valid() bool {
	_, ok := customerOrders[s]
	return ok
}

// Order names s in page cursors, so that a cursor is used only with the
// list and ordering that made it.
func (s CustomerSort) Order() string { return "customers:" + string(s) }

// CustomerFilter selects customers for the list.
type CustomerFilter struct {
	// Search is matched as a substring of the lower-cased id, name, email
	// and phone; the caller lower-cases it with strings.ToLower, as the
	// writer does.
	Search string
	Tag    string // exact tag, or "" for any
	// RFM keeps only the customers of one RFM segment; nil for all.
	RFM  *RFMFilter
	Sort CustomerSort
	Page page.Params
}

// ListCustomers returns up to f.Page.Limit+1 of an app's customers that are
// not erased, in f.Sort order from after f.Page.After.
func (q *Queries) ListCustomers(ctx context.Context, appID string, f CustomerFilter) ([]*model.Customer, error) {
	o, ok := customerOrders[f.Sort]
	if !ok {
		return nil, fmt.Errorf("store.ListCustomers: unknown sort %q", f.Sort)
	}
	where, args, err := f.where(appID, o)
	if err != nil {
		return nil, err
	}
	dir := "ASC"
	if o.desc {
		dir = "DESC"
	}
	query := fmt.Sprintf(`SELECT %s FROM customers WHERE %s ORDER BY %s %s, id %s LIMIT ?`,
		customerColumns, where, o.key, dir, dir)
	return queryAll(ctx, q, "store.ListCustomers", query, append(args, f.Page.Limit+1), scanCustomer)
}

// where is f's WHERE clause in ordering o, with its arguments.
func (f CustomerFilter) where(appID string, o customerOrder) (string, []any, error) {
	var b strings.Builder
	args := []any{appID}
	b.WriteString(`app_id = ? AND erased_at IS NULL`)
	if f.Search != "" {
		b.WriteString(` AND search LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(f.Search)+"%")
	}
	if f.Tag != "" {
		b.WriteString(` AND id IN (SELECT customer_id FROM customer_tags WHERE app_id = ? AND tag = ?)`)
		args = append(args, appID, f.Tag)
	}
	if f.RFM != nil {
		cond, rfmArgs := f.RFM.where()
		b.WriteString(" AND " + cond)
		args = append(args, rfmArgs...)
	}
	if after := f.Page.After; after != nil {
		key, err := strconv.ParseInt(after.Key, 10, 64)
		if err != nil {
			return "", nil, badCursor()
		}
		cmp := ">"
		if o.desc {
			cmp = "<"
		}
		// A row value, rather than the equivalent ORs, lets both databases
		// seek in an index on the sort key.
		fmt.Fprintf(&b, ` AND (%s, id) %s (?, ?)`, o.key, cmp)
		args = append(args, key, after.ID)
	}
	return b.String(), args, nil
}

// CustomerCursor is the page cursor after c in ListCustomers order s.
func CustomerCursor(c *model.Customer, s CustomerSort) page.Cursor {
	return page.Cursor{Sort: s.Order(), Key: strconv.FormatInt(customerOrders[s].val(c), 10), ID: c.ID}
}

// CustomerByID finds an app's customer by the app's id for it; an erased
// customer is model.ErrNotFound, as is a missing one.
func (q *Queries) CustomerByID(ctx context.Context, appID, id string) (*model.Customer, error) {
	c, err := scanCustomer(q.queryRow(ctx, `SELECT `+customerColumns+` FROM customers
		WHERE app_id = ? AND id = ? AND erased_at IS NULL`, appID, id))
	if err != nil {
		return nil, notFound("store.CustomerByID", err)
	}
	return c, nil
}

// escapeLike makes s match itself literally in a LIKE pattern with
// ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func badCursor() error { return model.Invalid("cursor", "is not a cursor returned by this API") }
