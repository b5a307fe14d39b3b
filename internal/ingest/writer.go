package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"pulse/internal/model"
	"pulse/internal/store"
)

// Config tunes the writer. The zero value is sensible.
type Config struct {
	// QueueSize bounds the requests waiting for the writer, and
	// QueuedEvents the events in them; beyond either, requests are refused
	// with a retry hint instead of piling up in memory.
	QueueSize    int
	QueuedEvents int
	// MaxGroup bounds the events applied in one transaction. Large groups
	// are what makes the writer fast: a commit's cost is shared by every
	// event in it, and a page changed by many events is written once.
	MaxGroup int
}

// Result is the outcome of one event: accepted (Created tells a new
// customer or purchase from a known one) with what is now stored, or
// refused with Err.
type Result struct {
	Created  bool
	Customer *model.Customer
	Purchase *model.Purchase
	Err      error
}

// Writer applies events with a single goroutine that drains a bounded queue
// and commits whatever has gathered in one transaction: under load one
// durable commit serves many requests, and no two writes ever race. Submit
// returns only after the commit, so an acknowledged event is on disk.
type Writer struct {
	db    *store.DB
	log   *slog.Logger
	cfg   Config
	queue chan *job

	mu     sync.RWMutex // held to send on queue; Close takes it to stop sends
	closed bool
	queued atomic.Int64 // events waiting in queue
	quit   chan struct{}
	done   chan struct{}

	// Owned by the writer goroutine.
	seq  int64
	locs map[string]*time.Location

	onCommit func(appID string, events int)
}

type job struct {
	appID    string
	received time.Time
	events   []Event
	// rejected are events refused before reaching the writer, logged for
	// the app's connection page.
	rejected []model.RecentEvent
	results  []Result
	err      error
	done     chan struct{}
}

// NewWriter starts the writer goroutine; Close stops it.
func NewWriter(db *store.DB, log *slog.Logger, cfg Config) *Writer {
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 16384
	}
	if cfg.QueuedEvents <= 0 {
		cfg.QueuedEvents = 64000
	}
	if cfg.MaxGroup <= 0 {
		cfg.MaxGroup = 16000
	}
	w := &Writer{
		db: db, log: log, cfg: cfg,
		queue: make(chan *job, cfg.QueueSize),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
		locs:  map[string]*time.Location{},
	}
	go w.run()
	return w
}

// errBusy is the answer when the queue is full or the writer is stopping.
var errBusy = &model.UnavailableError{
	Reason:     "the server is busy writing; retry shortly, the request was not stored",
	RetryAfter: time.Second,
}

// Submit applies the events of one request for an app, in order, and waits
// for the commit. A full queue is refused at once with a retry hint. When
// ctx ends first the events may still be stored; retrying is safe because
// events are idempotent.
func (w *Writer) Submit(ctx context.Context, appID string, received time.Time, events []Event, rejected []model.RecentEvent) ([]Result, error) {
	j := &job{appID: appID, received: received, events: events, rejected: rejected, done: make(chan struct{})}
	if !w.enqueue(j) {
		return nil, errBusy
	}
	select {
	case <-j.done:
		return j.results, j.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Reject logs an event refused before it reached the writer and waits for
// the log line to be written, so that a developer who got the refusal finds
// it on the connection page. A full queue drops the line, never an event.
func (w *Writer) Reject(ctx context.Context, appID string, ev model.RecentEvent) {
	j := &job{appID: appID, received: ev.ReceivedAt, rejected: []model.RecentEvent{ev}, done: make(chan struct{})}
	if !w.enqueue(j) {
		return
	}
	select {
	case <-j.done:
	case <-ctx.Done():
	}
}

func (w *Writer) enqueue(j *job) bool {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return false
	}
	n := int64(len(j.events))
	if w.queued.Add(n) > int64(w.cfg.QueuedEvents) && n > 0 {
		w.queued.Add(-n)
		return false
	}
	select {
	case w.queue <- j:
		return true
	default:
		w.queued.Add(-n)
		return false
	}
}

// take is the writer's side of the queue's event count.
func (w *Writer) take(j *job) *job {
	w.queued.Add(-int64(len(j.events)))
	return j
}

// Close stops taking events, applies those already queued and returns when
// they are committed.
func (w *Writer) Close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.quit)
	}
	w.mu.Unlock()
	<-w.done
}

func (w *Writer) run() {
	defer close(w.done)
	for {
		select {
		case j := <-w.queue:
			w.process(w.gather(w.take(j)))
		case <-w.quit:
			for {
				select {
				case j := <-w.queue:
					w.process(w.gather(w.take(j)))
				default:
					return
				}
			}
		}
	}
}

// gather takes first and whatever else is already waiting, up to MaxGroup
// events.
func (w *Writer) gather(first *job) []*job {
	group := []*job{first}
	n := len(first.events)
	for n < w.cfg.MaxGroup {
		select {
		case j := <-w.queue:
			group = append(group, w.take(j))
			n += len(j.events)
		default:
			return group
		}
	}
	return group
}

// process commits a group. When the group's transaction fails, each job is
// retried alone, so one request's failure never fails the others.
func (w *Writer) process(group []*job) {
	err := w.commit(group)
	if err != nil && len(group) > 1 {
		for _, j := range group {
			j.err = w.commit([]*job{j})
		}
	} else {
		for _, j := range group {
			j.err = err
		}
	}
	for _, j := range group {
		if j.err != nil {
			w.log.Error("ingest: write failed", "app_id", j.appID, "events", len(j.events), "err", j.err)
			// %v, not %w: whatever the cause, nothing was stored, and the
			// client must see a server error, not the cause's meaning.
			j.results, j.err = nil, fmt.Errorf("ingest: write failed: %v", j.err)
		}
		w.notify(j)
		close(j.done)
	}
}

// OnCommit sets fn to be told, after each commit, how many events were
// stored for an app. Set it before the first Submit; fn runs on the writer
// goroutine and must return at once.
func (w *Writer) OnCommit(fn func(appID string, events int)) { w.onCommit = fn }

// notify reports the events a committed job stored.
func (w *Writer) notify(j *job) {
	if w.onCommit == nil {
		return
	}
	n := 0
	for _, r := range j.results {
		if r.Err == nil {
			n++
		}
	}
	if n > 0 {
		w.onCommit(j.appID, n)
	}
}

// commit applies jobs in one transaction, retrying when PostgreSQL reports
// a deadlock or serialisation failure.
func (w *Writer) commit(jobs []*job) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		// No deadline: a context that can end makes the SQLite driver watch
		// it with a goroutine per statement, and the writer must finish
		// what it started anyway.
		ctx := context.Background()
		err = w.db.InBulkTx(ctx, func(q *store.Queries) error { return w.apply(ctx, q, jobs) })
		if !retryable(err) {
			return err
		}
	}
	return err
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// nextSeq numbers log lines in the order they were written.
func (w *Writer) nextSeq(now time.Time) int64 {
	w.seq = max(w.seq+1, now.UnixMicro())
	return w.seq
}

func (w *Writer) location(tz string) *time.Location {
	if loc, ok := w.locs[tz]; ok {
		return loc
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		// Time zones are checked when an app is saved; a zone the binary
		// no longer knows is bucketed in UTC rather than losing events.
		w.log.Warn("ingest: unknown time zone, using UTC", "timezone", tz, "err", err)
		loc = time.UTC
	}
	w.locs[tz] = loc
	return loc
}
