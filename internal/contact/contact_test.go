package contact_test

import (
	"testing"

	"pulse/internal/contact"
)

func TestPhone(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"+79990001122", "+79990001122", true},
		{"+7 (999) 000-11-22", "+79990001122", true},
		{" +44 20 7946 0958 ", "+442079460958", true},
		{"0049 30 901820", "+4930901820", true},
		{"+1.415.555.2671", "+14155552671", true},
		{"+1\u00a0415\u00a0555\u00a02671", "+14155552671", true},
		{"8 999 000 11 22", "", false},   // national format: country unknown
		{"+0 123 456 789", "", false},    // no country code starts with 0
		{"+12345", "", false},            // too short
		{"+1234567890123456", "", false}, // 16 digits
		{"+7 999 OOO 11 22", "", false},  // letters
		{"+7 999+000", "", false},        // a plus inside
		{"", "", false},
	} {
		got, msg := contact.Phone(c.in)
		if (msg == "") != c.ok {
			t.Errorf("Phone(%q): reason %q, want ok=%v", c.in, msg, c.ok)
			continue
		}
		if c.ok && got != c.want {
			t.Errorf("Phone(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestEmail(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{" Anna@Example.COM ", "anna@example.com", true},
		{"анна@пример.рф", "анна@пример.рф", true},
		{"Anna <anna@example.com>", "", false},
		{"anna@localhost", "", false},
		{"anna@example..com", "", false},
		{"@example.com", "", false},
		{"", "", false},
	} {
		got, msg := contact.Email(c.in)
		if (msg == "") != c.ok {
			t.Errorf("Email(%q): reason %q, want ok=%v", c.in, msg, c.ok)
			continue
		}
		if c.ok && got != c.want {
			t.Errorf("Email(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
