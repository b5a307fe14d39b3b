package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"pulse/internal/crm"
	"pulse/internal/model"
)

// customerPath is the page of an app's customer.
func customerPath(appID, id string) string {
	return "/apps/" + url.PathEscape(appID) + "/customers/" + url.PathEscape(id)
}

// noteAdd records a note written by the logged-in account. A note the
// service refuses shows the customer's page again with the message next
// to the field.
func (h *Web) noteAdd(w http.ResponseWriter, r *http.Request, v *view) error {
	var in crm.NoteInput
	if v.Form.Has("kind") {
		kind := v.Value("kind")
		in.Kind = &kind
	}
	if v.Form.Has("text") {
		text := v.Value("text")
		in.Text = &text
	}
	id := r.PathValue("id")
	_, err := h.crm.AddNote(r.Context(), v.App.ID, id, v.Account.ID, in)
	if crmErrors(v, err) {
		return h.showCustomer(w, r, v, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, customerPath(v.App.ID, id)+"?done=note_added#timeline", http.StatusSeeOther)
	return nil
}

// tagsSet replaces the customer's tags with the comma-separated list of
// the form; an empty list removes them all.
func (h *Web) tagsSet(w http.ResponseWriter, r *http.Request, v *view) error {
	tags := splitTags(v.Value("tags"))
	id := r.PathValue("id")
	_, err := h.crm.SetTags(r.Context(), v.App.ID, id, tags)
	var verr *model.ValidationError
	if errors.As(err, &verr) {
		v.Errors = map[string]string{"tags": tagErrors(v, verr, tags)}
		return h.showCustomer(w, r, v, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, customerPath(v.App.ID, id)+"?done=tags_saved", http.StatusSeeOther)
	return nil
}

// splitTags reads the tags field: tags separated by commas. Empty pieces,
// such as after a trailing comma, are no tags.
func splitTags(s string) []string {
	tags := []string{}
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// tagErrors is one message for the tags field: the service names a bad
// tag by its index, which the user knows by its text.
func tagErrors(v *view, verr *model.ValidationError, tags []string) string {
	msgs := make([]string, 0, len(verr.Errors))
	for _, fe := range verr.Errors {
		msg := v.domainMessage(fe.Message)
		if i, ok := tagIndex(fe.Field); ok && i < len(tags) {
			msg = v.T("customers.tag_error", tags[i], msg)
		}
		msgs = append(msgs, msg)
	}
	return strings.Join(msgs, "; ")
}

// tagIndex reads i from a field named "tags[i]".
func tagIndex(field string) (int, bool) {
	s, ok := strings.CutPrefix(field, "tags[")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, "]")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	return i, err == nil
}

// eraseConfirm says what erasing the customer removes and what stays,
// and asks to confirm.
func (h *Web) eraseConfirm(w http.ResponseWriter, r *http.Request, v *view) error {
	c, err := h.crm.Customer(r.Context(), v.App.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Nav = "customers"
	v.Data = c
	h.render(w, http.StatusOK, "customer_erase", v)
	return nil
}

// erase forgets the customer's personal data and returns to the list: the
// customer's page no longer exists.
func (h *Web) erase(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := h.crm.Erase(r.Context(), v.App.ID, r.PathValue("id")); err != nil {
		return err
	}
	h.insights.Forget(v.App.ID)
	http.Redirect(w, r, "/apps/"+url.PathEscape(v.App.ID)+"/customers?done=erased", http.StatusSeeOther)
	return nil
}
