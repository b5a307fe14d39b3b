package i18n

import (
	"math"
	"strconv"
	"strings"
	"time"

	"pulse/internal/money"
)

// nbsp separates thousands in Russian and keeps a number and its unit on
// one line.
const nbsp = "\u00a0"

// separators returns the thousands and decimal separators of lang.
func separators(lang string) (group, decimal string) {
	if lang == "ru" {
		return nbsp, ","
	}
	return ",", "."
}

// Int formats n with the language's digit grouping: 1,234,567 or 1 234 567.
func Int(lang string, n int64) string {
	group, _ := separators(lang)
	return groupDigits(strconv.FormatInt(n, 10), group)
}

func groupDigits(s, group string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteString("−")
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// decimal formats a plain decimal string ("-1234.5") for lang.
func decimal(lang, s string) string {
	group, dec := separators(lang)
	whole, frac, hasFrac := strings.Cut(s, ".")
	out := groupDigits(whole, group)
	if hasFrac {
		out += dec + frac
	}
	return out
}

// Float formats x with digits decimals.
func Float(lang string, x float64, digits int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return decimal(lang, strconv.FormatFloat(x, 'f', digits, 64))
}

// Percent formats a fraction (0.123) as a percentage with one decimal:
// "12.3%" or "12,3 %".
func Percent(lang string, fraction float64) string {
	s := Float(lang, fraction*100, 1)
	if lang == "ru" {
		return s + nbsp + "%"
	}
	return s + "%"
}

// symbols are the currencies whose sign readers know better than the code.
var symbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "RUB": "₽", "CNY": "¥", "INR": "₹", "KRW": "₩", "UAH": "₴", "KZT": "₸", "TRY": "₺"}

// Money formats minor units of currency: "$1,234.56" in English,
// "1 234,56 $" in Russian; currencies without a well-known sign keep their
// code ("1,234.560 KWD").
func Money(lang string, minor int64, currency string) string {
	exp, ok := money.Exponent(currency)
	if !ok {
		exp = 2
	}
	s := money.Format(minor, exp)
	neg := strings.HasPrefix(s, "-")
	num := decimal(lang, strings.TrimPrefix(s, "-"))
	sign := ""
	if neg {
		sign = "−"
	}
	sym, known := symbols[currency]
	switch {
	case lang == "ru" && known:
		return sign + num + nbsp + sym
	case known:
		return sign + sym + num
	default:
		return sign + num + nbsp + currency
	}
}

var monthsRU = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}

// Date formats a calendar date: "Nov 25, 2026" or "25 ноября 2026".
func Date(lang string, t time.Time) string {
	if lang == "ru" {
		return strconv.Itoa(t.Day()) + " " + monthsRU[t.Month()-1] + " " + strconv.Itoa(t.Year())
	}
	return t.Format("Jan 2, 2006")
}

// DateTime formats a moment in loc: "Nov 25, 2026 14:05" or
// "25 ноября 2026, 14:05".
func DateTime(lang string, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if lang == "ru" {
		return Date(lang, t) + ", " + t.Format("15:04")
	}
	return Date(lang, t) + " " + t.Format("15:04")
}

// ShortDate formats a date for chart axes: "Nov 25" or "25.11".
func ShortDate(lang string, t time.Time) string {
	if lang == "ru" {
		return t.Format("02.01")
	}
	return t.Format("Jan 2")
}

// Days writes a number of days: "1 day", "30 days"; "1 день", "3 дня",
// "30 дней".
func Days(lang string, n int64) string {
	if lang == "ru" {
		return Int(lang, n) + " " + PluralRU(n, "день", "дня", "дней")
	}
	if n == 1 || n == -1 {
		return Int(lang, n) + " day"
	}
	return Int(lang, n) + " days"
}
