package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"pulse/internal/assistant"
	"pulse/internal/crm"
	"pulse/internal/day"
	"pulse/internal/httpx"
	"pulse/internal/i18n"
	"pulse/internal/insight"
	"pulse/internal/model"
	"pulse/internal/narrative"
	"pulse/internal/report"
	"pulse/internal/trend"
)

// assistantToolset is every function the model may call. Adding one is
// one more entry: its name, what it does, its arguments' JSON Schema, and
// a function of the decoded arguments. None takes an app: each runs on the
// app of the API key that asked the question (toolEnv).
var assistantToolset = []assistantTool{
	typedTool("sales_report", "Sales totals of a period (revenue, refunds, net revenue, orders, average order value, "+
		"customers, new and returning customers, repeat purchase rate) with a series per day, week or month; optionally "+
		"compared with the previous period of equal length, or broken down by a customer or purchase attribute.",
		salesArgsSchema, (*API).toolSales),
	typedTool("product_report", "Products sold in a period by revenue, highest first: revenue, refunds, units, orders, "+
		"buyers, share of revenue and the change against the previous period of equal length.",
		productsArgsSchema, (*API).toolProducts),
	typedTool("customers_at_risk", "Valuable customers who are likely to stop buying, biggest spenders first, with "+
		"the probability each is still active, expected purchases, expected revenue and lifetime value (CLV).",
		atRiskArgsSchema, (*API).toolAtRisk),
	typedTool("customer_lookup", "One customer by id, with purchase statistics and the customer models' view "+
		"(segment, probability of being active, expected purchases, CLV, at risk); or up to 5 customers whose id, "+
		"name, email or phone contains a text.",
		lookupArgsSchema, (*API).toolLookup),
	typedTool("forecast", "Forecast of revenue, orders or new customers for the coming days, weeks or months, "+
		"with 80% and 95% prediction intervals, the recent history it rests on, and its backtested accuracy.",
		forecastArgsSchema, (*API).toolForecast),
	typedTool("trends", "Significant changes found in the sales up to a date: trends in weekly metrics, rising and "+
		"declining products, anomalous days, weekly seasonality and RFM segment shifts, each with its size, "+
		"test and a one-line summary.",
		trendsArgsSchema, (*API).toolTrends),
	typedTool("recommendations", "Ranked, explained actions to sell more (win back slipping customers, second "+
		"purchases, cross-sells, bundles, declining and rising products, segments to reactivate), each with its "+
		"rationale, evidence, audience size, expected money impact with the assumption behind it, confidence and status.",
		recsArgsSchema, (*API).toolRecommendations),
	typedTool("period_summary", "A plain-language summary of a period against the previous one of equal length: "+
		"revenue, orders and average order with their change, the products that drove it, new and returning "+
		"customers, RFM segment moves, the revenue forecast for the next 30 days and the top three recommendations, "+
		"with the figures it states.",
		summaryArgsSchema, (*API).toolSummary),
}

// toolEnv is what every tool runs with: the key's app, and the language
// the request prefers for texts the tools write.
type toolEnv struct {
	app  model.App
	lang string
}

type assistantTool struct {
	name, description, parameters string
	call                          func(a *API, ctx context.Context, env toolEnv, args json.RawMessage) (any, error)
}

// typedTool is a tool whose arguments decode strictly into A: a field the
// schema does not have, or of the wrong type, is refused by name.
func typedTool[A any](name, description, parameters string,
	run func(a *API, ctx context.Context, env toolEnv, args A) (any, error)) assistantTool {
	return assistantTool{name: name, description: description, parameters: parameters,
		call: func(a *API, ctx context.Context, env toolEnv, raw json.RawMessage) (any, error) {
			var args A
			if err := httpx.Unmarshal(raw, &args); err != nil {
				return nil, err
			}
			return run(a, ctx, env, args)
		}}
}

// assistantTools binds the toolset to app.
func (a *API) assistantTools(app model.App, lang string) []assistant.Tool {
	env := toolEnv{app: app, lang: lang}
	out := make([]assistant.Tool, len(assistantToolset))
	for i, t := range assistantToolset {
		out[i] = assistant.Tool{Name: t.name, Description: t.description, Parameters: json.RawMessage(t.parameters),
			Call: func(ctx context.Context, args json.RawMessage) (any, error) {
				v, err := t.call(a, ctx, env, args)
				if err != nil {
					return nil, a.toolError(ctx, t.name, err)
				}
				return v, nil
			}}
	}
	return out
}

// toolRefusal is a tool's answer that the model may read as it is.
type toolRefusal string

func (e toolRefusal) Error() string { return string(e) }

