package narrative

import (
	"fmt"
	"math"
	"strings"

	"pulse/internal/day"
	"pulse/internal/i18n"
	"pulse/internal/money"
)

// writer formats a summary's numbers for its language.
type writer struct {
	lang, currency string
	exp            int
}

func (w writer) ru() bool { return w.lang == "ru" }

func (w writer) money(minor int64) string { return i18n.Money(w.lang, minor, w.currency) }

// major formats an amount in major units (the forecasts').
func (w writer) major(v float64) string {
	return w.money(int64(math.Round(v * math.Pow10(w.exp))))
}

// signed formats a money change with its sign: "+$1,200.00", "−$80.00".
func (w writer) signed(minor int64) string {
	if minor >= 0 {
		return "+" + w.money(minor)
	}
	return w.money(minor)
}

func (w writer) n(v int64) string { return i18n.Int(w.lang, v) }

func (w writer) date(d int64) string { return i18n.Date(w.lang, day.Time(d)) }

// pct formats a percentage change (12.3 for +12.3 %) without its sign.
func (w writer) pct(v float64) string { return i18n.Percent(w.lang, math.Abs(v)/100) }

func (w writer) days(v int64) string { return i18n.Days(w.lang, v) }

// write fills the headline and sections from the figures.
func write(s *Summary) {
	exp, ok := money.Exponent(s.Currency)
	if !ok {
		exp = 2
	}
	w := writer{lang: s.Lang, currency: s.Currency, exp: exp}
	s.Headline = w.headline(s)
	add := func(topic, text string) {
		if text != "" {
			s.Sections = append(s.Sections, Section{Topic: topic, Text: text})
		}
	}
	add(TopicSales, w.sales(s))
	add(TopicDrivers, w.drivers(s))
	add(TopicCustomers, w.customers(s))
	add(TopicForecast, w.forecast(s))
	add(TopicRecommendations, w.recommendations(s))
}

func (w writer) headline(s *Summary) string {
	f := &s.Figures
	rev := w.money(f.Current.Revenue)
	switch c := f.RevenueChangePct; {
	case c == nil:
		return w.pick(fmt.Sprintf("Revenue %s", rev), fmt.Sprintf("Выручка %s", rev))
	case *c > 0:
		return w.pick(fmt.Sprintf("Revenue up %s to %s", w.pct(*c), rev), fmt.Sprintf("Выручка выросла на %s, до %s", w.pct(*c), rev))
	case *c < 0:
		return w.pick(fmt.Sprintf("Revenue down %s to %s", w.pct(*c), rev), fmt.Sprintf("Выручка снизилась на %s, до %s", w.pct(*c), rev))
	}
	return w.pick(fmt.Sprintf("Revenue flat at %s", rev), fmt.Sprintf("Выручка не изменилась: %s", rev))
}

func (w writer) pick(en, ru string) string {
	if w.ru() {
		return ru
	}
	return en
}

func (w writer) sales(s *Summary) string {
	f := &s.Figures
	cur, prev := f.Current, f.Previous
	span := fmt.Sprintf("%s – %s", w.date(s.Period.From), w.date(s.Period.To))
	var b strings.Builder
	rev, prevRev := w.money(cur.Revenue), w.money(prev.Revenue)
	switch c := f.RevenueChangePct; {
	case c == nil:
		b.WriteString(w.pick(fmt.Sprintf("Revenue for %s was %s; the previous %s had no sales to compare with.", span, rev, w.days(s.Previous.Days())),
			fmt.Sprintf("Выручка за %s — %s; в предыдущие %s продаж не было, сравнивать не с чем.", span, rev, w.days(s.Previous.Days()))))
	case *c == 0:
		b.WriteString(w.pick(fmt.Sprintf("Revenue for %s was %s, the same as in the previous %s.", span, rev, w.days(s.Previous.Days())),
			fmt.Sprintf("Выручка за %s — %s, как и за предыдущие %s.", span, rev, w.days(s.Previous.Days()))))
	default:
		up := *c > 0
		b.WriteString(w.pick(fmt.Sprintf("Revenue for %s was %s, %s %s on the previous %s (%s).", span, rev,
			map[bool]string{true: "up", false: "down"}[up], w.pct(*c), w.days(s.Previous.Days()), prevRev),
			fmt.Sprintf("Выручка за %s — %s: на %s %s, чем за предыдущие %s (%s).", span, rev, w.pct(*c),
				map[bool]string{true: "больше", false: "меньше"}[up], w.days(s.Previous.Days()), prevRev)))
	}
	b.WriteString(" ")
	b.WriteString(w.pick(fmt.Sprintf("Orders: %s (previously %s).", w.n(cur.Orders), w.n(prev.Orders)),
		fmt.Sprintf("Заказов: %s (было %s).", w.n(cur.Orders), w.n(prev.Orders))))
	if aov, ok := cur.AverageOrderValue(); ok {
		if prevAOV, ok := prev.AverageOrderValue(); ok {
			b.WriteString(" ")
			b.WriteString(w.pick(fmt.Sprintf("Average order: %s (previously %s).", w.money(aov), w.money(prevAOV)),
				fmt.Sprintf("Средний чек: %s (был %s).", w.money(aov), w.money(prevAOV))))
		}
	}
	if cur.Refunds > 0 {
		b.WriteString(" ")
		b.WriteString(w.pick(fmt.Sprintf("Refunds made in the period: %s.", w.money(cur.Refunds)),
			fmt.Sprintf("Возвратов за период: %s.", w.money(cur.Refunds))))
	}
	return b.String()
}

