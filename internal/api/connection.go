package api

import (
	"net/http"
	"time"

	"pulse/internal/httpx"
	"pulse/internal/store"
)

type connectionResponse struct {
	Status string `json:"status"`
	App    struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Currency string `json:"currency"`
		Timezone string `json:"timezone"`
	} `json:"app"`
	Key struct {
		ID     string `json:"id"`
		Prefix string `json:"prefix"`
		Scope  string `json:"scope"`
	} `json:"key"`
	LastEventAt *time.Time `json:"last_event_at"`
	Customers   int64      `json:"customers"`
	Purchases   int64      `json:"purchases"`
}

// connection tells an app that its key works, and what Pulse holds for it.
func (a *API) connection(w http.ResponseWriter, r *http.Request) error {
	k := keyFrom(r.Context())
	st, err := a.db.AppStats(r.Context(), k.App.ID)
	if err != nil {
		return err
	}
	var out connectionResponse
	out.Status = "connected"
	out.App.ID, out.App.Name, out.App.Currency, out.App.Timezone = k.App.ID, k.App.Name, k.App.Currency, k.App.Timezone
	out.Key.ID, out.Key.Prefix, out.Key.Scope = k.Key.ID, k.Key.Prefix, string(k.Key.Scope)
	out.LastEventAt, out.Customers, out.Purchases = st.LastEventAt, st.Customers, st.Purchases
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

type recentEventJSON struct {
	Kind       string    `json:"kind"`
	ID         *string   `json:"id"`
	Status     int       `json:"status"`
	Detail     string    `json:"detail"`
	ReceivedAt time.Time `json:"received_at"`
}

type recentEventsResponse struct {
	Accepted []recentEventJSON `json:"accepted"`
	Rejected []recentEventJSON `json:"rejected"`
}

// connectionEvents shows the last events the app sent, accepted and
// rejected with the reason, newest first: what a developer wiring an app
// needs to see.
func (a *API) connectionEvents(w http.ResponseWriter, r *http.Request) error {
	k := keyFrom(r.Context())
	var out recentEventsResponse
	for _, accepted := range []bool{true, false} {
		evs, err := a.db.RecentEvents(r.Context(), k.App.ID, accepted, store.RecentKept)
		if err != nil {
			return err
		}
		list := make([]recentEventJSON, len(evs))
		for i, e := range evs {
			list[i] = recentEventJSON{Kind: e.Kind, ID: optString(e.Ref), Status: e.Status, Detail: e.Detail, ReceivedAt: e.ReceivedAt}
		}
		if accepted {
			out.Accepted = list
		} else {
			out.Rejected = list
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
