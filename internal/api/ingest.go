package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"pulse/internal/httpx"
	"pulse/internal/ingest"
	"pulse/internal/model"
	"pulse/internal/money"
)

// ingestCustomer is POST /api/v1/customers.
func (a *API) ingestCustomer(w http.ResponseWriter, r *http.Request) error {
	return a.ingestOne(w, r, ingest.KindCustomer)
}

// ingestPurchase is POST /api/v1/purchases.
func (a *API) ingestPurchase(w http.ResponseWriter, r *http.Request) error {
	return a.ingestOne(w, r, ingest.KindPurchase)
}

func (a *API) ingestOne(w http.ResponseWriter, r *http.Request, kind ingest.Kind) error {
	k := keyFrom(r.Context())
	received := a.now()
	body, err := readEvent(w, r)
	var ev ingest.Event
	if err == nil {
		if kind == ingest.KindCustomer {
			ev, err = ingest.DecodeCustomer(body, received)
		} else {
			ev, err = ingest.DecodePurchase(body, appCurrency(k.App.Currency), received)
		}
	}
	if err != nil {
		a.writer.Reject(r.Context(), k.App.ID, a.rejectedLine(r, kind, refOf(body), err, received))
		return err
	}
	res, err := a.writer.Submit(r.Context(), k.App.ID, received, []ingest.Event{ev}, nil)
	if err != nil {
		return err
	}
	out := res[0]
	if out.Err != nil {
		return out.Err
	}
	status := http.StatusOK
	if out.Created {
		status = http.StatusCreated
	}
	if out.Customer != nil {
		httpx.WriteJSON(w, status, toCustomer(out.Customer, k.App.Currency))
	} else {
		httpx.WriteJSON(w, status, toPurchase(out.Purchase))
	}
	return nil
}

type batchResponse struct {
	Accepted int           `json:"accepted"`
	Rejected int           `json:"rejected"`
	Results  []batchResult `json:"results"`
}

type batchResult struct {
	Index  int            `json:"index"`
	Status int            `json:"status"`
	ID     *string        `json:"id,omitempty"`
	Error  *httpx.Problem `json:"error,omitempty"`
}

// ingestBatch is POST /api/v1/batch: every event is handled exactly as if
// sent alone, in order, and one bad event never rejects the others. All the
// batch's accepted events commit together.
// decodeBatch decodes and checks a batch body in one of the decoding
// slots: at most one fewer batch than there are processors is decoded at
// once, so that the ingestion writer, whose single goroutine is what every
// batch waits for, always finds a processor free. Left to the scheduler,
// thirty-odd decoding goroutines take turns with it and slow it by a
// tenth. The body is read before a slot is taken: a slow client must not
// hold one.
func (a *API) decodeBatch(ctx context.Context, body []byte, in *ingest.BatchInput, cur ingest.Currency,
	received time.Time) ([]ingest.Item, error) {
	select {
	case a.decoding <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-a.decoding }()
	if err := httpx.UnmarshalOuter(body, in); err != nil {
		return nil, err
	}
	return ingest.DecodeBatch(*in, cur, received)
}

func (a *API) ingestBatch(w http.ResponseWriter, r *http.Request) error {
	k := keyFrom(r.Context())
	received := a.now()
	body, err := httpx.ReadBody(w, r, ingest.MaxBatchBytes)
	if err != nil {
		return err
	}
	var in ingest.BatchInput
	items, err := a.decodeBatch(r.Context(), body, &in, appCurrency(k.App.Currency), received)
	if err != nil {
		return err
	}
	out := batchResponse{Results: make([]batchResult, len(items))}
	events := make([]ingest.Event, 0, len(items))
	var rejected []model.RecentEvent
	for i, it := range items {
		out.Results[i].Index = it.Index
		if it.Err != nil {
			p := a.eventProblem(r, it.Err)
			out.Results[i].Status, out.Results[i].Error = p.Status, p
			rejected = append(rejected, a.rejectedLine(r, it.Event.Kind, refOf((*in.Events)[i]), it.Err, received))
			continue
		}
		if ref := it.Event.Ref(); ref != "" {
			out.Results[i].ID = &ref
		}
		events = append(events, it.Event)
	}
	res, err := a.writer.Submit(r.Context(), k.App.ID, received, events, rejected)
	if err != nil {
		return err
	}
	next := 0
	for i := range out.Results {
		if out.Results[i].Error != nil {
			continue
		}
		switch e := res[next]; {
		case e.Err != nil:
			p := a.eventProblem(r, ingest.Prefix(e.Err, eventField(i)))
			out.Results[i].Status, out.Results[i].Error = p.Status, p
		case e.Created:
			out.Results[i].Status = http.StatusCreated
		default:
			out.Results[i].Status = http.StatusOK
		}
		next++
	}
	for _, res := range out.Results {
		if res.Error == nil {
			out.Accepted++
		} else {
			out.Rejected++
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func eventField(i int) string { return "events[" + strconv.Itoa(i) + "]" }

// eventProblem is the problem for one event of a batch, without the
// request id the batch response carries once.
func (a *API) eventProblem(r *http.Request, err error) *httpx.Problem {
	p := *a.problemFor(r, err)
	return &p
}

// rejectedLine is the connection page's record of a refused event.
func (a *API) rejectedLine(r *http.Request, kind ingest.Kind, ref string, err error, at time.Time) model.RecentEvent {
	p := a.problemFor(r, err)
	detail := p.Detail
	if detail == "" {
		detail = p.Title
	}
	if kind == "" {
		kind = "event"
	}
	return model.RecentEvent{Kind: string(kind), Ref: ref, Status: p.Status, Detail: detail, ReceivedAt: at}
}

// refOf digs the id out of a refused event, when it has a readable one, so
// that the developer can tell which event it was.
func refOf(body []byte) string {
	var v struct {
		ID any `json:"id"`
	}
	if len(body) == 0 || json.Unmarshal(body, &v) != nil {
		return ""
	}
	if s, ok := v.ID.(string); ok && len(s) <= 256 {
		return s
	}
	return ""
}

func appCurrency(code string) ingest.Currency {
	exp, _ := money.Exponent(code)
	return ingest.Currency{Code: code, Exp: exp}
}

// readEvent reads one event's body; over the limit, the problem points to
// the batch endpoint.
func readEvent(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := httpx.ReadBody(w, r, ingest.MaxEventBytes)
	var p *httpx.Problem
	if errors.As(err, &p) && p.Status == http.StatusRequestEntityTooLarge {
		p.Detail += " for one event; send large histories with POST /api/v1/batch"
	}
	return body, err
}
