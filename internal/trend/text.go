package trend

import (
	"fmt"
	"math"

	"pulse/internal/day"
	"pulse/internal/i18n"
	"pulse/internal/rfm"
)

// text writes summaries and reasons in one language, with numbers, money
// and dates formatted the way that language writes them. The messages live
// here rather than in the interface catalogs: they are sentences built
// around numbers, with Russian word forms that depend on gender and case.
type text struct{ lang string }

func texts(lang string) *text {
	if lang != "ru" {
		lang = "en"
	}
	return &text{lang: lang}
}

func (t *text) ru() bool { return t.lang == "ru" }

func (t *text) pick(en, ru string) string {
	if t.ru() {
		return ru
	}
	return en
}

// count formats a count, with one decimal when it is not whole (a fitted
// weekly value).
func (t *text) count(v float64) string {
	if r := math.Round(v); math.Abs(v-r) < 0.05 {
		return i18n.Int(t.lang, int64(r))
	}
	return i18n.Float(t.lang, v, 1)
}

func (t *text) amount(a *analysis, v float64, isMoney bool) string {
	if isMoney {
		return i18n.Money(t.lang, int64(math.Round(v)), a.app.Currency)
	}
	return t.count(v)
}

// signedPct formats a percentage with its sign: "+12.5%", "−3.0 %".
func (t *text) signedPct(p float64) string {
	s := i18n.Percent(t.lang, p/100)
	if p > 0 {
		s = "+" + s
	}
	return s
}

// details is the parenthesis after a finding: its percentage change, when
// there is one, and its p-value.
func (t *text) details(change *float64, p float64) string {
	ps := "p < " + i18n.Float(t.lang, 0.001, 3)
	if p >= 0.001 {
		ps = "p = " + i18n.Float(t.lang, p, 3)
	}
	if change == nil {
		return "(" + ps + ")"
	}
	return "(" + t.signedPct(*change) + ", " + ps + ")"
}

var noDataText = [2]string{"there are no sales up to this date", "до этой даты нет данных о продажах"}

func (t *text) idx() int {
	if t.ru() {
		return 1
	}
	return 0
}

func (t *text) noData() string { return noDataText[t.idx()] }

// The minimums below are constants of at least 2, so the Russian noun
// after "не меньше" is always genitive plural.

func (t *text) fewWeeks(need, have int) string {
	return fmt.Sprintf(t.pick("needs at least %s complete weeks (Monday to Sunday) of data; there are %s",
		"нужно не меньше %s полных недель (с понедельника по воскресенье) данных; есть %s"),
		i18n.Int(t.lang, int64(need)), i18n.Int(t.lang, int64(have)))
}

func (t *text) fewWeeksWithOrders(need, have int) string {
	return fmt.Sprintf(t.pick("needs at least %s complete weeks with orders; there are %s",
		"нужно не меньше %s полных недель с заказами; есть %s"),
		i18n.Int(t.lang, int64(need)), i18n.Int(t.lang, int64(have)))
}

func (t *text) fewDays(need, have int) string {
	return fmt.Sprintf(t.pick("needs at least %s days of data; there are %s", "нужно не меньше %s дней данных; есть %s"),
		i18n.Int(t.lang, int64(need)), i18n.Int(t.lang, int64(max(have, 0))))
}

func (t *text) fewProductOrders(need, days int) string {
	return fmt.Sprintf(t.pick("no product has at least %s orders in the last %s days",
		"ни у одного товара нет хотя бы %s заказов за последние %s дней"),
		i18n.Int(t.lang, int64(need)), i18n.Int(t.lang, int64(days)))
}

// metricWords are a metric's subject and its verbs for rising and falling;
// Russian verbs agree with the subject's gender.
var metricWords = map[string][2][3]string{
	"revenue":       {{"Weekly revenue", "rose", "fell"}, {"Выручка за неделю", "выросла", "снизилась"}},
	"orders":        {{"Weekly orders", "rose", "fell"}, {"Число заказов в неделю", "выросло", "снизилось"}},
	"new_customers": {{"Weekly new customers", "rose", "fell"}, {"Число новых клиентов в неделю", "выросло", "снизилось"}},
	"aov":           {{"Average order value", "rose", "fell"}, {"Средний чек", "вырос", "снизился"}},
	"repeat_rate":   {{"Weekly repeat purchase rate", "rose", "fell"}, {"Доля повторных покупок за неделю", "выросла", "снизилась"}},
}

func (t *text) metricTrend(a *analysis, s weekly, weeks int, start, end, q float64) string {
	w := metricWords[s.metric][t.idx()]
	verb := w[1]
	if end < start {
		verb = w[2]
	}
	from, to := t.amount(a, start, s.isMoney), t.amount(a, end, s.isMoney)
	if s.isPercent {
		from, to = i18n.Percent(t.lang, start/100), i18n.Percent(t.lang, end/100)
	}
	n := i18n.Int(t.lang, int64(weeks))
	d := t.details(pct(start, end), q)
	if t.ru() {
		return fmt.Sprintf("%s %s примерно с %s до %s за %s %s %s.", w[0], verb, from, to, n,
			i18n.PluralRU(int64(weeks), "неделю", "недели", "недель"), d)
	}
	return fmt.Sprintf("%s %s from about %s to %s over %s weeks %s.", w[0], verb, from, to, n, d)
}

