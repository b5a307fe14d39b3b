package ingest_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"pulse/internal/httpx"
	"pulse/internal/ingest"
	"pulse/internal/model"
	"pulse/internal/money"
)

var (
	decodeNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	curUSD    = ingest.Currency{Code: "USD", Exp: 2}
	curJPY    = ingest.Currency{Code: "JPY", Exp: 0}
)

// The bodies of API.md's examples.
const (
	exampleCustomer = `{"id": "u_42", "name": "Anna Petrova", "email": "anna@example.com", "phone": "+79990001122",
 "created_at": "2026-11-01T09:30:00Z", "attributes": {"plan": "pro", "country": "RU", "age": 31}}`
	examplePurchase = `{"id": "ord_1001", "customer_id": "u_42", "amount": "49.90", "currency": "USD",
 "purchased_at": "2026-11-20T10:00:00Z", "status": "paid",
 "items": [{"product_id": "sku-1", "name": "Pro plan", "category": "subscription", "quantity": 1, "price": "49.90"}],
 "attributes": {"channel": "ios", "coupon": "BF26"}}`
)

// refusal is what a refused body must produce: a *model.ValidationError
// when status is 0, otherwise an *httpx.Problem with that status. fields
// lists every field path the error names, in order; has is a substring of
// the error text, when the wording matters.
type refusal struct {
	status int
	fields []string
	has    string
}

func invalid(fields ...string) refusal { return refusal{fields: fields} }

func problem(status int, fields ...string) refusal {
	return refusal{status: status, fields: fields}
}

func (r refusal) with(has string) refusal { r.has = has; return r }

func checkRefusal(t *testing.T, err error, want refusal) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want a refusal naming %q", want.fields)
	}
	var fields []string
	// The API maps these two types to different responses, so a wrapped
	// or converted error would be a bug: match the dynamic type exactly.
	switch e := err.(type) {
	case *model.ValidationError:
		if want.status != 0 {
			t.Fatalf("got *model.ValidationError %v; want *httpx.Problem with status %d", err, want.status)
		}
		for _, f := range e.Errors {
			fields = append(fields, f.Field)
		}
	case *httpx.Problem:
		if want.status == 0 {
			t.Fatalf("got *httpx.Problem %v; want *model.ValidationError", err)
		}
		if e.Status != want.status {
			t.Fatalf("got problem status %d (%v); want %d", e.Status, err, want.status)
		}
		for _, f := range e.Errors {
			fields = append(fields, f.Field)
		}
	default:
		t.Fatalf("got error of type %T: %v", err, err)
	}
	if !slices.Equal(fields, want.fields) {
		t.Errorf("fields = %q; want %q (%v)", fields, want.fields, err)
	}
	if want.has == "" {
		return
	}
	text := err.Error()
	if p, ok := err.(*httpx.Problem); ok {
		for _, f := range p.Errors {
			text += "; " + f.Field + ": " + f.Message
		}
	}
	if !strings.Contains(text, want.has) {
		t.Errorf("error %q does not contain %q", text, want.has)
	}
}

func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func set(v string) ingest.Field { return ingest.Field{Set: true, Value: v} }

func checkCustomer(t *testing.T, got, want ingest.CustomerEvent) {
	t.Helper()
	if got.ID != want.ID {
		t.Errorf("ID = %q; want %q", got.ID, want.ID)
	}
	if got.Name != want.Name {
		t.Errorf("Name = %+v; want %+v", got.Name, want.Name)
	}
	if got.Email != want.Email {
		t.Errorf("Email = %+v; want %+v", got.Email, want.Email)
	}
	if got.Phone != want.Phone {
		t.Errorf("Phone = %+v; want %+v", got.Phone, want.Phone)
	}
	checkTimePtr(t, "CreatedAt", got.CreatedAt, want.CreatedAt)
	// DeepEqual tells a nil map (attributes absent) from an empty one.
	if !reflect.DeepEqual(got.Attributes, want.Attributes) {
		t.Errorf("Attributes = %#v; want %#v", got.Attributes, want.Attributes)
	}
}

func checkTimePtr(t *testing.T, name string, got, want *time.Time) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v; want %v", name, got, want)
	default:
		checkTime(t, name, *got, *want)
	}
}

func checkTime(t *testing.T, name string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("%s = %v; want %v in UTC", name, got, want)
	}
}

