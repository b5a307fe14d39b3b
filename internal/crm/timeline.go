package crm

import (
	"context"
	"time"

	"pulse/internal/model"
	"pulse/internal/page"
	"pulse/internal/store"
)

// EntryType is what a timeline entry records.
type EntryType string

// The timeline entry types; entries at the same instant come in this order.
const (
	EntrySignup   EntryType = "signup"
	EntryPurchase EntryType = "purchase"
	EntryRefund   EntryType = "refund"
	EntryNote     EntryType = "note"
)

var entryTypes = map[store.TimelineKind]EntryType{
	store.TimelineSignup: EntrySignup, store.TimelinePurchase: EntryPurchase,
	store.TimelineRefund: EntryRefund, store.TimelineNote: EntryNote,
}

// Entry is one event of a customer's history. Purchase is set for purchase
// and refund entries, Note for notes.
type Entry struct {
	Type     EntryType
	At       time.Time
	Purchase *model.Purchase
	Note     *model.Note
}

// Timeline lists a customer's history, oldest first: its signup (once its
// profile arrived), purchases, refunds and notes.
func (s *Service) Timeline(ctx context.Context, appID, id string, in PageQuery) (page.Page[Entry], error) {
	verr := &model.ValidationError{}
	p := in.parse(verr, store.TimelineOrder)
	if err := verr.Err(); err != nil {
		return page.Page[Entry]{}, err
	}
	if err := s.exists(ctx, appID, id); err != nil {
		return page.Page[Entry]{}, err
	}
	rows, err := s.db.Timeline(ctx, appID, id, p)
	if err != nil {
		return page.Page[Entry]{}, err
	}
	pg := page.Slice(rows, p.Limit, store.TimelineCursor)
	var buys, notes []string
	for _, r := range pg.Data {
		switch r.Kind {
		case store.TimelinePurchase, store.TimelineRefund:
			buys = append(buys, r.Ref)
		case store.TimelineNote:
			notes = append(notes, r.Ref)
		}
	}
	ps, err := s.db.PurchasesByIDs(ctx, appID, buys)
	if err != nil {
		return page.Page[Entry]{}, err
	}
	ns, err := s.db.NotesByIDs(ctx, appID, notes)
	if err != nil {
		return page.Page[Entry]{}, err
	}
	return page.Map(pg, func(r store.TimelineRow) Entry {
		e := Entry{Type: entryTypes[r.Kind], At: r.At}
		switch r.Kind {
		case store.TimelinePurchase, store.TimelineRefund:
			e.Purchase = ps[r.Ref]
		case store.TimelineNote:
			// A note erased since the rows were read is left out of the entry.
			if n, ok := ns[r.Ref]; ok {
				e.Note = &n
			}
		}
		return e
	}), nil
}
