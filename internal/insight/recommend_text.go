package insight

import (
	"fmt"
	"math"

	"pulse/internal/i18n"
	"pulse/internal/money"
	"pulse/internal/rfm"
)

// RecText is a recommendation written out in one language: what to do,
// why, and what its money impact assumes.
type RecText struct {
	Title, Rationale, Assumption string
}

// recWriter formats a recommendation's numbers for a language.
type recWriter struct {
	lang, currency string
}

func (w recWriter) ru() bool { return w.lang == "ru" }

func (w recWriter) n(v int64) string     { return i18n.Int(w.lang, v) }
func (w recWriter) pct(v float64) string { return i18n.Percent(w.lang, v) }
func (w recWriter) money(v float64) string {
	return i18n.Money(w.lang, int64(math.Round(v)), w.currency)
}
func (w recWriter) times(v float64) string { return i18n.Float(w.lang, v, 1) + "×" }

// customers is "N customers" with the Russian form for N.
func (w recWriter) customers(v int64) string {
	if w.ru() {
		return w.n(v) + " " + i18n.PluralRU(v, "клиент", "клиента", "клиентов")
	}
	if v == 1 {
		return "1 customer"
	}
	return w.n(v) + " customers"
}

func (w recWriter) days(v int64) string { return i18n.Days(w.lang, v) }

// daysGenRU is "N дней" in the genitive, after "в течение".
func (w recWriter) daysGenRU(v int64) string {
	return w.n(v) + " " + i18n.PluralRU(v, "дня", "дней", "дней")
}

// ordersPrepRU is "N заказах" in the prepositional, after "в".
func (w recWriter) ordersPrepRU(v int64) string {
	return w.n(v) + " " + i18n.PluralRU(v, "заказе", "заказах", "заказах")
}

func (w recWriter) orders(v int64) string {
	if w.ru() {
		return w.n(v) + " " + i18n.PluralRU(v, "заказ", "заказа", "заказов")
	}
	if v == 1 {
		return "1 order"
	}
	return w.n(v) + " orders"
}

// Text writes the recommendation in lang with money in currency, its
// assumption stated for the impact imp.
func (r *Recommendation) Text(lang, currency string, imp Impact) RecText {
	w := recWriter{lang: lang, currency: currency}
	if lang != "ru" {
		w.lang = "en"
	}
	f := &r.Facts
	var t RecText
	switch r.Kind {
	case KindWinBack:
		t = w.winBack(f)
	case KindSecondPurchase:
		t = w.secondPurchase(f)
	case KindCrossSell:
		t = w.crossSell(f)
	case KindBundle:
		t = w.bundle(f)
	case KindDecliningProduct, KindRisingProduct:
		t = w.productTrend(r.Kind, f)
	case KindReactivateSegment:
		t = w.segment(f)
	}
	t.Assumption = w.assumption(r, imp)
	return t
}

func (w recWriter) winBack(f *Facts) RecText {
	if w.ru() {
		return RecText{
			Title: fmt.Sprintf("Верните %s, которые перестают покупать", w.valuableRU(f.Customers)),
			Rationale: fmt.Sprintf("Вероятность, что они ещё покупают, за %s упала в среднем с %s до %s. Всего они потратили %s, а их ожидаемая ценность за год — %s.",
				w.days(RiskWindow), w.pct(f.PAliveBefore), w.pct(f.PAlive), w.money(float64(f.Revenue)), w.money(f.CLV*w.scale())),
		}
	}
	return RecText{
		Title: fmt.Sprintf("Win back %s who are slipping away", w.valuable(f.Customers)),
		Rationale: fmt.Sprintf("Their chance of still buying fell on average from %s to %s in the last %s. They have spent %s so far, and their expected value over the next year is %s.",
			w.pct(f.PAliveBefore), w.pct(f.PAlive), w.days(RiskWindow), w.money(float64(f.Revenue)), w.money(f.CLV*w.scale())),
	}
}

func (w recWriter) valuable(n int64) string {
	if n == 1 {
		return "1 valuable customer"
	}
	return w.n(n) + " valuable customers"
}

