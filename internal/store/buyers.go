package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"pulse/internal/buyerset"
	"pulse/internal/day"
	"pulse/internal/model"
)

// BuyerOrder is a newly stored order, for the buyer rollups.
type BuyerOrder struct {
	CustomerID string
	At         time.Time
	// Products are the order's distinct products (model.Item.Product).
	Products []string
}

// buyer is a customer's number and first order as the buyer rollups keep
// them.
type buyer struct {
	id    string
	no    int64
	first sql.NullInt64
	dirty bool
}

type productDayKey struct {
	day     int64
	product string
}

// AddBuyerOrders adds newly stored orders to the buyer rollups (tables
// daily_buyers and daily_product_buyers, columns customers.buyer_no and
// first_order_at) of an app whose days are in tz (loc). Call it in the
// writer's transaction after the orders and their customers are stored:
// when the rollups were built in another zone, or never, they are rebuilt
// from the stored purchases instead, which include these orders.
//
// known holds customers as read in the same transaction, new ones
// included, whose buyer numbers and first orders need not be read again;
// customers it lacks are read.
func (q *Queries) AddBuyerOrders(ctx context.Context, appID, tz string, loc *time.Location, orders []BuyerOrder,
	known map[string]*model.Customer) error {
	if len(orders) == 0 {
		return nil
	}
	numbered, current, err := q.buyerStamp(ctx, appID, tz)
	if err != nil {
		return err
	}
	if !current {
		return q.RebuildBuyers(ctx, appID, tz, loc)
	}
	wasNumbered := numbered
	buyers := map[string]*buyer{}
	var ids []string
	for _, o := range orders {
		if _, ok := buyers[o.CustomerID]; ok {
			continue
		}
		if c, ok := known[o.CustomerID]; ok {
			b := &buyer{id: c.ID, no: c.BuyerNo}
			if c.FirstOrderAt != nil {
				b.first = sql.NullInt64{Int64: micros(*c.FirstOrderAt), Valid: true}
			}
			buyers[o.CustomerID] = b
			continue
		}
		buyers[o.CustomerID] = nil
		ids = append(ids, o.CustomerID)
	}
	if len(ids) > 0 {
		read, err := q.buyers(ctx, appID, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if b, ok := read[id]; ok {
				buyers[id] = b
			} else {
				delete(buyers, id)
			}
		}
	}
	firsts := map[int64]int64{}
	for _, o := range orders {
		b := buyers[o.CustomerID]
		if b == nil {
			return fmt.Errorf("store.AddBuyerOrders: customer %q is not stored", o.CustomerID)
		}
		if b.no == 0 {
			numbered++
			b.no, b.dirty = numbered, true
		}
		if at := micros(o.At); !b.first.Valid || at < b.first.Int64 {
			if b.first.Valid {
				firsts[day.Of(fromMicros(b.first.Int64), loc)]--
			}
			firsts[day.Of(o.At, loc)]++
			b.first, b.dirty = sql.NullInt64{Int64: at, Valid: true}, true
		}
	}
	if err := q.addDayBuyers(ctx, appID, loc, orders, buyers, firsts); err != nil {
		return err
	}
	if err := q.addProductBuyers(ctx, appID, loc, orders, buyers); err != nil {
		return err
	}
	if err := q.saveBuyers(ctx, appID, buyers); err != nil {
		return err
	}
	for id, b := range buyers {
		if c, ok := known[id]; ok && b.dirty {
			first := fromMicros(b.first.Int64)
			c.BuyerNo, c.FirstOrderAt = b.no, &first
		}
	}
	if numbered == wasNumbered {
		return nil
	}
	return q.saveBuyerStamp(ctx, appID, numbered, tz)
}

// buyerStamp reads the last buyer number given and whether the day sets are
// in zone tz.
func (q *Queries) buyerStamp(ctx context.Context, appID, tz string) (numbered int64, current bool, err error) {
	var zone string
	err = q.queryRow(ctx, `SELECT numbered, timezone FROM buyer_rollups WHERE app_id = ?`, appID).Scan(&numbered, &zone)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store.buyerStamp: %w", err)
	}
	return numbered, zone == tz, nil
}

func (q *Queries) saveBuyerStamp(ctx context.Context, appID string, numbered int64, tz string) error {
	_, err := q.execPrepared(ctx, `INSERT INTO buyer_rollups (app_id, numbered, timezone) VALUES (?, ?, ?)
		ON CONFLICT (app_id) DO UPDATE SET numbered = excluded.numbered, timezone = excluded.timezone`,
		appID, numbered, tz)
	if err != nil {
		return fmt.Errorf("store.saveBuyerStamp: %w", err)
	}
	return nil
}

