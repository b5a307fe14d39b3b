package httpx_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"pulse/internal/httpx"
)

func TestClientIP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		remoteAddr string
		xff        []string // X-Forwarded-For header lines
		trust      bool
		want       string
	}{
		{"peer ipv4", "192.0.2.1:1234", nil, false, "192.0.2.1"},
		{"peer ipv6", "[2001:db8::2]:443", nil, false, "2001:db8::2"},
		{"peer without port", "@", nil, false, "@"},
		{"untrusted header ignored", "192.0.2.1:1234", []string{"203.0.113.5"}, false, "192.0.2.1"},
		{"untrusted list ignored", "192.0.2.1:1234", []string{"198.51.100.1, 203.0.113.5"}, false, "192.0.2.1"},
		{"trusted, no header", "192.0.2.1:1234", nil, true, "192.0.2.1"},
		{"trusted single", "192.0.2.1:1234", []string{"203.0.113.5"}, true, "203.0.113.5"},
		{"trusted list takes last", "192.0.2.1:1234", []string{"198.51.100.1, 203.0.113.5"}, true, "203.0.113.5"},
		{"trusted list without spaces", "192.0.2.1:1234", []string{"198.51.100.1,203.0.113.5"}, true, "203.0.113.5"},
		{"trusted several lines take last", "192.0.2.1:1234", []string{"198.51.100.1", "203.0.113.5, 203.0.113.9"}, true, "203.0.113.9"},
		{"trusted spaces trimmed", "192.0.2.1:1234", []string{"  203.0.113.5  "}, true, "203.0.113.5"},
		{"trusted ipv6", "192.0.2.1:1234", []string{"2001:DB8::1"}, true, "2001:db8::1"},
		{"trusted ipv4-mapped ipv6", "192.0.2.1:1234", []string{"::ffff:203.0.113.5"}, true, "203.0.113.5"},
		{"trusted garbage", "192.0.2.1:1234", []string{"not-an-ip"}, true, "192.0.2.1"},
		{"trusted garbage last, spoofed first", "192.0.2.1:1234", []string{"203.0.113.5, garbage"}, true, "192.0.2.1"},
		{"trusted empty value", "192.0.2.1:1234", []string{""}, true, "192.0.2.1"},
		{"trusted trailing comma", "192.0.2.1:1234", []string{"203.0.113.5,"}, true, "192.0.2.1"},
		{"trusted address with port", "192.0.2.1:1234", []string{"203.0.113.5:8080"}, true, "192.0.2.1"},
		{"trusted bracketed ipv6", "192.0.2.1:1234", []string{"[2001:db8::1]"}, true, "192.0.2.1"},
		{"trusted script", "192.0.2.1:1234", []string{"<script>"}, true, "192.0.2.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remoteAddr
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := httpx.ClientIP(r, tt.trust); got != tt.want {
				t.Errorf("ClientIP(XFF=%q, trust=%v) = %q, want %q", tt.xff, tt.trust, got, tt.want)
			}
		})
	}
}

func TestIsTLS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		tls   bool
		proto string
		trust bool
		want  bool
	}{
		{"plain", false, "", false, false},
		{"direct TLS", true, "", false, true},
		{"direct TLS, trusted", true, "http", true, true},
		{"proxy https trusted", false, "https", true, true},
		{"proxy HTTPS trusted", false, "HTTPS", true, true},
		{"proxy https untrusted", false, "https", false, false},
		{"proxy http trusted", false, "http", true, false},
		{"proxy garbage trusted", false, "https, http", true, false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if tt.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if tt.proto != "" {
			r.Header.Set("X-Forwarded-Proto", tt.proto)
		}
		if got := httpx.IsTLS(r, tt.trust); got != tt.want {
			t.Errorf("%s: IsTLS = %v, want %v", tt.name, got, tt.want)
		}
	}
}
