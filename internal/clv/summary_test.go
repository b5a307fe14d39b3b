package clv

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		txns []Txn
		end  int64
		unit float64
		want []Summary
	}{
		{
			name: "one purchase",
			txns: []Txn{{"a", 10, 5}},
			end:  24, unit: 7,
			want: []Summary{{Customer: "a", T: 2, UnitDays: 7}},
		},
		{
			name: "same-day purchases merge, first day left out of monetary",
			txns: []Txn{{"a", 10, 5}, {"a", 10, 7}, {"a", 13, 2}, {"a", 13, 4}, {"a", 17, 9}},
			end:  20, unit: 1,
			want: []Summary{{Customer: "a", X: 2, TX: 7, T: 10, Monetary: (6 + 9) / 2.0, UnitDays: 1}},
		},
		{
			name: "unsorted input, several customers, sorted output",
			txns: []Txn{{"b", 5, 1}, {"a", 3, 2}, {"b", 1, 3}, {"a", 1, 4}},
			end:  8, unit: 1,
			want: []Summary{
				{Customer: "a", X: 1, TX: 2, T: 7, Monetary: 2, UnitDays: 1},
				{Customer: "b", X: 1, TX: 4, T: 7, Monetary: 1, UnitDays: 1},
			},
		},
		{
			name: "after the calibration end ignored; new after it left out",
			txns: []Txn{{"a", 1, 1}, {"a", 5, 2}, {"a", 9, 100}, {"c", 9, 1}},
			end:  8, unit: 1,
			want: []Summary{{Customer: "a", X: 1, TX: 4, T: 7, Monetary: 2, UnitDays: 1}},
		},
		{
			name: "purchase on the end day",
			txns: []Txn{{"a", 1, 1}, {"a", 8, 2}, {"n", 8, 5}},
			end:  8, unit: 1,
			want: []Summary{
				{Customer: "a", X: 1, TX: 7, T: 7, Monetary: 2, UnitDays: 1},
				{Customer: "n", UnitDays: 1},
			},
		},
		{
			name: "no transactions",
			end:  8, unit: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Summarize(tc.txns, tc.end, tc.unit)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestSummarizeBadUnit(t *testing.T) {
	t.Parallel()
	for _, u := range []float64{0, -7, math.NaN(), math.Inf(1)} {
		if _, err := Summarize([]Txn{{"a", 1, 1}}, 5, u); !errors.Is(err, ErrBadUnit) {
			t.Errorf("unit %g: err %v, want ErrBadUnit", u, err)
		}
	}
}

// Summarize must not reorder the caller's slice.
func TestSummarizeLeavesInput(t *testing.T) {
	t.Parallel()
	txns := []Txn{{"b", 5, 1}, {"a", 3, 2}}
	if _, err := Summarize(txns, 8, 1); err != nil {
		t.Fatal(err)
	}
	if txns[0].Customer != "b" {
		t.Error("input reordered")
	}
}
