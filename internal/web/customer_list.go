package web

import (
	"net/http"
	"net/url"

	"pulse/internal/crm"
	"pulse/internal/model"
	"pulse/internal/rfm"
)

// customerSort is an ordering offered on the customer list: the name the
// page uses in ?sort= and the crm ordering it stands for.
type customerSort struct {
	Name, crm string
}

// customerSorts are the list's orderings, the default first. The page
// names them for what a user picks ("newest") rather than by column.
var customerSorts = []customerSort{
	{"newest", "-created_at"},
	{"revenue", "-revenue"},
	{"last_purchase", "-last_purchase_at"},
}

func sortNames() []string {
	names := make([]string, len(customerSorts))
	for i, s := range customerSorts {
		names[i] = s.Name
	}
	return names
}

func findSort(name string) (customerSort, bool) {
	if name == "" {
		return customerSorts[0], true
	}
	for _, s := range customerSorts {
		if s.Name == name {
			return s, true
		}
	}
	return customerSort{}, false
}

// customerListData is the customer list page.
type customerListData struct {
	Rows  []*model.Customer
	Sorts []string // the names of customerSorts
	// Filtered is true when q, tag or segment narrows the list, which
	// tells "no match" from "no customers yet".
	Filtered bool
	// Segment names the RFM segment listed, "" for none; ClearSegment is
	// the list with the other filters and without the segment.
	Segment, ClearSegment string
	Pager                 pager
}

// pager links the pages of a cursor-paginated list. Both links keep the
// list's filters.
type pager struct {
	Next  string // the next page, "" on the last one
	First string // the first page, "" when on it
}

// newPager builds the links of a list at path whose filters are query
// (without the cursor); cursor is the current page's, next the following.
func newPager(path string, query url.Values, cursor string, next *string) pager {
	var p pager
	if next != nil {
		q := cloneValues(query)
		q.Set("cursor", *next)
		p.Next = path + "?" + q.Encode()
	}
	if cursor != "" {
		p.First = path
		if enc := query.Encode(); enc != "" {
			p.First += "?" + enc
		}
	}
	return p
}

// cloneValues copies v without its empty values, so that links stay short.
func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vals := range v {
		if len(vals) > 0 && vals[0] != "" {
			out.Set(k, vals[0])
		}
	}
	return out
}

func (h *Web) customerList(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Nav = "customers"
	in := r.URL.Query()
	filters := cloneValues(url.Values{"q": {in.Get("q")}, "tag": {in.Get("tag")}, "sort": {in.Get("sort")},
		"segment": {in.Get("segment")}})
	v.Form = filters
	v.Notice = doneNotice(v, in.Get("done"))
	data := &customerListData{Sorts: sortNames(),
		Filtered: filters.Get("q") != "" || filters.Get("tag") != "" || filters.Get("segment") != ""}
	v.Data = data
	if seg := rfm.Segment(filters.Get("segment")); seg != "" {
		others := cloneValues(filters)
		others.Del("segment")
		data.ClearSegment = r.URL.EscapedPath()
		if enc := others.Encode(); enc != "" {
			data.ClearSegment += "?" + enc
		}
		if seg.Valid() {
			data.Segment = segmentName(v, seg)
		}
	}

	sort, ok := findSort(filters.Get("sort"))
	if !ok {
		v.Errors = map[string]string{"sort": v.T("customers.sort_invalid")}
		h.render(w, http.StatusBadRequest, "customers", v)
		return nil
	}
	cursor := in.Get("cursor")
	pg, err := h.crm.ListCustomers(r.Context(), v.App.ID, crm.CustomerQuery{
		Q: filters.Get("q"), Tag: filters.Get("tag"), Segment: filters.Get("segment"), Sort: sort.crm,
		Page: crm.PageQuery{Cursor: cursor},
	})
	if crmErrors(v, err) {
		h.render(w, http.StatusBadRequest, "customers", v)
		return nil
	}
	if err != nil {
		return err
	}
	data.Rows = pg.Data
	data.Pager = newPager(r.URL.EscapedPath(), filters, cursor, pg.NextCursor)
	h.render(w, http.StatusOK, "customers", v)
	return nil
}

// doneNotices maps ?done= after a completed action to its message; any
// other value shows nothing.
var doneNotices = map[string]string{
	"erased":     "customers.notice_erased",
	"note_added": "customers.notice_note_added",
	"tags_saved": "customers.notice_tags_saved",
}

func doneNotice(v *view, done string) string {
	if key, ok := doneNotices[done]; ok {
		return v.T(key)
	}
	return ""
}

// crmErrors turns a validation error from the crm service into messages
// per field; the pages name their fields as the service does. A
// cursor is not a field of any form: its message goes to the page's
// alert, with the first page a click away.
func crmErrors(v *view, err error) bool {
	if !v.fieldErrors(err, nil) {
		return false
	}
	if _, bad := v.Errors["cursor"]; bad {
		delete(v.Errors, "cursor")
		v.Alert = v.T("customers.cursor_invalid")
	}
	return true
}