func TestDecodeCustomer(t *testing.T) {
	t.Parallel()
	id128 := strings.Repeat("я", 128)
	tests := []struct {
		name string
		body string
		want ingest.CustomerEvent
	}{
		{
			name: "API example",
			body: exampleCustomer,
			want: ingest.CustomerEvent{
				ID: "u_42", Name: set("Anna Petrova"), Email: set("anna@example.com"), Phone: set("+79990001122"),
				CreatedAt:  at("2026-11-01T09:30:00Z"),
				Attributes: map[string]any{"plan": "pro", "country": "RU", "age": float64(31)},
			},
		},
		{
			name: "id only leaves everything else alone",
			body: `{"id": "u_1"}`,
			want: ingest.CustomerEvent{ID: "u_1"},
		},
		{
			name: "email and phone normalised, name trimmed",
			body: `{"id": "u_1", "name": "  Anna Petrova\t", "email": "  Anna.Petrova@Example.COM ", "phone": " +7 (999) 000-11-22 "}`,
			want: ingest.CustomerEvent{ID: "u_1", Name: set("Anna Petrova"), Email: set("anna.petrova@example.com"), Phone: set("+79990001122")},
		},
		{
			name: "phone with 00 and dots",
			body: `{"id": "u_1", "phone": "0049.30.1234567"}`,
			want: ingest.CustomerEvent{ID: "u_1", Phone: set("+49301234567")},
		},
		{
			name: "null and blank clear a field",
			body: `{"id": "u_1", "name": null, "email": "", "phone": "   "}`,
			want: ingest.CustomerEvent{ID: "u_1", Name: set(""), Email: set(""), Phone: set("")},
		},
		{
			name: "created_at in UTC, truncated to the microsecond",
			body: `{"id": "u_1", "created_at": "2026-11-20T13:00:00.123456789+03:00"}`,
			want: ingest.CustomerEvent{ID: "u_1", CreatedAt: at("2026-11-20T10:00:00.123456Z")},
		},
		{
			name: "created_at exactly a day ahead",
			body: `{"id": "u_1", "created_at": "2026-11-21T10:00:00Z"}`,
			want: ingest.CustomerEvent{ID: "u_1", CreatedAt: at("2026-11-21T10:00:00Z")},
		},
		{
			name: "created_at at the epoch",
			body: `{"id": "u_1", "created_at": "1970-01-01T00:00:00Z"}`,
			want: ingest.CustomerEvent{ID: "u_1", CreatedAt: at("1970-01-01T00:00:00Z")},
		},
		{
			name: "created_at null means absent",
			body: `{"id": "u_1", "created_at": null}`,
			want: ingest.CustomerEvent{ID: "u_1"},
		},
		{
			name: "attributes keep null values, which remove the key on merge",
			body: `{"id": "u_1", "attributes": {"plan": null, "vip": true, "score": 1.5, "note": "", "age": -3}}`,
			want: ingest.CustomerEvent{ID: "u_1", Attributes: map[string]any{
				"plan": nil, "vip": true, "score": 1.5, "note": "", "age": float64(-3)}},
		},
		{
			name: "empty attributes are given, not absent",
			body: `{"id": "u_1", "attributes": {}}`,
			want: ingest.CustomerEvent{ID: "u_1", Attributes: map[string]any{}},
		},
		{
			name: "attributes null means absent",
			body: `{"id": "u_1", "attributes": null}`,
			want: ingest.CustomerEvent{ID: "u_1"},
		},
		{
			name: "Cyrillic",
			body: `{"id": "пользователь_42", "name": "Анна Петрова", "email": "anna@пример.рф", "attributes": {"город": "Москва"}}`,
			want: ingest.CustomerEvent{ID: "пользователь_42", Name: set("Анна Петрова"), Email: set("anna@пример.рф"),
				Attributes: map[string]any{"город": "Москва"}},
		},
		{
			name: "emoji, raw and as JSON surrogate pairs",
			body: `{"id": "🦊", "name": "Anna \ud83c\udf89 Petrova"}`,
			want: ingest.CustomerEvent{ID: "🦊", Name: set("Anna 🎉 Petrova")},
		},
		{
			name: "id of 128 two-byte runes",
			body: `{"id": "` + id128 + `"}`,
			want: ingest.CustomerEvent{ID: id128},
		},
		{
			// The limit counts code points: a family emoji is five.
			name: "id of 128 runes in grapheme clusters",
			body: `{"id": "` + strings.Repeat("👨‍👩‍👧", 25) + `abc"}`,
			want: ingest.CustomerEvent{ID: strings.Repeat("👨‍👩‍👧", 25) + "abc"},
		},
		{
			name: "tab and newline are allowed inside a name",
			body: `{"id": "u_1", "name": "Anna\tPetrova\nJr"}`,
			want: ingest.CustomerEvent{ID: "u_1", Name: set("Anna\tPetrova\nJr")},
		},
		{
			name: "escaped id",
			body: `{"id": "u\/1\u0041"}`,
			want: ingest.CustomerEvent{ID: "u/1A"},
		},
		{
			// encoding/json replaces bytes that are not UTF-8, and a lone
			// surrogate, with U+FFFD rather than refusing the body.
			name: "invalid UTF-8 becomes U+FFFD",
			body: "{\"id\": \"u\xff\", \"name\": \"\\ud800\"}",
			want: ingest.CustomerEvent{ID: "u\uFFFD", Name: set("\uFFFD")},
		},
		{
			// encoding/json matches keys case-insensitively.
			name: "keys in another case",
			body: `{"ID": "u_1", "Name": "Anna", "EMAIL": "a@example.com"}`,
			want: ingest.CustomerEvent{ID: "u_1", Name: set("Anna"), Email: set("a@example.com")},
		},
		{
			name: "surrounding whitespace around the body",
			body: " \n\t{\"id\": \"u_1\"}\r\n ",
			want: ingest.CustomerEvent{ID: "u_1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ingest.DecodeCustomer([]byte(tt.body), decodeNow)
			if err != nil {
				t.Fatalf("DecodeCustomer: %v", err)
			}
			if ev.Kind != ingest.KindCustomer {
				t.Errorf("Kind = %q; want customer", ev.Kind)
			}
			if ev.Ref() != tt.want.ID {
				t.Errorf("Ref() = %q; want %q", ev.Ref(), tt.want.ID)
			}
			checkCustomer(t, ev.Customer, tt.want)
		})
	}
}

