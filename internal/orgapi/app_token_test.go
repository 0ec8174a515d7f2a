package orgapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// tokenClient is a client that acts with a pre-issued token, to see whether the org still takes it.
func (o *testOrg) tokenClient(t *testing.T, token string) *Client {
	t.Helper()
	return o.client(t, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret, cfg.AccessToken = "", "", token })
}

func TestMockorgIssueAndRevokeAppToken(t *testing.T) {
	o := startOrg(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	logged := &captureLogger{}
	admin := o.client(t, func(cfg *Config) { cfg.Logger = logged })
	ctx := context.Background()

	t.Run("client credentials", func(t *testing.T) {
		tok, err := admin.IssueAppToken(ctx, AppCredentials{ClientID: mockorgtest.AdminClientID, ClientSecret: mockorgtest.AdminClientSecret})
		ok(t, "IssueAppToken", err)
		if tok.Flow != "client credentials" || tok.InstanceURL != o.URL || tok.LoginURL != o.URL || len(tok.UserID) != 18 {
			t.Errorf("token facts: %+v", tok)
		}
		id := must[Identity](t, "Identity with the issued token")(o.tokenClient(t, tok.AccessToken).Identity(ctx))
		if id.UserID != tok.UserID {
			t.Errorf("the token acts as %s, the answer said %s", id.UserID, tok.UserID)
		}
		ok(t, "RevokeToken", admin.RevokeToken(ctx, tok.LoginURL, tok.AccessToken))
		_, err = o.tokenClient(t, tok.AccessToken).ReadConnectedAppSettings(ctx)
		requireKind(t, err, KindAuth)
		// A token that is dead already is revoked.
		ok(t, "RevokeToken again", admin.RevokeToken(ctx, tok.LoginURL, tok.AccessToken))
		log := logged.text()
		if !strings.Contains(log, "obtained an access token") || strings.Contains(log, tok.AccessToken) || strings.Contains(log, mockorgtest.AdminClientSecret) {
			t.Errorf("the log lacks the token request or holds the token or the secret:\n%s", log)
		}
	})

	t.Run("jwt bearer", func(t *testing.T) {
		key := testKey()
		app := &ConnectedApp{FullName: "Orgapi_App_Token", Label: "Orgapi App Token", ContactEmail: "admin@acme.test",
			CallbackURLs: []string{"https://localhost/cb"}, Scopes: []string{"Api"}, Certificate: mockorgtest.SelfSignedCert(t, key),
			ConsumerKey: "OrgapiAppTokenKey000000000000000000001"}
		ok(t, "CreateConnectedApp", admin.CreateConnectedApp(ctx, app))
		cred := AppCredentials{ClientID: app.ConsumerKey, Username: "employee@acme.test", PrivateKeyPEM: pkcs1PEM(key)}
		// A self-authorize app serves the JWT bearer flow only to users who approved it; the org's
		// refusal comes back as it is.
		_, err := admin.IssueAppToken(ctx, cred)
		if e := mustKind(t, err, KindAuth); e.Code != "invalid_grant" || !strings.Contains(e.Message, "approved") {
			t.Errorf("an unapproved user: %v", err)
		}
		o.Session(t, map[string]string{"username": "employee@acme.test", "connected_app": app.FullName})
		tok, err := admin.IssueAppToken(ctx, cred)
		ok(t, "IssueAppToken", err)
		if tok.Flow != "JWT bearer" {
			t.Errorf("flow %q", tok.Flow)
		}
		if id := must[Identity](t, "Identity")(o.tokenClient(t, tok.AccessToken).Identity(ctx)); id.UserID != tok.UserID {
			t.Errorf("the token acts as %s, the answer said %s", id.UserID, tok.UserID)
		}
		// An audience the org does not accept is the org's error, not a silent default.
		cred.JWTAudience = "https://login.example.com"
		_, err = admin.IssueAppToken(ctx, cred)
		if e := mustKind(t, err, KindAuth); !strings.Contains(e.Message, "Audience") {
			t.Errorf("a wrong audience: %v", err)
		}
	})

	t.Run("credentials that name no single flow", func(t *testing.T) {
		for _, cred := range []AppCredentials{
			{ClientID: mockorgtest.AdminClientID},
			{ClientID: mockorgtest.AdminClientID, ClientSecret: mockorgtest.AdminClientSecret, Username: "admin@acme.test"},
			{ClientID: mockorgtest.AdminClientID, Username: "admin@acme.test", PrivateKeyPEM: "not a key"},
			{ClientID: mockorgtest.AdminClientID, ClientSecret: mockorgtest.AdminClientSecret, LoginURL: "http://login.example.com"},
		} {
			_, err := admin.IssueAppToken(ctx, cred)
			requireKind(t, err, KindInvalidInput)
		}
	})
}

func TestMockorgRevokeAppSessions(t *testing.T) {
	o := startOrg(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	admin := o.client(t, nil)
	ctx := context.Background()

	open := func(username, app string) mockorgtest.Session {
		return o.Session(t, map[string]string{"username": username, "connected_app": app})
	}
	employee, readonly := open("employee@acme.test", "Partner_Portal_Mobile"), open("readonly@acme.test", "Partner_Portal_Mobile")
	workbench := open("customerplus@acme.test", "Workbench")
	for _, s := range []mockorgtest.Session{employee, readonly, workbench} {
		_ = must[Identity](t, "a session before the revocation")(o.tokenClient(t, s.SessionID).Identity(ctx))
	}

	n, err := admin.RevokeAppSessions(ctx, "partner_portal_mobile") // API names ignore case, as in Setup
	ok(t, "RevokeAppSessions", err)
	// The two opened here and the seeded integrations' (customer@ and highvolume@ use the app).
	if n != 4 {
		t.Errorf("revoked %d authorizations, want 4", n)
	}
	for _, s := range []mockorgtest.Session{employee, readonly} {
		_, err := o.tokenClient(t, s.SessionID).Limits(ctx)
		requireKind(t, err, KindAuth)
	}
	// The refresh token went with the authorization.
	if status, _ := o.Grant(t, url.Values{"grant_type": {"refresh_token"}, "client_id": {"PartnerPortalMobileKey01"},
		"client_secret": {"PartnerPortalMobileSecret01"}, "refresh_token": {employee.RefreshToken}}); status != http.StatusBadRequest {
		t.Errorf("the refresh token after the revocation: HTTP %d, want 400", status)
	}
	employeeID := must[*User](t, "UserByUsername")(admin.UserByUsername(ctx, "employee@acme.test")).ID
	if approved := must[bool](t, "HasOAuthApproval")(admin.HasOAuthApproval(ctx, employeeID, "Partner Portal Mobile")); approved {
		t.Error("the employee's authorization of the app survived")
	}
	// Another app's sessions live on.
	_ = must[Identity](t, "the Workbench session")(o.tokenClient(t, workbench.SessionID).Identity(ctx))
	// Nothing left: nothing to revoke.
	if n, err := admin.RevokeAppSessions(ctx, "Partner_Portal_Mobile"); err != nil || n != 0 {
		t.Errorf("a second revocation: %d, %v", n, err)
	}

	_, err = admin.RevokeAppSessions(ctx, "No_Such_App")
	requireKind(t, err, KindNotFound)

	twin := &ConnectedApp{FullName: "Portal_Twin", Label: "Partner Portal Mobile", ContactEmail: "admin@acme.test",
		CallbackURLs: []string{"https://localhost/cb"}, Scopes: []string{"Api"}}
	ok(t, "CreateConnectedApp", admin.CreateConnectedApp(ctx, twin))
	again := open("employee@acme.test", "Partner_Portal_Mobile")
	_, err = admin.RevokeAppSessions(ctx, "Partner_Portal_Mobile")
	if e := mustKind(t, err, KindInvalidInput); !strings.Contains(e.Message, "Portal_Twin") {
		t.Errorf("a shared label: %v", err)
	}
	_ = must[Identity](t, "the session of an app whose label is shared")(o.tokenClient(t, again.SessionID).Identity(ctx))
}