func (t *text) productTrend(name string, prev, cur int64, change *float64, q float64) string {
	p, c := i18n.Int(t.lang, prev), i18n.Int(t.lang, cur)
	days := i18n.Int(t.lang, productDays)
	d := t.details(change, q)
	if t.ru() {
		verb := "выросли"
		if cur < prev {
			verb = "снизились"
		}
		return fmt.Sprintf("Заказы товара «%s» %s с %s до %s за последние %s дней по сравнению с предыдущими %s днями %s.",
			name, verb, p, c, days, days, d)
	}
	verb := "rose"
	if cur < prev {
		verb = "fell"
	}
	return fmt.Sprintf("Orders of “%s” %s from %s to %s in the last %s days compared with the %s days before %s.",
		name, verb, p, c, days, days, d)
}

func (t *text) anomaly(a *analysis, metric string, isMoney bool, d int64, value, expected float64, change *float64) string {
	date := i18n.Date(t.lang, day.Time(d))
	v, e := t.amount(a, value, isMoney), t.amount(a, expected, isMoney)
	up := value > expected
	tail := "."
	if change != nil {
		tail = " (" + t.signedPct(*change) + ")."
	}
	switch {
	case t.ru() && metric == "revenue":
		return fmt.Sprintf("Выручка %s составила %s — намного %s ожидаемых %s%s", date, v, choose(up, "выше", "ниже"), e, tail)
	case t.ru():
		return fmt.Sprintf("Заказов %s: %s — намного %s ожидаемых %s%s", date, v, choose(up, "больше", "меньше"), e, tail)
	case metric == "revenue":
		return fmt.Sprintf("Revenue on %s was %s, far %s the expected %s%s", date, v, choose(up, "above", "below"), e, tail)
	}
	return fmt.Sprintf("Orders on %s were %s, far %s the expected %s%s", date, v, choose(up, "above", "below"), e, tail)
}

var weekdayWords = [2][7]string{
	{"Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"},
	{"понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"},
}

func (t *text) seasonality(metric string, peak, trough int, peakPct, troughPct, strength float64) string {
	wd := weekdayWords[t.idx()]
	s := i18n.Float(t.lang, strength, 2)
	if t.ru() {
		return fmt.Sprintf("%s недельный ритм: %s %s к среднему дню, %s %s (сила сезонности %s).",
			choose(metric == "revenue", "У выручки", "У заказов"), wd[peak], t.signedPct(peakPct), wd[trough], t.signedPct(troughPct), s)
	}
	return fmt.Sprintf("%s a weekly pattern: %s %s against the average day, %s %s (strength of seasonality %s).",
		choose(metric == "revenue", "Revenue follows", "Orders follow"), wd[peak], t.signedPct(peakPct), wd[trough], t.signedPct(troughPct), s)
}

func choose(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

func (t *text) segmentShift(seg rfm.Segment, c *segmentCounts, q float64) string {
	before, after := i18n.Int(t.lang, c.before), i18n.Int(t.lang, c.after)
	joined, left := i18n.Int(t.lang, c.joined), i18n.Int(t.lang, c.left)
	days := i18n.Int(t.lang, segmentDays)
	d := t.details(pct(float64(c.before), float64(c.after)), q)
	if t.ru() {
		verb := "вырос"
		if c.after < c.before {
			verb = "сократился"
		}
		return fmt.Sprintf("Сегмент «%s» %s с %s до %s %s за последние %s дней: пришли %s, ушли %s %s.",
			seg.NameIn(t.lang), verb, before, after, customersGenitive(c.after), days, joined, left, d)
	}
	verb := "grew"
	if c.after < c.before {
		verb = "shrank"
	}
	return fmt.Sprintf("The “%s” segment %s from %s to %s customers over the last %s days: %s joined, %s left %s.",
		seg.Name(), verb, before, after, days, joined, left, d)
}

func (t *text) fewSegmentMoves(need int) string {
	if t.ru() {
		return fmt.Sprintf("ни в один сегмент не пришло и из него не ушло хотя бы %s клиентов", i18n.Int(t.lang, int64(need)))
	}
	return fmt.Sprintf("no segment had at least %s customers joining or leaving it", i18n.Int(t.lang, int64(need)))
}

// customersGenitive is "клиентов" in the genitive after "до N": singular
// for numbers ending in 1 (but not 11), plural otherwise.
func customersGenitive(n int64) string {
	if n%10 == 1 && n%100 != 11 {
		return "клиента"
	}
	return "клиентов"
}
