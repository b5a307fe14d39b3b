package cli_test

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"testing"

	"pulse/internal/cli"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

func TestDemoLoadsThroughIngestion(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			run := func(args ...string) (int, string, string) {
				var out, errOut bytes.Buffer
				code := cli.Run(context.Background(), cli.Env{Args: append([]string{"demo", "--db", dsn, "--log-level", "error"}, args...),
					Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &errOut})
				return code, out.String(), errOut.String()
			}
			code, out, errOut := run("--customers", "300", "--purchases", "2400", "--seed", "3", "--password", "a demo passphrase 1")
			if code != 0 {
				t.Fatalf("demo: exit %d: %s %s", code, out, errOut)
			}
			m := regexp.MustCompile(`Loaded the demo: (\d+) customers and (\d+) purchases \((\d+) refunded\)`).FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("demo output: %s", out)
			}
			if !regexp.MustCompile(`password  a demo passphrase 1\n`).MatchString(out) ||
				!regexp.MustCompile(`pulse_sk_[0-9A-Za-z]{38}`).MatchString(out) {
				t.Errorf("demo does not say how to log in: %s", out)
			}
			db := openRaw(t, d, dsn)
			var customers, purchases, refunded, statsC, statsP, orders int
			_ = db.QueryRow(`SELECT COUNT(*) FROM customers`).Scan(&customers)
			_ = db.QueryRow(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'refunded' THEN 1 ELSE 0 END), 0) FROM purchases`).Scan(&purchases, &refunded)
			_ = db.QueryRow(`SELECT customers, purchases FROM app_stats`).Scan(&statsC, &statsP)
			_ = db.QueryRow(`SELECT SUM(orders) FROM daily_sales`).Scan(&orders)
			if strconv.Itoa(customers) != m[1] || strconv.Itoa(purchases) != m[2] || strconv.Itoa(refunded) != m[3] {
				t.Errorf("stored %d customers, %d purchases, %d refunded; demo said %v", customers, purchases, refunded, m[1:])
			}
			if customers != 300 || purchases < 2000 || purchases > 2800 || statsC != customers || statsP != purchases || orders != purchases {
				t.Errorf("stored %d customers, %d purchases; stats %d/%d; rollup orders %d", customers, purchases, statsC, statsP, orders)
			}
			if code, _, errOut := run("--customers", "10", "--purchases", "10"); code != 1 || !regexp.MustCompile(`already exists`).MatchString(errOut) {
				t.Errorf("second demo with the same email: exit %d: %s", code, errOut)
			}
		})
	}
}
