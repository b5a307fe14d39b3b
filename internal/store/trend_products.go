package store

import "context"

// ProductPeriods are one product's sales in two adjacent periods, from the
// daily_products rollup.
type ProductPeriods struct {
	Product, Name           string
	PrevOrders, CurOrders   int64
	PrevRevenue, CurRevenue int64
}

// ProductPeriods sums each product's orders and revenue over the days from
// from to split−1 (the previous period) and from split to to (the current
// one), with the product's last known name ("" when it has no products
// row). Products without sales in either period are left out.
func (q *Queries) ProductPeriods(ctx context.Context, appID string, from, split, to int64) ([]ProductPeriods, error) {
	return queryAll(ctx, q, "store.ProductPeriods",
		`SELECT d.product, COALESCE(MAX(p.name), ''),
			CAST(SUM(CASE WHEN d.day < ? THEN d.orders ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN d.day >= ? THEN d.orders ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN d.day < ? THEN d.revenue ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN d.day >= ? THEN d.revenue ELSE 0 END) AS BIGINT)
		FROM daily_products d
		LEFT JOIN products p ON p.app_id = d.app_id AND p.product = d.product
		WHERE d.app_id = ? AND d.day >= ? AND d.day <= ?
		GROUP BY d.product
		HAVING SUM(d.orders) > 0
		ORDER BY d.product`,
		[]any{split, split, split, split, appID, from, to}, scanProductPeriods)
}

func scanProductPeriods(row scanner) (ProductPeriods, error) {
	var p ProductPeriods
	err := row.Scan(&p.Product, &p.Name, &p.PrevOrders, &p.CurOrders, &p.PrevRevenue, &p.CurRevenue)
	return p, err
}
