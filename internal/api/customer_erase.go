package api

import "net/http"

// eraseCustomer is DELETE /api/v1/customers/{id}: the right to be
// forgotten. The customer's purchases stay in every report, anonymised.
func (a *API) eraseCustomer(w http.ResponseWriter, r *http.Request) error {
	appID := keyFrom(r.Context()).App.ID
	if err := a.crm.Erase(r.Context(), appID, r.PathValue("id")); err != nil {
		return err
	}
	a.insights.Forget(appID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
