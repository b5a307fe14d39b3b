package web

import (
	"net/http"

	"pulse/internal/httpx"
	"pulse/internal/model"
	"pulse/internal/money"
	"pulse/internal/store"
)

// newKey is a key just created, with its secret shown this once.
type newKey struct {
	Key    model.APIKey
	Secret string
}

// shownEvents is how many accepted and rejected events the page lists.
const shownEvents = 10

type connectData struct {
	NewKey   *newKey
	BaseURL  string
	Stats    store.AppStats
	Accepted []model.RecentEvent
	Rejected []model.RecentEvent
	Snippets []snippet
}

// connect shows how to send data with a key, and whether any has arrived.
// The page polls itself, so the status turns to connected as soon as the
// first event is stored.
func (h *Web) connect(w http.ResponseWriter, r *http.Request, v *view) error {
	return h.showConnect(w, r, v, nil)
}

// showConnect renders the connection page, with a key's secret when it was
// just created.
func (h *Web) showConnect(w http.ResponseWriter, r *http.Request, v *view, k *newKey) error {
	ctx := r.Context()
	d := connectData{NewKey: k, BaseURL: baseURL(r, h.cfg.TrustProxy)}
	var err error
	if d.Stats, err = h.db.AppStats(ctx, v.App.ID); err != nil {
		return err
	}
	if d.Accepted, err = h.db.RecentEvents(ctx, v.App.ID, true, shownEvents); err != nil {
		return err
	}
	if d.Rejected, err = h.db.RecentEvents(ctx, v.App.ID, false, shownEvents); err != nil {
		return err
	}
	secret := ""
	if k != nil {
		secret = k.Secret
	}
	exp, _ := money.Exponent(v.App.Currency)
	d.Snippets = snippets(d.BaseURL, secret, money.Format(4990*pow10(exp)/100, exp))
	v.Nav, v.Data = "connect", d
	h.render(w, http.StatusOK, "connect", v)
	return nil
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// baseURL is the address the browser reached Pulse at, which is what the
// app will reach it at too in most set-ups.
func baseURL(r *http.Request, trustProxy bool) string {
	scheme := "http"
	if httpx.IsTLS(r, trustProxy) {
		scheme = "https"
	}
	host := r.Host
	if trustProxy {
		if fh := r.Header.Get("X-Forwarded-Host"); fh != "" {
			host = fh
		}
	}
	return scheme + "://" + host
}
