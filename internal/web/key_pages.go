package web

import (
	"context"
	"net/http"

	"pulse/internal/apps"
	"pulse/internal/model"
	"pulse/internal/page"
)

// keysPage is the data of an app's keys page.
type keysPage struct {
	Keys []model.APIKey
	// New is the key just created, whose secret this response shows for
	// the only time.
	New *newKey
}

// revokePage is the data of the page that confirms revoking a key.
type revokePage struct {
	Key model.APIKey
	// Last is set when no other active key would remain, so nothing could
	// send data afterwards.
	Last bool
}

func (h *Web) keyList(w http.ResponseWriter, r *http.Request, v *view) error {
	if r.URL.Query().Get("done") == "key_revoked" {
		v.Notice = v.T("apps.key_revoked_notice")
	}
	return h.showKeys(w, r, http.StatusOK, v, nil)
}

// keyCreate makes a key and shows its secret in this very response: it is
// never stored, so a redirect could not show it, and it must not travel in
// a URL.
func (h *Web) keyCreate(w http.ResponseWriter, r *http.Request, v *view) error {
	var in apps.KeyInput
	if name := v.Value("name"); name != "" {
		in.Name = &name
	}
	if v.Form.Has("scope") {
		scope := v.Value("scope")
		in.Scope = &scope
	}
	k, secret, err := h.apps.CreateKey(r.Context(), v.Account.ID, v.App.ID, in)
	if v.fieldErrors(err, nil) {
		v.Alert = v.T("apps.form_invalid")
		return h.showKeys(w, r, http.StatusUnprocessableEntity, v, nil)
	}
	if err != nil {
		return err
	}
	v.Form = nil
	return h.showKeys(w, r, http.StatusOK, v, &newKey{Key: k, Secret: secret})
}

func (h *Web) showKeys(w http.ResponseWriter, r *http.Request, status int, v *view, k *newKey) error {
	keys, err := h.appKeys(r.Context(), v)
	if err != nil {
		return err
	}
	v.Nav = "keys"
	v.Data = keysPage{Keys: keys, New: k}
	h.render(w, status, "keys", v)
	return nil
}

func (h *Web) keyRevokeConfirm(w http.ResponseWriter, r *http.Request, v *view) error {
	k, keys, err := h.activeKey(r, v)
	if err != nil {
		return err
	}
	last := true
	for _, o := range keys {
		if o.ID != k.ID && o.RevokedAt == nil {
			last = false
			break
		}
	}
	v.Nav = "keys"
	v.Data = revokePage{Key: k, Last: last}
	h.render(w, http.StatusOK, "key_revoke", v)
	return nil
}

func (h *Web) keyRevoke(w http.ResponseWriter, r *http.Request, v *view) error {
	k, _, err := h.activeKey(r, v)
	if err != nil {
		return err
	}
	if err := h.apps.RevokeKey(r.Context(), v.Account.ID, v.App.ID, k.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/apps/"+v.App.ID+"/keys?done=key_revoked", http.StatusSeeOther)
	return nil
}

// activeKey finds the key named by {key_id} among the app's keys, which it
// returns too. A revoked key is not found: there is nothing left to revoke,
// and a second revocation should not pass for a first.
func (h *Web) activeKey(r *http.Request, v *view) (model.APIKey, []model.APIKey, error) {
	keys, err := h.appKeys(r.Context(), v)
	if err != nil {
		return model.APIKey{}, nil, err
	}
	id := r.PathValue("key_id")
	for _, k := range keys {
		if k.ID == id && k.RevokedAt == nil {
			return k, keys, nil
		}
	}
	return model.APIKey{}, nil, errNotFound
}

// appKeys returns every key of the app in view, oldest first, revoked ones
// included.
func (h *Web) appKeys(ctx context.Context, v *view) ([]model.APIKey, error) {
	var all []model.APIKey
	p := page.Params{Limit: page.MaxLimit}
	for {
		pg, err := h.apps.ListKeys(ctx, v.Account.ID, v.App.ID, p)
		if err != nil {
			return nil, err
		}
		all = append(all, pg.Data...)
		if pg.NextCursor == nil {
			return all, nil
		}
		if p, err = page.Parse("", *pg.NextCursor, ""); err != nil {
			return nil, err
		}
		p.Limit = page.MaxLimit
	}
}
