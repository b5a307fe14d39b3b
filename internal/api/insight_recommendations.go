package api

import (
	"math"
	"net/http"
	"net/url"
	"time"

	"pulse/internal/day"
	"pulse/internal/httpx"
	"pulse/internal/insight"
	"pulse/internal/model"
	"pulse/internal/money"
)

// impactJSON is a recommendation's money impact over horizon_days, with
// its 80 % range and the assumption it rests on, in the app's currency.
type impactJSON struct {
	Amount       string   `json:"amount"`
	Currency     string   `json:"currency"`
	Low          string   `json:"low"`
	High         string   `json:"high"`
	HorizonDays  int      `json:"horizon_days"`
	ResponseRate *float64 `json:"response_rate"`
	Assumption   string   `json:"assumption"`
}

type audienceJSON struct {
	Type  string `json:"type"`
	Count int    `json:"count"`
	Href  string `json:"href"`
}

// outcomeJSON is what a done recommendation's audience did since.
type outcomeJSON struct {
	Since          time.Time `json:"since"`
	Days           int64     `json:"days"`
	Customers      *int64    `json:"customers,omitempty"`
	Buyers         *int64    `json:"buyers,omitempty"`
	ExpectedBuyers *float64  `json:"expected_buyers,omitempty"`
	Product        *string   `json:"product,omitempty"`
	Orders         int64     `json:"orders"`
	Revenue        string    `json:"revenue"`
	// For products: the same number of days before the mark.
	PreviousOrders  *int64  `json:"previous_orders,omitempty"`
	PreviousRevenue *string `json:"previous_revenue,omitempty"`
}

type markJSON struct {
	Status  string       `json:"status"`
	At      time.Time    `json:"at"`
	Outcome *outcomeJSON `json:"outcome"`
}

type recommendationJSON struct {
	ID              string         `json:"id"`
	Kind            string         `json:"kind"`
	Title           string         `json:"title"`
	Rationale       string         `json:"rationale"`
	Evidence        map[string]any `json:"evidence"`
	Audience        audienceJSON   `json:"audience"`
	ExpectedImpact  impactJSON     `json:"expected_impact"`
	Confidence      float64        `json:"confidence"`
	Status          string         `json:"status"`
	StatusChangedAt *time.Time     `json:"status_changed_at"`
	Outcome         *outcomeJSON   `json:"outcome"`
	Previous        *markJSON      `json:"previous"`
	AsOf            string         `json:"as_of"`
}

type recommendationsJSON struct {
	AsOf            string               `json:"as_of"`
	ComputedAt      time.Time            `json:"computed_at"`
	Currency        string               `json:"currency"`
	Lang            string               `json:"lang"`
	ResponseRate    float64              `json:"response_rate"`
	Recommendations []recommendationJSON `json:"recommendations"`
	Skipped         []skippedKindJSON    `json:"skipped"`
}

type skippedKindJSON struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

