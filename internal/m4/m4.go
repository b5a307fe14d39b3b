// Package m4 evaluates forecasting methods on the weekly series of the M4
// competition (Makridakis, Spiliotis & Assimakopoulos 2020) exactly as the
// competition scored them, so that a method can be compared with the
// published table: sMAPE, MASE and OWA relative to Naive2.
package m4

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Weekly facts of the competition: 13 weeks to forecast, MASE scaled by
// the one-step naive error (M4 uses frequency 1 for weekly data).
const (
	WeeklyHorizon = 13
	WeeklyMASELag = 1
)

// Series is one M4 series: the training values and the values to forecast.
type Series struct {
	ID    string
	Train []float64
	Test  []float64
}

// LoadWeekly reads Weekly-train.csv and Weekly-test.csv from dir and pairs
// them by id. It checks that every series has a test of WeeklyHorizon
// values.
func LoadWeekly(dir string) ([]Series, error) {
	train, err := readWide(filepath.Join(dir, "Weekly-train.csv"))
	if err != nil {
		return nil, fmt.Errorf("m4.LoadWeekly: %w", err)
	}
	test, err := readWide(filepath.Join(dir, "Weekly-test.csv"))
	if err != nil {
		return nil, fmt.Errorf("m4.LoadWeekly: %w", err)
	}
	if len(train) != len(test) {
		return nil, fmt.Errorf("m4.LoadWeekly: %d training series but %d test series", len(train), len(test))
	}
	out := make([]Series, len(train))
	for i, tr := range train {
		te := test[i]
		if tr.ID != te.ID {
			return nil, fmt.Errorf("m4.LoadWeekly: row %d: train id %q, test id %q", i+1, tr.ID, te.ID)
		}
		if len(te.values) != WeeklyHorizon {
			return nil, fmt.Errorf("m4.LoadWeekly: %s has %d test values, want %d", te.ID, len(te.values), WeeklyHorizon)
		}
		out[i] = Series{ID: tr.ID, Train: tr.values, Test: te.values}
	}
	return out, nil
}

type row struct {
	ID     string
	values []float64
}

// readWide parses an M4 wide CSV: a header, then id followed by values,
// with trailing empty cells for shorter series.
func readWide(path string) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	var rows []row
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(rec) < 2 {
			return nil, fmt.Errorf("%s: line %d: no values", path, len(rows)+2)
		}
		rw := row{ID: rec[0]}
		for j, cell := range rec[1:] {
			cell = strings.TrimSpace(cell)
			if cell == "" || cell == "NA" {
				break
			}
			v, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %s column %d: %w", path, rec[0], j+2, err)
			}
			rw.values = append(rw.values, v)
		}
		rows = append(rows, rw)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no series", path)
	}
	return rows, nil
}

// readTable reads a whole CSV file of any shape.
func readTable(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) < 3 {
		return nil, fmt.Errorf("%s: %d lines, want a two-line header and data", path, len(rows))
	}
	return rows, nil
}

func parseFloat(s string) (float64, error) {
	return strconv.ParseFloat(strings.TrimSpace(s), 64)
}
