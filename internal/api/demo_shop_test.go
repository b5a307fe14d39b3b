package api_test

import (
	"testing"

	"pulse/internal/demo"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// TestOnDemoData loads the demo history (seed 11, two years to the
// harness's today) into a shop in New York time once per database, and
// checks on it the trends, the segment and cohort reports and the
// recommendations, each against a brute force over the events sent.
// Loading 40,000 purchases is most of the cost, so the checks share it,
// and the two databases run side by side;
// the recommendations go last, since they change the response rate.
func TestOnDemoData(t *testing.T) {
	t.Parallel()
	storetest.EachParallel(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		ny := setTimezone(t, s, "America/New_York")
		h := demo.Generate(demo.Options{Seed: 11, End: s.h.clock.Now()})
		for _, body := range h.Batches(1000) {
			r := s.post("/api/v1/batch", body)
			if r.status != 200 {
				t.Fatalf("batch: %d %s", r.status, r.body)
			}
			if v, _ := r.field("rejected"); v != float64(0) {
				t.Fatalf("demo events rejected: %.300s", r.body)
			}
		}
		t.Run("trends", func(t *testing.T) { checkTrendsOnDemo(t, s, h, ny) })
		t.Run("reports", func(t *testing.T) { checkReportsOnDemo(t, s.h, s.c.key, h) })
		t.Run("recommendations", func(t *testing.T) { checkRecommendationsOnDemo(t, s, h, ny) })
	})
}
