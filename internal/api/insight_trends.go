package api

import (
	"net/http"
	"strconv"
	"strings"

	"pulse/internal/day"
	"pulse/internal/httpx"
	"pulse/internal/i18n"
	"pulse/internal/insight"
	"pulse/internal/model"
	"pulse/internal/trend"
)

// insightTrends lists the significant trends, anomalies and weekly patterns
// in the key's app as of a date (?as_of=YYYY-MM-DD, default today in the
// app's time zone), with summaries in ?lang= or the Accept-Language
// language.
func (a *API) insightTrends(w http.ResponseWriter, r *http.Request) error {
	app := keyFrom(r.Context()).App
	today := day.Of(a.now(), insight.Location(app))
	verr := &model.ValidationError{}
	asOf := today
	if s := r.URL.Query().Get("as_of"); s != "" {
		asOf = insight.ParseAsOf(verr, s, today)
	}
	lang := requestLang(r, verr)
	if err := verr.Err(); err != nil {
		return err
	}
	res, err := trend.New(a.db).Find(r.Context(), trend.Request{App: app, AsOf: asOf, Today: today, Lang: lang})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}

// requestLang is ?lang= when given (it must be supported), else the
// supported language the Accept-Language header prefers most, else the
// default.
func requestLang(r *http.Request, verr *model.ValidationError) string {
	if v, ok := r.URL.Query()["lang"]; ok {
		if len(v) > 0 && i18n.Supported(v[0]) {
			return v[0]
		}
		verr.Add("lang", "must be one of %s", strings.Join(i18n.Langs, ", "))
		return i18n.Langs[0]
	}
	best, bestQ := i18n.Langs[0], 0.0
	for part := range strings.SplitSeq(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if i18n.Supported(base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}
