package web

import "net/http"

// route is one row of the page table.
type route struct {
	pattern string
	handler http.Handler
}

// routes is every page, top to bottom. Pages about an app live under
// /apps/{app_id}/ and belong to the logged-in account.
func (h *Web) routes() []route {
	return []route{
		{"GET /{$}", h.session(h.home)},
		{"GET /register", h.public(h.registerForm)},
		{"POST /register", h.public(h.register)},
		{"GET /login", h.public(h.loginForm)},
		{"POST /login", h.public(h.login)},
		{"POST /logout", h.session(h.logout)},
		{"POST /lang", h.public(h.switchLang)},

		{"GET /apps", h.session(h.appList)},
		{"POST /apps", h.session(h.appCreate)},
		{"GET /apps/{app_id}", h.inApp(h.dashboard)},
		{"GET /apps/{app_id}/connect", h.inApp(h.connect)},
		{"GET /apps/{app_id}/keys", h.inApp(h.keyList)},
		{"POST /apps/{app_id}/keys", h.inApp(h.keyCreate)},
		{"GET /apps/{app_id}/keys/{key_id}/revoke", h.inApp(h.keyRevokeConfirm)},
		{"POST /apps/{app_id}/keys/{key_id}/revoke", h.inApp(h.keyRevoke)},

		{"GET /apps/{app_id}/customers", h.inApp(h.customerList)},
		{"GET /apps/{app_id}/customers/{id}", h.inApp(h.customerPage)},
		{"POST /apps/{app_id}/customers/{id}/notes", h.inApp(h.noteAdd)},
		{"POST /apps/{app_id}/customers/{id}/tags", h.inApp(h.tagsSet)},
		{"GET /apps/{app_id}/customers/{id}/erase", h.inApp(h.eraseConfirm)},
		{"POST /apps/{app_id}/customers/{id}/erase", h.inApp(h.erase)},
		{"GET /apps/{app_id}/purchases", h.inApp(h.purchaseList)},

		{"GET /apps/{app_id}/reports", h.inApp(h.salesReport)},
		{"GET /apps/{app_id}/reports/sales.csv", h.inApp(h.salesCSV)},
		{"GET /apps/{app_id}/reports/products", h.inApp(h.productsReport)},
		{"GET /apps/{app_id}/reports/products.csv", h.inApp(h.productsCSV)},
		{"GET /apps/{app_id}/reports/customers", h.inApp(h.customersReport)},
		{"GET /apps/{app_id}/reports/customers.csv", h.inApp(h.topCustomersCSV)},
		{"GET /apps/{app_id}/reports/cohorts", h.inApp(h.cohortsReport)},
		{"GET /apps/{app_id}/reports/cohorts.csv", h.inApp(h.cohortsCSV)},
		{"GET /apps/{app_id}/reports/segments", h.inApp(h.segmentsReport)},
		{"GET /apps/{app_id}/reports/segments.csv", h.inApp(h.segmentsCSV)},
		{"GET /apps/{app_id}/trends", h.inApp(h.trendsPage)},
		{"GET /apps/{app_id}/forecast", h.inApp(h.forecastPage)},
		{"GET /apps/{app_id}/forecast/at-risk", h.inApp(h.atRiskPage)},
		{"GET /apps/{app_id}/assistant", h.inApp(h.assistantPage)},
		{"POST /apps/{app_id}/assistant/ask", h.inApp(h.assistantAsk)},
		{"POST /apps/{app_id}/assistant/response-rate", h.inApp(h.responseRateSave)},
		{"POST /apps/{app_id}/assistant/recommendations/{id}/status", h.inApp(h.recommendationMark)},
		{"GET /apps/{app_id}/assistant/recommendations/{id}/audience", h.inApp(h.audiencePage)},
	}
}

// Register adds every page and the static files to mux.
func (h *Web) Register(mux *http.ServeMux) {
	for _, r := range h.routes() {
		mux.Handle(r.pattern, r.handler)
	}
	mux.Handle("GET /static/", h.staticFiles())
}

// staticFiles serves the embedded script and styles. They change only with
// the binary, so browsers may keep them for an hour.
func (h *Web) staticFiles() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.static.ServeHTTP(w, r)
	})
}
