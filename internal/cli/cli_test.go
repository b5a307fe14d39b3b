package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"pulse/internal/cli"
	"pulse/internal/config"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

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

func noEnv(string) string { return "" }

func run(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut lockedBuffer
	code := cli.Run(context.Background(), cli.Env{Args: args, Getenv: getenv, Stdout: &out, Stderr: &errOut})
	return code, out.String(), errOut.String()
}

func TestCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // regexp on stdout
		wantErr  string // regexp on stderr
	}{
		{"version", []string{"version"}, 0, `^pulse \S+ \(go1\.`, ``},
		{"help", []string{"help"}, 0, `pulse serve`, ``},
		{"no command", nil, 2, ``, `Usage:`},
		{"unknown command", []string{"frobnicate"}, 2, ``, `unknown command "frobnicate"`},
		{"serve help", []string{"serve", "-h"}, 0, ``, `-addr`},
		{"serve bad flag value", []string{"serve", "--log-level", "loud"}, 2, ``, `--log-level "loud"`},
		{"serve stray argument", []string{"serve", "now"}, 2, ``, `unexpected argument "now"`},
		{"migrate has no --addr", []string{"migrate", "--addr", ":1"}, 2, ``, `flag provided but not defined: -addr`},
		{"migrate a new SQLite file", []string{"migrate", "--db", dir + "/m.db"}, 0, `applied ([2-9]|\d\d) migration\(s\); sqlite schema is at version ([2-9]|\d\d)\n`, ``},
		{"migrate again", []string{"migrate", "--db", dir + "/m.db"}, 0, `applied 0 migration\(s\)`, ``},
		{"serve refuses an old schema without --migrate", []string{"serve", "--db", dir + "/empty.db", "--migrate=false"}, 1, ``, `run pulse migrate`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(t, noEnv, c.args...)
			if code != c.wantCode {
				t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, c.wantCode, out, errOut)
			}
			if !regexp.MustCompile(c.wantOut).MatchString(out) {
				t.Errorf("stdout %q does not match %q", out, c.wantOut)
			}
			if !regexp.MustCompile(c.wantErr).MatchString(errOut) {
				t.Errorf("stderr %q does not match %q", errOut, c.wantErr)
			}
		})
	}
}

func TestServeRefusesANewerSchema(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/p.db"
	if code, _, errOut := run(t, noEnv, "migrate", "--db", path); code != 0 {
		t.Fatal(errOut)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, _, errOut := run(t, noEnv, "serve", "--db", path, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errOut, "newer than this binary") {
		t.Fatalf("exit %d, stderr %q; want 1 and a message about a newer schema", code, errOut)
	}
}

// serveInProcess starts `pulse serve` on a free port and returns its base
// URL and a function that stops it and returns its exit code.
func serveInProcess(t *testing.T, getenv func(string) string, args ...string) (string, func() int, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, cli.Env{Args: append([]string{"serve", "--addr", "127.0.0.1:0"}, args...),
			Getenv: getenv, Stdout: pw, Stderr: logs})
		pw.Close()
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
	}()
	var base string
	select {
	case line := <-lines:
		m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("unexpected first line %q", line)
		}
		base = m[1]
	case code := <-done:
		t.Fatalf("serve exited with %d before listening: %s", code, logs.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	stopped := false
	stop := func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	return base, stop, logs
}

func TestServeInProcess(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			// The database comes from the environment here, to check the
			// PULSE_* fallback end to end.
			env := func(k string) string {
				if k == "PULSE_DB" {
					return dsn
				}
				return ""
			}
			base, stop, logs := serveInProcess(t, env)
			resp, err := http.Get(base + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			var ready map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&ready)
			resp.Body.Close()
			if resp.StatusCode != 200 || ready["database"] != string(d) || ready["schema_version"].(float64) < 2 {
				t.Fatalf("/readyz = %d %v", resp.StatusCode, ready)
			}
			body := `{"name":"Anna","email":"anna@example.com","password":"a long passphrase 42"}`
			resp, err = http.Post(base+"/api/v1/auth/register", "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("register: %d", resp.StatusCode)
			}
			if code := stop(); code != 0 {
				t.Fatalf("serve exited with %d after shutdown: %s", code, logs.String())
			}
			if !strings.Contains(logs.String(), "shutting down") || strings.Contains(logs.String(), "a long passphrase 42") {
				t.Fatalf("unexpected log: %s", logs.String())
			}
		})
	}
}

func TestServeDefaultDatabaseIsUnderTheWorkingDirectory(t *testing.T) {
	// Not parallel: it changes the working directory.
	t.Chdir(t.TempDir())
	_, stop, _ := serveInProcess(t, noEnv)
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	db, err := store.Open(context.Background(), config.DefaultDB, store.Options{})
	if err != nil {
		t.Fatalf("no database at %s: %v", config.DefaultDB, err)
	}
	defer db.Close()
	st, err := db.Status(context.Background())
	if err != nil || st.Current != st.Latest {
		t.Fatalf("status %+v, %v: want a migrated database", st, err)
	}
}

func TestLoggerRedactsSecretAttributes(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := cli.NewLogger(config.Config{LogLevel: slog.LevelDebug, LogFormat: "json"}, &buf)
	log.Info("event", "password", "hunter2-secret", "Authorization", "Bearer pulse_sk_x", "api_key", "k-123", "route", "GET /x")
	out := buf.String()
	for _, s := range []string{"hunter2-secret", "pulse_sk_x", "k-123"} {
		if strings.Contains(out, s) {
			t.Errorf("log line contains %q: %s", s, out)
		}
	}
	if !strings.Contains(out, "GET /x") || !strings.Contains(out, "[redacted]") {
		t.Errorf("log line lost ordinary attributes or has no redaction marker: %s", out)
	}
}

// Not parallel: the collector's setting is global to the process.
func TestServeTunesTheCollectorUnlessGOGCIsSet(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, c := range []struct {
		gogc string
		want int
	}{{"", 400}, {"100", 100}} {
		debug.SetGCPercent(100)
		dsn := t.TempDir() + "/p.db"
		env := func(k string) string {
			switch k {
			case "PULSE_DB":
				return dsn
			case "GOGC":
				return c.gogc
			}
			return ""
		}
		_, stop, _ := serveInProcess(t, env)
		got := debug.SetGCPercent(100)
		stop()
		if got != c.want {
			t.Errorf("GOGC=%q: the server's GC percent is %d, want %d", c.gogc, got, c.want)
		}
	}
}
