package orgapi

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fastRetries makes backoff waits short enough for tests while keeping their shape.
func fastRetries(c *Client) {
	c.retryWaitMin = time.Millisecond
	c.retryWaitMax = 5 * time.Millisecond
}

// newTestClient builds a client for the test server with a pre-issued token unless cfg says
// otherwise.
func newTestClient(t *testing.T, baseURL string, cfg Config) *Client {
	t.Helper()
	cfg.InstanceURL = baseURL
	if cfg.AccessToken == "" && cfg.ClientSecret == "" && cfg.PrivateKeyPEM == "" {
		cfg.AccessToken = "00D5g00000000001!statictoken"
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	fastRetries(c)
	return c
}

// writeJSON answers with a JSON body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func restErr(w http.ResponseWriter, status int, code, msg string, fields ...string) {
	e := map[string]any{"errorCode": code, "message": msg}
	if len(fields) > 0 {
		e["fields"] = fields
	}
	writeJSON(w, status, []any{e})
}

// soapAnswer wraps body in an answer envelope the way a real org writes it (default namespace).
func soapAnswer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>%s</soapenv:Body></soapenv:Envelope>`, body)
}

func soapFaultAnswer(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault><faultcode>sf:%s</faultcode><faultstring>%s: %s</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`, code, code, msg)
}

// testKey is one RSA key per test binary: generating keys is slow.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsaKey()
	if err != nil {
		panic(err)
	}
	return k
})

func rsaKey() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) }

func pkcs1PEM(k *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

func pkcs8PEM(t *testing.T, k any) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// captureLogger keeps every entry at min or above, rendered, for assertions about what was logged.
type captureLogger struct {
	min     Level
	mu      sync.Mutex
	entries []string
}

func (l *captureLogger) Enabled(level Level) bool { return level >= l.min }

func (l *captureLogger) Log(_ context.Context, level Level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, fmt.Sprintf("%s %s %v", level, msg, fields))
}

func (l *captureLogger) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.entries, "\n")
}

// requireKind fails the test unless err is an *Error of the wanted kind.
func requireKind(t *testing.T, err error, want Kind) {
	t.Helper()
	_ = mustKind(t, err, want)
}

func mustKind(t *testing.T, err error, want Kind) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", want)
	}
	var e *Error
	if !asError(err, &e) {
		t.Fatalf("got %T %v, want *Error of kind %s", err, err, want)
	}
	if e.Kind != want {
		t.Fatalf("got kind %s (%v), want %s", e.Kind, err, want)
	}
	return e
}

func newServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}
