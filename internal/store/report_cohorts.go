package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// CohortCell is the activity of one acquisition cohort in one month:
// Cohort and Month index the months given to CohortActivity, Customers is
// how many of the cohort's customers made a paid purchase in the month and
// Revenue what those purchases sum to, in minor units.
type CohortCell struct {
	Cohort, Month      int
	Customers, Revenue int64
}

// CohortActivity groups the purchases that stand (refunded ones left out)
// by the month of their customer's first one and by their own month.
// Months are consecutive ranges [starts[i], starts[i+1]), so the last
// element of starts only ends the last month; a customer's cohort is the
// month of its first_purchase_at, and only the first cohorts months are
// cohorts. Local months are turned into instants by the caller, so the
// database needs no time zones. It is one grouped query over the
// purchases of the range, each joined to its customer by key.
func (q *Queries) CohortActivity(ctx context.Context, appID string, starts []time.Time, cohorts int) ([]CohortCell, error) {
	if len(starts) < 2 || cohorts < 1 {
		return nil, nil
	}
	bounds := make([]int64, len(starts))
	for i, t := range starts {
		bounds[i] = micros(t)
	}
	var args []any
	cohort := bucket("c.first_purchase_at", bounds[:cohorts+1], &args)
	month := bucket("p.purchased_at", bounds, &args)
	args = append(args, appID, bounds[0], bounds[len(bounds)-1], bounds[0], bounds[cohorts])
	query := `SELECT ` + cohort + `, ` + month + `, COUNT(DISTINCT p.customer_id), SUM(p.amount)
		FROM purchases p JOIN customers c ON c.app_id = p.app_id AND c.id = p.customer_id
		WHERE p.app_id = ? AND p.status = 'paid' AND p.purchased_at >= ? AND p.purchased_at < ?
			AND c.first_purchase_at >= ? AND c.first_purchase_at < ?
		GROUP BY 1, 2`
	return queryAll(ctx, q, "store.CohortActivity", query, args, func(row scanner) (CohortCell, error) {
		var c CohortCell
		err := row.Scan(&c.Cohort, &c.Month, &c.Customers, &c.Revenue)
		return c, err
	})
}

// bucket is a SQL expression giving the index i of the range
// [bounds[i], bounds[i+1]) that col falls in, for a col the query keeps
// within bounds. It nests CASEs as a binary search: a few comparisons per
// row however many months there are.
func bucket(col string, bounds []int64, args *[]any) string {
	var b strings.Builder
	var build func(lo, hi int)
	build = func(lo, hi int) {
		if hi-lo == 1 {
			fmt.Fprintf(&b, "%d", lo)
			return
		}
		mid := (lo + hi) / 2
		fmt.Fprintf(&b, "CASE WHEN %s < ? THEN ", col)
		*args = append(*args, bounds[mid])
		build(lo, mid)
		b.WriteString(" ELSE ")
		build(mid, hi)
		b.WriteString(" END")
	}
	build(0, len(bounds)-1)
	return b.String()
}
