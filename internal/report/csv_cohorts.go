package report

import (
	"strconv"

	"pulse/internal/money"
)

// CSV lays the cohorts out as a table with a row per cohort and month
// since its first, the way every download of them is written. Money is a
// decimal string in the report's currency, ratios are plain fractions, and
// an undefined ratio is an empty cell.
func (c *Cohorts) CSV() (header []string, rows [][]string) {
	header = []string{"cohort", "customers", "month", "active_customers", "retention", "revenue", "currency"}
	for _, co := range c.Cohorts {
		for _, m := range co.Months {
			rows = append(rows, []string{co.Month.String(), strconv.FormatInt(co.Customers, 10), strconv.Itoa(m.Offset),
				strconv.FormatInt(m.Active, 10), csvFraction(m.Retention), money.FormatCode(m.Revenue, c.Currency), c.Currency})
		}
	}
	return header, rows
}

// CSV lays the segments out as a table with a row per segment, in the
// same cell formats as the cohorts' CSV.
func (s *Segments) CSV() (header []string, rows [][]string) {
	header = []string{"segment", "name", "customers", "share_of_customers", "revenue",
		"share_of_revenue", "avg_recency_days", "avg_frequency", "avg_monetary", "currency"}
	rows = make([][]string, len(s.Segments))
	for i, f := range s.Segments {
		avg := ""
		if f.AvgMonetary != nil {
			avg = money.FormatCode(*f.AvgMonetary, s.Currency)
		}
		rows[i] = []string{string(f.Segment), f.Segment.Name(), strconv.FormatInt(f.Customers, 10),
			csvFraction(f.ShareOfCustomers), money.FormatCode(f.Revenue, s.Currency), csvFraction(f.ShareOfRevenue),
			csvFraction(f.AvgRecencyDays), csvFraction(f.AvgFrequency), avg, s.Currency}
	}
	return header, rows
}

// csvFraction writes a ratio in full precision, empty when undefined.
func csvFraction(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}