func (w recWriter) valuableRU(n int64) string {
	return w.n(n) + " " + i18n.PluralRU(n, "ценного клиента", "ценных клиентов", "ценных клиентов")
}

// scale turns major units (the models' CLV) into minor units.
func (w recWriter) scale() float64 {
	exp, ok := money.Exponent(w.currency)
	if !ok {
		exp = 2
	}
	return math.Pow10(exp)
}

func (w recWriter) secondPurchase(f *Facts) RecText {
	if w.ru() {
		return RecText{
			Title: fmt.Sprintf("Попросите о втором заказе %s с одной покупкой", w.customersGenRU(f.Customers)),
			Rationale: fmt.Sprintf("%s вторых покупок делают в течение %s после первой (медиана — %s). Из прежних новых покупателей за это время вернулись %s. Эти %s купили впервые за последние %s.",
				w.pct(secondQuantile), w.daysGenRU(f.WindowDays), w.days(int64(math.Round(f.MedianGapDays))), w.pct(f.RepeatRate),
				w.customers(f.Customers), w.days(f.WindowDays)),
		}
	}
	return RecText{
		Title: fmt.Sprintf("Ask %s for a second order", w.firstTime(f.Customers)),
		Rationale: fmt.Sprintf("%s of second purchases come within %s of the first (median %s), and %s of earlier first-time buyers came back within that time. These %s bought for the first time in the last %s.",
			w.pct(secondQuantile), w.days(f.WindowDays), w.days(int64(math.Round(f.MedianGapDays))), w.pct(f.RepeatRate),
			w.customers(f.Customers), w.days(f.WindowDays)),
	}
}

func (w recWriter) firstTime(n int64) string {
	if n == 1 {
		return "1 first-time buyer"
	}
	return w.n(n) + " first-time buyers"
}

// customersGenRU is "N клиентов" in the genitive, after "у" or "о".
func (w recWriter) customersGenRU(n int64) string {
	return w.n(n) + " " + i18n.PluralRU(n, "клиента", "клиентов", "клиентов")
}

func (w recWriter) crossSell(f *Facts) RecText {
	if w.ru() {
		return RecText{
			Title: fmt.Sprintf("Предложите «%s» — %s", f.ProductName, w.customersDatRU(f.Customers)),
			Rationale: fmt.Sprintf("%s покупателей «%s» покупают и «%s» — в %s чаще, чем все остальные (%s). Эти клиенты купили похожие товары, но «%s» ещё не брали.",
				w.pct(f.PairConfidence), f.BecauseName, f.ProductName, w.times(f.Lift), w.customers(f.Together), f.ProductName),
		}
	}
	return RecText{
		Title: fmt.Sprintf("Offer %s to %s", f.ProductName, w.customers(f.Customers)),
		Rationale: fmt.Sprintf("%s of the customers who bought %s also bought %s, %s as often as customers overall (%s). These customers bought products that go with it and have not bought it yet.",
			w.pct(f.PairConfidence), f.BecauseName, f.ProductName, w.times(f.Lift), w.customers(f.Together)),
	}
}

// customersDatRU is "N клиентам" in the dative.
func (w recWriter) customersDatRU(n int64) string {
	return w.n(n) + " " + i18n.PluralRU(n, "клиенту", "клиентам", "клиентам")
}

func (w recWriter) bundle(f *Facts) RecText {
	if w.ru() {
		return RecText{
			Title: fmt.Sprintf("Продавайте «%s» и «%s» вместе", f.BecauseName, f.ProductName),
			Rationale: fmt.Sprintf("В %s заказов с «%s» есть и «%s» — в %s чаще, чем случайно (%s вместе, %s). За последние %s в %s с «%s» его не было.",
				w.pct(f.PairConfidence), f.BecauseName, f.ProductName, w.times(f.Lift), w.orders(f.Together),
				w.p(f.PValue), w.days(ImpactHorizonDays), w.ordersPrepRU(f.Missing), f.BecauseName),
		}
	}
	return RecText{
		Title: fmt.Sprintf("Sell %s and %s as a bundle", f.BecauseName, f.ProductName),
		Rationale: fmt.Sprintf("%s of orders with %s also have %s, %s as often as chance would give (%s together, %s). In the last %s, %s with %s went without it.",
			w.pct(f.PairConfidence), f.BecauseName, f.ProductName, w.times(f.Lift), w.orders(f.Together),
			w.p(f.PValue), w.days(ImpactHorizonDays), w.orders(f.Missing), f.BecauseName),
	}
}

