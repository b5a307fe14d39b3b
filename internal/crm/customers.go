package crm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"pulse/internal/day"
	"pulse/internal/model"
	"pulse/internal/page"
	"pulse/internal/rfm"
	"pulse/internal/store"
)

// maxQueryLen bounds ?q=: a search longer than any id, name, email and
// phone together matches nothing anyway.
const maxQueryLen = 200

// CustomerQuery is a customer list request as the client wrote it. Empty
// fields are absent.
type CustomerQuery struct {
	Q       string // substring of id, name, email or phone, any case
	Tag     string // exact tag
	Segment string // an RFM segment id (package rfm), as of today
	Sort    string // one of store.CustomerSorts(); created_at by default
	Page    PageQuery
}

// ListCustomers lists an app's customers that are not erased, each with its
// tags.
func (s *Service) ListCustomers(ctx context.Context, appID string, in CustomerQuery) (page.Page[*model.Customer], error) {
	verr := &model.ValidationError{}
	f := store.CustomerFilter{Sort: store.ByCreated}
	q := strings.TrimSpace(in.Q)
	checkText(verr, "q", q, maxQueryLen)
	f.Search = strings.ToLower(q)
	if in.Tag != "" {
		f.Tag = checkTag(verr, "tag", in.Tag)
	}
	seg := rfm.Segment(in.Segment)
	if seg != "" && !seg.Valid() {
		verr.Add("segment", "must be one of %s", rfm.IDs())
	}
	if in.Sort != "" {
		f.Sort = store.CustomerSort(in.Sort)
		if !f.Sort.Valid() {
			verr.Add("sort", "must be one of %s", sortNames())
		}
	}
	pq := in.Page
	if !f.Sort.Valid() {
		// A cursor cannot be checked against an unknown ordering; the limit
		// still can.
		pq.Cursor = ""
	}
	f.Page = pq.parse(verr, f.Sort.Order())
	if err := verr.Err(); err != nil {
		return page.Page[*model.Customer]{}, err
	}
	if seg != "" {
		var err error
		if f.RFM, err = s.segmentFilter(ctx, appID, seg); err != nil {
			return page.Page[*model.Customer]{}, err
		}
	}
	rows, err := s.db.ListCustomers(ctx, appID, f)
	if err != nil {
		return page.Page[*model.Customer]{}, err
	}
	pg := page.Slice(rows, f.Page.Limit, func(c *model.Customer) page.Cursor { return store.CustomerCursor(c, f.Sort) })
	if err := s.fillTags(ctx, &s.db.Queries, appID, pg.Data); err != nil {
		return page.Page[*model.Customer]{}, err
	}
	return pg, nil
}

// segmentFilter selects the customers of segment seg as of today in the
// app's time zone. The quintiles are fitted to every customer with a paid
// purchase, erased ones included, exactly as GET /reports/segments does
// for today, so the list holds the customers that report counts (less the
// erased ones, which no list shows).
func (s *Service) segmentFilter(ctx context.Context, appID string, seg rfm.Segment) (*store.RFMFilter, error) {
	apps, err := s.db.AppsByIDs(ctx, []string{appID})
	if err != nil {
		return nil, err
	}
	app, ok := apps[appID]
	if !ok {
		return nil, fmt.Errorf("crm.segmentFilter: app %s: %w", appID, model.ErrNotFound)
	}
	loc, err := time.LoadLocation(app.Timezone)
	if err != nil {
		// The zone was checked when the app was saved.
		loc = time.UTC
	}
	rows, err := s.db.CustomersRFM(ctx, appID)
	if err != nil {
		return nil, err
	}
	today := day.Of(s.now(), loc)
	return rfm.Fit(rfm.FromTotals(rows, today, loc)).Filter(seg, today, loc), nil
}

func sortNames() string {
	sorts := store.CustomerSorts()
	names := make([]string, len(sorts))
	for i, s := range sorts {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// Customer finds an app's customer, with its tags. Erased, missing and
// other apps' customers are model.ErrNotFound alike.
func (s *Service) Customer(ctx context.Context, appID, id string) (*model.Customer, error) {
	return s.customer(ctx, &s.db.Queries, appID, id)
}

func (s *Service) customer(ctx context.Context, q *store.Queries, appID, id string) (*model.Customer, error) {
	if !plausibleID(id) {
		return nil, fmt.Errorf("crm.Customer: %w", model.ErrNotFound)
	}
	c, err := q.CustomerByID(ctx, appID, id)
	if err != nil {
		return nil, err
	}
	if err := s.fillTags(ctx, q, appID, []*model.Customer{c}); err != nil {
		return nil, err
	}
	return c, nil
}

// exists checks that an app's customer can be read, for the lists below
// it.
func (s *Service) exists(ctx context.Context, appID, id string) error {
	if !plausibleID(id) {
		return fmt.Errorf("crm: customer: %w", model.ErrNotFound)
	}
	_, err := s.db.CustomerByID(ctx, appID, id)
	return err
}

func (s *Service) fillTags(ctx context.Context, q *store.Queries, appID string, cs []*model.Customer) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	tags, err := q.TagsOf(ctx, appID, ids)
	if err != nil {
		return err
	}
	for _, c := range cs {
		c.Tags = tags[c.ID]
	}
	return nil
}
