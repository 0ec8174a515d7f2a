package orgapi

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// identityQueryAnswer answers the identity lookup of a user by id.
func usernameQuery(w http.ResponseWriter) {
	writeJSON(w, 200, map[string]any{"totalSize": 1, "done": true, "records": []any{map[string]any{"Id": "0055g0000000001AAA", "Username": "admin@acme.test"}}})
}

func TestClientCredentialsFlowSendsTheFormAndCachesTheToken(t *testing.T) {
	var tokenCalls atomic.Int32
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/services/oauth2/token":
			tokenCalls.Add(1)
			if err := r.ParseForm(); err != nil {
				t.Error(err)
			}
			if got := r.PostForm; got.Get("grant_type") != "client_credentials" || got.Get("client_id") != "Key1" || got.Get("client_secret") != "Secret1" {
				t.Errorf("token form = %v", got)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
				t.Errorf("token Content-Type = %q", ct)
			}
			time.Sleep(20 * time.Millisecond) // let concurrent callers pile up behind the fetch
			writeJSON(w, 200, map[string]string{"access_token": "00D5g0000000001!cc", "instance_url": "http://" + r.Host,
				"id": "http://" + r.Host + "/id/00D5g0000000001EAA/0055g0000000001AAA", "token_type": "Bearer"})
		default:
			if r.Header.Get("Authorization") != "Bearer 00D5g0000000001!cc" {
				t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
			}
			usernameQuery(w)
		}
	})
	c := newTestClient(t, ts.URL, Config{ClientID: "Key1", ClientSecret: "Secret1"})
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := c.Users(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := tokenCalls.Load(); n != 1 {
		t.Errorf("16 concurrent callers made %d token requests, want 1", n)
	}
	id, err := c.Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if id != (Identity{OrgID: "00D5g0000000001EAA", UserID: "0055g0000000001AAA", Username: "admin@acme.test"}) {
		t.Errorf("Identity = %+v", id)
	}
}

func TestJWTBearerAssertion(t *testing.T) {
	key := testKey()
	now := time.Unix(1_800_000_000, 0)
	var assertion string
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.PostForm.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
			t.Errorf("grant_type = %q", r.PostForm.Get("grant_type"))
		}
		assertion = r.PostForm.Get("assertion")
		writeJSON(w, 200, map[string]string{"access_token": "00D5g0000000001!jwt"})
	})
	c := newTestClient(t, ts.URL, Config{ClientID: "ConsumerKey1", Username: "admin@acme.test", PrivateKeyPEM: pkcs8PEM(t, key), LoginURL: ts.URL + "/"})
	c.tokens.source.(*jwtBearer).now = func() time.Time { return now }
	if _, err := c.tokens.get(context.Background()); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		t.Fatalf("assertion has %d parts", len(parts))
	}
	var header, claims map[string]any
	decode := func(s string, into any) {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatal(err)
		}
	}
	decode(parts[0], &header)
	decode(parts[1], &claims)
	if header["alg"] != "RS256" {
		t.Errorf("alg = %v", header["alg"])
	}
	// The assertion goes to login_url, but its audience is Salesforce's login host.
	want := map[string]any{"iss": "ConsumerKey1", "sub": "admin@acme.test", "aud": "https://login.salesforce.com", "exp": float64(now.Add(3 * time.Minute).Unix())}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claim %s = %v, want %v", k, claims[k], v)
		}
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
		t.Errorf("signature does not verify with the public key: %v", err)
	}
}

// TestJWTAudience pins the aud claim sent: the documented default for the login host, and a
// configured audience verbatim (without a trailing slash).
func TestJWTAudience(t *testing.T) {
	key := pkcs1PEM(testKey())
	tests := []struct{ loginURL, audience, want string }{
		{"https://acme.my.salesforce.com", "", "https://login.salesforce.com"},
		{"https://login.salesforce.com", "", "https://login.salesforce.com"},
		{"https://test.salesforce.com/", "", "https://test.salesforce.com"},
		{"https://acme--uat.sandbox.my.salesforce.com", "https://test.salesforce.com", "https://test.salesforce.com"},
		{"https://acme.my.salesforce.com", "https://acme.my.site.com/partners/", "https://acme.my.site.com/partners"},
	}
	for _, tt := range tests {
		c, err := New(Config{InstanceURL: "https://acme.my.salesforce.com", LoginURL: tt.loginURL, JWTAudience: tt.audience,
			ClientID: "K", Username: "u@acme.test", PrivateKeyPEM: key})
		if err != nil {
			t.Fatal(err)
		}
		assertion, err := c.tokens.source.(*jwtBearer).assertion()
		if err != nil {
			t.Fatal(err)
		}
		payload, err := base64.RawURLEncoding.DecodeString(strings.Split(assertion, ".")[1])
		if err != nil {
			t.Fatal(err)
		}
		var claims struct {
			Aud string `json:"aud"`
		}
		if err := json.Unmarshal(payload, &claims); err != nil {
			t.Fatal(err)
		}
		if claims.Aud != tt.want {
			t.Errorf("login_url %s, jwt_audience %q: aud = %q, want %q", tt.loginURL, tt.audience, claims.Aud, tt.want)
		}
	}
}

func TestTokenEndpointErrorsAreAuthErrors(t *testing.T) {
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "Audience validation failed"})
	})
	c := newTestClient(t, ts.URL, Config{ClientID: "K", Username: "u@x", PrivateKeyPEM: pkcs1PEM(testKey())})
	_, err := c.Users(context.Background())
	e := mustKind(t, err, KindAuth)
	if e.Code != "invalid_grant" || !strings.Contains(err.Error(), "Audience validation failed") || !strings.Contains(err.Error(), "login_url") {
		t.Errorf("error = %v", err)
	}
}

