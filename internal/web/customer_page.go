package web

import (
	"cmp"
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"pulse/internal/crm"
	"pulse/internal/model"
	"pulse/internal/page"
)

// customerPageData is a customer's page: the profile, the purchase totals,
// one page of the timeline and the forms that edit the customer.
type customerPageData struct {
	C        *model.Customer
	Attrs    []attribute
	Timeline []timelineItem
	Pager    pager
	Kinds    []model.NoteKind
	Outlook  outlook
	Next     nextProducts
}

// attribute is one of the app's parameters of a customer, formatted.
type attribute struct {
	Key, Value string
}

// timelineItem is a timeline entry with the name of a note's author.
type timelineItem struct {
	crm.Entry
	Author string
}

var noteKinds = []model.NoteKind{model.NoteNote, model.NoteCall, model.NoteEmail, model.NoteMeeting}

func (h *Web) customerPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Notice = doneNotice(v, r.URL.Query().Get("done"))
	return h.showCustomer(w, r, v, http.StatusOK)
}

// showCustomer renders the customer named in the path with status: the
// page itself, or the page again with a form's errors.
func (h *Web) showCustomer(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	v.Nav = "customers"
	ctx := r.Context()
	c, err := h.crm.Customer(ctx, v.App.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	cursor := ""
	if r.Method == http.MethodGet {
		cursor = r.URL.Query().Get("cursor")
	}
	tl, err := h.crm.Timeline(ctx, v.App.ID, c.ID, crm.PageQuery{Cursor: cursor})
	if crmErrors(v, err) {
		status = http.StatusBadRequest
		tl, err = h.crm.Timeline(ctx, v.App.ID, c.ID, crm.PageQuery{})
	}
	if err != nil {
		return err
	}
	items, err := h.timelineItems(ctx, v, tl.Data)
	if err != nil {
		return err
	}
	if v.Form == nil {
		v.Form = url.Values{}
	}
	if !v.Form.Has("tags") {
		v.Form.Set("tags", strings.Join(c.Tags, ", "))
	}
	path := customerPath(v.App.ID, c.ID)
	if r.Method != http.MethodGet {
		// After a refused form the language switch returns to the page,
		// not to the form's address.
		v.Path = path
	}
	data := &customerPageData{C: c, Attrs: attributes(v, c.Attributes), Timeline: items, Kinds: noteKinds,
		Pager: newPager(path, url.Values{}, cursor, tl.NextCursor), Outlook: h.outlook(v, c.ID)}
	if c.ErasedAt == nil {
		data.Next = h.nextProducts(v, c)
	}
	if data.Pager.Next != "" {
		data.Pager.Next += "#timeline"
	}
	if data.Pager.First != "" {
		data.Pager.First += "#timeline"
	}
	v.Data = data
	h.render(w, status, "customer", v)
	return nil
}

// timelineItems names each note's author: the account for notes written
// here, the API key's name for notes an app sent. Notes erased since the
// timeline was read have no Note and are left out.
func (h *Web) timelineItems(ctx context.Context, v *view, entries []crm.Entry) ([]timelineItem, error) {
	var keyNames map[string]string
	out := make([]timelineItem, 0, len(entries))
	for _, e := range entries {
		it := timelineItem{Entry: e}
		if e.Type == crm.EntryNote {
			if e.Note == nil {
				continue
			}
			switch keyID, viaKey := strings.CutPrefix(e.Note.Author, "key:"); {
			case e.Note.Author == v.Account.ID:
				it.Author = cmp.Or(v.Account.Name, v.Account.Email)
			case viaKey:
				if keyNames == nil {
					var err error
					if keyNames, err = h.keyNames(ctx, v); err != nil {
						return nil, err
					}
				}
				it.Author = v.T("customers.author_key", cmp.Or(keyNames[keyID], keyID))
			default:
				it.Author = e.Note.Author
			}
		}
		if (e.Type == crm.EntryPurchase || e.Type == crm.EntryRefund) && e.Purchase == nil {
			continue
		}
		out = append(out, it)
	}
	return out, nil
}

// keyNames maps the app's API key ids to their names. One page of keys
// is plenty: an author whose key is not on it is shown by its id.
func (h *Web) keyNames(ctx context.Context, v *view) (map[string]string, error) {
	keys, err := h.apps.ListKeys(ctx, v.Account.ID, v.App.ID, page.Params{Limit: page.MaxLimit})
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(keys.Data))
	for _, k := range keys.Data {
		names[k.ID] = k.Name
	}
	return names, nil
}

// attributes lists a customer's parameters by name, each value written
// the way the page's language writes it.
func attributes(v *view, attrs map[string]any) []attribute {
	out := make([]attribute, 0, len(attrs))
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		out = append(out, attribute{Key: k, Value: attrValue(v, attrs[k])})
	}
	return out
}

func attrValue(v *view, val any) string {
	switch x := val.(type) {
	case bool:
		if x {
			return v.T("customers.yes")
		}
		return v.T("customers.no")
	case float64:
		// No digit grouping: numeric parameters are as often years or
		// codes as quantities.
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if v.Lang == "ru" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case string:
		return x
	default:
		return ""
	}
}