// BuyersCurrent reports whether an app's buyer rollups exist and are built
// in time zone tz. An app with no orders yet has none, and needs none.
func (q *Queries) BuyersCurrent(ctx context.Context, appID, tz string) (bool, error) {
	_, current, err := q.buyerStamp(ctx, appID, tz)
	if err != nil || current {
		return current, err
	}
	var any int
	err = q.queryRow(ctx, `SELECT 1 FROM purchases WHERE app_id = ? LIMIT 1`, appID).Scan(&any)
	if err == sql.ErrNoRows {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.BuyersCurrent: %w", err)
	}
	return false, nil
}

func (q *Queries) buyers(ctx context.Context, appID string, ids []string) (map[string]*buyer, error) {
	return byIDs(ctx, q, "store.buyers", `SELECT id, buyer_no, first_order_at FROM customers WHERE app_id = ? AND`,
		[]any{appID}, ids, func(row scanner) (*buyer, error) {
			var b buyer
			var no sql.NullInt64
			err := row.Scan(&b.id, &no, &b.first)
			b.no = no.Int64
			return &b, err
		}, func(b *buyer) string { return b.id })
}

// saveBuyers writes the numbers and first orders that changed.
func (q *Queries) saveBuyers(ctx context.Context, appID string, buyers map[string]*buyer) error {
	var args []any
	for _, id := range slices.Sorted(maps.Keys(buyers)) {
		if b := buyers[id]; b.dirty {
			args = append(args, b.id, b.no, b.first.Int64)
		}
	}
	if len(args) == 0 {
		return nil
	}
	if q.dialect == Postgres {
		// One statement, not a round trip per customer.
		per := maxParams / 3
		for start := 0; start < len(args); start += per * 3 {
			chunk := args[start:min(len(args), start+per*3)]
			rows := strings.Repeat("(?, ?::bigint, ?::bigint), ", len(chunk)/3)
			_, err := q.exec(ctx, `UPDATE customers AS c SET buyer_no = v.no, first_order_at = v.first
				FROM (VALUES `+strings.TrimSuffix(rows, ", ")+`) AS v (id, no, first)
				WHERE c.app_id = ? AND c.id = v.id`, append(chunk, appID)...)
			if err != nil {
				return fmt.Errorf("store.saveBuyers: %w", err)
			}
		}
		return nil
	}
	for i := 0; i < len(args); i += 3 {
		_, err := q.execPrepared(ctx, `UPDATE customers SET buyer_no = ?, first_order_at = ? WHERE app_id = ? AND id = ?`,
			args[i+1], args[i+2], appID, args[i])
		if err != nil {
			return fmt.Errorf("store.saveBuyers: %w", err)
		}
	}
	return nil
}

// addDayBuyers adds the orders to their days' sets and moves first orders
// between days by firsts.
func (q *Queries) addDayBuyers(ctx context.Context, appID string, loc *time.Location, orders []BuyerOrder,
	buyers map[string]*buyer, firsts map[int64]int64) error {
	type dayRow struct {
		set   buyerset.Set
		first int64
	}
	rows := map[int64]*dayRow{}
	for d := range firsts {
		rows[d] = &dayRow{}
	}
	for _, o := range orders {
		rows[day.Of(o.At, loc)] = &dayRow{}
	}
	keys := slices.Sorted(maps.Keys(rows))
	err := inChunksOf(keys, func(chunk []any, marks string) error {
		stored, err := q.query(ctx, `SELECT day, first_buyers, members FROM daily_buyers
			WHERE app_id = ? AND day IN (`+marks+`)`, append([]any{appID}, chunk...)...)
		if err != nil {
			return err
		}
		defer stored.Close()
		for stored.Next() {
			var d, first int64
			var members []byte
			if err := stored.Scan(&d, &first, &members); err != nil {
				return err
			}
			if rows[d].set, err = buyerset.Decode(members); err != nil {
				return err
			}
			rows[d].first = first
		}
		return stored.Err()
	})
	if err != nil {
		return fmt.Errorf("store.AddBuyerOrders: %w", err)
	}
	for _, o := range orders {
		rows[day.Of(o.At, loc)].set.Add(buyers[o.CustomerID].no)
	}
	args := make([]any, 0, len(keys)*6)
	for _, d := range keys {
		r := rows[d]
		args = append(args, appID, d, r.set.Len(), r.set.Repeaters(), r.first+firsts[d], r.set.Encode())
	}
	return q.insertRows(ctx, "store.AddBuyerOrders",
		`INSERT INTO daily_buyers (app_id, day, buyers, repeaters, first_buyers, members)`,
		`ON CONFLICT (app_id, day) DO UPDATE SET buyers = excluded.buyers, repeaters = excluded.repeaters,
			first_buyers = excluded.first_buyers, members = excluded.members`, 6, args)
}