// insightRecommendations is GET /api/v1/insights/recommendations: the
// app's recommendations as of ?as_of= (default today), texts in ?lang= or
// the Accept-Language language, optionally only those of ?status=.
func (a *API) insightRecommendations(w http.ResponseWriter, r *http.Request) error {
	app := keyFrom(r.Context()).App
	today := day.Of(a.now(), insight.Location(app))
	verr := &model.ValidationError{}
	asOf := today
	if v := r.URL.Query().Get("as_of"); v != "" {
		asOf = insight.ParseAsOf(verr, v, today)
	}
	lang := requestLang(r, verr)
	status := r.URL.Query().Get("status")
	if status != "" {
		if _, err := insight.ParseStatus(status); err != nil {
			verr.Add("status", "must be one of new, done, dismissed")
		}
	}
	if err := verr.Err(); err != nil {
		return err
	}
	list, err := a.insights.ListRecommendations(r.Context(), app, asOf)
	if err != nil {
		return err
	}
	out := recommendationsJSON{AsOf: day.String(list.AsOf), ComputedAt: list.ComputedAt, Currency: list.Currency,
		Lang: lang, ResponseRate: list.Rate, Recommendations: []recommendationJSON{}, Skipped: []skippedKindJSON{}}
	for i := range list.Items {
		if status == "" || list.Items[i].Status == status {
			out.Recommendations = append(out.Recommendations, toRecommendation(&list.Items[i], list.Currency, lang))
		}
	}
	for _, k := range recommendationKinds {
		if reason, ok := list.Skipped[k]; ok {
			out.Skipped = append(out.Skipped, skippedKindJSON{Kind: k, Reason: reason})
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// recommendationKinds orders the skipped kinds.
var recommendationKinds = []string{insight.KindWinBack, insight.KindSecondPurchase, insight.KindCrossSell,
	insight.KindBundle, insight.KindDecliningProduct, insight.KindRisingProduct, insight.KindReactivateSegment}

type recommendationStatusRequest struct {
	Status *string `json:"status"`
}

// setRecommendationStatus is POST /api/v1/insights/recommendations/{id}/status
// {"status": "done" | "dismissed" | "new"}.
func (a *API) setRecommendationStatus(w http.ResponseWriter, r *http.Request) error {
	app := keyFrom(r.Context()).App
	var req recommendationStatusRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if req.Status == nil {
		return model.Invalid("status", "is required: one of new, done, dismissed")
	}
	verr := &model.ValidationError{}
	lang := requestLang(r, verr)
	if err := verr.Err(); err != nil {
		return err
	}
	l, err := a.insights.MarkRecommendation(r.Context(), app, r.PathValue("id"), *req.Status)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toRecommendation(l, app.Currency, lang))
	return nil
}

func toRecommendation(l *insight.Listed, currency, lang string) recommendationJSON {
	txt := l.Text(lang, currency, l.Impact)
	imp := impactJSON{Amount: minorMoney(l.Impact.Amount, currency), Currency: currency,
		Low: minorMoney(l.Impact.Low, currency), High: minorMoney(l.Impact.High, currency),
		HorizonDays: l.Impact.HorizonDays, Assumption: txt.Assumption}
	if l.Basis.Type == insight.BasisResponse {
		rate := l.Impact.Rate
		imp.ResponseRate = &rate
	}
	out := recommendationJSON{ID: l.ID, Kind: l.Kind, Title: txt.Title, Rationale: txt.Rationale,
		Evidence: evidenceOf(&l.Recommendation, currency),
		Audience: audienceJSON{Type: l.AudienceType, Count: len(l.Audience),
			Href: "/api/v1/insights/recommendations/" + url.PathEscape(l.ID) + "/audience"},
		ExpectedImpact: imp, Confidence: round4(l.Confidence), Status: l.Status, StatusChangedAt: l.StatusAt,
		Outcome: toOutcome(l.Outcome, currency), AsOf: day.String(l.AsOf)}
	if p := l.Previous; p != nil {
		out.Previous = &markJSON{Status: p.Status, At: p.At, Outcome: toOutcome(p.Outcome, currency)}
	}
	return out
}

func toOutcome(o *insight.Outcome, currency string) *outcomeJSON {
	if o == nil {
		return nil
	}
	out := &outcomeJSON{Since: o.Since, Days: o.Days, Orders: o.Orders, Revenue: money.FormatCode(o.Revenue, currency)}
	if o.Product == "" {
		out.Customers, out.Buyers = &o.Customers, &o.Buyers
		e := round4(o.ExpectedBuyers)
		out.ExpectedBuyers = &e
		return out
	}
	prev := money.FormatCode(o.PrevRevenue, currency)
	out.Product, out.PreviousOrders, out.PreviousRevenue = &o.Product, &o.PrevOrders, &prev
	return out
}

// minorMoney formats an amount in minor units, rounded, as a decimal
// string in the currency.
func minorMoney(v float64, cur string) string {
	return money.FormatCode(int64(math.Round(v)), cur)
}

// evidenceOf lists the numbers a recommendation rests on, by kind. Money is
// a decimal string in the app's currency; shares are fractions.
func evidenceOf(r *insight.Recommendation, cur string) map[string]any {
	f := &r.Facts
	m := func(minor int64) string { return money.FormatCode(minor, cur) }
	switch r.Kind {
	case insight.KindWinBack:
		return map[string]any{"customers": f.Customers, "revenue": m(f.Revenue), "clv": majorMoney(f.CLV, cur),
			"clv_horizon_days": insight.DefaultHorizonDays, "p_alive": round4(f.PAlive),
			"p_alive_before": probability(f.PAliveBefore), "window_days": insight.RiskWindow}
	case insight.KindSecondPurchase:
		return map[string]any{"customers": f.Customers, "revenue": m(f.Revenue), "window_days": f.WindowDays,
			"window_quantile": 0.8, "median_gap_days": round4(f.MedianGapDays), "repeat_rate": round4(f.RepeatRate),
			"cohort": f.Cohort}
	case insight.KindCrossSell:
		return map[string]any{"product": f.Product, "product_name": f.ProductName, "because": f.Because,
			"because_name": f.BecauseName, "customers": f.Customers, "customers_with_both": f.Together,
			"support": round4(f.Support), "confidence": round4(f.PairConfidence), "lift": round4(f.Lift),
			"revenue_per_order": minorMoney(r.Basis.Value, cur)}
	case insight.KindBundle:
		return map[string]any{"antecedent": f.Because, "antecedent_name": f.BecauseName, "consequent": f.Product,
			"consequent_name": f.ProductName, "orders_with_both": f.Together, "support": round4(f.Support),
			"confidence": round4(f.PairConfidence), "lift": round4(f.Lift), "p_value": f.PValue,
			"orders_missing_consequent": f.Missing, "missing_window_days": insight.ImpactHorizonDays,
			"revenue_per_order": minorMoney(r.Basis.Value, cur)}
	case insight.KindDecliningProduct, insight.KindRisingProduct:
		return map[string]any{"product": f.Product, "product_name": f.ProductName, "period_days": f.PeriodDays,
			"from": f.From, "to": f.To, "previous_orders": f.PrevOrders, "current_orders": f.CurOrders,
			"previous_revenue": m(f.PrevRevenue), "current_revenue": m(f.CurRevenue), "p_value": f.PValue}
	case insight.KindReactivateSegment:
		return map[string]any{"segment": f.Segment, "customers_before": f.PrevCustomer, "customers": f.Customers,
			"from": f.From, "to": f.To, "p_value": f.PValue, "revenue": m(f.Revenue), "clv": majorMoney(f.CLV, cur),
			"p_alive": round4(f.PAlive)}
	}
	return map[string]any{}
}

// audienceMemberJSON is one customer of an audience, with the scores that
// put them there.
type audienceMemberJSON struct {
	CustomerID     string     `json:"customer_id"`
	Name           *string    `json:"name"`
	Email          *string    `json:"email"`
	Phone          *string    `json:"phone"`
	Segment        *string    `json:"segment"`
	PAlive         *float64   `json:"p_alive"`
	CLV            *string    `json:"clv"`
	Orders         int64      `json:"orders"`
	Revenue        string     `json:"revenue"`
	LastPurchaseAt *time.Time `json:"last_purchase_at"`
}

type audienceProductJSON struct {
	Product string `json:"product"`
	Name    string `json:"name"`
}

type audiencePageJSON struct {
	RecommendationID string  `json:"recommendation_id"`
	Type             string  `json:"type"`
	Count            int     `json:"count"`
	Data             any     `json:"data"`
	NextCursor       *string `json:"next_cursor"`
}

// recommendationAudience is GET /api/v1/insights/recommendations/{id}/audience:
// the customers (best prospects first) or products a recommendation is
// about, a page at a time, or all of them as CSV.
func (a *API) recommendationAudience(w http.ResponseWriter, r *http.Request) error {
	app := keyFrom(r.Context()).App
	id := r.PathValue("id")
	q := r.URL.Query()
	csv := wantsCSV(r)
	from, to, next := 0, 0, (*string)(nil)
	if !csv {
		// The page's parameters are checked before the audience is read:
		// a bad limit is refused even for an unknown id.
		if _, _, _, err := insight.AudienceSlice(nil, id, q.Get("limit"), ""); err != nil {
			return err
		}
	}
	rec, ids, err := a.insights.Audience(r.Context(), app, id)
	if err != nil {
		return err
	}
	if csv {
		header, rows, err := a.insights.AudienceCSV(r.Context(), app, rec, ids)
		if err != nil {
			return err
		}
		return writeCSV(w, "audience-"+id+".csv", header, rows)
	}
	if from, to, next, err = insight.AudienceSlice(ids, id, q.Get("limit"), q.Get("cursor")); err != nil {
		return err
	}
	out := audiencePageJSON{RecommendationID: id, Type: rec.AudienceType, Count: len(ids), NextCursor: next}
	if rec.AudienceType == insight.AudienceProducts {
		names, err := a.db.ProductNames(r.Context(), app.ID)
		if err != nil {
			return err
		}
		rows := make([]audienceProductJSON, 0, to-from)
		for _, pid := range ids[from:to] {
			rows = append(rows, audienceProductJSON{Product: pid, Name: insight.ProductName(names, pid)})
		}
		out.Data = rows
		httpx.WriteJSON(w, http.StatusOK, out)
		return nil
	}
	members, err := a.insights.AudienceMembers(r.Context(), app, ids[from:to])
	if err != nil {
		return err
	}
	rows := make([]audienceMemberJSON, len(members))
	for i, m := range members {
		c := m.Customer
		row := audienceMemberJSON{CustomerID: c.ID, Name: optional(c.Name), Email: optional(c.Email), Phone: optional(c.Phone),
			Orders: c.Stats.Orders, Revenue: money.FormatCode(c.Stats.Revenue, app.Currency), LastPurchaseAt: c.Stats.LastPurchaseAt}
		if m.Score != nil {
			seg, clv := string(m.Score.Segment), majorMoney(m.CLV, app.Currency)
			row.Segment, row.PAlive, row.CLV = &seg, probability(m.Score.PAlive), &clv
		}
		rows[i] = row
	}
	out.Data = rows
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
