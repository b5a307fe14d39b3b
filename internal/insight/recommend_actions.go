package insight

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"pulse/internal/day"
	"pulse/internal/model"
	"pulse/internal/store"
)

// Statuses of a recommendation.
const (
	StatusNew       = "new"
	StatusDone      = "done"
	StatusDismissed = "dismissed"
)

// Listed is a recommendation as the user sees it: its impact at the app's
// response rate, its status and, once done, what its audience did since.
type Listed struct {
	Recommendation
	Impact   Impact
	Status   string
	StatusAt *time.Time
	Outcome  *Outcome
	// Previous is a mark older than ImpactHorizonDays: the opportunity is
	// back, and the earlier action is shown beside it.
	Previous *Mark
}

// Mark is a done or dismissed mark, with the outcome of a done one.
type Mark struct {
	Status  string
	At      time.Time
	Outcome *Outcome
}

// Outcome is how a done recommendation's audience behaved from the mark
// until now. For customers: how many of them bought, their orders and
// revenue, against the buyers the response rate expected. For products:
// the product's orders and revenue since, against as many days before.
type Outcome struct {
	Since          time.Time
	Days           int64
	Customers      int64
	Buyers         int64
	ExpectedBuyers float64
	Product        string
	Orders         int64
	Revenue        int64
	PrevOrders     int64
	PrevRevenue    int64
}

// RecommendationList is an app's recommendations as of a day: the new
// ones ranked by impact times confidence, then the done and the dismissed
// ones, most recently marked first.
type RecommendationList struct {
	AsOf       int64
	ComputedAt time.Time
	Currency   string
	Rate       float64
	Items      []Listed
	Skipped    map[string]string
}

// ParseStatus checks a status a client sent.
func ParseStatus(s string) (string, error) {
	switch s {
	case StatusNew, StatusDone, StatusDismissed:
		return s, nil
	}
	return "", model.Invalid("status", "must be one of new, done, dismissed")
}

// ListRecommendations returns the app's recommendations as of asOf with
// their marks.
func (s *Service) ListRecommendations(ctx context.Context, app model.App, asOf int64) (*RecommendationList, error) {
	snap, err := s.At(ctx, app, asOf)
	if err != nil {
		return nil, err
	}
	return s.list(ctx, app, snap)
}

// CachedRecommendations lists the recommendations of the app's cached
// snapshot of today, with their marks, without waiting for a computation:
// nil when there is none yet (one is started then).
func (s *Service) CachedRecommendations(ctx context.Context, app model.App) (*RecommendationList, error) {
	snap := s.Cached(app)
	if snap == nil || snap.Today != s.today(app) {
		return nil, nil
	}
	return s.list(ctx, app, snap)
}

