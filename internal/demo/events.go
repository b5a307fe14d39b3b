package demo

import (
	"strconv"
	"time"
)

// The events are written by hand rather than with encoding/json, which
// would take most of Generate's time. The server rejects unknown fields, so
// only the fields of the batch-event contract appear; the tests decode
// every event strictly to hold this to it.

func appendCustomer(b []byte, i int, c *customer) []byte {
	b = append(b, `{"type":"customer","id":"c_`...)
	b = append(appendPadded(b, i+1, 5), '"')
	b = appendString(key(b, "name"), c.Name)
	b = appendString(key(b, "email"), c.Email)
	b = appendString(key(b, "phone"), c.Phone)
	b = appendStamp(key(b, "created_at"), c.Created)
	b = append(b, `,"attributes":{"country":`...)
	b = appendString(b, c.Country)
	b = appendString(key(b, "channel"), c.Channel)
	if c.Plan != "" {
		b = appendString(key(b, "plan"), c.Plan)
	}
	b = strconv.AppendInt(key(b, "age"), int64(c.Age), 10)
	return append(b, "}}"...)
}

func appendPurchase(b []byte, i int, o *order, currency string, digits int) []byte {
	b = append(b, `{"type":"purchase","id":"o_`...)
	b = append(appendPadded(b, i+1, 6), '"')
	b = append(b, `,"customer_id":"c_`...)
	b = append(appendPadded(b, o.Customer+1, 5), '"')
	b = appendDecimal(key(b, "amount"), o.Amount, digits)
	b = appendString(key(b, "currency"), currency)
	b = appendStamp(key(b, "purchased_at"), o.At)
	if o.Refunded.IsZero() {
		b = append(b, `,"status":"paid"`...)
	} else {
		b = append(b, `,"status":"refunded"`...)
		b = appendStamp(key(b, "refunded_at"), o.Refunded)
	}
	b = append(b, `,"items":[`...)
	for j, l := range o.Lines {
		p := &catalogue[l.Product]
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"product_id":`...)
		b = appendString(b, p.ID)
		b = appendString(key(b, "name"), p.Name)
		b = appendString(key(b, "category"), p.Category)
		b = strconv.AppendInt(key(b, "quantity"), int64(l.Quantity), 10)
		b = appendDecimal(key(b, "price"), o.Prices[j], digits)
		b = append(b, '}')
	}
	b = append(b, `],"attributes":{"channel":`...)
	b = appendString(b, o.Platform)
	if o.Coupon != "" {
		b = appendString(key(b, "coupon"), o.Coupon)
	}
	return append(b, "}}"...)
}

// key appends `,"k":`; keys are constants that need no escaping.
func key(b []byte, k string) []byte {
	b = append(b, ',', '"')
	b = append(b, k...)
	return append(b, '"', ':')
}

// appendPadded appends n with leading zeros up to width digits.
func appendPadded(b []byte, n, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(n), 10)
	for w := len(s); w < width; w++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func appendStamp(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339)
	return append(b, '"')
}

// appendString appends s as a JSON string. Generated text is valid UTF-8,
// so only quotes, backslashes and control characters need escaping.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// appendDecimal appends minor units as a quoted decimal with the
// currency's number of fraction digits.
func appendDecimal(b []byte, minor int64, digits int) []byte {
	var tmp [24]byte
	s := strconv.AppendInt(tmp[:0], minor, 10)
	b = append(b, '"')
	if len(s) <= digits {
		b = append(b, '0', '.')
		for range digits - len(s) {
			b = append(b, '0')
		}
		b = append(b, s...)
		return append(b, '"')
	}
	b = append(b, s[:len(s)-digits]...)
	if digits > 0 {
		b = append(b, '.')
		b = append(b, s[len(s)-digits:]...)
	}
	return append(b, '"')
}

// minorUnits converts a catalogue price in cents to the currency's minor
// units, keeping at least one unit so no product is free.
func minorUnits(digits int) func(int64) int64 {
	return func(cents int64) int64 {
		switch {
		case digits > 2:
			for range digits - 2 {
				cents *= 10
			}
		case digits < 2:
			div := int64(1)
			for range 2 - digits {
				div *= 10
			}
			cents = max(1, (cents+div/2)/div)
		}
		return cents
	}
}