func TestDecodeCustomerRefusals(t *testing.T) {
	t.Parallel()
	manyAttrs := make([]string, ingest.MaxAttributes+1)
	for i := range manyAttrs {
		manyAttrs[i] = fmt.Sprintf(`"k%d": %d`, i, i)
	}
	key65 := strings.Repeat("k", 65)
	tests := []struct {
		name string
		body string
		want refusal
	}{
		{"no id", `{"name": "Anna"}`, invalid("id").with("is required")},
		{"null id", `{"id": null}`, invalid("id").with("is required")},
		{"empty id", `{"id": ""}`, invalid("id").with("must not be empty")},
		{"id with a leading space", `{"id": " u_1"}`, invalid("id").with("spaces")},
		{"id with a trailing newline", `{"id": "u_1\n"}`, invalid("id").with("spaces")},
		{"id with a NUL", `{"id": "u\u0000_1"}`, invalid("id").with("control characters")},
		{"id with a newline inside", `{"id": "u\n1"}`, invalid("id").with("control characters")},
		{"id with DEL", `{"id": "u\u007f1"}`, invalid("id").with("control characters")},
		{"id with a C1 control", `{"id": "u\u00851"}`, invalid("id").with("control characters")},
		{"id of 129 runes", `{"id": "` + strings.Repeat("я", 129) + `"}`, invalid("id").with("at most 128 characters, not 129")},
		{"id of 129 emoji", `{"id": "` + strings.Repeat("😀", 129) + `"}`, invalid("id").with("not 129")},
		{"name too long", `{"id": "u_1", "name": "` + strings.Repeat("ы", 257) + `"}`, invalid("name").with("not 257")},
		{"name with a bell", `{"id": "u_1", "name": "Anna\u0007"}`, invalid("name").with("control characters")},
		{"name with an escape", `{"id": "u_1", "name": "\u001b[31mAnna"}`, invalid("name")},
		{"email without a domain", `{"id": "u_1", "email": "anna@localhost"}`, invalid("email").with("full domain")},
		{"email that is not one", `{"id": "u_1", "email": "Anna <anna@example.com>"}`, invalid("email")},
		{"phone without country code", `{"id": "u_1", "phone": "89990001122"}`, invalid("phone").with("country code")},
		{"phone with letters", `{"id": "u_1", "phone": "+7 999 CALL ME"}`, invalid("phone")},
		{"created_at not RFC 3339", `{"id": "u_1", "created_at": "2026-11-20 10:00:00"}`, invalid("created_at").with("RFC 3339")},
		{"created_at without a zone", `{"id": "u_1", "created_at": "2026-11-20T10:00:00"}`, invalid("created_at")},
		{"created_at a microsecond too far ahead", `{"id": "u_1", "created_at": "2026-11-21T10:00:00.000001Z"}`, invalid("created_at").with("a day in the future")},
		{"created_at before 1970", `{"id": "u_1", "created_at": "1969-12-31T23:59:59.999999Z"}`, invalid("created_at").with("1970")},
		{"too many attributes", `{"id": "u_1", "attributes": {` + strings.Join(manyAttrs, ",") + `}}`, invalid("attributes").with("at most 50 keys, not 51")},
		{"attribute key too long", `{"id": "u_1", "attributes": {"` + key65 + `": 1}}`, invalid("attributes." + key65)},
		{"empty attribute key", `{"id": "u_1", "attributes": {"": 1}}`, invalid("attributes.")},
		{"attribute key with a control character", `{"id": "u_1", "attributes": {"a\u0001": 1}}`, invalid("attributes.a\x01")},
		{"attribute value too long", `{"id": "u_1", "attributes": {"bio": "` + strings.Repeat("ж", 1025) + `"}}`, invalid("attributes.bio").with("not 1025")},
		{"attribute value an object", `{"id": "u_1", "attributes": {"b": 1, "a": {"x": 1}}}`, invalid("attributes.a").with("not an object")},
		{"attribute value an array", `{"id": "u_1", "attributes": {"tags": ["a"]}}`, invalid("attributes.tags").with("not an array")},
		{
			name: "every problem at once, in field order",
			body: `{"id": "", "name": "\u0000", "email": "x", "phone": "1", "created_at": "soon", "attributes": {"z": [], "a": {}}}`,
			want: invalid("id", "name", "email", "phone", "created_at", "attributes.a", "attributes.z"),
		},

		{"empty body", ``, problem(400).with("empty")},
		{"blank body", " \n ", problem(400)},
		{"null body", `null`, problem(400).with("not null")},
		{"array body", `[{"id": "u_1"}]`, problem(400).with("not array")},
		{"string body", `"u_1"`, problem(400)},
		{"not JSON", `id=u_1`, problem(400)},
		{"trailing comma", `{"id": "u_1",}`, problem(400)},
		{"truncated", `{"id": "u_1"`, problem(400).with("ends too soon")},
		{"two objects", `{"id": "u_1"}{"id": "u_2"}`, problem(400).with("data after")},
		{"single quotes", `{'id': 'u_1'}`, problem(400)},
		{"raw control character in a string", "{\"id\": \"u\x01\"}", problem(400)},
		{"id a number", `{"id": 42}`, problem(400, "id").with(`"id"`)},
		{"name a bool", `{"id": "u_1", "name": true}`, problem(400, "name")},
		{"email an object", `{"id": "u_1", "email": {"work": "a@example.com"}}`, problem(400, "email")},
		{"created_at a number", `{"id": "u_1", "created_at": 1763632800}`, problem(400, "created_at")},
		{"attributes an array", `{"id": "u_1", "attributes": [["plan", "pro"]]}`, problem(400, "attributes")},
		{"attributes a string", `{"id": "u_1", "attributes": "plan=pro"}`, problem(400, "attributes")},
		{"unknown field", `{"id": "u_1", "nmae": "Anna"}`, problem(422, "nmae").with(`"nmae"`)},
		{"unknown field holding an object", `{"id": "u_1", "attributes": {"a": 1}, "extra": {"nested": 1}}`, problem(422, "extra")},
		{"purchase field on a customer", `{"id": "u_1", "amount": "49.90"}`, problem(422, "amount")},
		{"type field on a lone customer", `{"type": "customer", "id": "u_1"}`, problem(422, "type")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ingest.DecodeCustomer([]byte(tt.body), decodeNow)
			checkRefusal(t, err, tt.want)
			if ev.Kind != ingest.KindCustomer {
				t.Errorf("Kind = %q; want customer even on a refusal", ev.Kind)
			}
		})
	}
}

type wantPurchase struct {
	p     model.Purchase
	given struct{ PurchasedAt, Status, Items, Attributes bool }
}

func givenAll() struct{ PurchasedAt, Status, Items, Attributes bool } {
	return struct{ PurchasedAt, Status, Items, Attributes bool }{true, true, true, true}
}

func checkPurchase(t *testing.T, got ingest.PurchaseEvent, want wantPurchase) {
	t.Helper()
	g, w := got.P, want.p
	if g.ID != w.ID || g.CustomerID != w.CustomerID || g.Amount != w.Amount || g.Currency != w.Currency || g.Status != w.Status {
		t.Errorf("purchase = {ID:%q CustomerID:%q Amount:%d Currency:%q Status:%q}; want {ID:%q CustomerID:%q Amount:%d Currency:%q Status:%q}",
			g.ID, g.CustomerID, g.Amount, g.Currency, g.Status, w.ID, w.CustomerID, w.Amount, w.Currency, w.Status)
	}
	if g.AppID != "" {
		t.Errorf("AppID = %q; decoding must leave it to the caller", g.AppID)
	}
	checkTime(t, "PurchasedAt", g.PurchasedAt, w.PurchasedAt)
	checkTimePtr(t, "RefundedAt", g.RefundedAt, w.RefundedAt)
	checkTime(t, "ReceivedAt", g.ReceivedAt, decodeNow)
	if g.Items == nil {
		t.Errorf("Items is nil; want a non-nil slice")
	}
	if !slices.Equal(g.Items, w.Items) {
		t.Errorf("Items = %+v; want %+v", g.Items, w.Items)
	}
	if !reflect.DeepEqual(g.Attributes, w.Attributes) {
		t.Errorf("Attributes = %#v; want %#v", g.Attributes, w.Attributes)
	}
	if got.Given != want.given {
		t.Errorf("Given = %+v; want %+v", got.Given, want.given)
	}
}

