// Package e2e drives Pulse's web pages in a real browser: scenario.mjs, run
// by node with playwright-core and Debian's Chromium, against a pulse serve
// started by the test.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"pulse/internal/cli"
)

const (
	chromium        = "/usr/bin/chromium"
	scenarioTimeout = 3 * time.Minute
)

func TestBrowserScenario(t *testing.T) {
	if missing := missingTools(); len(missing) > 0 {
		if os.Getenv("PULSE_E2E") == "1" {
			t.Fatalf("PULSE_E2E=1 but the browser test cannot run: missing %s", strings.Join(missing, ", "))
		}
		t.Skipf("browser test skipped: missing %s (install Debian's chromium and run `npm ci --prefix e2e`; PULSE_E2E=1 turns this skip into a failure)",
			strings.Join(missing, ", "))
	}
	artifacts := os.Getenv("PULSE_E2E_ARTIFACTS")
	if artifacts == "" {
		artifacts = "artifacts"
	}
	// A relative path is taken from e2e/, where go test runs; the absolute
	// one in the log is usable from anywhere.
	artifacts, err := filepath.Abs(artifacts)
	if err != nil {
		t.Fatal(err)
	}

	base := startServer(t)

	ctx, cancel := context.WithTimeout(context.Background(), scenarioTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "scenario.mjs")
	cmd.Env = append(os.Environ(), "BASE_URL="+base, "ARTIFACTS="+artifacts)
	// An interrupt lets Playwright close Chromium; a kill would leave it
	// running.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 15 * time.Second
	out := logLines(t, "scenario: ")
	cmd.Stdout, cmd.Stderr = out, out
	err = cmd.Run()
	out.Close()
	switch {
	case ctx.Err() != nil:
		t.Fatalf("scenario did not finish within %s; screenshots in %s", scenarioTimeout, artifacts)
	case err != nil:
		t.Fatalf("scenario failed (%v); screenshots in %s", err, artifacts)
	}
	t.Logf("screenshots in %s", artifacts)
}

// missingTools lists what the scenario needs and this machine lacks.
func missingTools() []string {
	var missing []string
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node")
	}
	if _, err := os.Stat("node_modules/playwright-core/package.json"); err != nil {
		missing = append(missing, "e2e/node_modules/playwright-core")
	}
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, chromium)
	}
	// Stat-ing the script also ties go test's result cache to it: editing
	// the scenario reruns the test.
	if _, err := os.Stat("scenario.mjs"); err != nil {
		missing = append(missing, "e2e/scenario.mjs")
	}
	return missing
}

// startServer runs `pulse serve` in this process on a fresh SQLite file and
// a port the kernel picks, and returns its base URL once it answers
// /healthz. The server stops when the test ends; its log is shown only if
// the test failed.
func startServer(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "p.db")
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lockedBuffer{}
	pr, pw := io.Pipe()
	exited := make(chan struct{})
	var code int
	go func() {
		defer close(exited)
		defer pw.Close()
		code = cli.Run(ctx, cli.Env{
			Args:   []string{"serve", "--db", db, "--addr", "127.0.0.1:0"},
			Getenv: func(string) string { return "" },
			Stdout: pw,
			Stderr: logs,
		})
	}()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	t.Cleanup(func() {
		cancel()
		select {
		case <-exited:
			if code != 0 {
				t.Errorf("pulse serve exited with %d", code)
			}
		case <-time.After(30 * time.Second):
			t.Error("pulse serve did not stop within 30s")
		}
	})

	// Port 0 avoids racing other processes for a free port; the server
	// prints the address it got.
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		listening := regexp.MustCompile(`listening on (http://\S+)`)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	var base string
	select {
	case base = <-addr:
	case <-exited:
		t.Fatalf("pulse serve exited with %d before listening", code)
	case <-time.After(30 * time.Second):
		t.Fatal("pulse serve did not start within 30s")
	}
	if err := waitHealthy(base, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	return base
}

func waitHealthy(base string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/healthz not ready within %s: %v", base, within, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// lineLogger passes whole lines written to it to t.Log as they come, so a
// long scenario shows progress under go test -v.
type lineLogger struct {
	t      *testing.T
	prefix string
	mu     sync.Mutex
	buf    []byte
}

func logLines(t *testing.T, prefix string) *lineLogger {
	return &lineLogger{t: t, prefix: prefix}
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.t.Log(l.prefix + string(l.buf[:i]))
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

// Close logs a last line that had no newline.
func (l *lineLogger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.t.Log(l.prefix + string(l.buf))
		l.buf = nil
	}
	return nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