// p writes "p = 0.012", or "p < 0.001" for tiny ones.
func (w recWriter) p(v float64) string {
	if v < 0.001 {
		return "p < " + i18n.Float(w.lang, 0.001, 3)
	}
	return "p = " + i18n.Float(w.lang, v, 3)
}

func (w recWriter) productTrend(kind string, f *Facts) RecText {
	change := float64(f.CurOrders-f.PrevOrders) / float64(max(1, f.PrevOrders))
	if w.ru() {
		if kind == KindDecliningProduct {
			return RecText{
				Title: fmt.Sprintf("Разберитесь, почему падают продажи «%s»", f.ProductName),
				Rationale: fmt.Sprintf("За последние %s заказов стало %s против %s за %s до того (%s, %s), выручка — %s против %s. Проверьте цену, наличие и конкурентов, напомните о товаре прежним покупателям.",
					w.days(f.PeriodDays), w.n(f.CurOrders), w.n(f.PrevOrders), w.days(f.PeriodDays), w.pct(change), w.p(f.PValue),
					w.money(float64(f.CurRevenue)), w.money(float64(f.PrevRevenue))),
			}
		}
		return RecText{
			Title: fmt.Sprintf("Поддержите рост «%s»", f.ProductName),
			Rationale: fmt.Sprintf("За последние %s заказов стало %s против %s за %s до того (+%s, %s), выручка — %s против %s. Позаботьтесь о запасе и покажите товар на видных местах.",
				w.days(f.PeriodDays), w.n(f.CurOrders), w.n(f.PrevOrders), w.days(f.PeriodDays), w.pct(change), w.p(f.PValue),
				w.money(float64(f.CurRevenue)), w.money(float64(f.PrevRevenue))),
		}
	}
	if kind == KindDecliningProduct {
		return RecText{
			Title: fmt.Sprintf("Find out why %s is selling less", f.ProductName),
			Rationale: fmt.Sprintf("It had %s in the last %s against %s in the %s before (%s, %s); revenue %s against %s. Check its price, stock and competitors, and remind its past buyers of it.",
				w.orders(f.CurOrders), w.days(f.PeriodDays), w.n(f.PrevOrders), w.days(f.PeriodDays), w.pct(change), w.p(f.PValue),
				w.money(float64(f.CurRevenue)), w.money(float64(f.PrevRevenue))),
		}
	}
	return RecText{
		Title: fmt.Sprintf("Back the rise of %s", f.ProductName),
		Rationale: fmt.Sprintf("It had %s in the last %s against %s in the %s before (+%s, %s); revenue %s against %s. Keep it in stock and give it a prominent place.",
			w.orders(f.CurOrders), w.days(f.PeriodDays), w.n(f.PrevOrders), w.days(f.PeriodDays), w.pct(change), w.p(f.PValue),
			w.money(float64(f.CurRevenue)), w.money(float64(f.PrevRevenue))),
	}
}

func (w recWriter) segment(f *Facts) RecText {
	seg := rfm.Segment(f.Segment)
	if w.ru() {
		return RecText{
			Title: fmt.Sprintf("Верните клиентов сегмента «%s»", seg.NameIn("ru")),
			Rationale: fmt.Sprintf("Сегмент вырос с %s до %s с %s по %s (%s). Сейчас в нём %s; всего они потратили %s, средняя вероятность, что они ещё покупают, — %s.",
				w.n(f.PrevCustomer), w.n(f.Customers), f.From, f.To, w.p(f.PValue), w.customers(f.Customers),
				w.money(float64(f.Revenue)), w.pct(f.PAlive)),
		}
	}
	return RecText{
		Title: fmt.Sprintf("Reactivate the “%s” customers", seg.Name()),
		Rationale: fmt.Sprintf("The segment grew from %s to %s customers between %s and %s (%s). Its %s have spent %s so far, with a mean chance of still buying of %s.",
			w.n(f.PrevCustomer), w.n(f.Customers), f.From, f.To, w.p(f.PValue), w.customers(f.Customers),
			w.money(float64(f.Revenue)), w.pct(f.PAlive)),
	}
}

