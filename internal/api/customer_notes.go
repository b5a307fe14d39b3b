package api

import (
	"net/http"
	"time"

	"pulse/internal/crm"
	"pulse/internal/httpx"
	"pulse/internal/model"
	"pulse/internal/page"
)

type noteJSON struct {
	ID         string    `json:"id"`
	CustomerID string    `json:"customer_id"`
	Kind       string    `json:"kind"`
	Text       string    `json:"text"`
	Author     string    `json:"author"`
	CreatedAt  time.Time `json:"created_at"`
}

func toNote(n model.Note) noteJSON {
	return noteJSON{ID: n.ID, CustomerID: n.CustomerID, Kind: string(n.Kind), Text: n.Text, Author: n.Author,
		CreatedAt: n.CreatedAt}
}

type noteRequest struct {
	Kind *string `json:"kind"`
	Text *string `json:"text"`
}

// addNote is POST /api/v1/customers/{id}/notes.
func (a *API) addNote(w http.ResponseWriter, r *http.Request) error {
	var req noteRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	k := keyFrom(r.Context())
	n, err := a.crm.AddNote(r.Context(), k.App.ID, r.PathValue("id"), "key:"+k.Key.ID,
		crm.NoteInput{Kind: req.Kind, Text: req.Text})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toNote(n))
	return nil
}

// listNotes is GET /api/v1/customers/{id}/notes.
func (a *API) listNotes(w http.ResponseWriter, r *http.Request) error {
	k := keyFrom(r.Context())
	pg, err := a.crm.Notes(r.Context(), k.App.ID, r.PathValue("id"), pageQuery(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, page.Map(pg, toNote))
	return nil
}