func (w writer) products(ps []ProductChange) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		name := p.Name
		if w.ru() {
			name = "«" + name + "»"
		}
		parts[i] = fmt.Sprintf("%s (%s)", name, w.signed(p.Change()))
	}
	return strings.Join(parts, w.pick(" and ", " и "))
}

func (w writer) drivers(s *Summary) string {
	f := &s.Figures
	var parts []string
	if len(f.Gainers) > 0 {
		parts = append(parts, w.pick("Most of the growth came from "+w.products(f.Gainers)+".",
			"Больше всего выросли продажи "+w.products(f.Gainers)+"."))
	}
	if len(f.Losers) > 0 {
		parts = append(parts, w.pick("The largest falls: "+w.products(f.Losers)+".",
			"Сильнее всего упали продажи "+w.products(f.Losers)+"."))
	}
	return strings.Join(parts, " ")
}

func (w writer) customers(s *Summary) string {
	cur, prev := s.Figures.Current, s.Figures.Previous
	var b strings.Builder
	b.WriteString(w.pick(
		fmt.Sprintf("%s customers bought: %s new and %s returning (previously %s new and %s returning).",
			w.n(cur.Customers), w.n(cur.NewCustomers), w.n(cur.ReturningCustomers), w.n(prev.NewCustomers), w.n(prev.ReturningCustomers)),
		fmt.Sprintf("Купили %s %s: новых — %s, вернувшихся — %s (было: новых — %s, вернувшихся — %s).",
			w.n(cur.Customers), i18n.PluralRU(cur.Customers, "клиент", "клиента", "клиентов"), w.n(cur.NewCustomers),
			w.n(cur.ReturningCustomers), w.n(prev.NewCustomers), w.n(prev.ReturningCustomers))))
	for _, m := range s.Figures.Segments {
		b.WriteString(" ")
		grew := m.After > m.Before
		if w.ru() {
			verb := map[bool]string{true: "вырос", false: "сократился"}[grew]
			fmt.Fprintf(&b, "Сегмент «%s» %s с %s до %s.", m.Segment.NameIn("ru"), verb, w.n(m.Before), w.n(m.After))
			continue
		}
		verb := map[bool]string{true: "grew", false: "shrank"}[grew]
		fmt.Fprintf(&b, "The “%s” segment %s from %s to %s customers.", m.Segment.Name(), verb, w.n(m.Before), w.n(m.After))
	}
	return b.String()
}

func (w writer) forecast(s *Summary) string {
	ff := s.Figures.Forecast
	if ff == nil {
		return ""
	}
	if ff.Reason == "too_short" {
		return w.pick("There is not enough history for a forecast yet.", "Для прогноза пока мало истории.")
	}
	span := fmt.Sprintf("%s – %s", w.date(ff.From), w.date(ff.To))
	text := w.pick(
		fmt.Sprintf("The forecast for %s is %s of revenue, against %s in the last %s.", span, w.major(ff.Amount), w.major(ff.Last), w.days(ForecastDays)),
		fmt.Sprintf("Прогноз выручки на %s — %s, за последние %s было %s.", span, w.major(ff.Amount), w.days(ForecastDays), w.major(ff.Last)))
	if ff.SMAPE != nil {
		text += " " + w.pick(
			fmt.Sprintf("On past data the same method missed by %s on average (sMAPE).", i18n.Percent(w.lang, *ff.SMAPE/100)),
			fmt.Sprintf("На прошлых данных этот метод ошибался в среднем на %s (sMAPE).", i18n.Percent(w.lang, *ff.SMAPE/100)))
	}
	return text
}

func (w writer) recommendations(s *Summary) string {
	if len(s.Recommendations) == 0 {
		return ""
	}
	parts := make([]string, len(s.Recommendations))
	for i, l := range s.Recommendations {
		t := l.Text(w.lang, s.Currency, l.Impact)
		parts[i] = fmt.Sprintf("%d) %s — %s", i+1, t.Title, w.pick("about "+w.money(int64(math.Round(l.Impact.Amount))),
			"около "+w.money(int64(math.Round(l.Impact.Amount)))))
	}
	return w.pick("What to do next: ", "Что сделать: ") + strings.Join(parts, "; ") + "."
}
