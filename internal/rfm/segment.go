// Package rfm scores customers on recency, frequency and money (RFM) and
// sorts them into the ten standard segments.
//
// Each score is 1 to 5 by rank-based quintiles over the customers scored
// together: a customer scores 1 + floor(5·L/n), where n is the number of
// customers and L the number of them with a strictly worse value. Equal
// values therefore get equal scores (the "competition" rank of the first of
// them), the best value scores at most 5, and a score that no rank reaches
// simply stays empty. Recency is reversed: fewer days since the last
// purchase is better, so the most recent buyers score 5.
//
// The segment follows the widely used R × FM grid: R is the recency score
// and FM the mean of the frequency and money scores rounded half up
// (ceil((F+M)/2)).
//
//	R \ FM   1               2                    3                    4                 5
//	5        new             potential_loyalists  potential_loyalists  champions         champions
//	4        promising       potential_loyalists  potential_loyalists  loyal             loyal
//	3        about_to_sleep  about_to_sleep       need_attention       loyal             loyal
//	2        hibernating     hibernating          at_risk              at_risk           cannot_lose_them
//	1        hibernating     hibernating          at_risk              at_risk           cannot_lose_them
package rfm

import "strings"

// Segment is a segment's id, as the API names it.
type Segment string

// The ten segments, in the order reports list them: from the best
// customers to the lost ones.
const (
	Champions          Segment = "champions"
	Loyal              Segment = "loyal"
	PotentialLoyalists Segment = "potential_loyalists"
	New                Segment = "new"
	Promising          Segment = "promising"
	NeedAttention      Segment = "need_attention"
	AboutToSleep       Segment = "about_to_sleep"
	AtRisk             Segment = "at_risk"
	CannotLoseThem     Segment = "cannot_lose_them"
	Hibernating        Segment = "hibernating"
)

var all = []struct {
	id   Segment
	name string
}{
	{Champions, "Champions"},
	{Loyal, "Loyal"},
	{PotentialLoyalists, "Potential loyalists"},
	{New, "New"},
	{Promising, "Promising"},
	{NeedAttention, "Need attention"},
	{AboutToSleep, "About to sleep"},
	{AtRisk, "At risk"},
	{CannotLoseThem, "Cannot lose them"},
	{Hibernating, "Hibernating"},
}

// Segments lists every segment in report order.
func Segments() []Segment {
	out := make([]Segment, len(all))
	for i, s := range all {
		out[i] = s.id
	}
	return out
}

// IDs is every segment id joined by ", ", for messages.
func IDs() string {
	ids := make([]string, len(all))
	for i, s := range all {
		ids[i] = string(s.id)
	}
	return strings.Join(ids, ", ")
}

// Name is the segment's English name; "" for an unknown id.
func (s Segment) Name() string {
	for _, x := range all {
		if x.id == s {
			return x.name
		}
	}
	return ""
}

// namesRU are the segments' Russian names.
var namesRU = map[Segment]string{
	Champions: "Чемпионы", Loyal: "Лояльные", PotentialLoyalists: "Потенциально лояльные",
	New: "Новые", Promising: "Перспективные", NeedAttention: "Требуют внимания",
	AboutToSleep: "Засыпающие", AtRisk: "В зоне риска", CannotLoseThem: "Нельзя потерять",
	Hibernating: "Спящие",
}

// NameIn is the segment's name in lang ("en" or "ru").
func (s Segment) NameIn(lang string) string {
	if lang == "ru" {
		return namesRU[s]
	}
	return s.Name()
}

// Valid reports whether s is one of the ten segments.
func (s Segment) Valid() bool { return s.Name() != "" }

// FM is the combined frequency and money score: their mean rounded half
// up.
func FM(f, m int) int { return (f + m + 1) / 2 }

// Of is the segment of a customer with recency score r, frequency score f
// and money score m, each 1 to 5.
func Of(r, f, m int) Segment {
	fm := FM(f, m)
	switch {
	case r <= 2:
		switch {
		case fm <= 2:
			return Hibernating
		case fm <= 4:
			return AtRisk
		default:
			return CannotLoseThem
		}
	case r == 3:
		switch {
		case fm <= 2:
			return AboutToSleep
		case fm == 3:
			return NeedAttention
		default:
			return Loyal
		}
	case fm >= 4 && r == 4:
		return Loyal
	case fm >= 4:
		return Champions
	case fm >= 2:
		return PotentialLoyalists
	case r == 4:
		return Promising
	default:
		return New
	}
}

// Cells lists every score triple (r, f, m) that falls in segment s.
func Cells(s Segment) [][3]int {
	var out [][3]int
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			for m := 1; m <= 5; m++ {
				if Of(r, f, m) == s {
					out = append(out, [3]int{r, f, m})
				}
			}
		}
	}
	return out
}
