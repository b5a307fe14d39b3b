# Pulse: common tasks. `make run` serves on 127.0.0.1:8080 with SQLite under
# ./pulse-data; `make test` is the whole test suite.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X pulse/internal/version.Version=$(VERSION)

.PHONY: run build test lint bench demo

run:
	go run -ldflags "$(LDFLAGS)" ./cmd/pulse serve

build:
	go build -ldflags "$(LDFLAGS)" -o bin/pulse ./cmd/pulse

test:
	go test -race -count=1 -timeout 30m ./...

# The Go benchmarks of docs/BENCHMARKS.md; the HTTP load runs are described there.
bench:
	go test ./internal/ingest -run XXX -bench . -benchtime 30000x -benchmem

demo:
	go run ./cmd/pulse demo

lint:
	go vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@if command -v staticcheck >/dev/null; then staticcheck ./...; else echo "staticcheck not installed; skipped"; fi
