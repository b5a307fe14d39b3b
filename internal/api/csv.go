package api

import (
	"mime"
	"net/http"
	"strings"

	"pulse/internal/httpx"
)

// wantsCSV reports whether the client asked for CSV: ?format=csv, or an
// Accept header that names text/csv before JSON.
func wantsCSV(r *http.Request) bool {
	if f := r.URL.Query().Get("format"); f != "" {
		return f == "csv"
	}
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "text/csv":
			return true
		case "application/json", "application/problem+json", "*/*":
			return false
		}
	}
	return false
}

// writeCSV sends rows under header as a CSV download named filename.
func writeCSV(w http.ResponseWriter, filename string, header []string, rows [][]string) error {
	return httpx.WriteCSV(w, filename, header, rows)
}
