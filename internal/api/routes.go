package api

import (
	"fmt"
	"net/http"
	"strings"

	"pulse/internal/httpx"

	"pulse/internal/model"
)

// Route is one row of the route table.
type Route struct {
	Method, Path string
	handler      http.Handler
}

// Routes is the whole API, top to bottom. Access is set per row: public,
// session (a logged-in CRM user) or key (an app's API key, with the scope it
// needs).
func (a *API) Routes() []Route {
	return []Route{
		{"POST", "/api/v1/auth/register", a.public(a.register)},
		{"POST", "/api/v1/auth/login", a.public(a.login)},
		{"POST", "/api/v1/auth/logout", a.public(a.logout)},
		{"GET", "/api/v1/me", a.session(a.me)},

		{"GET", "/api/v1/apps", a.session(a.listApps)},
		{"POST", "/api/v1/apps", a.session(a.createApp)},
		{"GET", "/api/v1/apps/{app_id}", a.session(a.getApp)},
		{"PATCH", "/api/v1/apps/{app_id}", a.session(a.updateApp)},
		{"DELETE", "/api/v1/apps/{app_id}", a.session(a.deleteApp)},
		{"GET", "/api/v1/apps/{app_id}/keys", a.session(a.listKeys)},
		{"POST", "/api/v1/apps/{app_id}/keys", a.session(a.createKey)},
		{"DELETE", "/api/v1/apps/{app_id}/keys/{key_id}", a.session(a.revokeKey)},

		// Ingest keys may check their connection: it is how an app tells
		// that its key works, and it shows counts, not customer data.
		{"GET", "/api/v1/connection", a.key(model.ScopeIngest, a.connection)},
		{"GET", "/api/v1/connection/events", a.key(model.ScopeFull, a.connectionEvents)},
		{"POST", "/api/v1/customers", a.key(model.ScopeIngest, a.ingestCustomer)},
		{"POST", "/api/v1/purchases", a.key(model.ScopeIngest, a.ingestPurchase)},
		{"POST", "/api/v1/batch", a.key(model.ScopeIngest, a.ingestBatch)},

		// Reading and editing the customer base needs a full key. {id} is
		// the app's own customer id; a slash in it is sent as %2F.
		{"GET", "/api/v1/customers", a.key(model.ScopeFull, a.listCustomers)},
		{"GET", "/api/v1/customers/{id}", a.key(model.ScopeFull, a.getCustomer)},
		{"DELETE", "/api/v1/customers/{id}", a.key(model.ScopeFull, a.eraseCustomer)},
		{"GET", "/api/v1/customers/{id}/purchases", a.key(model.ScopeFull, a.customerPurchases)},
		{"GET", "/api/v1/customers/{id}/timeline", a.key(model.ScopeFull, a.customerTimeline)},
		{"GET", "/api/v1/customers/{id}/notes", a.key(model.ScopeFull, a.listNotes)},
		{"POST", "/api/v1/customers/{id}/notes", a.key(model.ScopeFull, a.addNote)},
		{"PUT", "/api/v1/customers/{id}/tags", a.key(model.ScopeFull, a.setTags)},
		{"GET", "/api/v1/purchases", a.key(model.ScopeFull, a.listPurchases)},

		{"GET", "/api/v1/reports/sales", a.key(model.ScopeFull, a.reportSales)},
		{"GET", "/api/v1/reports/products", a.key(model.ScopeFull, a.reportProducts)},
		{"GET", "/api/v1/reports/customers", a.key(model.ScopeFull, a.reportCustomers)},
		{"GET", "/api/v1/reports/cohorts", a.key(model.ScopeFull, a.reportCohorts)},
		{"GET", "/api/v1/reports/segments", a.key(model.ScopeFull, a.reportSegments)},
		{"GET", "/api/v1/insights/trends", a.key(model.ScopeFull, a.insightTrends)},
		{"GET", "/api/v1/insights/forecast", a.key(model.ScopeFull, a.insightForecast)},
		{"GET", "/api/v1/insights/customers", a.key(model.ScopeFull, a.insightCustomers)},
		{"POST", "/api/v1/insights/refresh", a.key(model.ScopeFull, a.insightRefresh)},
		{"GET", "/api/v1/insights/recommendations", a.key(model.ScopeFull, a.insightRecommendations)},
		{"POST", "/api/v1/insights/recommendations/{id}/status", a.key(model.ScopeFull, a.setRecommendationStatus)},
		{"GET", "/api/v1/insights/recommendations/{id}/audience", a.key(model.ScopeFull, a.recommendationAudience)},
		{"GET", "/api/v1/insights/summary", a.key(model.ScopeFull, a.insightSummary)},
		{"POST", "/api/v1/assistant/ask", a.key(model.ScopeFull, a.assistantAsk)},

		{"GET", "/api/v1/openapi.json", a.public(a.openAPI)},
	}
}

// Register adds every route to mux. Unknown /api/ paths answer 404 and
// known paths with a wrong method 405 with an Allow header, both as
// problems rather than the mux's plain text.
func (a *API) Register(mux *http.ServeMux) {
	known := http.NewServeMux()
	for _, r := range a.Routes() {
		mux.Handle(r.Method+" "+r.Path, r.handler)
		known.Handle(r.Method+" "+r.Path, http.NotFoundHandler())
	}
	mux.Handle("/api/", a.public(func(w http.ResponseWriter, r *http.Request) error {
		var allowed []string
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := known.Handler(probe); pattern != "" {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) == 0 {
			return notFoundPath(r)
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		return httpx.NewProblem(http.StatusMethodNotAllowed, "method-not-allowed",
			fmt.Sprintf("%s does not accept %s; it accepts %s", r.URL.Path, r.Method, strings.Join(allowed, ", ")))
	}))
}
