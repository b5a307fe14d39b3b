package web

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"pulse/internal/apps"
	"pulse/internal/day"
	"pulse/internal/i18n"
	"pulse/internal/insight"
	"pulse/internal/model"
	"pulse/internal/narrative"
)

// assistantData is the assistant page: the summary of a period, the
// recommendations of one status, the kinds without any, and the chat box.
type assistantData struct {
	// Empty is set while the app has received nothing.
	Empty      bool
	ConnectURL string
	Picker     reportPicker
	Summary    summaryView
	Tabs       []recTab
	Status     string
	Cards      []recCard
	// AsOf says what day the recommendations are computed for, when, and
	// the response rate their impacts assume.
	AsOf    string
	Skipped []recSkip
	// Back is the page as it is, where a mark returns to; RateAction
	// saves the response rate.
	Back, RateAction string
	Chat             chatView
}

// summaryView is the summary of a period, in words.
type summaryView struct {
	Range, PrevRange string
	Headline         string
	Sections         []summarySection
}

type summarySection struct {
	Topic, Text string
}

// recTab is a link to the recommendations of one status.
type recTab struct {
	Status, Label, URL string
	Current            bool
}

// assistantPath is the assistant page of the app in view.
func assistantPath(v *view) string { return appPath(v, "/assistant") }

func (h *Web) assistantPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return h.showAssistant(w, r, v, chatView{}, http.StatusOK)
}

// showAssistant renders the page with chat, the box's question and
// answer when one was asked; status is the chat's, raised to 422 when a
// field of the period was invalid.
func (h *Web) showAssistant(w http.ResponseWriter, r *http.Request, v *view, chat chatView, status int) error {
	v.Nav = "assistant"
	q := r.URL.Query()
	d := &assistantData{ConnectURL: appPath(v, "/connect"), Chat: chat}
	d.Chat.Enabled = h.cfg.Ask != nil
	v.Data = d
	stats, err := h.db.AppStats(r.Context(), v.App.ID)
	if err != nil {
		return err
	}
	if stats.Customers == 0 && stats.Purchases == 0 {
		d.Empty = true
		h.render(w, status, "assistant", v)
		return nil
	}
	today := day.Of(h.now(), v.location())
	keep, err := h.fillSummary(r, v, d, q, today)
	if err != nil {
		return err
	}
	d.Status = q.Get("status")
	if !slices.Contains(recStatuses, d.Status) {
		d.Status = insight.StatusNew
	}
	if d.Status != insight.StatusNew {
		keep.Set("status", d.Status)
	}
	d.Back = assistantPath(v) + query(keep)
	d.RateAction = appPath(v, "/assistant/response-rate")
	if v.Form == nil {
		v.Form = url.Values{}
	}
	if !v.Form.Has("response_rate") {
		v.Form.Set("response_rate", i18n.Float(v.Lang, 100*insight.ResponseRate(*v.App), 1))
	}
	d.Chat.Action = appPath(v, "/assistant/ask") + query(keep) + "#chat"
	if err := h.fillRecommendations(r, v, d, q.Get("marked"), keep, today); err != nil {
		return err
	}
	if status == http.StatusOK {
		status = insightsStatus(v)
	}
	h.render(w, status, "assistant", v)
	return nil
}

