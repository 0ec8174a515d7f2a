package orgapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// callUntilDone calls Users with a context that ends the test's wait should the call hang (the
// way it hung before first contacts were bounded), and returns its error.
func callUntilDone(t *testing.T, c *Client) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := c.Users(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the call ran until the test's own deadline: %v", err)
	}
	return err
}

func requireText(t *testing.T, err error, phrases ...string) {
	t.Helper()
	for _, p := range phrases {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error lacks %q:\n%s", p, err)
		}
	}
}

// What no retry can fix before the org has ever answered ends after one attempt, and the error
// names the URL, the request tried first, what failed and what to check.
func TestFirstContactFailsAtOnceOnWhatRetryingCannotFix(t *testing.T) {
	plain := newServer(t, func(w http.ResponseWriter, _ *http.Request) { emptyQuery(w) })
	plainAddr := strings.TrimPrefix(plain.URL, "http://")
	sshAddr, _ := mockorgtest.SilentListener(t, "SSH-2.0-OpenSSH_9.6\r\n")
	refused := mockorgtest.ClosedPort(t)
	for _, tc := range []struct {
		name, url string
		want      []string
	}{
		{"https to a plain HTTP server", "https://" + plainAddr, []string{
			`could not reach instance_url "https://` + plainAddr + `"`,
			"the first request to it was GET https://" + plainAddr + "/services/data/v66.0/query",
			"the server answered plain HTTP to an HTTPS request",
			"Check the scheme and port of instance_url: use http:// for a server without TLS",
		}},
		{"https to another protocol", "https://" + sshAddr, []string{
			"the server did not answer the TLS handshake (tls: first record does not look like a TLS handshake)",
			"Check the scheme and port of instance_url.",
		}},
		{"refused on this machine", "http://" + refused, []string{
			`could not reach instance_url "http://` + refused + `"`,
			"the connection was refused: nothing listens on port " + refused[strings.LastIndex(refused, ":")+1:] + " of this machine",
			"Check the port in instance_url, or start the server it names",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t, tc.url, Config{MaxRetries: 5})
			err := callUntilDone(t, c)
			e := mustKind(t, err, KindUnreachable)
			if e.Attempts != 1 {
				t.Errorf("%d attempts, want 1: %v", e.Attempts, err)
			}
			requireText(t, err, tc.want...)
			if strings.Contains(err.Error(), "gave up after") || OutcomeUnknown(err) {
				t.Errorf("a request that reached no server is reported as retried or unknown: %v", err)
			}
		})
	}
}

// A host that accepts connections and never answers costs first_contact_timeout, however many
// retries are allowed and however many calls follow: the next call fails at once with the same
// error, without a connection.
func TestFirstContactTimeBoundsAHostThatNeverAnswers(t *testing.T) {
	addr, accepted := mockorgtest.SilentListener(t, "")
	c := newTestClient(t, "http://"+addr, Config{MaxRetries: 10, FirstContactTimeout: 300 * time.Millisecond})
	err := callUntilDone(t, c)
	requireKind(t, err, KindUnreachable)
	requireText(t, err, `could not reach instance_url "http://`+addr+`"`,
		"no answer within first_contact_timeout (300ms): the server accepted the connection but sent nothing back",
		"raise first_contact_timeout")
	if strings.Contains(err.Error(), "max_retries") || strings.Contains(err.Error(), "request_timeout") {
		t.Errorf("the advice is about retries, not the URL: %v", err)
	}
	connections := accepted.Load()
	again := callUntilDone(t, c)
	if !errors.Is(again, ErrUnreachable) || again.Error() != err.Error() {
		t.Errorf("the next call got %v, want the first contact's failure", again)
	}
	if n := accepted.Load(); n != connections {
		t.Errorf("the next call opened %d more connections, want none", n-connections)
	}
}

