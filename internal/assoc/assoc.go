// Package assoc mines association rules ("customers who bought X also
// bought y") from shopping baskets, with the semantics of apriori in the R
// package arules: M. Hahsler, B. Grün and K. Hornik (2005), "arules – A
// Computational Environment for Mining Association Rules and Frequent Item
// Sets", Journal of Statistical Software 14(15). arules wraps Christian
// Borgelt's apriori C code; the thresholds below follow that code
// (istree.c), so the rule sets are the same as arules produces, rule for
// rule. The mining itself is depth first over tid-lists (Eclat, Zaki 2000)
// with LCM's occurrence delivery (Uno et al. 2004) to count extensions,
// which finds the same frequent item sets as the level-wise candidate tree,
// faster.
//
// Definitions, with N the number of baskets (empty baskets included) and
// count(S) the number of baskets holding every item of S:
//
//   - S is frequent when count(S) >= ceil(N × MinSupport), the product
//     taken in float64 exactly as arules does. For 0.001 × 9835 = 9.835 that
//     is 10. The trap: a support that is an exact fraction of N in decimal
//     is not always one in binary, so 0.07 × 100 = 7.000000000000001 asks
//     for 8 baskets, not 7 (arules behaves the same way).
//   - Every frequent item set S with MinLen <= |S| <= MaxLen yields the rule
//     S∖{y} ⇒ {y} for each y in S, kept when its confidence
//     count(S) / count(S∖{y}) is at least MinConfidence (less 1e-12 for
//     rounding, as arules). A set of one item gives {} ⇒ {y}, whose
//     confidence is the support of y.
//   - support = count(S)/N, coverage = count(S∖{y})/N, and
//     lift = confidence × N / count({y}).
package assoc

import (
	"errors"
	"fmt"
	"math"
)

// Defaults of arules' apriori (APparameter) for the rule lengths, and the
// guard on the number of frequent item sets.
const (
	DefaultMinLen      = 1
	DefaultMaxLen      = 10
	DefaultMaxItemsets = 2_000_000
)

// confidenceSlack is the tolerance arules' istree.c (EPSILON) allows below
// the minimum confidence, so that 0.8 as typed still admits 4/5 whatever the
// rounding of the division.
const confidenceSlack = 1e-12

// Options are the mining thresholds. The zero value is not usable:
// MinSupport must be set (arules' own default is 0.1, confidence 0.8).
type Options struct {
	// MinSupport is the least fraction of baskets an item set must appear
	// in, in (0, 1].
	MinSupport float64
	// MinConfidence is the least confidence of a rule, in [0, 1].
	MinConfidence float64
	// MinLen and MaxLen bound the number of items in a rule (antecedent
	// and consequent together) or in an item set. Zero means the arules
	// default: 1 and 10. MinLen 1 admits rules with an empty antecedent.
	MinLen, MaxLen int
	// MaxItemsets caps the frequent item sets held while mining; past it
	// mining stops with ErrTooManyItemsets instead of exhausting memory
	// when the support is too low for the data. A set costs 24 bytes in
	// the miner, and yields at most one rule per item. Zero means
	// DefaultMaxItemsets.
	MaxItemsets int
}

// Rule is an association rule Antecedent ⇒ {Consequent}. Items are the
// caller's indexes.
type Rule struct {
	Antecedent []int // sorted ascending; empty for {} ⇒ {y}
	Consequent int
	Count      int     // baskets holding the antecedent and the consequent
	Support    float64 // Count / N
	Confidence float64 // Count / baskets holding the antecedent
	Coverage   float64 // support of the antecedent
	Lift       float64 // Confidence / support of the consequent
}

// Itemset is a frequent item set.
type Itemset struct {
	Items   []int // sorted ascending
	Count   int
	Support float64
}

// ErrTooManyItemsets reports that the thresholds admit more frequent item
// sets than Options.MaxItemsets; raise MinSupport or lower MaxLen.
var ErrTooManyItemsets = errors.New("assoc: too many frequent item sets")

// OptionError reports an invalid field of Options.
type OptionError struct {
	Option string // field name, e.g. "MinSupport"
	Reason string
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("assoc: invalid Options.%s: %s", e.Option, e.Reason)
}

// normalized returns o with the defaults filled in, or the first invalid
// field.
func (o Options) normalized() (Options, error) {
	if math.IsNaN(o.MinSupport) || o.MinSupport <= 0 || o.MinSupport > 1 {
		return o, &OptionError{"MinSupport", fmt.Sprintf("must be in (0, 1], got %v", o.MinSupport)}
	}
	if math.IsNaN(o.MinConfidence) || o.MinConfidence < 0 || o.MinConfidence > 1 {
		return o, &OptionError{"MinConfidence", fmt.Sprintf("must be in [0, 1], got %v", o.MinConfidence)}
	}
	if o.MinLen < 0 {
		return o, &OptionError{"MinLen", fmt.Sprintf("must be >= 1 (0 for the default), got %d", o.MinLen)}
	}
	if o.MaxLen < 0 {
		return o, &OptionError{"MaxLen", fmt.Sprintf("must be >= 1 (0 for the default), got %d", o.MaxLen)}
	}
	if o.MaxItemsets < 0 {
		return o, &OptionError{"MaxItemsets", fmt.Sprintf("must be >= 1 (0 for the default), got %d", o.MaxItemsets)}
	}
	if o.MinLen == 0 {
		o.MinLen = DefaultMinLen
	}
	if o.MaxLen == 0 {
		o.MaxLen = DefaultMaxLen
	}
	if o.MaxItemsets == 0 {
		o.MaxItemsets = DefaultMaxItemsets
	}
	if o.MinLen > o.MaxLen {
		return o, &OptionError{"MinLen", fmt.Sprintf("%d exceeds MaxLen %d", o.MinLen, o.MaxLen)}
	}
	return o, nil
}

// minCount is the least number of baskets a frequent item set appears in:
// arules' s_min = ceil(tacnt * supp), in the same floating point.
func minCount(n int, support float64) int {
	return int(math.Ceil(float64(n) * support))
}