func TestDecodePurchase(t *testing.T) {
	t.Parallel()
	base := func(amount int64) model.Purchase {
		return model.Purchase{ID: "ord_1", CustomerID: "u_1", Amount: amount, Currency: "USD",
			Status: model.StatusPaid, PurchasedAt: decodeNow, Items: []model.Item{}}
	}
	with := func(p model.Purchase, f func(*model.Purchase)) model.Purchase { f(&p); return p }
	id128 := strings.Repeat("ё", 128)
	tests := []struct {
		name string
		cur  ingest.Currency
		body string
		want wantPurchase
	}{
		{
			name: "API example",
			body: examplePurchase,
			want: wantPurchase{
				p: model.Purchase{ID: "ord_1001", CustomerID: "u_42", Amount: 4990, Currency: "USD",
					Status: model.StatusPaid, PurchasedAt: *at("2026-11-20T10:00:00Z"),
					Items:      []model.Item{{ProductID: "sku-1", Name: "Pro plan", Category: "subscription", Quantity: 1, Price: 4990}},
					Attributes: map[string]any{"channel": "ios", "coupon": "BF26"}},
				given: givenAll(),
			},
		},
		{
			name: "required fields only: defaults",
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "49.90"}`,
			want: wantPurchase{p: base(4990)},
		},
		{"amount as a JSON number", curUSD, `{"id": "ord_1", "customer_id": "u_1", "amount": 49.9}`, wantPurchase{p: base(4990)}},
		{"amount as a JSON number with exponent", curUSD, `{"id": "ord_1", "customer_id": "u_1", "amount": 1E+2}`, wantPurchase{p: base(10000)}},
		{"amount with trailing zeros", curUSD, `{"id": "ord_1", "customer_id": "u_1", "amount": "49.900"}`, wantPurchase{p: base(4990)}},
		{"amount escaped", curUSD, `{"id": "ord_1", "customer_id": "u_1", "amount": "\u0034\u0039.90"}`, wantPurchase{p: base(4990)}},
		{"zero amount", curUSD, `{"id": "ord_1", "customer_id": "u_1", "amount": "-0.00"}`, wantPurchase{p: base(0)}},
		{"largest amount", curUSD, `{"id": "ord_1", "customer_id": "u_1", "amount": "10000000000000"}`, wantPurchase{p: base(money.MaxMinor)}},
		{"currency normalised", curUSD, `{"id": "ord_1", "customer_id": "u_1", "amount": "1", "currency": " usd "}`, wantPurchase{p: base(100)}},
		{
			name: "JPY",
			cur:  curJPY,
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "1500.0", "currency": "JPY", "product": "Bento"}`,
			want: wantPurchase{
				p: with(base(1500), func(p *model.Purchase) {
					p.Currency = "JPY"
					p.Items = []model.Item{{Name: "Bento", Quantity: 1, Price: 1500}}
				}),
				given: struct{ PurchasedAt, Status, Items, Attributes bool }{Items: true},
			},
		},
		{
			name: "product shorthand: one item at the full amount",
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "49.90", "product": "  Pro plan "}`,
			want: wantPurchase{
				p:     with(base(4990), func(p *model.Purchase) { p.Items = []model.Item{{Name: "Pro plan", Quantity: 1, Price: 4990}} }),
				given: struct{ PurchasedAt, Status, Items, Attributes bool }{Items: true},
			},
		},
		{
			name: "items with quantities add up to the amount",
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "100",
				"items": [{"name": " Mug ", "category": " Kitchen ", "quantity": 3, "price": "10"}, {"product_id": "sku-2", "price": 70}]}`,
			want: wantPurchase{
				p: with(base(10000), func(p *model.Purchase) {
					p.Items = []model.Item{
						{Name: "Mug", Category: "Kitchen", Quantity: 3, Price: 1000},
						{ProductID: "sku-2", Quantity: 1, Price: 7000},
					}
				}),
				given: struct{ PurchasedAt, Status, Items, Attributes bool }{Items: true},
			},
		},
		{
			name: "free items in a free order",
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "0", "items": [{"name": "Sample", "quantity": 1000000, "price": "0"}]}`,
			want: wantPurchase{
				p:     with(base(0), func(p *model.Purchase) { p.Items = []model.Item{{Name: "Sample", Quantity: 1000000, Price: 0}} }),
				given: struct{ PurchasedAt, Status, Items, Attributes bool }{Items: true},
			},
		},
		{
			name: "empty items are given",
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "0", "items": []}`,
			want: wantPurchase{p: base(0), given: struct{ PurchasedAt, Status, Items, Attributes bool }{Items: true}},
		},
		{
			name: "null items are absent",
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "5", "items": null, "product": null}`,
			want: wantPurchase{p: base(500)},
		},
		{
			name: "purchased_at in UTC, truncated to the microsecond",
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "1", "purchased_at": "2026-11-19T23:30:00.9999999-05:00"}`,
			want: wantPurchase{
				p:     with(base(100), func(p *model.Purchase) { p.PurchasedAt = *at("2026-11-20T04:30:00.999999Z") }),
				given: struct{ PurchasedAt, Status, Items, Attributes bool }{PurchasedAt: true},
			},
		},
		{
			name: "refund without refunded_at: refunded when received",
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "1", "purchased_at": "2026-11-01T00:00:00Z", "status": "refunded"}`,
			want: wantPurchase{
				p: with(base(100), func(p *model.Purchase) {
					p.PurchasedAt = *at("2026-11-01T00:00:00Z")
					p.Status = model.StatusRefunded
					p.RefundedAt = &decodeNow
				}),
				given: struct{ PurchasedAt, Status, Items, Attributes bool }{PurchasedAt: true, Status: true},
			},
		},
		{
			// A sender clock slightly ahead must not make the refund
			// precede the purchase.
			name: "refund of a purchase dated ahead of the server",
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "1", "purchased_at": "2026-11-20T11:00:00Z", "status": "refunded"}`,
			want: wantPurchase{
				p: with(base(100), func(p *model.Purchase) {
					p.PurchasedAt = *at("2026-11-20T11:00:00Z")
					p.Status = model.StatusRefunded
					p.RefundedAt = at("2026-11-20T11:00:00Z")
				}),
				given: struct{ PurchasedAt, Status, Items, Attributes bool }{PurchasedAt: true, Status: true},
			},
		},
		{
			name: "refund with refunded_at",
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "1", "purchased_at": "2026-11-01T00:00:00Z", "status": "refunded", "refunded_at": "2026-11-02T03:00:00.0000005+03:00"}`,
			want: wantPurchase{
				p: with(base(100), func(p *model.Purchase) {
					p.PurchasedAt = *at("2026-11-01T00:00:00Z")
					p.Status = model.StatusRefunded
					p.RefundedAt = at("2026-11-02T00:00:00Z")
				}),
				given: struct{ PurchasedAt, Status, Items, Attributes bool }{PurchasedAt: true, Status: true},
			},
		},
		{
			name: "refunded at the very moment of purchase",
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "1", "purchased_at": "2026-11-01T00:00:00Z", "status": "refunded", "refunded_at": "2026-11-01T00:00:00Z"}`,
			want: wantPurchase{
				p: with(base(100), func(p *model.Purchase) {
					p.PurchasedAt = *at("2026-11-01T00:00:00Z")
					p.Status = model.StatusRefunded
					p.RefundedAt = at("2026-11-01T00:00:00Z")
				}),
				given: struct{ PurchasedAt, Status, Items, Attributes bool }{PurchasedAt: true, Status: true},
			},
		},
		{
			name: "explicit paid status is given",
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "1", "status": "paid"}`,
			want: wantPurchase{p: base(100), given: struct{ PurchasedAt, Status, Items, Attributes bool }{Status: true}},
		},
		{
			// On a purchase a null attribute has nothing to remove.
			name: "null attribute values dropped",
			body: `{"id": "ord_1", "customer_id": "u_1", "amount": "1", "attributes": {"coupon": null, "gift": false}}`,
			want: wantPurchase{
				p:     with(base(100), func(p *model.Purchase) { p.Attributes = map[string]any{"gift": false} }),
				given: struct{ PurchasedAt, Status, Items, Attributes bool }{Attributes: true},
			},
		},
		{
			name: "Cyrillic and emoji",
			body: `{"id": "заказ-1", "customer_id": "🦊", "amount": "1", "product": "Подписка ⭐"}`,
			want: wantPurchase{
				p: with(base(100), func(p *model.Purchase) {
					p.ID, p.CustomerID = "заказ-1", "🦊"
					p.Items = []model.Item{{Name: "Подписка ⭐", Quantity: 1, Price: 100}}
				}),
				given: struct{ PurchasedAt, Status, Items, Attributes bool }{Items: true},
			},
		},
		{
			name: "ids of 128 runes",
			body: `{"id": "` + id128 + `", "customer_id": "` + id128 + `", "amount": "1", "items": [{"product_id": "` + id128 + `", "price": "1"}]}`,
			want: wantPurchase{
				p: with(base(100), func(p *model.Purchase) {
					p.ID, p.CustomerID = id128, id128
					p.Items = []model.Item{{ProductID: id128, Quantity: 1, Price: 100}}
				}),
				given: struct{ PurchasedAt, Status, Items, Attributes bool }{Items: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := tt.cur
			if cur == (ingest.Currency{}) {
				cur = curUSD
			}
			ev, err := ingest.DecodePurchase([]byte(tt.body), cur, decodeNow)
			if err != nil {
				t.Fatalf("DecodePurchase: %v", err)
			}
			if ev.Kind != ingest.KindPurchase {
				t.Errorf("Kind = %q; want purchase", ev.Kind)
			}
			if ev.Ref() != tt.want.p.ID {
				t.Errorf("Ref() = %q; want %q", ev.Ref(), tt.want.p.ID)
			}
			checkPurchase(t, ev.Purchase, tt.want)
		})
	}
}

func TestDecodePurchaseRefusals(t *testing.T) {
	t.Parallel()
	const head = `"id": "ord_1", "customer_id": "u_1"`
	items := func(amount string, items ...string) string {
		return `{` + head + `, "amount": ` + amount + `, "items": [` + strings.Join(items, ", ") + `]}`
	}
	tests := []struct {
		name string
		cur  ingest.Currency
		body string
		want refusal
	}{
		{"empty object", curUSD, `{}`, invalid("id", "customer_id", "amount")},
		{"null amount is absent", curUSD, `{` + head + `, "amount": null}`, invalid("amount").with("is required")},
		{"empty amount", curUSD, `{` + head + `, "amount": ""}`, invalid("amount").with("must not be empty")},
		{"negative amount", curUSD, `{` + head + `, "amount": -1}`, invalid("amount").with("must not be negative")},
		{"amount with three decimals", curUSD, `{` + head + `, "amount": "49.901"}`, invalid("amount").with("has more than 2 decimal places: USD has 2")},
		{"amount with a decimal comma", curUSD, `{` + head + `, "amount": "49,90"}`, invalid("amount").with("decimal amount")},
		{"amount with a currency sign", curUSD, `{` + head + `, "amount": "$49.90"}`, invalid("amount")},
		{"amount too large", curUSD, `{` + head + `, "amount": "10000000000000.01"}`, invalid("amount").with("too large")},
		{"amount as a huge JSON number", curUSD, `{` + head + `, "amount": 1e999}`, invalid("amount").with("too large")},
		{"amount as a tiny JSON number", curUSD, `{` + head + `, "amount": 1e-999}`, invalid("amount").with("decimal places")},
		{"JPY amount with a fraction", curJPY, `{` + head + `, "amount": "1500.5"}`, invalid("amount").with("has more than 0 decimal places: JPY has 0")},
		{"other currency", curUSD, `{` + head + `, "amount": "1", "currency": "EUR"}`, invalid("currency").with("app's currency, USD")},
		{"unknown currency", curUSD, `{` + head + `, "amount": "1", "currency": "XXX"}`, invalid("currency").with("ISO 4217")},
		{"unknown status", curUSD, `{` + head + `, "amount": "1", "status": "pending"}`, invalid("status")},
		{"status in another case", curUSD, `{` + head + `, "amount": "1", "status": "Paid"}`, invalid("status")},
		{"purchased_at too far ahead", curUSD, `{` + head + `, "amount": "1", "purchased_at": "2026-11-21T10:00:01Z"}`, invalid("purchased_at")},
		{"purchased_at not a time", curUSD, `{` + head + `, "amount": "1", "purchased_at": "today"}`, invalid("purchased_at")},
		{"refunded_at on a paid purchase", curUSD, `{` + head + `, "amount": "1", "refunded_at": "2026-11-20T09:00:00Z"}`, invalid("refunded_at").with(`"status": "refunded"`)},
		{"refund before the purchase", curUSD, `{` + head + `, "amount": "1", "status": "refunded", "purchased_at": "2026-11-20T09:00:00Z", "refunded_at": "2026-11-20T08:59:59.999999Z"}`, invalid("refunded_at").with("before purchased_at")},
		{"product and items", curUSD, `{` + head + `, "amount": "1", "product": "A", "items": [{"name": "A", "price": "1"}]}`, invalid("product").with("not both")},
		{"empty product", curUSD, `{` + head + `, "amount": "1", "product": "  "}`, invalid("product").with("must not be empty")},
		{"product with a control character", curUSD, `{` + head + `, "amount": "1", "product": "A\u0000"}`, invalid("product")},
		{"second item's price has three decimals", curUSD, items(`"20"`, `{"name": "A", "price": "10"}`, `{"name": "B", "price": "10.001"}`), invalid("items[1].price").with("has more than 2 decimal places: USD has 2")},
		{"item without price", curUSD, items(`"10"`, `{"name": "A"}`), invalid("items[0].price").with("is required")},
		{"item with null price", curUSD, items(`"10"`, `{"name": "A", "price": null}`), invalid("items[0].price")},
		{"item with negative price", curUSD, items(`"10"`, `{"name": "A", "price": "-10"}`), invalid("items[0].price").with("negative")},
		{"item without product_id or name", curUSD, items(`"10"`, `{"category": "x", "price": "10"}`), invalid("items[0]").with("product_id or a name")},
		{"item with empty product_id", curUSD, items(`"10"`, `{"product_id": "", "price": "10"}`), invalid("items[0].product_id", "items[0]")},
		{"item with a blank name", curUSD, items(`"10"`, `{"name": "   ", "price": "10"}`), invalid("items[0]")},
		{"item product_id of 129 runes", curUSD, items(`"10"`, `{"product_id": "`+strings.Repeat("ё", 129)+`", "price": "10"}`), invalid("items[0].product_id")},
		{"item name too long", curUSD, items(`"10"`, `{"name": "`+strings.Repeat("n", 257)+`", "price": "10"}`), invalid("items[0].name")},
		{"item category with a control character", curUSD, items(`"10"`, `{"name": "A", "category": "a\u0002", "price": "10"}`), invalid("items[0].category")},
		{"zero quantity", curUSD, items(`"10"`, `{"name": "A", "quantity": 0, "price": "10"}`), invalid("items[0].quantity")},
		{"negative quantity", curUSD, items(`"10"`, `{"name": "A", "quantity": -1, "price": "10"}`), invalid("items[0].quantity")},
		{"quantity over the limit", curUSD, items(`"10"`, `{"name": "A", "quantity": 1000001, "price": "10"}`), invalid("items[0].quantity")},
		{"quantity × price overflows", curUSD, items(`"10"`, `{"name": "A", "quantity": 1000000, "price": "10000000000000"}`), invalid("items[0]").with("too large")},
		{"items do not add up", curUSD, items(`"49.90"`, `{"name": "A", "quantity": 2, "price": "24.94"}`), invalid("items").with("add up to 49.88 (quantity × price) but amount is 49.90")},
		{"empty items with an amount", curUSD, items(`"1"`), invalid("items").with("add up to 0.00")},
		{"too many items", curUSD, items(`"1001"`, slices.Repeat([]string{`{"name": "A", "price": "1"}`}, ingest.MaxItems+1)...), invalid("items").with("at most 1000 items")},
		{
			name: "every item problem, in order",
			cur:  curUSD,
			body: items(`"x"`, `{"name": "A", "price": "1"}`, `{"quantity": 0, "price": "abc"}`, `{"product_id": " p", "name": "B"}`),
			want: invalid("amount", "items[1]", "items[1].quantity", "items[1].price", "items[2].product_id", "items[2].price"),
		},
		{"purchase id with a tab", curUSD, `{"id": "ord\t1", "customer_id": "u_1", "amount": "1"}`, invalid("id").with("control characters")},
		{"customer_id of 129 runes", curUSD, `{"id": "ord_1", "customer_id": "` + strings.Repeat("😀", 129) + `", "amount": "1"}`, invalid("customer_id")},
		{"attributes nested", curUSD, `{` + head + `, "amount": "1", "attributes": {"cart": {"size": 2}}}`, invalid("attributes.cart")},

		{"amount a bool", curUSD, `{` + head + `, "amount": true}`, problem(400, "amount").with(`"amount"`)},
		{"amount an object", curUSD, `{` + head + `, "amount": {"value": "1"}}`, problem(400, "amount")},
		{"amount an array", curUSD, `{` + head + `, "amount": ["1"]}`, problem(400, "amount")},
		{"second item's price a bool", curUSD, items(`"20"`, `{"name": "A", "price": "10"}`, `{"name": "B", "price": false}`), problem(400, "items[1].price").with("must be a decimal string")},
		{"second item's price an array", curUSD, items(`"20"`, `{"name": "A", "price": "10"}`, `{"name": "B", "price": ["10"]}`), problem(400, "items[1].price").with("not array")},
		{"second item's price an object", curUSD, items(`"20"`, `{"name": "A", "price": "10"}`, `{"name": "B", "price": {}}`), problem(400, "items[1].price").with("not object")},
		{"item quantity a string", curUSD, items(`"20"`, `{"name": "A", "quantity": "2", "price": "10"}`), problem(400, "items[0].quantity")},
		{"item quantity a fraction", curUSD, items(`"20"`, `{"name": "A", "quantity": 1.5, "price": "10"}`), problem(400, "items[0].quantity").with("whole number")},
		{"items an object", curUSD, `{` + head + `, "amount": "1", "items": {"name": "A"}}`, problem(400, "items")},
		{"items of strings", curUSD, `{` + head + `, "amount": "1", "items": ["A"]}`, problem(400, "items[0]").with("must be an object, not string")},
		{"status a number", curUSD, `{` + head + `, "amount": "1", "status": 1}`, problem(400, "status")},
		{"customer_id a number", curUSD, `{"id": "ord_1", "customer_id": 42, "amount": "1"}`, problem(400, "customer_id")},
		{"unknown field", curUSD, `{` + head + `, "amout": "1"}`, problem(422, "amout")},
		{"unknown field in the second item", curUSD, items(`"2"`, `{"name": "A", "price": "1"}`, `{"name": "B", "qty": 1, "price": "1"}`), problem(422, "items[1].qty").with(`"items[1].qty"`)},
		{"customer field on a purchase", curUSD, `{` + head + `, "amount": "1", "email": "a@example.com"}`, problem(422, "email")},
		{"not JSON", curUSD, `{` + head + `, "amount": 49.90.1}`, problem(400)},
		{"NaN amount", curUSD, `{` + head + `, "amount": NaN}`, problem(400)},
		{"amount with a leading plus", curUSD, `{` + head + `, "amount": +1}`, problem(400)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ingest.DecodePurchase([]byte(tt.body), tt.cur, decodeNow)
			checkRefusal(t, err, tt.want)
			if ev.Kind != ingest.KindPurchase {
				t.Errorf("Kind = %q; want purchase even on a refusal", ev.Kind)
			}
		})
	}
}

// decodeBatch decodes a batch body the way the API does: strictly into
// BatchInput first, then each event.
func decodeBatch(body []byte, cur ingest.Currency) ([]ingest.Item, error) {
	var in ingest.BatchInput
	if err := httpx.UnmarshalOuter(body, &in); err != nil {
		return nil, err
	}
	return ingest.DecodeBatch(in, cur, decodeNow)
}

// wantItem is one event's expected outcome: err nil for an accepted event
// of kind with ref as its id.
type wantItem struct {
	kind ingest.Kind
	ref  string
	err  *refusal
}

func accepted(kind ingest.Kind, ref string) wantItem { return wantItem{kind: kind, ref: ref} }

func refused(kind ingest.Kind, r refusal) wantItem { return wantItem{kind: kind, err: &r} }

func TestDecodeBatch(t *testing.T) {
	t.Parallel()
	batch := func(events ...string) string { return `{"events": [` + strings.Join(events, ",\n") + `]}` }
	typed := func(kind, body string) string {
		return `{"type": "` + kind + `", ` + strings.TrimPrefix(body, "{")
	}
	tests := []struct {
		name string
		body string
		want []wantItem
	}{
		{
			name: "API examples",
			body: batch(typed("customer", exampleCustomer), typed("purchase", examplePurchase)),
			want: []wantItem{accepted(ingest.KindCustomer, "u_42"), accepted(ingest.KindPurchase, "ord_1001")},
		},
		{
			name: "type may come last and in another case",
			body: batch(`{"id": "u_1", "TYPE": "customer"}`),
			want: []wantItem{accepted(ingest.KindCustomer, "u_1")},
		},
		{
			name: "each bad event is refused on its own, with paths from the event",
			body: batch(
				`{"type": "customer", "id": "u_1"}`,
				`{"type": "purchase", "id": "ord_1", "customer_id": "u_1", "amount": "1", "product": "A"}`,
				`{"type": "customer", "id": ""}`,
				`{"type": "purchase", "id": "ord_2", "customer_id": "u_1", "amount": "1.001"}`,
				`{"type": "purchase", "id": "ord_3", "customer_id": "u_1", "amount": "20", "items": [{"name": "A", "price": "10"}, {"name": "B", "price": "x"}]}`,
				`{"type": "purchase", "id": "ord_4", "customer_id": "u_1", "amount": "1", "items": [{"name": "A", "qty": 1, "price": "1"}]}`,
				`{"type": "customer", "id": "u_2", "amount": "1"}`,
				`{"type": "customer", "id": "u_3", "attributes": {"a": {"b": 1}}}`,
				`{"id": "u_4"}`,
				`{"type": null, "id": "u_5"}`,
				`{"type": "refund", "id": "ord_1"}`,
				`{"type": "Customer", "id": "u_6"}`,
				`null`,
				`"customer"`,
				`[{"type": "customer", "id": "u_7"}]`,
				`{"type": 1, "id": "u_8"}`,
				`{"type": "customer", "id": "u_9"}`,
				`{"type": "purchase", "id": "ord_5", "customer_id": "u_1", "amount": true}`,
				`{"type": "customer", "id": 5}`,
				`{"type": "purchase", "id": "ord_6", "customer_id": "u_1", "amount": "20", "items": [{"name": "A", "price": "10"}, {"name": "B", "price": []}]}`,
			),
			want: []wantItem{
				accepted(ingest.KindCustomer, "u_1"),
				accepted(ingest.KindPurchase, "ord_1"),
				refused(ingest.KindCustomer, invalid("events[2].id")),
				refused(ingest.KindPurchase, invalid("events[3].amount").with("USD has 2")),
				refused(ingest.KindPurchase, invalid("events[4].items[1].price")),
				refused(ingest.KindPurchase, problem(422, "events[5].items[0].qty").with("events[5]: ")),
				refused(ingest.KindCustomer, problem(422, "events[6].amount")),
				refused(ingest.KindCustomer, invalid("events[7].attributes.a")),
				refused("", invalid("events[8].type").with("is required")),
				refused("", invalid("events[9].type")),
				refused("", invalid("events[10].type").with(`not "refund"`)),
				refused("", invalid("events[11].type").with(`not "Customer"`)),
				refused("", problem(400).with("events[12] must be a JSON object")),
				refused("", problem(400).with("events[13]")),
				refused("", problem(400).with("events[14]")),
				refused("", problem(400).with("events[15]")),
				accepted(ingest.KindCustomer, "u_9"),
				// encoding/json names the embedded input struct in the
				// path ("PurchaseInput.amount"); the API must not.
				refused(ingest.KindPurchase, problem(400, "events[17].amount").with("events[17]: ")),
				refused(ingest.KindCustomer, problem(400, "events[18].id")),
				refused(ingest.KindPurchase, problem(400, "events[19].items[1].price")),
			},
		},
		{
			name: "a batch of one bad event is still a batch",
			body: batch(`{}`),
			want: []wantItem{refused("", invalid("events[0].type"))},
		},
		{
			name: "events of exactly 64 KiB and one byte more",
			body: batch(sizedEvent(ingest.MaxEventBytes), sizedEvent(ingest.MaxEventBytes+1)),
			want: []wantItem{
				accepted(ingest.KindCustomer, "u_big"),
				refused("", problem(413).with("events[1] is 65537 bytes; one event may be at most 65536")),
			},
		},
		{
			name: "an event over 64 KiB is refused before it is read",
			body: batch(`{"type": "customer", "id": "u_1", "name": "` + strings.Repeat("Ω", 40000) + `"}`),
			want: []wantItem{refused("", problem(413))},
		},
		{
			name: "the most events a batch holds",
			body: batch(slices.Repeat([]string{`{"type": "customer", "id": "u_1"}`}, ingest.MaxBatchEvents)...),
			want: slices.Repeat([]wantItem{accepted(ingest.KindCustomer, "u_1")}, ingest.MaxBatchEvents),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := decodeBatch([]byte(tt.body), curUSD)
			if err != nil {
				t.Fatalf("DecodeBatch: %v", err)
			}
			if len(items) != len(tt.want) {
				t.Fatalf("got %d items; want %d", len(items), len(tt.want))
			}
			for i, it := range items {
				w := tt.want[i]
				if it.Index != i {
					t.Errorf("items[%d].Index = %d", i, it.Index)
				}
				if it.Event.Kind != w.kind {
					t.Errorf("items[%d].Event.Kind = %q; want %q", i, it.Event.Kind, w.kind)
				}
				if w.err != nil {
					t.Run(fmt.Sprintf("events[%d]", i), func(t *testing.T) { checkRefusal(t, it.Err, *w.err) })
					continue
				}
				if it.Err != nil {
					t.Errorf("events[%d] refused: %v", i, it.Err)
				} else if ref := it.Event.Ref(); ref != w.ref {
					t.Errorf("events[%d].Ref() = %q; want %q", i, ref, w.ref)
				}
			}
		})
	}
}

// sizedEvent is a valid customer event of exactly n bytes, padded with
// insignificant whitespace, which counts towards the limit like any byte.
func sizedEvent(n int) string {
	const head, tail = `{"type": "customer", "id": "u_big"`, `}`
	return head + strings.Repeat(" ", n-len(head)-len(tail)) + tail
}

func TestDecodeBatchEventsMatchSingleDecoding(t *testing.T) {
	t.Parallel()
	// An event in a batch is processed "exactly as if sent alone".
	customer := `{"id": "u_1", "name": " Анна ", "email": "ANNA@example.com", "created_at": "2026-11-20T13:00:00.1234567+03:00", "attributes": {"plan": null}}`
	purchase := `{"id": "ord_1", "customer_id": "u_1", "amount": 12.5, "status": "refunded", "items": [{"name": "A", "quantity": 5, "price": "2.5"}]}`
	items, err := decodeBatch([]byte(`{"events": [{"type": "customer", `+customer[1:]+`, {"type": "purchase", `+purchase[1:]+`]}`), curUSD)
	if err != nil {
		t.Fatal(err)
	}
	alone, err := ingest.DecodeCustomer([]byte(customer), decodeNow)
	if err != nil {
		t.Fatal(err)
	}
	if items[0].Err != nil {
		t.Fatal(items[0].Err)
	}
	checkCustomer(t, items[0].Event.Customer, alone.Customer)
	aloneP, err := ingest.DecodePurchase([]byte(purchase), curUSD, decodeNow)
	if err != nil {
		t.Fatal(err)
	}
	if items[1].Err != nil {
		t.Fatal(items[1].Err)
	}
	checkPurchase(t, items[1].Event.Purchase, wantPurchase{p: aloneP.Purchase.P, given: aloneP.Purchase.Given})
}

func TestDecodeBatchRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want refusal
	}{
		{"no events", `{}`, invalid("events").with("is required")},
		{"null events", `{"events": null}`, invalid("events").with("is required")},
		{"empty events", `{"events": []}`, invalid("events").with("at least one")},
		{"too many events", `{"events": [` + strings.Repeat(`{"type": "customer", "id": "u_1"},`, ingest.MaxBatchEvents) + `{"type": "customer", "id": "u_1"}]}`, problem(413).with("this one has 1001")},
		{"events an object", `{"events": {"type": "customer", "id": "u_1"}}`, problem(400, "events")},
		{"events a string", `{"events": "[]"}`, problem(400, "events")},
		{"unknown field beside events", `{"events": [{"type": "customer", "id": "u_1"}], "dry_run": true}`, problem(422, "dry_run")},
		{"a bare array of events", `[{"type": "customer", "id": "u_1"}]`, problem(400).with("not array")},
		{"empty body", ``, problem(400)},
		{"broken JSON inside an event", `{"events": [{"type": "customer", "id": "u_1",}]}`, problem(400)},
		{"truncated", `{"events": [{"type": "customer", "id": "u_1"}`, problem(400)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := decodeBatch([]byte(tt.body), curUSD)
			checkRefusal(t, err, tt.want)
			if items != nil {
				t.Errorf("got %d items with a batch-level error", len(items))
			}
		})
	}
}

// TestDecodeDuplicateKeys pins down what a body with a repeated key means.
// RFC 8259 leaves it to the parser; encoding/json keeps the last value for
// plain fields, but merges repeated objects into the same map.
// A name repeated in one object is refused: encoding/json would keep the
// last value, or merge two arrays element by element and let a second
// "items" past the checks of the first. Names differing in case are
// different names to JSON (encoding/json still matches them to the same
// field, last one winning).
func TestDecodeDuplicateKeys(t *testing.T) {
	t.Parallel()
	customers := []struct{ name, body, field string }{
		{"id twice", `{"id": "u_1", "id": "u_2"}`, "id"},
		{"null after a value", `{"id": "u_1", "name": "Anna", "name": null}`, "name"},
		{"attributes twice", `{"id": "u_1", "attributes": {"a": 1, "b": 1}, "attributes": {"b": 2}}`, "attributes"},
		{"an attribute twice", `{"id": "u_1", "attributes": {"a": 1, "a": "x"}}`, "attributes.a"},
		{"escaped the second time", `{"id": "u_1", "n\u0061me": "A", "name": "B"}`, "name"},
		{"the empty name twice", `{"id": "u_1", "attributes": {"": 1, "": 2}}`, `attributes.""`},
	}
	for _, tt := range customers {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ingest.DecodeCustomer([]byte(tt.body), decodeNow)
			checkRefusal(t, err, problem(400, tt.field))
		})
	}
	ev, err := ingest.DecodeCustomer([]byte(`{"id": "u_1", "ID": "u_2"}`), decodeNow)
	if err != nil || ev.Customer.ID != "u_2" {
		t.Errorf("names differing in case: %v %+v; want the last one to win", err, ev.Customer)
	}
	_, err = ingest.DecodePurchase([]byte(`{"id": "o", "customer_id": "u", "amount": "2",
		"items": [{"name": "a", "category": "c", "price": "1"}, {"name": "x", "price": "1"}],
		"items": [{"name": "b", "quantity": 2}]}`), curUSD, decodeNow)
	checkRefusal(t, err, problem(400, "items"))
	_, err = ingest.DecodePurchase([]byte(`{"id": "o", "customer_id": "u", "amount": "2",
		"items": [{"name": "a", "price": "1", "price": "2"}]}`), curUSD, decodeNow)
	checkRefusal(t, err, problem(400, "items[0].price"))
	items, err := decodeBatch([]byte(`{"events": [{"type": "customer", "id": "u_0"},
		{"type": "purchase", "type": "customer", "id": "u_1"}]}`), curUSD)
	if err != nil {
		t.Fatal(err)
	}
	if items[0].Err != nil {
		t.Errorf("event 0: %v", items[0].Err)
	}
	checkRefusal(t, items[1].Err, problem(400, "events[1].type"))
}
