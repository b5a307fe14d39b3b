package insight

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"

	"pulse/internal/model"
	"pulse/internal/page"
	"pulse/internal/rfm"
)

// CustomerQuery is a customer-scores request as the client wrote it;
// empty fields are absent.
type CustomerQuery struct {
	AsOf, HorizonDays, DiscountRate, Segment, AtRisk, Sort, Limit, Cursor string
}

// CustomerParams is a checked customer-scores request.
type CustomerParams struct {
	AsOf int64
	CustomerFilter
	Page page.Params
}

// ParseCustomers checks a customer-scores request; today is the app's
// local date. The list is sorted by CLV unless it is the at-risk list,
// which puts the biggest spenders first.
func ParseCustomers(q CustomerQuery, today int64) (CustomerParams, error) {
	verr := &model.ValidationError{}
	p := CustomerParams{AsOf: today}
	p.HorizonDays, p.Rate = DefaultHorizonDays, DefaultDiscountRate
	if q.AsOf != "" {
		p.AsOf = ParseAsOf(verr, q.AsOf, today)
	}
	if q.HorizonDays != "" {
		n, err := strconv.Atoi(q.HorizonDays)
		if err != nil || n < 1 || n > MaxHorizonDays {
			verr.Add("horizon_days", "must be a whole number of days from 1 to %d", MaxHorizonDays)
		}
		p.HorizonDays = n
	}
	if q.DiscountRate != "" {
		r, err := strconv.ParseFloat(q.DiscountRate, 64)
		if err != nil || math.IsNaN(r) || r < 0 || r > 1 {
			verr.Add("discount_rate", "must be a yearly rate from 0 to 1, such as 0.1 for 10%%")
		}
		p.Rate = r
	}
	if q.Segment != "" {
		p.Segment = rfm.Segment(q.Segment)
		if !p.Segment.Valid() {
			verr.Add("segment", "must be one of %s", rfm.IDs())
		}
	}
	switch q.AtRisk {
	case "", "false":
	case "true":
		p.AtRisk = true
	default:
		verr.Add("at_risk", `must be "true" or "false"`)
	}
	p.Sort = "-clv"
	if p.AtRisk {
		p.Sort = "-revenue"
	}
	if q.Sort != "" {
		p.Sort = q.Sort
		if !slices.Contains(CustomerSorts, q.Sort) {
			verr.Add("sort", "must be one of %s", strings.Join(CustomerSorts, ", "))
			q.Cursor = "" // a cursor cannot be checked against an unknown sort
		}
	}
	pp, err := page.Parse(q.Limit, q.Cursor, p.Sort+cursorScope(p))
	if v, ok := err.(*model.ValidationError); ok {
		verr.Errors = append(verr.Errors, v.Errors...)
	}
	p.Page = pp
	return p, verr.Err()
}

// cursorScope ties a cursor to the date, filter and horizon it was made
// for: the same sort key means another order under another of them.
func cursorScope(p CustomerParams) string {
	return "|" + strconv.FormatInt(p.AsOf, 10) + "|" + string(p.Segment) + "|" + strconv.FormatBool(p.AtRisk) +
		"|" + strconv.Itoa(p.HorizonDays) + "|" + strconv.FormatFloat(p.Rate, 'g', -1, 64)
}

// CustomerPage is one page of scored customers.
type CustomerPage struct {
	Model  *CustomerModel
	Params CustomerParams
	Totals Totals
	Rows   []Row
	Next   *string
}

// Customers lists an app's scored customers.
func (s *Service) Customers(ctx context.Context, app model.App, p CustomerParams) (*CustomerPage, error) {
	snap, err := s.At(ctx, app, p.AsOf)
	if err != nil {
		return nil, err
	}
	cm := snap.Customers
	rows, tot := cm.List(p.CustomerFilter)
	desc := p.Sort[0] == '-'
	if c := p.Page.After; c != nil {
		key, err := strconv.ParseFloat(c.Key, 64)
		if err != nil {
			return nil, model.Invalid("cursor", "is not a cursor returned by this API")
		}
		rows = After(rows, key, c.ID, desc)
	}
	pg := page.Slice(rows, p.Page.Limit, func(r Row) page.Cursor {
		return page.Cursor{Sort: p.Sort + cursorScope(p), Key: strconv.FormatFloat(r.Key, 'g', -1, 64), ID: r.ID}
	})
	return &CustomerPage{Model: cm, Params: p, Totals: tot, Rows: pg.Data, Next: pg.NextCursor}, nil
}