// list is a snapshot's recommendations with their marks.
func (s *Service) list(ctx context.Context, app model.App, snap *Snapshot) (*RecommendationList, error) {
	rs := snap.Recommendations()
	acts, err := s.db.RecommendationActions(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	rate := ResponseRate(app)
	out := &RecommendationList{AsOf: rs.AsOf, ComputedAt: snap.ComputedAt, Currency: app.Currency, Rate: rate,
		Skipped: rs.Skipped}
	marks := make(map[string]store.RecommendationAction, len(acts))
	for _, a := range acts {
		marks[a.ID] = a
	}
	now := s.now()
	// The ranking is redone at the rate of now: the app's rate may have
	// changed since the computation, moving the response-based impacts
	// and not the trend-based ones.
	ranked := slices.Clone(rs.List)
	Rank(ranked, rate)
	var fresh, marked []Listed
	for _, r := range ranked {
		l := Listed{Recommendation: r, Impact: r.Impact(rate), Status: StatusNew}
		if a, ok := marks[r.ID]; ok {
			delete(marks, r.ID)
			m, err := s.mark(ctx, app, a, &r)
			if err != nil {
				return nil, err
			}
			if inForce(a, now) {
				l.Status, l.StatusAt, l.Outcome = m.Status, &m.At, m.Outcome
				if err := s.markedAudience(ctx, app, &l.Recommendation); err != nil {
					return nil, err
				}
				marked = append(marked, l)
				continue
			}
			l.Previous = &m
		}
		fresh = append(fresh, l)
	}
	// Marked recommendations the computation no longer finds stay listed
	// as they were marked.
	for _, a := range acts {
		if _, ok := marks[a.ID]; !ok {
			continue
		}
		var r Recommendation
		if err := json.Unmarshal(a.Facts, &r); err != nil {
			return nil, fmt.Errorf("insight: recommendation %s of %s: %w", a.ID, app.ID, err)
		}
		m, err := s.mark(ctx, app, a, &r)
		if err != nil {
			return nil, err
		}
		if err := s.markedAudience(ctx, app, &r); err != nil {
			return nil, err
		}
		marked = append(marked, Listed{Recommendation: r, Impact: r.Impact(rate), Status: m.Status, StatusAt: &m.At, Outcome: m.Outcome})
	}
	statusOrder := map[string]int{StatusDone: 0, StatusDismissed: 1}
	slices.SortStableFunc(marked, func(a, b Listed) int {
		return cmp.Or(cmp.Compare(statusOrder[a.Status], statusOrder[b.Status]), b.StatusAt.Compare(*a.StatusAt))
	})
	out.Items = append(fresh, marked...)
	return out, nil
}

// inForce says whether a mark still holds: for ImpactHorizonDays, after
// which the opportunity may return as new.
func inForce(a store.RecommendationAction, now time.Time) bool {
	return now.Sub(a.ChangedAt) < ImpactHorizonDays*24*time.Hour
}

// markedAudience sets a marked recommendation's customers to those it was
// marked with, erased ones left out: the customers acted on, whose
// outcome is measured, whoever the computation finds now.
func (s *Service) markedAudience(ctx context.Context, app model.App, r *Recommendation) error {
	if r.AudienceType != AudienceCustomers {
		return nil
	}
	ids, err := s.db.RecommendationAudience(ctx, app.ID, r.ID)
	r.Audience = ids
	return err
}

// mark reads a mark with the outcome of a done one. A marked
// recommendation's customers are in the audience table, not in its facts:
// erasing a customer must reach them.
func (s *Service) mark(ctx context.Context, app model.App, a store.RecommendationAction, r *Recommendation) (Mark, error) {
	m := Mark{Status: a.Status, At: a.ChangedAt}
	if a.Status != StatusDone {
		return m, nil
	}
	now := s.now()
	o := &Outcome{Since: a.ChangedAt, Days: int64(now.Sub(a.ChangedAt) / (24 * time.Hour))}
	if r.AudienceType == AudienceCustomers {
		res, err := s.db.RecommendationOutcome(ctx, app.ID, a.ID, a.ChangedAt, now)
		if err != nil {
			return m, err
		}
		o.Customers, o.Buyers, o.Orders, o.Revenue = res.Customers, res.Buyers, res.Orders, res.Revenue
		o.ExpectedBuyers = ResponseRate(app) * float64(res.Customers)
	} else {
		// The product measured is the one to sell more of: the suggested
		// one of a bundle, the trending one otherwise. Its days since the
		// mark, today's included, are set against as many days before.
		loc := Location(app)
		o.Product = r.Facts.Product
		since, today := day.Of(a.ChangedAt, loc), day.Of(now, loc)
		span := today - since + 1
		rows, err := s.db.ProductPeriods(ctx, app.ID, since-span, since, today)
		if err != nil {
			return m, err
		}
		for _, p := range rows {
			if p.Product == o.Product {
				o.Orders, o.Revenue, o.PrevOrders, o.PrevRevenue = p.CurOrders, p.CurRevenue, p.PrevOrders, p.PrevRevenue
			}
		}
	}
	m.Outcome = o
	return m, nil
}

// MarkRecommendation sets a recommendation's status: done or dismissed
// records the mark with the recommendation as it is now; new removes a
// mark. The id must be one of the current recommendations or a marked one.
func (s *Service) MarkRecommendation(ctx context.Context, app model.App, id, status string) (*Listed, error) {
	status, err := ParseStatus(status)
	if err != nil {
		return nil, err
	}
	snap, err := s.Current(ctx, app)
	if err != nil {
		return nil, err
	}
	rs := snap.Recommendations()
	rec, current := rs.Find(id)
	if !current {
		acts, err := s.db.RecommendationActions(ctx, app.ID)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(acts, func(a store.RecommendationAction) bool { return a.ID == id })
		if i < 0 {
			return nil, model.ErrNotFound
		}
		rec = &Recommendation{}
		if err := json.Unmarshal(acts[i].Facts, rec); err != nil {
			return nil, fmt.Errorf("insight: recommendation %s of %s: %w", id, app.ID, err)
		}
		if status != StatusNew {
			// Re-marking a gone recommendation keeps its audience.
			return s.setMark(ctx, app, rec, status, nil, false)
		}
	}
	if status == StatusNew {
		if err := s.db.DeleteRecommendationAction(ctx, app.ID, id); err != nil {
			return nil, err
		}
		if !current {
			return &Listed{Recommendation: *rec, Impact: rec.Impact(ResponseRate(app)), Status: StatusNew}, nil
		}
		return s.listed(ctx, app, id)
	}
	return s.setMark(ctx, app, rec, status, rec.Audience, true)
}

// setMark stores a mark; replaceAudience says whether the audience table
// takes audience (a current recommendation) or keeps what it has.
func (s *Service) setMark(ctx context.Context, app model.App, rec *Recommendation, status string, audience []string, replaceAudience bool) (*Listed, error) {
	facts := *rec
	var customers []string
	if facts.AudienceType == AudienceCustomers {
		customers, facts.Audience = audience, nil
	}
	body, err := json.Marshal(facts)
	if err != nil {
		return nil, err
	}
	a := store.RecommendationAction{ID: rec.ID, Status: status, ChangedAt: s.now().UTC(), AsOf: rec.AsOf, Facts: body}
	err = s.db.InTx(ctx, func(q *store.Queries) error {
		if replaceAudience {
			return q.SetRecommendationAction(ctx, app.ID, a, customers)
		}
		return q.UpdateRecommendationAction(ctx, app.ID, a)
	})
	if err != nil {
		return nil, err
	}
	return s.listed(ctx, app, rec.ID)
}

// listed is one recommendation as ListRecommendations shows it today.
func (s *Service) listed(ctx context.Context, app model.App, id string) (*Listed, error) {
	list, err := s.ListRecommendations(ctx, app, s.today(app))
	if err != nil {
		return nil, err
	}
	for i := range list.Items {
		if list.Items[i].ID == id {
			return &list.Items[i], nil
		}
	}
	return nil, model.ErrNotFound
}

// Audience returns a recommendation's audience: customer ids, best
// prospects first, or product ids. A new recommendation's is as computed;
// a marked one's customers are those it was marked with, in id order.
func (s *Service) Audience(ctx context.Context, app model.App, id string) (*Recommendation, []string, error) {
	snap, err := s.Current(ctx, app)
	if err != nil {
		return nil, nil, err
	}
	rs := snap.Recommendations()
	acts, err := s.db.RecommendationActions(ctx, app.ID)
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(acts, func(a store.RecommendationAction) bool { return a.ID == id })
	r, current := rs.Find(id)
	if current && (i < 0 || !inForce(acts[i], s.now())) {
		return r, r.Audience, nil
	}
	if i < 0 {
		return nil, nil, model.ErrNotFound
	}
	if !current {
		r = &Recommendation{}
		if err := json.Unmarshal(acts[i].Facts, r); err != nil {
			return nil, nil, fmt.Errorf("insight: recommendation %s of %s: %w", id, app.ID, err)
		}
	}
	if r.AudienceType != AudienceCustomers {
		return r, r.Audience, nil
	}
	ids, err := s.db.RecommendationAudience(ctx, app.ID, id)
	return r, ids, err
}

// Top is the n best new recommendations for a short list (the summary,
// the dashboard): in rank order, at most one of a kind, so that three
// rising products do not crowd out every other way to sell more. The full
// list keeps the plain ranking.
func (l *RecommendationList) Top(n int) []Listed {
	var out []Listed
	seen := map[string]bool{}
	for _, r := range l.Items {
		if len(out) == n {
			break
		}
		if r.Status == StatusNew && !seen[r.Kind] {
			seen[r.Kind] = true
			out = append(out, r)
		}
	}
	return out
}
