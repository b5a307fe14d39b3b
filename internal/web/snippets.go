package web

import (
	"strings"
	"time"
)

// snippet is ready-to-paste code that sends a new customer and a purchase.
type snippet struct {
	ID, Lang, Label, Code string
}

// snippets builds the examples for base, with the key when it is known
// (just created) or read from the environment otherwise. amount is a sample
// price in the app's currency, written with its number of decimals.
func snippets(base, key, amount string) []snippet {
	if key == "" {
		key = "pulse_sk_…"
	}
	at := time.Now().UTC().Truncate(time.Second).Format(time.RFC3339)
	r := strings.NewReplacer("{BASE}", base, "{KEY}", key, "{AMOUNT}", amount, "{AT}", at)
	return []snippet{
		{"snippet-curl", "shell", "curl", r.Replace(curlSnippet)},
		{"snippet-js", "javascript", "JavaScript", r.Replace(jsSnippet)},
		{"snippet-go", "go", "Go", r.Replace(goSnippet)},
		{"snippet-python", "python", "Python", r.Replace(pythonSnippet)},
	}
}

const curlSnippet = `export PULSE_KEY='{KEY}'

curl -X POST {BASE}/api/v1/customers \
  -H "Authorization: Bearer $PULSE_KEY" -H "Content-Type: application/json" \
  -d '{"id": "user_1", "name": "Anna Smith", "email": "anna@example.com"}'

curl -X POST {BASE}/api/v1/purchases \
  -H "Authorization: Bearer $PULSE_KEY" -H "Content-Type: application/json" \
  -d '{"id": "order_1", "customer_id": "user_1", "amount": "{AMOUNT}", "purchased_at": "{AT}", "product": "Coffee beans"}'
`

const jsSnippet = `// Node.js 18+ or any modern runtime; keep the key on the server side.
const PULSE_KEY = process.env.PULSE_KEY ?? "{KEY}";

async function send(path, body) {
  const res = await fetch("{BASE}/api/v1/" + path, {
    method: "POST",
    headers: { Authorization: "Bearer " + PULSE_KEY, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(path + ": " + res.status + " " + (await res.text()));
  return res.json();
}

await send("customers", { id: "user_1", name: "Anna Smith", email: "anna@example.com" });
await send("purchases", {
  id: "order_1", customer_id: "user_1", amount: "{AMOUNT}",
  purchased_at: new Date().toISOString(), product: "Coffee beans",
});
`

const goSnippet = `package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func send(key, path, body string) error {
	req, err := http.NewRequest("POST", "{BASE}/api/v1/"+path, bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		msg, _ := io.ReadAll(res.Body)
		return fmt.Errorf("%s: %s %s", path, res.Status, msg)
	}
	return nil
}

func main() {
	key := os.Getenv("PULSE_KEY")
	if key == "" {
		key = "{KEY}"
	}
	if err := send(key, "customers", ` + "`" + `{"id": "user_1", "name": "Anna Smith", "email": "anna@example.com"}` + "`" + `); err != nil {
		panic(err)
	}
	purchase := fmt.Sprintf(` + "`" + `{"id": "order_1", "customer_id": "user_1", "amount": "{AMOUNT}", "purchased_at": %q, "product": "Coffee beans"}` + "`" + `,
		time.Now().UTC().Format(time.RFC3339))
	if err := send(key, "purchases", purchase); err != nil {
		panic(err)
	}
}
`

const pythonSnippet = `import json, os, urllib.request
from datetime import datetime, timezone

PULSE_KEY = os.environ.get("PULSE_KEY", "{KEY}")

def send(path, body):
    req = urllib.request.Request(
        "{BASE}/api/v1/" + path,
        data=json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + PULSE_KEY, "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req) as res:  # raises HTTPError with the problem on 4xx/5xx
        return json.load(res)

send("customers", {"id": "user_1", "name": "Anna Smith", "email": "anna@example.com"})
send("purchases", {
    "id": "order_1", "customer_id": "user_1", "amount": "{AMOUNT}",
    "purchased_at": datetime.now(timezone.utc).isoformat(), "product": "Coffee beans",
})
`
