package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"pulse/internal/cli"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// TestMain lets the test binary stand in for the pulse binary: with
// PULSE_TEST_CHILD set it runs the command line it was given, so the crash
// test can start and kill a real server process.
func TestMain(m *testing.M) {
	if args := os.Getenv("PULSE_TEST_CHILD"); args != "" {
		os.Exit(cli.Run(context.Background(), cli.Env{Args: strings.Split(args, "\x1f"),
			Getenv: os.Getenv, Stdout: os.Stdout, Stderr: os.Stderr}))
	}
	os.Exit(m.Run())
}

// child is a pulse serve process.
type child struct {
	cmd  *exec.Cmd
	base string
}

func startChild(t *testing.T, dsn string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PULSE_TEST_CHILD="+strings.Join([]string{"serve", "--addr", "127.0.0.1:0",
		"--db", dsn, "--rate-limit", "100000", "--rate-burst", "100000", "--log-level", "error"}, "\x1f"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("child server: %v", err)
	}
	m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("child server said %q", line)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return &child{cmd: cmd, base: m[1]}
}

func postJSON(client *http.Client, url, key string, body []byte) (int, []byte, error) {
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// A server killed with SIGKILL in the middle of a stream of purchases loses
// none that it acknowledged, stores none twice, and keeps its rollups and
// counters equal to what is stored.
func TestCrashKeepsAcknowledgedEvents(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			srv := startChild(t, dsn)
			client := &http.Client{Timeout: 10 * time.Second}
			status, body, err := postJSON(client, srv.base+"/api/v1/auth/register", "",
				[]byte(`{"name":"Anna","email":"anna@example.com","password":"a long passphrase 42"}`))
			if err != nil || status != 201 {
				t.Fatalf("register: %d %v %s", status, err, body)
			}
			var reg struct {
				APIKey struct{ Key string } `json:"api_key"`
			}
			_ = json.Unmarshal(body, &reg)
			key := reg.APIKey.Key

			var (
				mu    sync.Mutex
				acked = map[string]bool{}
				wg    sync.WaitGroup
			)
			stop := make(chan struct{})
			for w := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						id := fmt.Sprintf("o_%d_%d", w, i)
						body := fmt.Appendf(nil, `{"id":%q,"customer_id":"u_%d","amount":"%d.25","product":"P%d"}`, id, i%50, i%90+1, i%7)
						status, _, err := postJSON(client, srv.base+"/api/v1/purchases", key, body)
						if err != nil {
							return // the server died under us
						}
						if status/100 == 2 {
							mu.Lock()
							acked[id] = true
							mu.Unlock()
						}
					}
				}()
			}
			// Kill it mid-stream, once enough has been acknowledged to prove
			// something, however slow the machine.
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
				time.Sleep(50 * time.Millisecond)
				mu.Lock()
				n := len(acked)
				mu.Unlock()
				if n >= 300 {
					break
				}
			}
			if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = srv.cmd.Wait()
			close(stop)
			wg.Wait()
			if len(acked) < 300 {
				t.Fatalf("only %d purchases acknowledged before the kill; the test proves nothing", len(acked))
			}

			srv = startChild(t, dsn)
			db := openRaw(t, d, dsn)
			stored := map[string]int{}
			rows, err := db.Query(`SELECT id FROM purchases`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id string
				_ = rows.Scan(&id)
				stored[id]++
			}
			rows.Close()
			for id := range acked {
				if stored[id] != 1 {
					t.Errorf("acknowledged purchase %s stored %d times", id, stored[id])
				}
			}
			var statsPurchases, rollupOrders, purchases int64
			_ = db.QueryRow(`SELECT purchases FROM app_stats`).Scan(&statsPurchases)
			_ = db.QueryRow(`SELECT COALESCE(SUM(orders), 0) FROM daily_sales`).Scan(&rollupOrders)
			_ = db.QueryRow(`SELECT COUNT(*) FROM purchases`).Scan(&purchases)
			if statsPurchases != purchases || rollupOrders != purchases {
				t.Errorf("after the crash: %d purchases stored, app_stats says %d, rollups %d", purchases, statsPurchases, rollupOrders)
			}
			// Retrying what was acknowledged changes nothing.
			n := 0
			for id := range acked {
				if n++; n > 200 {
					break
				}
				var w, i int
				fmt.Sscanf(id, "o_%d_%d", &w, &i)
				body := fmt.Appendf(nil, `{"id":%q,"customer_id":"u_%d","amount":"%d.25","product":"P%d"}`, id, i%50, i%90+1, i%7)
				if status, b, err := postJSON(client, srv.base+"/api/v1/purchases", key, body); err != nil || status != 200 {
					t.Fatalf("retry of acknowledged %s: %d %v %s", id, status, err, b)
				}
			}
			t.Logf("%d acknowledged before SIGKILL, %d stored", len(acked), purchases)
		})
	}
}

func openRaw(t *testing.T, d store.Dialect, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if d == store.Postgres {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