// addProductBuyers adds the orders' buyers to their products' day sets.
func (q *Queries) addProductBuyers(ctx context.Context, appID string, loc *time.Location, orders []BuyerOrder,
	buyers map[string]*buyer) error {
	sets := map[productDayKey]*buyerset.Set{}
	for _, o := range orders {
		for _, p := range o.Products {
			sets[productDayKey{day.Of(o.At, loc), p}] = &buyerset.Set{}
		}
	}
	if len(sets) == 0 {
		return nil
	}
	keys := slices.SortedFunc(maps.Keys(sets), func(a, b productDayKey) int {
		if a.day != b.day {
			return int(a.day - b.day)
		}
		return strings.Compare(a.product, b.product)
	})
	if err := q.loadProductBuyers(ctx, appID, keys, sets); err != nil {
		return fmt.Errorf("store.AddBuyerOrders: %w", err)
	}
	for _, o := range orders {
		for _, p := range o.Products {
			sets[productDayKey{day.Of(o.At, loc), p}].Add(buyers[o.CustomerID].no)
		}
	}
	return q.saveProductBuyers(ctx, appID, keys, sets)
}

// loadProductBuyers reads the stored sets of keys into sets. A batch that
// back-fills history touches hundreds of product days: SQLite looks each up
// through one statement prepared per transaction, PostgreSQL all of them in
// one query.
func (q *Queries) loadProductBuyers(ctx context.Context, appID string, keys []productDayKey, sets map[productDayKey]*buyerset.Set) error {
	if q.dialect == Postgres {
		days := make([]int64, len(keys))
		products := make([]string, len(keys))
		for i, k := range keys {
			days[i], products[i] = k.day, k.product
		}
		rows, err := q.query(ctx, `SELECT b.day, b.product, b.members FROM daily_product_buyers b
			JOIN unnest(?::bigint[], ?::text[]) AS k (day, product) ON b.day = k.day AND b.product = k.product
			WHERE b.app_id = ?`, days, products, appID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k productDayKey
			var members []byte
			if err := rows.Scan(&k.day, &k.product, &members); err != nil {
				return err
			}
			if *sets[k], err = buyerset.Decode(members); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	const lookup = `SELECT members FROM daily_product_buyers WHERE app_id = ? AND day = ? AND product = ?`
	var st *sql.Stmt
	if q.tx != nil {
		if st = q.stmts[lookup]; st == nil {
			var err error
			if st, err = q.tx.PrepareContext(ctx, lookup); err != nil {
				return err
			}
			q.stmts[lookup] = st
		}
	}
	for _, k := range keys {
		var members []byte
		var err error
		if st != nil {
			err = st.QueryRowContext(ctx, appID, k.day, k.product).Scan(&members)
		} else {
			err = q.queryRow(ctx, lookup, appID, k.day, k.product).Scan(&members)
		}
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return err
		}
		if *sets[k], err = buyerset.Decode(members); err != nil {
			return err
		}
	}
	return nil
}

func (q *Queries) saveProductBuyers(ctx context.Context, appID string, keys []productDayKey, sets map[productDayKey]*buyerset.Set) error {
	args := make([]any, 0, len(keys)*5)
	for _, k := range keys {
		s := sets[k]
		args = append(args, appID, k.day, k.product, s.Len(), s.Encode())
	}
	return q.insertRows(ctx, "store.AddBuyerOrders",
		`INSERT INTO daily_product_buyers (app_id, day, product, buyers, members)`,
		`ON CONFLICT (app_id, day, product) DO UPDATE SET buyers = excluded.buyers, members = excluded.members`,
		5, args)
}

// inChunksOf is inChunks for numbers.
func inChunksOf(ns []int64, fn func(chunk []any, marks string) error) error {
	const size = 500
	for start := 0; start < len(ns); start += size {
		chunk := ns[start:min(len(ns), start+size)]
		args := make([]any, len(chunk))
		for i, n := range chunk {
			args[i] = n
		}
		if err := fn(args, strings.Repeat("?, ", len(chunk)-1)+"?"); err != nil {
			return err
		}
	}
	return nil
}

// RebuildBuyers recomputes an app's buyer rollups from its purchases, with
// days in tz (loc): after a time zone change, or on data stored before the
// rollups existed. Buyer numbers, once given, are kept.
func (q *Queries) RebuildBuyers(ctx context.Context, appID, tz string, loc *time.Location) error {
	for _, table := range []string{"daily_buyers", "daily_product_buyers"} {
		if _, err := q.exec(ctx, `DELETE FROM `+table+` WHERE app_id = ?`, appID); err != nil {
			return fmt.Errorf("store.RebuildBuyers: %w", err)
		}
	}
	_, err := q.exec(ctx, `UPDATE customers SET first_order_at = (SELECT MIN(p.purchased_at) FROM purchases p
		WHERE p.app_id = customers.app_id AND p.customer_id = customers.id) WHERE app_id = ?`, appID)
	if err != nil {
		return fmt.Errorf("store.RebuildBuyers: %w", err)
	}
	numbered, err := q.numberBuyers(ctx, appID)
	if err != nil {
		return err
	}
	firsts := map[int64]int64{}
	rows, err := q.query(ctx, `SELECT first_order_at FROM customers WHERE app_id = ? AND first_order_at IS NOT NULL`, appID)
	if err != nil {
		return fmt.Errorf("store.RebuildBuyers: %w", err)
	}
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			rows.Close()
			return fmt.Errorf("store.RebuildBuyers: %w", err)
		}
		firsts[day.Of(fromMicros(at), loc)]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store.RebuildBuyers: %w", err)
	}
	if err := q.rebuildDaySets(ctx, appID, loc, firsts); err != nil {
		return err
	}
	return q.saveBuyerStamp(ctx, appID, numbered, tz)
}

