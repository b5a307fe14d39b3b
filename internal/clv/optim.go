package clv

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
)

// ErrTooLittleData is returned by the fits when the data cannot identify the
// model; callers should fall back to plain heuristics and label them so.
var ErrTooLittleData = errors.New("clv: too little data to fit the model")

// Minimum data the fits accept. Below these the likelihood is so flat that
// the estimates say more about the starting point than about the customers.
const (
	MinCustomers    = 30
	MinRepeatBuyers = 10
)

// logBound caps |log parameter|: e^±15 covers every sensible rate, shape or
// scale in days or weeks, and keeps degenerate fits (a → 0, b → ∞, r and
// alpha growing together when rates are homogeneous) finite.
const logBound = 15

// objective is a negative mean log-likelihood over log parameters; it
// writes the gradient into grad and must stay finite inside the box.
type objective func(theta, grad []float64) float64

// boxed evaluates f at theta clamped to the box and adds a quadratic pull
// back for the excess, so line searches that overshoot see a finite,
// continuous surface instead of Inf or NaN.
func boxed(f objective) objective {
	var clamped []float64
	return func(theta, grad []float64) float64 {
		if clamped == nil {
			clamped = make([]float64, len(theta))
		}
		pen := 0.0
		for i, v := range theta {
			c := math.Max(-logBound, math.Min(logBound, v))
			clamped[i] = c
			pen += (v - c) * (v - c)
		}
		val := f(clamped, grad)
		for i, v := range theta {
			if ex := v - clamped[i]; ex != 0 {
				grad[i] = 2 * ex
			}
		}
		return val + pen
	}
}

// fitResult is the best of several local searches.
type fitResult struct {
	theta     []float64
	f         float64
	converged bool
}

// minimize runs BFGS from every start, falls back to Nelder–Mead where BFGS
// fails, and keeps the lowest value. Several starts because the BG/NBD
// surface has long flat valleys where one search can stop early.
func minimize(f objective, starts [][]float64) (fitResult, error) {
	f = boxed(f)
	dim := len(starts[0])
	var (
		lastX    = make([]float64, dim)
		lastGrad = make([]float64, dim)
		lastF    = math.NaN()
	)
	// Func and Grad are asked for at the same points; evaluating once per
	// point halves the work.
	eval := func(x []float64) {
		if !math.IsNaN(lastF) && floats.Equal(x, lastX) {
			return
		}
		copy(lastX, x)
		lastF = f(x, lastGrad)
	}
	prob := optimize.Problem{
		Func: func(x []float64) float64 { eval(x); return lastF },
		Grad: func(g, x []float64) { eval(x); copy(g, lastGrad) },
	}
	best := fitResult{f: math.Inf(1)}
	var lastErr error
	for _, x0 := range starts {
		res, err := optimize.Minimize(prob, x0, &optimize.Settings{
			GradientThreshold: 1e-9,
			MajorIterations:   400,
			Converger:         &optimize.FunctionConverge{Absolute: 1e-12, Iterations: 20},
		}, &optimize.BFGS{})
		if res == nil || math.IsNaN(res.F) || (err != nil && !nearStationary(prob, res.X)) {
			res, err = optimize.Minimize(optimize.Problem{Func: prob.Func}, x0, &optimize.Settings{
				MajorIterations: 4000,
				Converger:       &optimize.FunctionConverge{Absolute: 1e-12, Iterations: 200},
			}, &optimize.NelderMead{})
		}
		if res == nil || math.IsNaN(res.F) {
			lastErr = err
			continue
		}
		if res.F < best.f {
			best = fitResult{
				theta:     append([]float64(nil), res.X...),
				f:         res.F,
				converged: err == nil || nearStationary(prob, res.X),
			}
		}
	}
	if best.theta == nil {
		return best, errors.Join(errors.New("clv: optimizer failed from every start"), lastErr)
	}
	best.converged = best.converged && nearStationary(prob, best.theta)
	return best, nil
}

// nearStationary accepts line-search stalls at points where the gradient of
// the mean log-likelihood is already negligible: BFGS often reports
// "no progress" there rather than gradient convergence.
func nearStationary(p optimize.Problem, x []float64) bool {
	g := make([]float64, len(x))
	p.Grad(g, x)
	return floats.Norm(g, math.Inf(1)) < 1e-5
}
