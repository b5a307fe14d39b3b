package crm

import (
	"context"
	"time"

	"pulse/internal/model"
	"pulse/internal/page"
	"pulse/internal/store"
)

// PurchaseQuery is a purchase list request as the client wrote it. Empty
// fields are absent.
type PurchaseQuery struct {
	CustomerID string
	// From and To are RFC 3339 times or YYYY-MM-DD dates in the app's time
	// zone; both ends are inclusive, a date meaning the whole day.
	From, To string
	Status   string // paid or refunded
	Page     PageQuery
}

// ListPurchases lists an app's purchases, newest first. Erased customers'
// purchases are listed too: they are the app's sales, only anonymised.
func (s *Service) ListPurchases(ctx context.Context, appID string, in PurchaseQuery) (page.Page[*model.Purchase], error) {
	loc := time.UTC
	if in.From != "" || in.To != "" {
		var err error
		if loc, err = s.location(ctx, appID); err != nil {
			return page.Page[*model.Purchase]{}, err
		}
	}
	verr := &model.ValidationError{}
	f := store.PurchaseFilter{CustomerID: in.CustomerID, Status: model.PurchaseStatus(in.Status)}
	if in.CustomerID != "" {
		checkText(verr, "customer_id", in.CustomerID, maxIDLen)
	}
	f.From, f.Before = timeRange(verr, in.From, in.To, loc)
	if in.Status != "" && f.Status != model.StatusPaid && f.Status != model.StatusRefunded {
		verr.Add("status", "must be paid or refunded")
	}
	f.Page = in.Page.parse(verr, store.PurchasesOrder)
	if err := verr.Err(); err != nil {
		return page.Page[*model.Purchase]{}, err
	}
	return s.purchases(ctx, appID, f)
}

// CustomerPurchases lists one customer's purchases, newest first.
func (s *Service) CustomerPurchases(ctx context.Context, appID, id string, in PageQuery) (page.Page[*model.Purchase], error) {
	verr := &model.ValidationError{}
	f := store.PurchaseFilter{CustomerID: id, Page: in.parse(verr, store.PurchasesOrder)}
	if err := verr.Err(); err != nil {
		return page.Page[*model.Purchase]{}, err
	}
	if err := s.exists(ctx, appID, id); err != nil {
		return page.Page[*model.Purchase]{}, err
	}
	return s.purchases(ctx, appID, f)
}

func (s *Service) purchases(ctx context.Context, appID string, f store.PurchaseFilter) (page.Page[*model.Purchase], error) {
	rows, err := s.db.ListPurchases(ctx, appID, f)
	if err != nil {
		return page.Page[*model.Purchase]{}, err
	}
	return page.Slice(rows, f.Page.Limit, store.PurchaseCursor), nil
}

// location is the app's time zone, read afresh: it may have just changed.
func (s *Service) location(ctx context.Context, appID string) (*time.Location, error) {
	apps, err := s.db.AppsByIDs(ctx, []string{appID})
	if err != nil {
		return nil, err
	}
	app, ok := apps[appID]
	if !ok {
		return nil, model.ErrNotFound
	}
	loc, err := time.LoadLocation(app.Timezone)
	if err != nil {
		// Zones are checked when an app is saved; one the binary no longer
		// knows counts in UTC, as the rollups do.
		return time.UTC, nil
	}
	return loc, nil
}