// toolError is what the model reads of a failed call: what was wrong with
// its arguments, or that the server failed, whose cause is logged only.
func (a *API) toolError(ctx context.Context, name string, err error) error {
	var (
		refusal toolRefusal
		invalid *model.ValidationError
		prob    *httpx.Problem
	)
	switch {
	case errors.As(err, &refusal):
		return refusal
	case errors.As(err, &invalid):
		parts := make([]string, len(invalid.Errors))
		for i, f := range invalid.Errors {
			parts[i] = f.Field + " " + f.Message
		}
		return toolRefusal("invalid arguments: " + strings.Join(parts, "; "))
	case errors.As(err, &prob):
		msg := "invalid arguments: " + prob.Detail
		for _, f := range prob.Errors {
			msg += "; " + f.Field + " " + f.Message
		}
		return toolRefusal(msg)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return toolRefusal("the time for this question is up")
	}
	a.log.ErrorContext(ctx, "assistant tool failed", "tool", name, "err", err, "request_id", httpx.RequestID(ctx))
	return toolRefusal("the tool failed because of a server error; answer without it")
}

func (env toolEnv) today(now time.Time) int64 { return day.Of(now, insight.Location(env.app)) }

// limitOf is *n, checked to be from 1 to most, or def when absent.
func limitOf(n *int, def, most int) (int, error) {
	if n == nil {
		return def, nil
	}
	if *n < 1 || *n > most {
		return 0, model.Invalid("limit", "must be a whole number from 1 to %d", most)
	}
	return *n, nil
}

const periodSchema = `"from": {"type": "string", "format": "date", "description": "First day, YYYY-MM-DD; default 29 days before to."},
    "to": {"type": "string", "format": "date", "description": "Last day, YYYY-MM-DD; default today."}`

const groupBySchema = `"group_by": {"type": "string", "description": "Break the figures down by an attribute: customer.<name> or purchase.<name>, such as customer.country or purchase.channel."}`

const salesArgsSchema = `{"type": "object", "additionalProperties": false, "properties": {
    ` + periodSchema + `,
    "interval": {"type": "string", "enum": ["day", "week", "month"], "description": "Length of the series' periods; default day. Use week or month for periods longer than two months."},
    "compare_previous": {"type": "boolean", "description": "Also give the previous period of equal length and the change of every figure against it."},
    ` + groupBySchema + `}}`

type salesArgs struct {
	From            string `json:"from"`
	To              string `json:"to"`
	Interval        string `json:"interval"`
	ComparePrevious bool   `json:"compare_previous"`
	GroupBy         string `json:"group_by"`
}

func (a *API) toolSales(ctx context.Context, env toolEnv, in salesArgs) (any, error) {
	p := report.SalesParams{From: in.From, To: in.To, Interval: in.Interval, GroupBy: in.GroupBy}
	if in.ComparePrevious {
		p.Compare = "previous_period"
	}
	rep, err := a.reports.Sales(ctx, env.app.ID, p)
	if err != nil {
		return nil, err
	}
	return toSales(rep), nil
}

const productsArgsSchema = `{"type": "object", "additionalProperties": false, "properties": {
    ` + periodSchema + `,
    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "description": "How many products, by revenue; default 20."},
    ` + groupBySchema + `}}`

type productsArgs struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Limit   *int   `json:"limit"`
	GroupBy string `json:"group_by"`
}

// productsToolJSON is the products report cut to the limit; total_products
// says how many there were.
type productsToolJSON struct {
	productsJSON
	TotalProducts int `json:"total_products"`
}

func (a *API) toolProducts(ctx context.Context, env toolEnv, in productsArgs) (any, error) {
	limit, err := limitOf(in.Limit, 20, 100)
	if err != nil {
		return nil, err
	}
	rep, err := a.reports.Products(ctx, env.app.ID, report.ProductsParams{From: in.From, To: in.To, GroupBy: in.GroupBy})
	if err != nil {
		return nil, err
	}
	out := productsToolJSON{productsJSON: toProducts(rep), TotalProducts: len(rep.Products)}
	out.Products = out.Products[:min(limit, len(out.Products))]
	return out, nil
}

const atRiskArgsSchema = `{"type": "object", "additionalProperties": false, "properties": {
    "limit": {"type": "integer", "minimum": 1, "maximum": 50, "description": "How many customers, biggest spenders first; default 10."}}}`

type atRiskArgs struct {
	Limit *int `json:"limit"`
}