// numberBuyers gives numbers to customers with orders and none yet, in the
// order of their first orders, and returns the last number given.
func (q *Queries) numberBuyers(ctx context.Context, appID string) (int64, error) {
	var numbered int64
	if err := q.queryRow(ctx, `SELECT COALESCE(MAX(buyer_no), 0) FROM customers WHERE app_id = ?`, appID).Scan(&numbered); err != nil {
		return 0, fmt.Errorf("store.RebuildBuyers: %w", err)
	}
	rows, err := q.query(ctx, `SELECT id, first_order_at FROM customers
		WHERE app_id = ? AND buyer_no IS NULL AND first_order_at IS NOT NULL ORDER BY first_order_at, id`, appID)
	if err != nil {
		return 0, fmt.Errorf("store.RebuildBuyers: %w", err)
	}
	fresh := map[string]*buyer{}
	for rows.Next() {
		b := &buyer{dirty: true}
		if err := rows.Scan(&b.id, &b.first); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store.RebuildBuyers: %w", err)
		}
		numbered++
		b.no = numbered
		fresh[b.id] = b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store.RebuildBuyers: %w", err)
	}
	return numbered, q.saveBuyers(ctx, appID, fresh)
}

// rebuildDaySets reads the purchases in time order, so that one local day
// is complete before the next begins: only one day's sets are held open,
// the rest encoded. They are written once the read is over, as PostgreSQL
// runs one statement at a time on a connection.
func (q *Queries) rebuildDaySets(ctx context.Context, appID string, loc *time.Location, firsts map[int64]int64) error {
	rows, err := q.query(ctx, `SELECT c.buyer_no, p.purchased_at, p.items FROM purchases p
		JOIN customers c ON c.app_id = p.app_id AND c.id = p.customer_id
		WHERE p.app_id = ? ORDER BY p.purchased_at`, appID)
	if err != nil {
		return fmt.Errorf("store.RebuildBuyers: %w", err)
	}
	var (
		cur               int64
		set               buyerset.Set
		products          = map[string]*buyerset.Set{}
		started           bool
		dayArgs, prodArgs []any
	)
	flush := func() {
		dayArgs = append(dayArgs, appID, cur, set.Len(), set.Repeaters(), firsts[cur], set.Encode())
		for _, p := range slices.Sorted(maps.Keys(products)) {
			prodArgs = append(prodArgs, appID, cur, p, products[p].Len(), products[p].Encode())
		}
		set, products = buyerset.Set{}, map[string]*buyerset.Set{}
	}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var no, at int64
			var itemsJSON string
			if err := rows.Scan(&no, &at, &itemsJSON); err != nil {
				return err
			}
			d := day.Of(fromMicros(at), loc)
			if started && d != cur {
				flush()
			}
			cur, started = d, true
			set.Add(no)
			var items []model.Item
			if err := json.Unmarshal([]byte(itemsJSON), &items); err != nil {
				return fmt.Errorf("items: %w", err)
			}
			for _, p := range OrderProducts(items) {
				s := products[p]
				if s == nil {
					s = &buyerset.Set{}
					products[p] = s
				}
				s.Add(no)
			}
		}
		return rows.Err()
	}()
	if err != nil {
		return fmt.Errorf("store.RebuildBuyers: %w", err)
	}
	if started {
		flush()
	}
	if err := q.insertRows(ctx, "store.RebuildBuyers",
		`INSERT INTO daily_buyers (app_id, day, buyers, repeaters, first_buyers, members)`, "", 6, dayArgs); err != nil {
		return err
	}
	return q.insertRows(ctx, "store.RebuildBuyers",
		`INSERT INTO daily_product_buyers (app_id, day, product, buyers, members)`, "", 5, prodArgs)
}

// OrderProducts lists the distinct products of an order's items.
func OrderProducts(items []model.Item) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		if p := it.Product(); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