// A refused connection to another machine may be a server starting: it is retried, within the
// first-contact time, and the error says what the attempts met.
func TestFirstContactTimeBoundsRefusedConnectionsElsewhere(t *testing.T) {
	refused := mockorgtest.ClosedPort(t)
	var dials atomic.Int32
	transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		dials.Add(1)
		var d net.Dialer
		return d.DialContext(ctx, network, refused) // org.example.test is a host that refuses
	}}
	c := newTestClient(t, "https://org.example.test", Config{MaxRetries: 20, FirstContactTimeout: 300 * time.Millisecond,
		HTTPClient: &http.Client{Transport: transport}})
	c.retryWaitMin, c.retryWaitMax = 50*time.Millisecond, 100*time.Millisecond // 20 retries outlast the 300ms
	err := callUntilDone(t, c)
	e := mustKind(t, err, KindUnreachable)
	if e.Attempts < 2 || dials.Load() < 2 {
		t.Errorf("%d attempts, %d dials: a refused connection to another host is retried", e.Attempts, dials.Load())
	}
	requireText(t, err, `could not reach instance_url "https://org.example.test"`,
		"no answer within first_contact_timeout (300ms); the last attempt: the connection was refused",
		"Check the host and port of instance_url")
	if strings.Contains(err.Error(), "nothing listens") {
		t.Errorf("another host's refusal is described as this machine's: %v", err)
	}
}

// The token endpoint on its own login_url is reported as such.
func TestFirstContactNamesTheLoginURL(t *testing.T) {
	instance := newServer(t, func(w http.ResponseWriter, _ *http.Request) { emptyQuery(w) })
	login := mockorgtest.ClosedPort(t)
	c := newTestClient(t, instance.URL, Config{ClientID: "id", ClientSecret: "secret", LoginURL: "http://" + login, MaxRetries: 5})
	err := callUntilDone(t, c)
	e := mustKind(t, err, KindUnreachable)
	requireText(t, err, "authenticating with OAuth client credentials", `could not reach login_url "http://`+login+`"`,
		"the first request to it was POST http://"+login+"/services/oauth2/token", "Check the port in login_url")
	if e.Attempts != 1 {
		t.Errorf("%d attempts, want 1", e.Attempts)
	}
}

// Once the org has answered, a refused connection is a restart and is retried as before.
func TestAnOrgThatAnsweredIsRetriedAsBefore(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) { emptyQuery(w) })
	c := newTestClient(t, srv.URL, Config{MaxRetries: 2})
	if _, err := c.Users(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	err := callUntilDone(t, c)
	e := mustKind(t, err, KindOther)
	if e.Attempts != 3 || !e.Transient {
		t.Errorf("%d attempts, transient %v, want 3 and true: %v", e.Attempts, e.Transient, err)
	}
}

// A URL with a colon and no port, a port out of range or no host is refused before any request.
func TestMalformedURLsAreRefusedByNew(t *testing.T) {
	for raw, want := range map[string]string{
		"http://127.0.0.1:":                    "has a colon after the host but no port",
		"http://127.0.0.1:0":                   "has port 0, which is not a port number (1 to 65535)",
		"https://acme.my.salesforce.com:99999": "has port 99999",
		"https://:443":                         "has no host",
	} {
		_, err := New(Config{InstanceURL: raw, AccessToken: "tok"})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "instance_url") {
			t.Errorf("New(%q) = %v, want an error naming instance_url that says %q", raw, err, want)
		}
		if u, _ := url.Parse(raw); CheckHostPort(u) == "" {
			t.Errorf("CheckHostPort(%q) found nothing wrong", raw)
		}
	}
	if _, err := New(Config{InstanceURL: "https://acme.my.salesforce.com:8443", AccessToken: "tok", FirstContactTimeout: -time.Second}); err == nil ||
		!strings.Contains(err.Error(), "first_contact_timeout") {
		t.Errorf("a negative first_contact_timeout: %v", err)
	}
}
