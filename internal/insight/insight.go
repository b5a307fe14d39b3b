// Package insight computes and caches an app's forecasts and customer
// scores. A background job recomputes an app's figures when enough new
// data has arrived and ingestion has paused (or has gone on for long
// enough), one app at a time, so that reading them is instant and a
// recompute never competes with another for the machine. Requests for a
// date in the past are computed when asked and kept briefly.
package insight

import (
	"container/list"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"pulse/internal/day"
	"pulse/internal/model"
	"pulse/internal/store"
	"pulse/internal/trend"
)

// Config tunes when the job recomputes.
type Config struct {
	// MinEvents is how many accepted events make enough new data, and
	// Share the part of the events already scored: the larger is needed.
	// A recompute of a large app costs seconds of CPU, so a trickle of
	// single events must not set one off every few seconds; MaxAge still
	// takes in whatever arrived, once that long has passed.
	MinEvents int
	Share     float64
	MaxAge    time.Duration
	// Quiet is how long ingestion must pause before a recompute, so that
	// an import is scored once at its end, not after every batch; MaxWait
	// bounds that wait under steady traffic.
	Quiet, MaxWait time.Duration
	// Tick is how often the job looks for work.
	Tick time.Duration
	// Now is the clock; nil means the wall clock.
	Now func() time.Time
}

// Service computes, caches and serves insights.
type Service struct {
	db  *store.DB
	log *slog.Logger
	cfg Config
	now func() time.Time

	mu   sync.Mutex
	apps map[string]*entry
	past *list.List // of *pastEntry, most recent first
	kick chan struct{}
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

// entry is what the service knows of one app.
type entry struct {
	app     model.App
	snap    *Snapshot
	pending int       // events accepted since the snapshot's data was read
	first   time.Time // when the oldest of them arrived
	last    time.Time // when the newest arrived
	want    bool      // a recompute was asked for
	running chan struct{}
	err     error
	// gen counts Forget calls: a computation that read the data before
	// one is thrown away.
	gen int
}

// Snapshot is an app's computed insights as of a day.
type Snapshot struct {
	AppID      string
	Today      int64 // the app's local date when the data was read
	ComputedAt time.Time
	Customers  *CustomerModel

	mu        sync.Mutex
	forecasts map[ForecastParams]*Forecast
	recs      *Recommendations
}

// pastEntry is a snapshot for a date in the past.
type pastEntry struct {
	appID string
	asOf  int64
	snap  *Snapshot
}

// maxCachedForecasts bounds the forecasts a snapshot keeps.
const maxCachedForecasts = 256

// pastKept bounds the snapshots kept for past dates: a client paging
// through one date's customers reuses it, and a few such clients fit.
const pastKept = 8

// New returns a Service; Start runs its job.
func New(db *store.DB, log *slog.Logger, cfg Config) *Service {
	if cfg.MinEvents <= 0 {
		cfg.MinEvents = 1
	}
	if cfg.Share <= 0 {
		cfg.Share = 0.005
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = time.Hour
	}
	if cfg.Quiet <= 0 {
		cfg.Quiet = 10 * time.Second
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 10 * time.Minute
	}
	if cfg.Tick <= 0 {
		cfg.Tick = time.Second
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, log: log, cfg: cfg, now: now, apps: map[string]*entry{}, past: list.New(),
		kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
}

// Start runs the background job until Close.
func (s *Service) Start() { go s.run() }

// Close stops the job and waits for a running computation to end.
func (s *Service) Close() {
	s.once.Do(func() { close(s.quit) })
	<-s.done
}

// Accepted records that events were stored for an app. It is called by the
// ingestion writer after each commit and must not block it.
func (s *Service) Accepted(appID string, events int) {
	now := s.now()
	s.mu.Lock()
	e := s.apps[appID]
	if e == nil {
		// The app's figures are computed ahead of the first request for
		// them; compute loads the app.
		e = &entry{app: model.App{ID: appID}}
		s.apps[appID] = e
	}
	{
		if e.pending == 0 {
			e.first = now
		}
		e.pending += events
		e.last = now
	}
	s.dropPast(appID)
	s.mu.Unlock()
}

// Refresh asks for an app's insights to be recomputed now, in the
// background, and reports whether a computation was already running.
func (s *Service) Refresh(app model.App) (running bool) {
	s.mu.Lock()
	e := s.entry(app)
	running = e.running != nil
	e.want = true
	s.mu.Unlock()
	s.wake()
	return running
}

// Status is what is known about an app's cached insights.
type Status struct {
	ComputedAt *time.Time
	Computing  bool
	Pending    int // events accepted since
}

// Status reports on an app's cache without computing anything.
func (s *Service) Status(appID string) Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st Status
	if e := s.apps[appID]; e != nil {
		if e.snap != nil {
			t := e.snap.ComputedAt
			st.ComputedAt = &t
		}
		st.Computing, st.Pending = e.running != nil, e.pending
	}
	return st
}

func (s *Service) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Service) entry(app model.App) *entry {
	e := s.apps[app.ID]
	if e == nil {
		e = &entry{app: app}
		s.apps[app.ID] = e
	}
	e.app = app
	return e
}

