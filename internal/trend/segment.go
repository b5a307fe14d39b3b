package trend

import (
	"time"

	"pulse/internal/day"
	"pulse/internal/rfm"
	"pulse/internal/stats"
	"pulse/internal/store"
)

const (
	// segmentDays is how far back the segments are compared.
	segmentDays = 28
	// minSegmentMoves is the fewest customers joining or leaving a segment
	// for its shift to be tested: with fewer, no split is significant.
	minSegmentMoves = 6
)

// segmentCounts are the customers that joined and left one segment between
// two dates, and its size at each.
type segmentCounts struct {
	joined, left, before, after int64
}

// segmentShifts scores every customer's RFM segment as of segmentDays ago
// and as of the last day, each against its own date's quintiles, and tests
// every segment's net change with a sign test on the customers who moved:
// under no shift, a customer moving across the segment's border is as
// likely to join as to leave, so the joiners are Binomial(moves, ½). The
// p-values are adjusted across segments with Benjamini–Hochberg. Customers
// new since the earlier date count as joining.
func (a *analysis) segmentShifts() error {
	before := a.last - segmentDays
	if a.first > before {
		a.skip(KindSegment, "customers", a.txt.fewDays(segmentDays+1, int(a.last-a.first+1)))
		return nil
	}
	loc, err := time.LoadLocation(a.app.Timezone)
	if err != nil {
		loc = time.UTC
	}
	then, err := a.segmentsAt(before, loc)
	if err != nil {
		return err
	}
	now, err := a.segmentsAt(a.last, loc)
	if err != nil {
		return err
	}
	counts := compareSegments(then, now)
	var tested []rfm.Segment
	var ps []float64
	for _, seg := range rfm.Segments() {
		c := counts[seg]
		if c.joined+c.left < minSegmentMoves {
			continue
		}
		tested = append(tested, seg)
		ps = append(ps, stats.BinomialTest(int(c.joined), int(c.joined+c.left), 0.5))
	}
	if len(tested) == 0 {
		a.skip(KindSegment, "customers", a.txt.fewSegmentMoves(minSegmentMoves))
		return nil
	}
	q := stats.BenjaminiHochberg(ps)
	var found []Finding
	var order []float64
	for i, seg := range tested {
		c := counts[seg]
		if q[i] > Alpha || c.after == c.before {
			continue
		}
		found = append(found, a.segmentFinding(seg, c, before, ps[i], q[i]))
		order = append(order, q[i])
	}
	a.addInOrder(found, order)
	return nil
}

// segmentsAt is each customer's segment as the purchases stood at the end
// of day d.
func (a *analysis) segmentsAt(d int64, loc *time.Location) (map[string]rfm.Segment, error) {
	rows, err := a.db.CustomersRFMOfBetween(a.ctx, a.app.ID, time.Time{}, day.Start(d+1, loc))
	if err != nil {
		return nil, err
	}
	totals := make([]store.CustomerRFM, len(rows))
	for i, r := range rows {
		totals[i] = r.CustomerRFM
	}
	cs := rfm.FromTotals(totals, d, loc)
	md := rfm.Fit(cs)
	out := make(map[string]rfm.Segment, len(rows))
	for i, r := range rows {
		out[r.CustomerID] = md.Segment(cs[i])
	}
	return out, nil
}

// compareSegments counts, per segment, the customers that joined and left
// it between then and now, and its size at both.
func compareSegments(then, now map[string]rfm.Segment) map[rfm.Segment]*segmentCounts {
	out := map[rfm.Segment]*segmentCounts{}
	for _, seg := range rfm.Segments() {
		out[seg] = &segmentCounts{}
	}
	for id, seg := range then {
		out[seg].before++
		if now[id] != seg {
			out[seg].left++
		}
	}
	for id, seg := range now {
		out[seg].after++
		if prev, ok := then[id]; !ok || prev != seg {
			out[seg].joined++
		}
	}
	return out
}

func (a *analysis) segmentFinding(seg rfm.Segment, c *segmentCounts, before int64, p, q float64) Finding {
	f := Finding{
		Kind: KindSegment, Metric: "customers", Subject: ptr(string(seg)),
		Direction: direction(float64(c.after - c.before)),
		ChangePct: pct(float64(c.before), float64(c.after)), ChangeAbs: c.after - c.before,
		Period: Period{From: day.String(before), To: day.String(a.last)},
		Significance: Significance{
			Test: "sign_test_on_moves", PValue: p, AdjustedP: ptr(q), Statistic: float64(c.joined), Alpha: Alpha,
			N: int(c.joined + c.left), Joined: ptr(c.joined), Left: ptr(c.left),
		},
		Evidence: []Point{
			{Date: day.String(before), Value: c.before},
			{Date: day.String(a.last), Value: c.after},
		},
	}
	f.Summary = a.txt.segmentShift(seg, c, q)
	return f
}