func (a *API) toolAtRisk(ctx context.Context, env toolEnv, in atRiskArgs) (any, error) {
	limit, err := limitOf(in.Limit, 10, 50)
	if err != nil {
		return nil, err
	}
	p, err := insight.ParseCustomers(insight.CustomerQuery{AtRisk: "true", Limit: strconv.Itoa(limit)}, env.today(a.now()))
	if err != nil {
		return nil, err
	}
	pg, err := a.insights.Customers(ctx, env.app, p)
	if err != nil {
		return nil, err
	}
	cm := pg.Model
	out := customerScoresJSON{AsOf: day.String(cm.AsOf), ComputedAt: cm.ComputedAt, Currency: cm.Currency,
		HorizonDays: p.HorizonDays, DiscountRate: p.Rate, Model: toCustomerModel(cm),
		Totals: customerTotalsJSON{Customers: pg.Totals.Customers, ExpectedPurchases: round4(pg.Totals.ExpectedPurchases),
			ExpectedRevenue: majorMoney(pg.Totals.ExpectedRevenue, cm.Currency), CLV: majorMoney(pg.Totals.CLV, cm.Currency)},
		Data: make([]customerScoreJSON, len(pg.Rows))}
	for i, row := range pg.Rows {
		out.Data[i] = toCustomerScore(row.CustomerScore, row.Valuation, cm.Currency)
	}
	return out, nil
}

const lookupArgsSchema = `{"type": "object", "additionalProperties": false, "properties": {
    "id": {"type": "string", "description": "The customer's id, exactly."},
    "query": {"type": "string", "description": "Text to search for in customers' ids, names, emails and phones, when the id is not known."}}}`

type lookupArgs struct {
	ID    string `json:"id"`
	Query string `json:"query"`
}

// lookupMatches bounds a search: the model should find one customer, not
// read the customer base.
const lookupMatches = 5

type customerMatchesJSON struct {
	Customers []customerJSON `json:"customers"`
	More      bool           `json:"more"`
}

func (a *API) toolLookup(ctx context.Context, env toolEnv, in lookupArgs) (any, error) {
	if (in.ID == "") == (strings.TrimSpace(in.Query) == "") {
		return nil, model.Invalid("id", "or query is required, not both")
	}
	if in.Query != "" {
		pg, err := a.crm.ListCustomers(ctx, env.app.ID, crm.CustomerQuery{Q: in.Query,
			Page: crm.PageQuery{Limit: strconv.Itoa(lookupMatches)}})
		if err != nil {
			return nil, err
		}
		out := customerMatchesJSON{Customers: make([]customerJSON, len(pg.Data)), More: pg.NextCursor != nil}
		for i, c := range pg.Data {
			out.Customers[i] = toCustomer(c, env.app.Currency)
		}
		return out, nil
	}
	c, err := a.crm.Customer(ctx, env.app.ID, in.ID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, toolRefusal(fmt.Sprintf("this shop has no customer with id %q", in.ID))
	}
	if err != nil {
		return nil, err
	}
	out := customerDetailJSON{customerJSON: toCustomer(c, env.app.Currency)}
	if snap := a.insights.Cached(env.app); snap != nil {
		out.addScores(snap.Customers, c.ID)
	}
	return out, nil
}

const forecastArgsSchema = `{"type": "object", "additionalProperties": false, "properties": {
    "metric": {"type": "string", "enum": ["revenue", "orders", "new_customers"], "description": "What to forecast; default revenue."},
    "interval": {"type": "string", "enum": ["day", "week", "month"], "description": "Period length; default day."},
    "horizon": {"type": "integer", "minimum": 1, "maximum": 90, "description": "Periods ahead: default 30 days, 13 weeks or 6 months; at most 90, 52 or 24."},
    "product": {"type": "string", "description": "A product id, as the product report names it, to forecast that product's revenue or orders instead of the shop's."}}}`

type forecastArgs struct {
	Metric   string `json:"metric"`
	Interval string `json:"interval"`
	Horizon  *int   `json:"horizon"`
	Product  string `json:"product"`
}

// forecastToolJSON is a forecast with only its recent history:
// history_points says how long the whole history is.
type forecastToolJSON struct {
	forecastJSON
	HistoryPoints int `json:"history_points"`
}

// forecastHistoryShown is how many of the latest periods of history the
// model sees: enough to compare the forecast with, not the years of days
// it was fitted on.
const forecastHistoryShown = 14

func (a *API) toolForecast(ctx context.Context, env toolEnv, in forecastArgs) (any, error) {
	q := insight.ForecastQuery{Metric: in.Metric, Interval: in.Interval, Product: in.Product}
	if in.Horizon != nil {
		q.Horizon = strconv.Itoa(*in.Horizon)
	}
	p, err := insight.ParseForecast(q, env.today(a.now()))
	if err != nil {
		return nil, err
	}
	f, err := a.insights.ForecastFor(ctx, env.app, p)
	if err != nil {
		return nil, err
	}
	out := forecastToolJSON{forecastJSON: toForecast(f, p.Horizon), HistoryPoints: len(f.History)}
	out.History = out.History[max(0, len(out.History)-forecastHistoryShown):]
	return out, nil
}