// sessionServer issues numbered tokens and rejects the first n sessions it sees with
// INVALID_SESSION_ID, through REST (401) or SOAP (fault), as a revoked session is.
type sessionServer struct {
	tokens, api atomic.Int32
	rejectAll   bool
}

func (s *sessionServer) handler(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/services/oauth2/token" {
			n := s.tokens.Add(1)
			writeJSON(w, 200, map[string]string{"access_token": "00D5g0000000001!t" + string('0'+n)})
			return
		}
		s.api.Add(1)
		first := strings.HasSuffix(r.Header.Get("Authorization"), "!t1")
		soap := strings.HasPrefix(r.URL.Path, "/services/Soap/")
		if soap {
			body, _ := io.ReadAll(r.Body)
			first = strings.Contains(string(body), "!t1<")
		}
		if first || s.rejectAll {
			if soap {
				soapFaultAnswer(w, "INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session")
			} else {
				restErr(w, 401, "INVALID_SESSION_ID", "Session expired or invalid")
			}
			return
		}
		if soap {
			soapAnswer(w, 200, `<readMetadataResponse><result><records xsi:type="ConnectedAppSettings"><fullName>ConnectedApp</fullName><enableAdminApprovedAppsOnly>true</enableAdminApprovedAppsOnly></records></result></readMetadataResponse>`)
			return
		}
		writeJSON(w, 200, map[string]any{"totalSize": 0, "done": true, "records": []any{}})
	}
}

func TestInvalidSessionReauthenticatesOnceAndRetriesOnce(t *testing.T) {
	for _, soap := range []bool{false, true} {
		name := map[bool]string{false: "rest", true: "soap"}[soap]
		t.Run(name, func(t *testing.T) {
			s := &sessionServer{}
			ts := newServer(t, s.handler(t))
			c := newTestClient(t, ts.URL, Config{ClientID: "K", ClientSecret: "S"})
			var err error
			if soap {
				var got ConnectedAppSettings
				got, err = c.ReadConnectedAppSettings(context.Background())
				if err == nil && !*got.EnableAdminApprovedAppsOnly {
					t.Error("settings not read after re-authentication")
				}
			} else {
				_, err = c.Users(context.Background())
			}
			if err != nil {
				t.Fatalf("call after session revocation: %v", err)
			}
			if s.tokens.Load() != 2 || s.api.Load() != 2 {
				t.Errorf("tokens issued %d, API calls %d; want 2 and 2", s.tokens.Load(), s.api.Load())
			}
		})
	}
}

func TestInvalidSessionNeverLoops(t *testing.T) {
	s := &sessionServer{rejectAll: true}
	ts := newServer(t, s.handler(t))
	c := newTestClient(t, ts.URL, Config{ClientID: "K", ClientSecret: "S", MaxRetries: 3})
	_, err := c.Users(context.Background())
	requireKind(t, err, KindAuth)
	if s.tokens.Load() != 2 || s.api.Load() != 2 {
		t.Errorf("tokens issued %d, API calls %d; want exactly one re-authentication and one retry", s.tokens.Load(), s.api.Load())
	}
}

func TestPreIssuedTokenIsNotRenewed(t *testing.T) {
	s := &sessionServer{rejectAll: true}
	ts := newServer(t, s.handler(t))
	c := newTestClient(t, ts.URL, Config{AccessToken: "00D5g0000000001!expired"})
	_, err := c.Users(context.Background())
	e := mustKind(t, err, KindAuth)
	if e.Code != "INVALID_SESSION_ID" || s.tokens.Load() != 0 || s.api.Load() != 1 {
		t.Errorf("err %v, token requests %d, API calls %d", err, s.tokens.Load(), s.api.Load())
	}
}

func TestConcurrentSessionExpiryCausesOneReauthentication(t *testing.T) {
	s := &sessionServer{}
	ts := newServer(t, s.handler(t))
	c := newTestClient(t, ts.URL, Config{ClientID: "K", ClientSecret: "S"})
	if _, err := c.tokens.get(context.Background()); err != nil { // everyone starts on token t1
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			if _, err := c.Users(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := s.tokens.Load(); n != 2 {
		t.Errorf("%d tokens issued for 12 callers of one expired session, want 2", n)
	}
}

func TestTokenEndpointOutageIsNotAnAuthFailure(t *testing.T) {
	for status, want := range map[int]Kind{http.StatusServiceUnavailable: KindOther, http.StatusTooManyRequests: KindRateLimited, http.StatusBadRequest: KindAuth} {
		ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, status, map[string]string{"error": "server_error", "error_description": "try later"})
		})
		c := newTestClient(t, ts.URL, Config{ClientID: "K", ClientSecret: "S", MaxRetries: 1})
		_, err := c.Users(context.Background())
		requireKind(t, err, want)
	}
}

func TestCallerWaitingForATokenGivesUpWithItsContext(t *testing.T) {
	release := make(chan struct{})
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/services/oauth2/token" {
			<-release
			writeJSON(w, http.StatusOK, map[string]string{"access_token": "00D5g0000000001!slow"})
			return
		}
		emptyQuery(w)
	})
	defer close(release)
	c := newTestClient(t, ts.URL, Config{ClientID: "K", ClientSecret: "S"})
	go func() { _, _ = c.Users(context.Background()) }() // holds the token fetch
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Users(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Errorf("after %s: %v", time.Since(start), err)
	}
}
