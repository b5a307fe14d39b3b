package trend

import (
	"fmt"
	"time"

	"pulse/internal/buyerset"
	"pulse/internal/report"
)

// buyerWeek is one week's distinct buyers and how many of them placed two
// or more orders in that week.
type buyerWeek struct{ buyers, repeaters int64 }

// repeatSeries is the weekly repeat-purchase rate of the n complete weeks
// ending on Sunday end, in percent: the sales report's figure for the same
// week, unrounded, so that the test sees no ties the data does not have.
// Weeks without buyers are left out, where the rate is undefined, as
// average order value leaves out weeks without orders.
func (a *analysis) repeatSeries(end int64, n int) (weekly, error) {
	starts := make([]int64, n)
	for k := range starts {
		starts[k] = end - int64(7*(n-k)) + 1
	}
	weeks, err := a.buyerWeeks(starts)
	if err != nil {
		return weekly{}, err
	}
	s := weekly{metric: "repeat_rate", isPercent: true}
	for k, w := range weeks {
		if w.buyers > 0 {
			s.starts = append(s.starts, starts[k])
			s.values = append(s.values, 100*float64(w.repeaters)/float64(w.buyers))
		}
	}
	return s, nil
}

// storedBuyerWeeks counts each week's buyers from the daily buyer sets,
// first rebuilding them if they are not in the app's time zone: a week's
// distinct buyers are the union of its days' sets, and a buyer seen on two
// days, or twice on one, ordered at least twice. starts are consecutive
// Mondays.
func (a *analysis) storedBuyerWeeks(starts []int64) ([]buyerWeek, error) {
	loc, err := time.LoadLocation(a.app.Timezone)
	if err != nil {
		// The zone was checked when the app was saved; only lost zone data
		// can fail here.
		loc = time.UTC
	}
	if err := report.EnsureBuyers(a.ctx, a.db, a.app, loc); err != nil {
		return nil, fmt.Errorf("trend: buyer sets: %w", err)
	}
	days, err := a.db.BuyerDays(a.ctx, a.app.ID, starts[0], starts[len(starts)-1]+6, true)
	if err != nil {
		return nil, fmt.Errorf("trend: buyer sets: %w", err)
	}
	out := make([]buyerWeek, len(starts))
	var u buyerset.Union
	i := 0
	for k, start := range starts {
		u.Reset()
		for ; i < len(days) && days[i].Day < start+7; i++ {
			if err := u.AddDay(days[i].Members); err != nil {
				return nil, fmt.Errorf("trend: buyer sets of day %d: %w", days[i].Day, err)
			}
		}
		out[k] = buyerWeek{buyers: u.Buyers(), repeaters: u.Repeaters()}
	}
	return out, nil
}
