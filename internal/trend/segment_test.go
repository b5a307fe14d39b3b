package trend

import (
	"testing"

	"pulse/internal/rfm"
)

func TestCompareSegmentsCountsMovesBothWays(t *testing.T) {
	then := map[string]rfm.Segment{"a": rfm.New, "b": rfm.New, "c": rfm.Loyal, "d": rfm.AtRisk}
	now := map[string]rfm.Segment{"a": rfm.Hibernating, "b": rfm.New, "c": rfm.AtRisk, "d": rfm.AtRisk, "e": rfm.New}
	got := compareSegments(then, now)
	for seg, want := range map[rfm.Segment]segmentCounts{
		rfm.New:         {joined: 1, left: 1, before: 2, after: 2}, // a left, e is new
		rfm.Hibernating: {joined: 1, before: 0, after: 1},
		rfm.Loyal:       {left: 1, before: 1, after: 0},
		rfm.AtRisk:      {joined: 1, before: 1, after: 2},
		rfm.Champions:   {},
	} {
		if *got[seg] != want {
			t.Errorf("%s: %+v, want %+v", seg, *got[seg], want)
		}
	}
	for seg, c := range got {
		if c.joined-c.left != c.after-c.before {
			t.Errorf("%s: joined − left ≠ after − before: %+v", seg, *c)
		}
	}
}
