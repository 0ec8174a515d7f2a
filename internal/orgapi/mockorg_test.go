package orgapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// testOrg is the shared mockorg harness, plus the orgapi client it serves.
type testOrg struct{ *mockorgtest.Org }

func startOrg(t *testing.T, cfg mockorg.Config) *testOrg {
	t.Helper()
	return &testOrg{mockorgtest.Start(t, cfg)}
}

// client returns a client authenticated as the admin through Terraform_Admin's client credentials.
func (o *testOrg) client(t *testing.T, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{InstanceURL: o.URL, ClientID: mockorgtest.AdminClientID, ClientSecret: mockorgtest.AdminClientSecret, MaxRetries: 5}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	fastRetries(c)
	return c
}

func must[T any](t *testing.T, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

func ok(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestMockorgAuthFlows(t *testing.T) {
	o := startOrg(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	admin := o.client(t, nil)
	ctx := context.Background()
	key := testKey()
	app := &ConnectedApp{FullName: "Orgapi_Auth", Label: "Orgapi Auth", ContactEmail: "admin@acme.test",
		CallbackURLs: []string{"https://localhost/cb"}, Scopes: []string{"Api"}, Certificate: mockorgtest.SelfSignedCert(t, key),
		ConsumerKey: "OrgapiAuthKey00000000000000000000000001", ConsumerSecret: "OrgapiAuthSecret00000001"}
	ok(t, "CreateConnectedApp", admin.CreateConnectedApp(ctx, app))
	// The app lets users self-authorize, so the JWT bearer flow needs the admin's prior approval
	// of it, which the web server flow records.
	o.Session(t, map[string]string{"username": "admin@acme.test", "connected_app": app.FullName})
	// The default audience, https://login.salesforce.com, is what Salesforce expects even though
	// the token request goes to the org's own URL.
	jwtClient := func(t *testing.T, pemKey string, mods ...func(*Config)) *Client {
		c := o.client(t, func(cfg *Config) {
			cfg.ClientSecret = ""
			cfg.ClientID, cfg.Username, cfg.PrivateKeyPEM = app.ConsumerKey, "admin@acme.test", pemKey
			for _, m := range mods {
				m(cfg)
			}
		})
		return c
	}

	t.Run("client credentials", func(t *testing.T) {
		if _, err := o.client(t, nil).ReadConnectedAppSettings(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("client credentials with a wrong secret", func(t *testing.T) {
		c := o.client(t, func(cfg *Config) { cfg.ClientSecret = "wrong-secret-1" })
		_, err := c.ReadConnectedAppSettings(ctx)
		if e := mustKind(t, err, KindAuth); e.Code != "invalid_client" {
			t.Errorf("code %q: %v", e.Code, err)
		}
	})
	t.Run("jwt pkcs1", func(t *testing.T) {
		id, err := jwtClient(t, pkcs1PEM(key)).Identity(ctx)
		if err != nil || id.Username != "admin@acme.test" {
			t.Fatalf("%+v %v", id, err)
		}
	})
	t.Run("jwt pkcs8", func(t *testing.T) {
		if _, err := jwtClient(t, pkcs8PEM(t, key)).Identity(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("jwt with a key that does not match the certificate", func(t *testing.T) {
		other, err := rsaKey()
		ok(t, "key", err)
		_, err = jwtClient(t, pkcs1PEM(other)).Identity(ctx)
		if e := mustKind(t, err, KindAuth); e.Code != "invalid_grant" {
			t.Errorf("code %q: %v", e.Code, err)
		}
	})
	t.Run("jwt with the org's own URL as the audience", func(t *testing.T) {
		c := jwtClient(t, pkcs1PEM(key), func(cfg *Config) { cfg.JWTAudience = o.URL })
		if _, err := c.Identity(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("jwt with a wrong audience", func(t *testing.T) {
		c := jwtClient(t, pkcs1PEM(key), func(cfg *Config) { cfg.JWTAudience = "https://login.example.com" })
		_, err := c.Identity(ctx)
		if e := mustKind(t, err, KindAuth); !strings.Contains(e.Message, "Audience validation failed") {
			t.Errorf("%v", err)
		}
	})
	t.Run("jwt with an expired assertion", func(t *testing.T) {
		c := jwtClient(t, pkcs1PEM(key))
		c.tokens.source.(*jwtBearer).now = func() time.Time { return time.Now().Add(-time.Hour) }
		_, err := c.Identity(ctx)
		if e := mustKind(t, err, KindAuth); e.Code != "invalid_grant" {
			t.Errorf("%v", err)
		}
	})
	t.Run("expired pre-issued token", func(t *testing.T) {
		tok := o.MustToken(t, "admin@acme.test", "Terraform_Admin")
		revoke(t, o, tok)
		c := o.client(t, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret, cfg.AccessToken = "", "", tok })
		_, err := c.Users(ctx)
		if e := mustKind(t, err, KindAuth); e.Code != "INVALID_SESSION_ID" || !strings.Contains(err.Error(), "access_token") {
			t.Errorf("%v", err)
		}
	})
}

func revoke(t *testing.T, o *testOrg, token string) {
	t.Helper()
	resp, err := http.PostForm(o.URL+"/services/oauth2/revoke", url.Values{"token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
}

func TestMockorgRevokedSessionIsRenewedOnce(t *testing.T) {
	o := startOrg(t, mockorg.Config{})
	c := o.client(t, nil)
	ctx := context.Background()
	ok(t, "first call", func() error { _, err := c.ReadConnectedAppSettings(ctx); return err }())
	revoke(t, o, c.tokens.cur.value)
	o.ResetStats(t)
	ok(t, "SOAP call after revocation", func() error { _, err := c.ReadConnectedAppSettings(ctx); return err }())
	revoke(t, o, c.tokens.cur.value)
	ok(t, "REST call after revocation", func() error { _, err := c.OAuthUsage(ctx); return err }())
	st := o.Stats(t)
	if st.ByOperation["oauth:token"] != 2 {
		t.Errorf("token requests %d, want one per revocation: %v", st.ByOperation["oauth:token"], st.ByOperation)
	}
}

func TestMockorgInsufficientAccessNamesTheMissingPermission(t *testing.T) {
	o := startOrg(t, mockorg.Config{})
	// Partner_Portal_Mobile was created in the org, so the usage restriction on uninstalled apps
	// does not stand between the app manager and a session.
	tok := o.MustToken(t, "appmanager@acme.test", "Partner_Portal_Mobile")
	c := o.client(t, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret, cfg.AccessToken = "", "", tok })
	_, err := c.ReadConnectedAppSettings(context.Background())
	e := mustKind(t, err, KindInsufficientAccess)
	if !errors.Is(err, ErrInsufficientAccess) || e.Permission != "ModifyAllData" {
		t.Errorf("permission %q: %v", e.Permission, err)
	}
	// appmanager may manage connected apps (CustomizeApplication and ManageRemoteAccess).
	if _, err := c.ReadConnectedApp(context.Background(), "Terraform_Admin"); err != nil {
		t.Errorf("appmanager reading a connected app: %v", err)
	}
}

func TestMockorgRetriesInjectedFaults(t *testing.T) {
	t.Parallel() // waits out real Retry-After seconds
	o := startOrg(t, mockorg.Config{})
	c := o.client(t, func(cfg *Config) { cfg.MaxRetries = 8 })
	ctx := context.Background()
	_ = must[[]OAuthUsageApp](t, "authenticate")(c.OAuthUsage(ctx))
	o.Faults(t, map[string]any{"rate": 0.4, "statuses": []int{429, 503}, "retry_after_seconds": 1, "seed": 9})
	o.ResetStats(t)
	start := time.Now()
	calls := []func() error{
		func() error { _, err := c.ReadConnectedAppSettings(ctx); return err },
		func() error { _, err := c.OAuthUsage(ctx); return err },
		func() error { _, err := c.Limits(ctx); return err },
	}
	for i, call := range calls {
		if err := call(); err != nil {
			t.Fatalf("call %d under injected faults: %v", i, err)
		}
	}
	st := o.Stats(t)
	retries := st.Requests - len(calls)
	if retries < 1 {
		t.Fatalf("%d requests for %d calls: no fault was injected, the test proves nothing", st.Requests, len(calls))
	}
	if took := time.Since(start); took < time.Duration(retries)*time.Second {
		t.Errorf("%d retries took %s; Retry-After asked for 1s each", retries, took)
	}

	o.Faults(t, map[string]any{"rate": 1, "statuses": []int{429}})
	c2 := o.client(t, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := c2.OAuthUsage(ctx)
	requireKind(t, err, KindRateLimited)
}

func TestMockorgContextCancellationStopsRetrying(t *testing.T) {
	o := startOrg(t, mockorg.Config{})
	// Coalescing off: the second call must reach the org, not reuse the first one's list.
	c := o.client(t, func(cfg *Config) { cfg.MaxRetries, cfg.CoalesceWindow = 50, -1 })
	ctx := context.Background()
	_ = must[[]OAuthUsageApp](t, "authenticate")(c.OAuthUsage(ctx))
	o.Faults(t, map[string]any{"rate": 1, "statuses": []int{503}, "retry_after_seconds": 2})
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.OAuthUsage(cctx)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 3*time.Second {
		t.Errorf("after %s: %v", time.Since(start), err)
	}
}

func TestMockorgWithoutTheSetupExtension(t *testing.T) {
	o := startOrg(t, mockorg.Config{DisableSetupExtension: true})
	c := o.client(t, nil)
	ctx := context.Background()
	if avail, err := c.ExtensionAvailable(ctx); err != nil || avail {
		t.Fatalf("ExtensionAvailable = %v %v", avail, err)
	}
	const appID = "0H45g0000000002CAA"
	tests := []struct {
		name string
		call func() error
		page string
	}{
		{"AllowVisualforceAPIAccess", func() error { _, err := c.AllowVisualforceAPIAccess(ctx); return err }, SetupPageAPIAccessControl},
		{"SetAllowVisualforceAPIAccess", func() error { return c.SetAllowVisualforceAPIAccess(ctx, true) }, SetupPageAPIAccessControl},
		{"OAuthUsage", func() error { _, err := c.OAuthUsage(ctx); return err }, SetupPageOAuthUsage},
		{"Installation", func() error { _, err := c.Installation(ctx, appID); return err }, SetupPageOAuthUsage},
		{"Install", func() error { _, err := c.Install(ctx, appID, false); return err }, SetupPageOAuthUsage},
		{"SetBlocked", func() error { _, err := c.SetBlocked(ctx, appID, true); return err }, SetupPageOAuthUsage},
		{"Uninstall", func() error { return c.Uninstall(ctx, appID) }, SetupPageOAuthUsage},
	}
	o.ResetStats(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			e := mustKind(t, err, KindExtensionUnavailable)
			if !errors.Is(err, ErrExtensionUnavailable) || e.SetupPage != tt.page || !strings.Contains(err.Error(), tt.page) {
				t.Errorf("%v (page %q)", err, e.SetupPage)
			}
		})
	}
	if st := o.Stats(t); st.Requests != 0 {
		t.Errorf("%d requests after discovery; the answer must be remembered", st.Requests)
	}
	// Everything else keeps working.
	if _, err := c.ReadConnectedAppSettings(ctx); err != nil {
		t.Error(err)
	}
}
