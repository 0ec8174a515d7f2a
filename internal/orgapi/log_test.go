package orgapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

func TestRedactorScrubsSecretsInText(t *testing.T) {
	r := &redactor{}
	r.add("MyClientSecret01", "abc") // too short to scrub safely: ignored
	tests := []struct{ in, leak string }{
		{`{"access_token":"00D5g0000000001!AQ0AQFakeToken","instance_url":"x"}`, "AQ0AQFakeToken"},
		{`grant_type=client_credentials&client_id=K&client_secret=MyClientSecret01`, "MyClientSecret01"},
		{`grant_type=urn%3Aietf&assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3Mi.c2ln`, "eyJhbGciOiJSUzI1NiJ9"},
		{`<met:SessionHeader><met:sessionId>00D5g0000000001!xyz</met:sessionId>`, "!xyz"},
		{`Authorization: Bearer sometoken123`, "sometoken123"},
		{"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEA"},
		{"session 00D5g0000000001EAA!AQ0AQ.secret-part in text", "AQ0AQ.secret-part"},
		{`refresh_token=5Aep861TSESvWeug`, "5Aep861TSESvWeug"},
		{`<consumerSecret>ShhSecret99</consumerSecret>`, "ShhSecret99"},
	}
	for _, tt := range tests {
		got := r.scrub(tt.in)
		if strings.Contains(got, tt.leak) {
			t.Errorf("scrub(%q) = %q still holds %q", tt.in, got, tt.leak)
		}
		if !strings.Contains(got, redactedValue) {
			t.Errorf("scrub(%q) = %q does not mark what it removed", tt.in, got)
		}
	}
	if got := r.scrub("the abc of ordinary text"); got != "the abc of ordinary text" {
		t.Errorf("ordinary text changed: %q", got)
	}
	fields := r.scrubFields(map[string]any{
		"Authorization": "Bearer x", "client_secret": "y", "private_key": "z", "path": "/services/data",
		"status": 200, "error": errors.New("boom MyClientSecret01"),
	})
	for _, k := range []string{"Authorization", "client_secret", "private_key"} {
		if fields[k] != redactedValue {
			t.Errorf("field %s = %v", k, fields[k])
		}
	}
	if fields["path"] != "/services/data" || fields["status"] != 200 || fields["error"] != "boom "+redactedValue {
		t.Errorf("fields %v", fields)
	}
}

// TestLogsNeverCarrySecrets runs every authentication flow and a failing call against a server
// that echoes what it was sent, at trace level, and looks for the secrets in the logs.
func TestLogsNeverCarrySecrets(t *testing.T) {
	const (
		secret = "ClientSecretValue0001"
		token  = "00D5g0000000001!IssuedTokenValue"
		static = "00D5g0000000001!StaticTokenValue"
	)
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/services/oauth2/token" {
			_ = r.ParseForm()
			writeJSON(w, 200, map[string]string{"access_token": token, "refresh_token": "RefreshTokenValue", "signature": "SignatureValue", "echo": r.PostForm.Encode()})
			return
		}
		// An org error that quotes the request's session, as some proxies do.
		restErr(w, 400, "INVALID_INPUT", "bad request with Authorization "+r.Header.Get("Authorization"))
	})
	key := pkcs1PEM(testKey())
	logs := &captureLogger{}
	configs := []Config{
		{ClientID: "K", ClientSecret: secret},
		{ClientID: "K", Username: "u@x", PrivateKeyPEM: key},
		{AccessToken: static},
	}
	var errTexts []string
	for _, cfg := range configs {
		cfg.Logger = logs
		c := newTestClient(t, ts.URL, cfg)
		_, err := c.Users(context.Background())
		requireKind(t, err, KindInvalidInput)
		errTexts = append(errTexts, err.Error())
	}
	text := logs.text()
	if !strings.Contains(text, "TRACE") || !strings.Contains(text, "answer body") {
		t.Fatalf("no trace entries were logged:\n%s", text)
	}
	for _, s := range []string{secret, "IssuedTokenValue", "StaticTokenValue", "RefreshTokenValue", "SignatureValue", strings.Split(key, "\n")[3], "eyJ"} {
		if strings.Contains(text, s) {
			t.Errorf("logs contain %q", s)
		}
	}
	for _, e := range errTexts {
		if strings.Contains(e, "TokenValue") {
			t.Errorf("an error quotes a token: %s", e)
		}
	}
}

// A logger that keeps only warnings is handed nothing else: the trace and debug entries of a
// request (its body, its retries) are neither built nor scrubbed for it.
func TestLogsOnlyWhatTheLoggerKeeps(t *testing.T) {
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		restErr(w, 400, "INVALID_INPUT", "bad request")
	})
	logs := &captureLogger{min: LevelWarn}
	c := newTestClient(t, ts.URL, Config{AccessToken: "00D5g0000000001!StaticTokenValue", Logger: logs})
	_, err := c.Users(context.Background())
	requireKind(t, err, KindInvalidInput)
	for _, entry := range logs.entries {
		if strings.HasPrefix(entry, "TRACE") || strings.HasPrefix(entry, "DEBUG") || strings.HasPrefix(entry, "INFO") {
			t.Errorf("a logger that keeps warnings was sent %q", entry)
		}
	}
	all := &captureLogger{}
	c = newTestClient(t, ts.URL, Config{AccessToken: "00D5g0000000001!StaticTokenValue", Logger: all})
	_, _ = c.Users(context.Background())
	if !strings.Contains(all.text(), "TRACE") {
		t.Fatalf("the same request logs nothing at trace level, so this test shows nothing:\n%s", all.text())
	}
}

// TestLogsNeverCarryExternalClientAppCredentials reads an ECA's credentials, stages new ones and
// discards them, at trace level against mockorg, and looks for the current and the staged secret
// in the logs: the answers that carry them are logged before the client learns the secrets, so
// only recognising them by what the answer says keeps them out.
func TestLogsNeverCarryExternalClientAppCredentials(t *testing.T) {
	org := startOrg(t, mockorg.Config{})
	logs := &captureLogger{}
	c := org.client(t, func(cfg *Config) { cfg.Logger = logs })
	ctx := context.Background()
	usage, err := c.ExternalClientAppUsage(ctx)
	if err != nil || len(usage) == 0 {
		t.Fatalf("usage: %+v %v", usage, err)
	}
	consumer, err := c.ExternalClientAppConsumer(ctx, usage[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	current, err := c.ExternalClientAppCredentials(ctx, usage[0].ID, consumer)
	if err != nil {
		t.Fatal(err)
	}
	staged, err := c.StageExternalClientAppCredentials(ctx, usage[0].ID, consumer)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DiscardExternalClientAppCredentials(ctx, usage[0].ID, consumer, staged.ID); err != nil {
		t.Fatal(err)
	}
	text := logs.text()
	// The key is the OAuth client id, not a secret: the log keeps it, which also shows that the
	// answers carrying the secrets were logged, so the test looked where they would be.
	for _, key := range []string{current.Key, staged.Key} {
		if !strings.Contains(text, key) {
			t.Fatalf("the log lacks the answer with the consumer key %q, so this test shows nothing:\n%s", key, text)
		}
	}
	for what, secret := range map[string]string{"current secret": current.Secret, "staged secret": staged.Secret} {
		if secret == "" || strings.Contains(text, secret) {
			t.Errorf("the log holds the %s %q:\n%s", what, secret, text)
		}
	}
}
