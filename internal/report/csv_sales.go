package report

import (
	"strconv"
	"time"

	"pulse/internal/day"
	"pulse/internal/money"
)

// The sales, products and top customers reports as CSV tables, cell for
// cell the API's JSON figures: money is a decimal string in the report's
// currency, percentages are plain numbers, and a figure with no meaning (an
// average of no orders) is an empty cell.

var salesTotalsHeader = []string{"revenue", "refunds", "net_revenue", "orders", "refunds_count", "average_order_value",
	"customers", "new_customers", "returning_customers", "repeat_purchase_rate"}

// CSV lays the report out with a row per bucket of the series, or per
// attribute value of a breakdown.
func (s *Sales) CSV() (header []string, rows [][]string) {
	if s.GroupBy != nil {
		header = append([]string{s.GroupBy.String()}, salesTotalsHeader...)
		for _, g := range s.Groups {
			rows = append(rows, append([]string{g.Value}, totalsCells(g.Totals, s.Currency)...))
		}
		return header, rows
	}
	header = append([]string{"period_start", "period_end"}, salesTotalsHeader...)
	for _, b := range s.Series {
		rows = append(rows, append([]string{day.String(b.Start), day.String(b.End)}, totalsCells(b.Totals, s.Currency)...))
	}
	return header, rows
}

func totalsCells(t Totals, cur string) []string {
	aov := ""
	if v, ok := t.AverageOrderValue(); ok {
		aov = money.FormatCode(v, cur)
	}
	rate := ""
	if v, ok := t.RepeatPurchaseRate(); ok {
		rate = formatFloat(v)
	}
	return []string{money.FormatCode(t.Revenue, cur), money.FormatCode(t.Refunds, cur), money.FormatCode(t.NetRevenue(), cur),
		formatInt(t.Orders), formatInt(t.RefundsCount), aov,
		formatInt(t.Customers), formatInt(t.NewCustomers), formatInt(t.ReturningCustomers), rate}
}

// CSV lays the report out with a row per product, or per product and
// attribute value of a breakdown.
func (r *Products) CSV() (header []string, rows [][]string) {
	c := r.Currency
	if r.GroupBy != nil {
		header = []string{"product", "name", "category", r.GroupBy.String(), "revenue", "units", "orders", "customers"}
		for _, p := range r.Products {
			for _, g := range p.Groups {
				rows = append(rows, []string{p.Product, p.Name, p.Category, g.Value, money.FormatCode(g.Revenue, c),
					formatInt(g.Units), formatInt(g.Orders), formatInt(g.Customers)})
			}
		}
		return header, rows
	}
	header = []string{"product", "name", "category", "revenue", "refunds", "units", "orders", "customers",
		"share_of_revenue", "previous_revenue", "change_abs", "change_pct"}
	total := r.TotalRevenue()
	for _, p := range r.Products {
		share, change := "", ""
		if v, ok := p.ShareOfRevenue(total); ok {
			share = formatFloat(v)
		}
		if v, ok := PctChange(float64(p.Revenue), float64(p.PreviousRevenue)); ok {
			change = formatFloat(v)
		}
		rows = append(rows, []string{p.Product, p.Name, p.Category, money.FormatCode(p.Revenue, c), money.FormatCode(p.Refunds, c),
			formatInt(p.Units), formatInt(p.Orders), formatInt(p.Customers), share,
			money.FormatCode(p.PreviousRevenue, c), money.FormatCode(p.Revenue-p.PreviousRevenue, c), change})
	}
	return header, rows
}

// CSV lays the list out with a row per customer; an erased customer's id,
// name and email are empty.
func (t *TopCustomers) CSV() (header []string, rows [][]string) {
	header = []string{"id", "name", "email", "erased", "orders", "revenue", "last_purchase_at"}
	rows = make([][]string, len(t.Customers))
	for i, c := range t.Customers {
		rows[i] = []string{c.ID, c.Name, c.Email, strconv.FormatBool(c.Erased), formatInt(c.Orders),
			money.FormatCode(c.Revenue, t.Currency), c.LastOrderAt.Format(time.RFC3339Nano)}
	}
	return header, rows
}

func formatInt(n int64) string { return strconv.FormatInt(n, 10) }

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