// today is the app's local date now.
func (s *Service) today(app model.App) int64 { return day.Of(s.now(), Location(app)) }

// Location is an app's time zone; its zone was checked when it was saved,
// so a failure means the binary lost its zone data: UTC then.
func Location(app model.App) *time.Location {
	loc, err := time.LoadLocation(app.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Current returns the app's cached snapshot, computing it first when there
// is none or its day has passed. A snapshot older than new data is still
// served: the job replaces it soon.
func (s *Service) Current(ctx context.Context, app model.App) (*Snapshot, error) {
	for {
		s.mu.Lock()
		e := s.entry(app)
		if e.snap != nil && e.snap.Today == s.today(app) {
			snap := e.snap
			s.mu.Unlock()
			return snap, nil
		}
		wait := e.running
		if wait == nil {
			wait = s.begin(e)
			s.mu.Unlock()
			go s.compute(e, wait)
		} else {
			s.mu.Unlock()
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		s.mu.Lock()
		err, snap := e.err, e.snap
		s.mu.Unlock()
		if err != nil {
			return nil, err
		}
		if snap != nil && snap.Today == s.today(app) {
			return snap, nil
		}
	}
}

// At returns the app's insights as of a past date, computed on request and
// kept among the last few such dates.
func (s *Service) At(ctx context.Context, app model.App, asOf int64) (*Snapshot, error) {
	if asOf >= s.today(app) {
		return s.Current(ctx, app)
	}
	s.mu.Lock()
	for el := s.past.Front(); el != nil; el = el.Next() {
		if p := el.Value.(*pastEntry); p.appID == app.ID && p.asOf == asOf {
			s.past.MoveToFront(el)
			s.mu.Unlock()
			return p.snap, nil
		}
	}
	s.mu.Unlock()
	snap, err := s.snapshot(ctx, app, asOf)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.past.PushFront(&pastEntry{appID: app.ID, asOf: asOf, snap: snap})
	for s.past.Len() > pastKept {
		s.past.Remove(s.past.Back())
	}
	s.mu.Unlock()
	return snap, nil
}

// begin marks e as computing; s.mu is held.
func (s *Service) begin(e *entry) chan struct{} {
	e.running = make(chan struct{})
	e.pending, e.want = 0, false
	return e.running
}

// compute rebuilds e's snapshot and closes done.
func (s *Service) compute(e *entry, done chan struct{}) {
	s.mu.Lock()
	app, gen := e.app, e.gen
	s.mu.Unlock()
	start := time.Now()
	// A computation outlives the request that started it: others wait for
	// it, and the result is cached for all. The app is read afresh: its
	// time zone may have changed, or only its id be known.
	ctx := context.Background()
	var snap *Snapshot
	apps, err := s.db.AppsByIDs(ctx, []string{app.ID})
	if err == nil {
		var ok bool
		if app, ok = apps[app.ID]; !ok {
			s.mu.Lock()
			delete(s.apps, app.ID)
			e.running, e.err = nil, model.ErrNotFound
			s.mu.Unlock()
			close(done)
			return
		}
		snap, err = s.Build(ctx, app)
	}
	s.mu.Lock()
	e.err = err
	switch {
	case err == nil && e.gen == gen:
		e.snap, e.app = snap, app
	case err == nil:
		e.want = true // forgotten while computing: compute again
	}
	e.running = nil
	s.mu.Unlock()
	close(done)
	if err != nil {
		s.log.Error("insight: compute failed", "app_id", app.ID, "err", err)
		return
	}
	s.log.Info("insight: computed", "app_id", app.ID, "customers", len(snap.Customers.Scores),
		"duration", time.Since(start).Round(time.Millisecond))
}

// Build computes an app's insights as of today, as the job does, without
// caching them: the customer scores, the recommendations and every default
// forecast.
func (s *Service) Build(ctx context.Context, app model.App) (*Snapshot, error) {
	snap, err := s.snapshot(ctx, app, s.today(app))
	if err != nil {
		return nil, err
	}
	if err := snap.computeForecasts(ctx, s, app); err != nil {
		return nil, err
	}
	// The default valuation is what lists and pages show first.
	snap.Customers.Values(DefaultHorizonDays, DefaultDiscountRate)
	return snap, nil
}

// snapshot reads an app's purchases as of the end of day asOf, once, and
// scores its customers and computes its recommendations from them;
// forecasts, which read the daily rollups, are added by the caller or on
// request.
func (s *Service) snapshot(ctx context.Context, app model.App, asOf int64) (*Snapshot, error) {
	// The trends read the rollups and group the purchases in SQL while the
	// purchases are decoded and the customer models fitted: the two
	// overlap on a second core.
	trends := make(chan trendsRead, 1)
	go func() {
		res, err := trend.New(s.db).Find(ctx, trend.Request{App: app, AsOf: asOf, Today: s.today(app), Lang: "en"})
		trends <- trendsRead{res, err}
	}()
	baskets, err := s.db.Baskets(ctx, app.ID, day.Start(asOf+1, Location(app)))
	if err != nil {
		return nil, fmt.Errorf("insight: purchases of %s: %w", app.ID, err)
	}
	erased, err := s.db.ErasedCustomers(ctx, app.ID)
	if err != nil {
		return nil, fmt.Errorf("insight: purchases of %s: %w", app.ID, err)
	}
	cm, err := s.scoreCustomers(app, asOf, baskets, erased)
	if err != nil {
		return nil, fmt.Errorf("insight: customers of %s: %w", app.ID, err)
	}
	snap := &Snapshot{AppID: app.ID, Today: asOf, ComputedAt: s.now(), Customers: cm,
		forecasts: map[ForecastParams]*Forecast{}}
	tr := <-trends
	if tr.err != nil {
		return nil, fmt.Errorf("insight: trends of %s: %w", app.ID, tr.err)
	}
	if snap.recs, err = s.computeRecommendations(ctx, app, snap, baskets, tr.res); err != nil {
		return nil, err
	}
	return snap, nil
}

// trendsRead is the outcome of reading an app's trends.
type trendsRead struct {
	res *trend.Result
	err error
}

// computeForecasts fills the default forecast of every metric and
// interval.
func (snap *Snapshot) computeForecasts(ctx context.Context, s *Service, app model.App) error {
	for _, m := range Metrics {
		for _, iv := range Intervals {
			p := ForecastParams{Metric: m, Interval: iv, Horizon: DefaultHorizon(iv), AsOf: snap.Today - 1}
			if _, err := snap.Forecast(ctx, s, app, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// Forecast returns the snapshot's forecast for p, computing it when it is
// not cached yet.
func (snap *Snapshot) Forecast(ctx context.Context, s *Service, app model.App, p ForecastParams) (*Forecast, error) {
	snap.mu.Lock()
	f := snap.forecasts[p]
	snap.mu.Unlock()
	if f != nil {
		return f, nil
	}
	f, err := s.computeForecast(ctx, app.ID, app.Currency, p)
	if err != nil {
		return nil, err
	}
	snap.mu.Lock()
	if p.Product != "" && len(snap.forecasts) >= maxCachedForecasts {
		// A product's forecast is asked for now and then, and there may
		// be thousands of products: keep the shop's, drop the products'.
		for k := range snap.forecasts {
			if k.Product != "" {
				delete(snap.forecasts, k)
			}
		}
	}
	snap.forecasts[p] = f
	snap.mu.Unlock()
	return f, nil
}

// ForecastFor serves a forecast request: from the current snapshot when
// the history ends yesterday, computed on request (and not kept) for an
// earlier end, which needs the daily rollups and none of a snapshot's
// customer scoring.
func (s *Service) ForecastFor(ctx context.Context, app model.App, p ForecastParams) (*Forecast, error) {
	if p.AsOf < s.today(app)-1 {
		return s.computeForecast(ctx, app.ID, app.Currency, p)
	}
	snap, err := s.Current(ctx, app)
	if err != nil {
		return nil, err
	}
	return snap.Forecast(ctx, s, app, p)
}

// run is the background job: it recomputes, one app at a time, every app
// whose day has turned, whose new data has settled, or whose refresh was
// asked for.
func (s *Service) run() {
	defer close(s.done)
	t := time.NewTicker(s.cfg.Tick)
	defer t.Stop()
	for {
		select {
		case <-s.quit:
			s.waitRunning()
			return
		case <-t.C:
		case <-s.kick:
		}
		for {
			e, done := s.due()
			if e == nil {
				break
			}
			s.compute(e, done)
			select {
			case <-s.quit:
				s.waitRunning()
				return
			default:
			}
		}
	}
}

// due picks an app to recompute and marks it running.
func (s *Service) due() (*entry, chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, e := range s.apps {
		if e.running != nil {
			continue
		}
		enough := e.pending >= s.cfg.MinEvents
		if e.snap != nil {
			enough = enough && float64(e.pending) >= s.cfg.Share*float64(e.snap.Customers.Purchases)
		}
		settled := (enough && (now.Sub(e.last) >= s.cfg.Quiet || now.Sub(e.first) >= s.cfg.MaxWait)) ||
			(e.pending > 0 && e.snap != nil && now.Sub(e.snap.ComputedAt) >= s.cfg.MaxAge)
		stale := e.snap != nil && e.snap.Today != s.today(e.app)
		if e.want || settled || stale {
			return e, s.begin(e)
		}
	}
	return nil, nil
}

// waitRunning waits for computations started by requests.
func (s *Service) waitRunning() {
	for {
		s.mu.Lock()
		var wait chan struct{}
		for _, e := range s.apps {
			if e.running != nil {
				wait = e.running
				break
			}
		}
		s.mu.Unlock()
		if wait == nil {
			return
		}
		<-wait
	}
}

// Cached returns the app's cached snapshot without waiting, nil when there
// is none yet; when there is none, or its day has passed, it starts a
// computation in the background. Pages that show scores beside other data
// use it, so that they never wait for a model.
func (s *Service) Cached(app model.App) *Snapshot {
	s.mu.Lock()
	e := s.entry(app)
	snap := e.snap
	if (snap == nil || snap.Today != s.today(app)) && e.running == nil {
		done := s.begin(e)
		s.mu.Unlock()
		go s.compute(e, done)
		return snap
	}
	s.mu.Unlock()
	return snap
}

// Forget drops an app's cached insights, for changes that must show at
// once: an erased customer's id must not be listed a moment longer. The
// next request computes them afresh.
func (s *Service) Forget(appID string) {
	s.mu.Lock()
	if e := s.apps[appID]; e != nil {
		e.snap = nil
		e.gen++
	}
	s.dropPast(appID)
	s.mu.Unlock()
}

// dropPast forgets an app's snapshots of past dates; s.mu is held.
func (s *Service) dropPast(appID string) {
	for el := s.past.Front(); el != nil; {
		nx := el.Next()
		if el.Value.(*pastEntry).appID == appID {
			s.past.Remove(el)
		}
		el = nx
	}
}
