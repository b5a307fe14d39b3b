// Package clv forecasts what customers will buy: how many more purchases
// (BG/NBD), how much each will be worth (Gamma-Gamma) and their discounted
// value over a horizon (CLV).
//
// The flow is Summarize → FitBGNBD and FitGammaGamma → CustomerValue or
// Values. Summaries count purchase days, not orders: same-day purchases
// of a customer are one transaction, which is what the models assume.
//
// The fits are maximum likelihood over the logarithms of the parameters
// with BFGS and analytic gradients, from three starting points, with each
// log parameter held in [−15, 15] by a quadratic wall so that degenerate
// data gives a finite fit flagged as not converged rather than NaN. On the
// CDNOW sample of Fader, Hardie & Lee (2005) they reproduce the published
// estimates and log-likelihoods.
//
// Both fits return ErrTooLittleData below MinCustomers customers or
// MinRepeatBuyers repeat buyers. Callers should then show heuristics
// labelled as such instead of model output.
//
// The Pareto/NBD model is not provided: its likelihood needs either a
// difference of two ₂F₁ values that cancels badly when the last purchase is
// close to the calibration end, or a quadrature per customer, too slow
// for a 100,000-customer fit without a matching gradient. BG/NBD fits the
// reference data as well (log-likelihood −9582 against −9595).
package clv
