package httpx

import (
	"net"
	"net/http"
	"strings"
)

// ClientIP returns the address of the client that sent r. Behind a trusted
// reverse proxy it is the last address the proxy appended to
// X-Forwarded-For; otherwise it is the connection's peer, since a client can
// put anything in that header.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// IsTLS reports whether the client reached us over HTTPS, directly or, when
// the proxy is trusted, through it.
func IsTLS(r *http.Request, trustProxy bool) bool {
	if r.TLS != nil {
		return true
	}
	return trustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
