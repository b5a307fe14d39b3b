package clv

// Discounted sums any cumulative forecast of transactions over the horizon
// the way CustomerValue does: expected(t) is the expected number of
// transactions in the next t units, and the result is the total over the
// horizon and the same total with each sub-period's share discounted. It
// lets a caller value customers by another predictor (a heuristic when
// there is too little data for BG/NBD) on exactly the same terms.
func Discounted(expected func(units float64) float64, unitDays float64, o ValueOptions) (txns, discounted float64, err error) {
	steps, err := o.grid(unitDays)
	if err != nil {
		return 0, 0, err
	}
	path := make([]float64, len(steps))
	for i, st := range steps {
		path[i] = expected(st.units)
	}
	txns, discounted = discount(steps, path, o.AnnualDiscount)
	return txns, discounted, nil
}