// assumption states what the impact assumes, with its numbers.
func (w recWriter) assumption(r *Recommendation, imp Impact) string {
	b := r.Basis
	if b.Type == BasisTrend {
		if w.ru() {
			verb := "недополучит"
			if b.DeltaRevenue > 0 {
				verb = "дополнительно принесёт"
			}
			return fmt.Sprintf("Если темп последних %s сохранится следующие %s, товар %s %s по сравнению с темпом %s до того; диапазон — от %s до %s (80 %%, по числу заказов).",
				w.days(b.PeriodDays), w.days(int64(imp.HorizonDays)), verb, w.money(imp.Amount), w.days(b.PeriodDays), w.money(imp.Low), w.money(imp.High))
		}
		verb := "lose"
		if b.DeltaRevenue > 0 {
			verb = "gain"
		}
		return fmt.Sprintf("If the pace of the last %s holds for the next %s, the product will %s %s against the pace of the %s before; range %s to %s (80%%, from the order counts).",
			w.days(b.PeriodDays), w.days(int64(imp.HorizonDays)), verb, w.money(imp.Amount), w.days(b.PeriodDays), w.money(imp.Low), w.money(imp.High))
	}
	rate := w.pct(imp.Rate)
	switch b.ValueKind {
	case "average_order_value":
		if w.ru() {
			return fmt.Sprintf("Если %s из %s купят ещё раз в течение %s на сумму своего среднего заказа; диапазон — от %s до %s (80 %%, если каждый решает независимо).",
				rate, w.customersGenRU(b.Units), w.days(int64(imp.HorizonDays)), w.money(imp.Low), w.money(imp.High))
		}
		return fmt.Sprintf("If %s of the %s buy once more within %s at their own average order value; range %s to %s (80%%, each deciding independently).",
			rate, w.customers(b.Units), w.days(int64(imp.HorizonDays)), w.money(imp.Low), w.money(imp.High))
	default:
		what := w.customers(b.Units)
		if w.ru() {
			if r.Kind == KindBundle {
				return fmt.Sprintf("Если за следующие %s заказов с «%s», но без «%s» будет столько же, сколько за прошлые (%s), и в %s из них добавят «%s» по его средней выручке на заказ (%s); диапазон — от %s до %s (80 %%).",
					w.days(int64(imp.HorizonDays)), r.Facts.BecauseName, r.Facts.ProductName, w.n(b.Units), rate, r.Facts.ProductName, w.money(b.Value), w.money(imp.Low), w.money(imp.High))
			}
			return fmt.Sprintf("Если %s из %s купят «%s» в течение %s по его средней выручке на заказ (%s); диапазон — от %s до %s (80 %%).",
				rate, w.customersGenRU(b.Units), r.Facts.ProductName, w.days(int64(imp.HorizonDays)), w.money(b.Value), w.money(imp.Low), w.money(imp.High))
		}
		if r.Kind == KindBundle {
			return fmt.Sprintf("If the next %s bring as many orders with %s but without %s as the last did (%s) and %s of them add %s at its revenue per order (%s); range %s to %s (80%%).",
				w.days(int64(imp.HorizonDays)), r.Facts.BecauseName, r.Facts.ProductName, w.n(b.Units), rate, r.Facts.ProductName, w.money(b.Value), w.money(imp.Low), w.money(imp.High))
		}
		return fmt.Sprintf("If %s of the %s buy %s within %s at its revenue per order (%s); range %s to %s (80%%).",
			rate, what, r.Facts.ProductName, w.days(int64(imp.HorizonDays)), w.money(b.Value), w.money(imp.Low), w.money(imp.High))
	}
}