const trendsArgsSchema = `{"type": "object", "additionalProperties": false, "properties": {
    "as_of": {"type": "string", "format": "date", "description": "The last day the analysis may use, YYYY-MM-DD; default today."},
    "lang": {"type": "string", "enum": ["en", "ru"], "description": "Language of the summaries: the question's language when it is one of these."}}}`

type trendsArgs struct {
	AsOf string `json:"as_of"`
	Lang string `json:"lang"`
}

func (a *API) toolTrends(ctx context.Context, env toolEnv, in trendsArgs) (any, error) {
	today := env.today(a.now())
	asOf, lang := today, env.lang
	verr := &model.ValidationError{}
	if in.AsOf != "" {
		asOf = insight.ParseAsOf(verr, in.AsOf, today)
	}
	lang = toolLang(verr, in.Lang, lang)
	if err := verr.Err(); err != nil {
		return nil, err
	}
	res, err := trend.New(a.db).Find(ctx, trend.Request{App: env.app, AsOf: asOf, Today: today, Lang: lang})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// toolLang is a tool's lang argument when given (it must be supported),
// else the request's language.
func toolLang(verr *model.ValidationError, arg, def string) string {
	if arg == "" {
		return def
	}
	if !i18n.Supported(arg) {
		verr.Add("lang", "must be one of %s", strings.Join(i18n.Langs, ", "))
		return def
	}
	return arg
}

const recsArgsSchema = `{"type": "object", "additionalProperties": false, "properties": {
    "status": {"type": "string", "enum": ["new", "done", "dismissed"], "description": "Which recommendations: new (default) ones to act on, or those marked done (with what their audience did since) or dismissed."},
    "limit": {"type": "integer", "minimum": 1, "maximum": 20, "description": "How many, best first; default 5."},
    "lang": {"type": "string", "enum": ["en", "ru"], "description": "Language of titles and rationales: the question's language when it is one of these."}}}`

type recsArgs struct {
	Status string `json:"status"`
	Limit  *int   `json:"limit"`
	Lang   string `json:"lang"`
}

func (a *API) toolRecommendations(ctx context.Context, env toolEnv, in recsArgs) (any, error) {
	verr := &model.ValidationError{}
	status := insight.StatusNew
	if in.Status != "" {
		if _, err := insight.ParseStatus(in.Status); err != nil {
			verr.Add("status", "must be one of new, done, dismissed")
		}
		status = in.Status
	}
	limit := 5
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 20 {
			verr.Add("limit", "must be from 1 to 20")
		}
		limit = *in.Limit
	}
	lang := toolLang(verr, in.Lang, env.lang)
	if err := verr.Err(); err != nil {
		return nil, err
	}
	list, err := a.insights.ListRecommendations(ctx, env.app, env.today(a.now()))
	if err != nil {
		return nil, err
	}
	out := map[string]any{"as_of": day.String(list.AsOf), "currency": list.Currency, "response_rate": list.Rate}
	recs := []recommendationJSON{}
	total := 0
	for i := range list.Items {
		if list.Items[i].Status != status {
			continue
		}
		total++
		if len(recs) < limit {
			recs = append(recs, toRecommendation(&list.Items[i], list.Currency, lang))
		}
	}
	out["recommendations"], out["total"] = recs, total
	return out, nil
}

const summaryArgsSchema = `{"type": "object", "additionalProperties": false, "properties": {
    "from": {"type": "string", "format": "date", "description": "First day, YYYY-MM-DD; default 29 days before to."},
    "to": {"type": "string", "format": "date", "description": "Last day, YYYY-MM-DD; default yesterday."},
    "lang": {"type": "string", "enum": ["en", "ru"], "description": "Language of the text: the question's language when it is one of these."}}}`

type summaryArgs struct {
	From string `json:"from"`
	To   string `json:"to"`
	Lang string `json:"lang"`
}

func (a *API) toolSummary(ctx context.Context, env toolEnv, in summaryArgs) (any, error) {
	verr := &model.ValidationError{}
	lang := toolLang(verr, in.Lang, env.lang)
	if err := verr.Err(); err != nil {
		return nil, err
	}
	s, err := a.summary.Summary(ctx, env.app, narrative.Query{From: in.From, To: in.To, Lang: lang})
	if err != nil {
		return nil, err
	}
	return toSummary(s), nil
}