// query is "?" and q encoded, or "" for no values.
func query(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// summaryQuery is the period the summary was asked for.
type summaryQuery struct {
	From, To string
	// Preset is the days of a preset period, 0 for dates typed.
	Preset int64
}

// readSummaryQuery reads the picker: dates as typed, else a preset
// period, else the narrative's default, the 30 days to yesterday. Presets
// end yesterday too: a summary speaks of whole days.
func readSummaryQuery(q url.Values, yesterday int64) summaryQuery {
	sq := summaryQuery{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	if sq.From == "" && sq.To == "" {
		sq = defaultSummary(yesterday)
		if n, err := strconv.ParseInt(q.Get("period"), 10, 64); err == nil && slices.Contains(presetDays, n) {
			sq = summaryQuery{From: day.String(yesterday - n + 1), To: day.String(yesterday), Preset: n}
		}
	}
	return sq
}

func defaultSummary(yesterday int64) summaryQuery {
	return summaryQuery{From: day.String(yesterday - defaultDays + 1), To: day.String(yesterday), Preset: defaultDays}
}

// values is the query that asks for sq again.
func (sq summaryQuery) values() url.Values {
	if sq.Preset != 0 {
		return url.Values{"period": {strconv.FormatInt(sq.Preset, 10)}}
	}
	return url.Values{"from": {sq.From}, "to": {sq.To}}
}

// fillSummary writes the summary of the period asked for, or of the
// default period with the errors next to the fields; keep is the query
// that shows the same period again.
func (h *Web) fillSummary(r *http.Request, v *view, d *assistantData, q url.Values, today int64) (url.Values, error) {
	sq := readSummaryQuery(q, today-1)
	s, err := h.summary.Summary(r.Context(), *v.App, narrative.Query{From: sq.From, To: sq.To, Lang: v.Lang})
	shown := sq
	if reportErrors(v, err) {
		shown = defaultSummary(today - 1)
		v.Alert = v.N("reports.shown_default", defaultDays)
		s, err = h.summary.Summary(r.Context(), *v.App, narrative.Query{From: shown.From, To: shown.To, Lang: v.Lang})
	}
	if err != nil {
		return nil, err
	}
	if v.Form == nil {
		v.Form = url.Values{}
	}
	if len(v.Errors) > 0 {
		v.Form.Set("from", sq.From)
		v.Form.Set("to", sq.To)
	} else {
		v.Form.Set("from", day.String(s.Period.From))
		v.Form.Set("to", day.String(s.Period.To))
	}
	p := reportPicker{Action: assistantPath(v), Custom: shown.Preset == 0}
	for _, n := range presetDays {
		p.Presets = append(p.Presets, periodLink{Label: v.N("assistant.summary.days", n),
			URL: assistantPath(v) + "?period=" + strconv.FormatInt(n, 10), Current: n == shown.Preset})
	}
	d.Picker = p
	d.Summary = summaryView{Range: periodName(v, s.Period), PrevRange: periodName(v, s.Previous), Headline: s.Headline}
	for _, sec := range s.Sections {
		d.Summary.Sections = append(d.Summary.Sections, summarySection{Topic: sec.Topic, Text: sec.Text})
	}
	return shown.values(), nil
}

// fillRecommendations lists today's recommendations of the tab asked for.
// marked is the recommendation just marked, which the notice names.
func (h *Web) fillRecommendations(r *http.Request, v *view, d *assistantData, marked string, keep url.Values, today int64) error {
	list, err := h.insights.ListRecommendations(r.Context(), *v.App, today)
	if err != nil {
		return err
	}
	counts := map[string]int64{}
	for i := range list.Items {
		l := &list.Items[i]
		counts[l.Status]++
		if l.Status == d.Status {
			d.Cards = append(d.Cards, newRecCard(v, l))
		}
		if l.ID == marked {
			v.Notice = v.T("assistant.notice."+l.Status, l.Text(v.Lang, v.App.Currency, l.Impact).Title)
		}
	}
	for _, st := range recStatuses {
		tq := url.Values{}
		for k, vs := range keep {
			tq[k] = vs
		}
		tq.Del("status")
		if st != insight.StatusNew {
			tq.Set("status", st)
		}
		d.Tabs = append(d.Tabs, recTab{Status: st, Label: v.T("assistant.tab."+st, v.Int(counts[st])),
			URL: assistantPath(v) + query(tq) + "#recommendations", Current: st == d.Status})
	}
	d.AsOf = v.T("assistant.recs.as_of", i18n.Date(v.Lang, day.Time(list.AsOf)), v.DateTime(list.ComputedAt), v.Pct(list.Rate))
	d.Skipped = skippedKinds(v, list.Skipped)
	return nil
}

// recommendationMark sets a recommendation's status from its card's
// buttons, and returns to the page the card was on.
func (h *Web) recommendationMark(w http.ResponseWriter, r *http.Request, v *view) error {
	status, err := insight.ParseStatus(v.Value("status"))
	if err != nil {
		return errBadForm
	}
	id := r.PathValue("id")
	if _, err := h.insights.MarkRecommendation(r.Context(), *v.App, id, status); err != nil {
		return err
	}
	http.Redirect(w, r, assistantBack(v, v.Value("back"), id), http.StatusSeeOther)
	return nil
}

// assistantBack is the assistant page a form came from, told which
// recommendation was marked; anything but that page is replaced by it.
func assistantBack(v *view, back, marked string) string {
	u, err := url.Parse(back)
	if err != nil || u.EscapedPath() != assistantPath(v) || u.Host != "" || u.Scheme != "" {
		u = &url.URL{}
	}
	q := u.Query()
	q.Del("marked")
	if marked != "" {
		q.Set("marked", marked)
	}
	return assistantPath(v) + query(q) + "#recommendations"
}

// responseRateSave sets the app's response rate from the assistant page's
// form, a percentage, and shows the page again with the impacts it gives.
func (h *Web) responseRateSave(w http.ResponseWriter, r *http.Request, v *view) error {
	raw := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v.Value("response_rate")), "%"))
	pct, err := strconv.ParseFloat(strings.Replace(raw, ",", ".", 1), 64)
	rate := pct / 100
	if err == nil && !math.IsNaN(rate) {
		var app model.App
		app, err = h.apps.Update(r.Context(), v.Account.ID, v.App.ID, apps.Input{ResponseRate: &rate})
		if err == nil {
			v.App = &app
			http.Redirect(w, r, assistantBack(v, v.Value("back"), ""), http.StatusSeeOther)
			return nil
		}
		var verr *model.ValidationError
		if !errors.As(err, &verr) {
			return err
		}
	}
	v.Errors = map[string]string{"response_rate": v.T("assistant.rate.invalid")}
	return h.showAssistant(w, r, v, chatView{}, http.StatusUnprocessableEntity)
}
