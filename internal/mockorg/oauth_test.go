package mockorg

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

func TestClientCredentialsAnswersAsSalesforce(t *testing.T) {
	h := newHarness(t, Config{})
	resp := h.tokenRequest(url.Values{"grant_type": {"client_credentials"},
		"client_id": {"MockorgAdminKey0001"}, "client_secret": {"MockorgAdminSecret0001"}})
	if resp.status != http.StatusOK {
		t.Fatalf("status %d: %s", resp.status, resp.body)
	}
	var tok tokenAnswer
	resp.json(t, &tok)
	snap := h.snapshot()
	orgID, adminID := snap.Organization.ID, snap.Users[0].ID
	if !strings.HasPrefix(tok.AccessToken, orgID[:15]+"!") {
		t.Errorf("access token %q does not start with the 15-character org id", tok.AccessToken)
	}
	if tok.InstanceURL != h.ts.URL {
		t.Errorf("instance_url %q, want the host the client reached, %q", tok.InstanceURL, h.ts.URL)
	}
	if want := h.ts.URL + "/id/" + orgID + "/" + adminID; tok.ID != want {
		t.Errorf("id %q, want %q", tok.ID, want)
	}
	if tok.TokenType != "Bearer" || strings.Contains(string(resp.body), `"refresh_token":`) || tok.Scope != "api refresh_token" {
		t.Errorf("unexpected answer %+v", tok)
	}
	if _, err := time.Parse(time.RFC3339, time.UnixMilli(mustInt(t, tok.IssuedAt)).Format(time.RFC3339)); err != nil {
		t.Errorf("issued_at %q is not milliseconds", tok.IssuedAt)
	}
	if resp.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", resp.header.Get("Cache-Control"))
	}
	// The token works, and it is the admin's.
	me := h.rest(http.MethodGet, apiBase+"/sobjects/User/"+adminID, tok.AccessToken, nil)
	if me.status != http.StatusOK || !strings.Contains(string(me.body), `"Username":"admin@acme.test"`) {
		t.Fatalf("GET own user: %d %s", me.status, me.body)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n := json.Number(s)
	v, err := n.Int64()
	if err != nil {
		t.Fatalf("%q is not an integer", s)
	}
	return v
}

func TestClientCredentialsAcceptsHTTPBasic(t *testing.T) {
	h := newHarness(t, Config{})
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("MockorgAdminKey0001:MockorgAdminSecret0001")))
	resp := h.send(http.MethodPost, "/services/oauth2/token", header, strings.NewReader("grant_type=client_credentials"))
	if resp.status != http.StatusOK {
		t.Fatalf("status %d: %s", resp.status, resp.body)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	h := newHarness(t, Config{})
	cases := []struct {
		name       string
		form       url.Values
		status     int
		code, desc string
	}{
		{"unknown client", url.Values{"grant_type": {"client_credentials"}, "client_id": {"nope"}, "client_secret": {"x"}},
			400, "invalid_client_id", "client identifier invalid"},
		{"wrong secret", url.Values{"grant_type": {"client_credentials"}, "client_id": {"MockorgAdminKey0001"}, "client_secret": {"x"}},
			400, "invalid_client", "invalid client credentials"},
		{"app without a client credentials user", url.Values{"grant_type": {"client_credentials"}, "client_id": {"WorkbenchKey0001"}, "client_secret": {"WorkbenchSecret0001"}},
			400, "invalid_grant", "no client credentials user enabled"},
		{"wrong password", url.Values{"grant_type": {"password"}, "client_id": {"WorkbenchKey0001"}, "client_secret": {"WorkbenchSecret0001"},
			"username": {"partner@acme.test"}, "password": {"nope"}}, 400, "invalid_grant", "authentication failure"},
		{"password grant without the secret", url.Values{"grant_type": {"password"}, "client_id": {"WorkbenchKey0001"},
			"username": {"partner@acme.test"}, "password": {DefaultPassword}}, 400, "invalid_client", "invalid client credentials"},
		{"inactive user", url.Values{"grant_type": {"password"}, "client_id": {"WorkbenchKey0001"}, "client_secret": {"WorkbenchSecret0001"},
			"username": {"inactive@acme.test"}, "password": {DefaultPassword}}, 400, "inactive_user", "user is inactive"},
		{"not admin approved", url.Values{"grant_type": {"password"}, "client_id": {"MockorgAdminKey0001"}, "client_secret": {"MockorgAdminSecret0001"},
			"username": {"employee@acme.test"}, "password": {DefaultPassword}}, 400, "invalid_app_access", "user is not admin approved to access this app"},
		{"unknown refresh token", url.Values{"grant_type": {"refresh_token"}, "client_id": {"WorkbenchKey0001"}, "client_secret": {"WorkbenchSecret0001"},
			"refresh_token": {"x"}}, 400, "invalid_grant", "expired access/refresh token"},
		{"refresh token grant without the secret the app requires", url.Values{"grant_type": {"refresh_token"}, "client_id": {"WorkbenchKey0001"},
			"refresh_token": {"x"}}, 400, "invalid_client", "invalid client credentials"},
		{"malformed assertion", url.Values{"grant_type": {grantJWTBearer}, "assertion": {"a.b"}}, 400, "invalid_grant", "invalid assertion"},
		{"unsupported grant", url.Values{"grant_type": {"authorization_code"}}, 400, "unsupported_grant_type", "grant type not supported"},
		{"no grant", url.Values{}, 400, "unsupported_grant_type", "grant type not supported"},
	}
	before := h.snapshot()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := h.tokenRequest(tc.form)
			var body map[string]string
			resp.json(t, &body)
			if resp.status != tc.status || body["error"] != tc.code || body["error_description"] != tc.desc || len(body) != 2 {
				t.Errorf("got %d %s, want %d %s/%s", resp.status, resp.body, tc.status, tc.code, tc.desc)
			}
		})
	}
	if got := h.snapshot(); mustJSON(t, got) != mustJSON(t, before) {
		t.Error("refused token requests changed the org")
	}
}

func TestPasswordGrantIssuesNoRefreshToken(t *testing.T) {
	h := newHarness(t, Config{})
	resp := h.passwordGrant("partner@acme.test", "Partner_Portal_Mobile")
	var body map[string]string
	resp.json(t, &body)
	if resp.status != http.StatusOK || body["access_token"] == "" {
		t.Fatalf("password grant: %d %s", resp.status, resp.body)
	}
	if _, ok := body["refresh_token"]; ok {
		t.Errorf("Salesforce's username-password flow issues no refresh token, mockorg gave one: %s", resp.body)
	}
}

func TestWebServerSessionRefreshAndRevoke(t *testing.T) {
	h := newHarness(t, Config{})
	tok := h.webServerSession("partner@acme.test", "Partner_Portal_Mobile")
	refreshed := h.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken},
		"client_id": {"PartnerPortalMobileKey01"}, "client_secret": {"PartnerPortalMobileSecret01"}})
	var tok2 map[string]string
	refreshed.json(t, &tok2)
	if _, rotated := tok2["refresh_token"]; refreshed.status != http.StatusOK || tok2["access_token"] == "" || rotated {
		t.Fatalf("refresh: %d %s", refreshed.status, refreshed.body)
	}
	// A refresh token belongs to its app.
	other := h.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {"WorkbenchKey0001"}})
	if other.status != http.StatusBadRequest {
		t.Errorf("refresh through another app: %d %s", other.status, other.body)
	}
	// Revoking the refresh token kills the access tokens issued from it.
	rev := h.send(http.MethodPost, "/services/oauth2/revoke", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		strings.NewReader(url.Values{"token": {tok.RefreshToken}}.Encode()))
	if rev.status != http.StatusOK {
		t.Fatalf("revoke: %d %s", rev.status, rev.body)
	}
	for _, at := range []string{tok.AccessToken, tok2["access_token"]} {
		r := h.rest(http.MethodGet, apiBase+"/limits", at, nil)
		if r.status != http.StatusUnauthorized || r.restError(t).ErrorCode != "INVALID_SESSION_ID" {
			t.Errorf("revoked token still works: %d %s", r.status, r.body)
		}
	}
	again := h.send(http.MethodPost, "/services/oauth2/revoke", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		strings.NewReader(url.Values{"token": {tok.RefreshToken}}.Encode()))
	if again.status != http.StatusBadRequest {
		t.Errorf("revoking twice: %d %s", again.status, again.body)
	}
}

func TestPasswordGrantReadsAChunkedBody(t *testing.T) {
	h := newHarness(t, Config{})
	body := url.Values{"grant_type": {"password"}, "client_id": {"WorkbenchKey0001"}, "client_secret": {"WorkbenchSecret0001"},
		"username": {"admin@acme.test"}, "password": {DefaultPassword}}.Encode()
	req, err := http.NewRequest(http.MethodPost, h.ts.URL+"/services/oauth2/token", struct{ *strings.Reader }{strings.NewReader(body)})
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1 // unknown length: the client sends Transfer-Encoding: chunked
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("chunked password grant: %d", resp.StatusCode)
	}
}

// jwtApp creates a key pair and a seed whose Workbench (self-authorize, uninstalled) and
// Terraform_Admin (admin approved, installed) apps carry the certificate.
func jwtApp(t *testing.T) (*rsa.PrivateKey, *Seed) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "jwt"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	seed := DefaultSeed()
	for i := range seed.ConnectedApps {
		if name := seed.ConnectedApps[i].Name; name == "Workbench" || name == "Terraform_Admin" {
			seed.ConnectedApps[i].Certificate = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
		}
	}
	return key, seed
}

func signJWT(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		data, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(data)
	}
	signing := enc(map[string]string{"alg": "RS256"}) + "." + enc(claims)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestJWTBearerChecksSignatureAndClaims(t *testing.T) {
	key, seed := jwtApp(t)
	h := newHarness(t, Config{Seed: seed})
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	// employee@acme.test approved Workbench before the restriction (the embedded org's oauthTokens).
	valid := func() map[string]any {
		return map[string]any{"iss": "WorkbenchKey0001", "sub": "employee@acme.test", "aud": "https://login.salesforce.com",
			"exp": time.Now().Add(3 * time.Minute).Unix()}
	}
	with := func(k string, v any) map[string]any { c := valid(); c[k] = v; return c }
	without := func(k string) map[string]any { c := valid(); delete(c, k); return c }
	cases := []struct {
		name   string
		key    *rsa.PrivateKey
		claims map[string]any
		code   string
		desc   string
	}{
		{"valid", key, valid(), "", ""},
		{"audience of the instance", key, with("aud", h.ts.URL), "", ""},
		{"signed with another key", otherKey, valid(), "invalid_grant", "invalid assertion"},
		{"expired", key, with("exp", time.Now().Add(-time.Minute).Unix()), "invalid_grant", "expired authorization code"},
		{"without exp", key, without("exp"), "invalid_grant", "invalid assertion"},
		// Salesforce documents exp "within 3 minutes" but does not refuse more: the Salesforce
		// CLI's own assertions carry Date.now()+300, milliseconds (SALESFORCE.md, JWT lifetime).
		{"exp in milliseconds, as the Salesforce CLI sends it", key, with("exp", time.Now().UnixMilli()+300), "", ""},
		{"nbf passed", key, with("nbf", time.Now().Add(-time.Minute).Unix()), "", ""},
		{"nbf now", key, with("nbf", time.Now().Unix()), "", ""},
		{"nbf to come", key, with("nbf", time.Now().Add(10*time.Minute).Unix()), "invalid_grant", "expired authorization code"},
		{"nbf not a date", key, with("nbf", "soon"), "invalid_grant", "invalid assertion"},
		{"wrong audience", key, with("aud", "https://evil.example"), "invalid_grant", "Audience validation failed"},
		{"sandbox audience in a production org", key, with("aud", "https://test.salesforce.com"), "invalid_grant", "Audience validation failed"},
		{"a My Domain the client did not reach", key, with("aud", "https://acme.my.salesforce.com"), "invalid_grant", "Audience validation failed"},
		{"unknown issuer", key, with("iss", "nope"), "invalid_client_id", "client identifier invalid"},
		{"unknown subject", key, with("sub", "nobody@acme.test"), "invalid_grant", "invalid assertion"},
		{"app without certificate", key, with("iss", "PartnerPortalMobileKey01"), "invalid_grant", "invalid assertion"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := h.tokenRequest(url.Values{"grant_type": {grantJWTBearer}, "assertion": {signJWT(t, tc.key, tc.claims)}})
			if tc.code == "" {
				var tok map[string]string
				resp.json(t, &tok)
				if _, ok := tok["refresh_token"]; resp.status != http.StatusOK || tok["access_token"] == "" || ok {
					t.Fatalf("got %d %s", resp.status, resp.body)
				}
				return
			}
			var body map[string]string
			resp.json(t, &body)
			if resp.status != http.StatusBadRequest || body["error"] != tc.code || body["error_description"] != tc.desc {
				t.Errorf("got %d %s, want %s/%s", resp.status, resp.body, tc.code, tc.desc)
			}
		})
	}
}

// An External Client App's JWT bearer grant goes through the same checks as a connected app's:
// its certificate is the global OAuth settings' one.
func TestJWTBearerThroughAnECAChecksTheSameClaims(t *testing.T) {
	key, seed := jwtApp(t)
	cert := seed.ConnectedApps[slices.IndexFunc(seed.ConnectedApps, func(a SeedConnectedApp) bool { return a.Name == "Workbench" })].Certificate
	for i := range seed.ExternalClientApps {
		for j, c := range seed.ExternalClientApps[i].Components {
			if c.FullName == "Acme_Sync_glbloauth" {
				seed.ExternalClientApps[i].Components[j].Values["certificate"] = cert
			}
		}
	}
	h := newHarness(t, Config{Seed: seed})
	// admin@acme.test's profile is admin approved for Acme_Sync in the embedded org.
	assertion := func(nbf time.Time) string {
		return signJWT(t, key, map[string]any{"iss": "AcmeSyncKey0001", "sub": "admin@acme.test", "aud": "https://login.salesforce.com",
			"exp": time.Now().Add(3 * time.Minute).Unix(), "nbf": nbf.Unix()})
	}
	if resp := h.tokenRequest(url.Values{"grant_type": {grantJWTBearer}, "assertion": {assertion(time.Now())}}); resp.status != http.StatusOK {
		t.Fatalf("valid assertion: %d %s", resp.status, resp.body)
	}
	resp := h.tokenRequest(url.Values{"grant_type": {grantJWTBearer}, "assertion": {assertion(time.Now().Add(10 * time.Minute))}})
	var body map[string]string
	resp.json(t, &body)
	if resp.status != http.StatusBadRequest || body["error"] != "invalid_grant" || body["error_description"] != "expired authorization code" {
		t.Errorf("nbf to come: %d %s, want invalid_grant/expired authorization code", resp.status, resp.body)
	}
}

func TestOAuthRefusesOversizeAndWrongMethod(t *testing.T) {
	h := newHarness(t, Config{})
	big := "grant_type=password&username=" + strings.Repeat("a", maxBodyBytes)
	resp := h.send(http.MethodPost, "/services/oauth2/token", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, strings.NewReader(big))
	var body map[string]string
	resp.json(t, &body)
	if resp.status != http.StatusRequestEntityTooLarge || body["error"] != "invalid_request" {
		t.Errorf("oversize: %d %s", resp.status, resp.body)
	}
	get := h.send(http.MethodGet, "/services/oauth2/token", nil, nil)
	get.json(t, &body)
	if get.status != http.StatusBadRequest || body["error"] != "invalid_request" {
		t.Errorf("GET: %d %s", get.status, get.body)
	}
}

func TestIDsAreRealSalesforceIDs(t *testing.T) {
	snap := DefaultSeed()
	st, err := newState(snap)
	if err != nil {
		t.Fatal(err)
	}
	seed := st.toSeed(0)
	check := func(id, prefix string) {
		t.Helper()
		n, err := sfid.Normalize(id)
		if err != nil || n != id || id[:3] != prefix {
			t.Errorf("id %q is not an 18-character %s id", id, prefix)
		}
		if alt, _ := sfid.Normalize(id[:15]); alt != id {
			t.Errorf("the 15-character form of %s does not normalise back", id)
		}
	}
	check(seed.Organization.ID, sfid.PrefixOrganization)
	for _, p := range seed.Profiles {
		check(p.ID, sfid.PrefixProfile)
		check(p.PermissionSetID, sfid.PrefixPermissionSet)
	}
	for _, u := range seed.Users {
		check(u.ID, sfid.PrefixUser)
	}
	for _, a := range seed.ConnectedApps {
		check(a.ID, sfid.PrefixConnectedApplication)
	}
	for _, g := range seed.SetupEntityAccess {
		check(g.ID, sfid.PrefixSetupEntityAccess)
	}
}

// lockedBuffer is a log sink safe for concurrent handlers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestLogsNeverContainSecrets(t *testing.T) {
	var logs lockedBuffer
	h := newHarness(t, Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	admin := h.adminToken()
	tok := h.webServerSession("partner@acme.test", "Partner_Portal_Mobile")
	h.passwordGrant("partner@acme.test", "Workbench")
	h.tokenRequest(url.Values{"grant_type": {"password"}, "client_id": {"WorkbenchKey0001"}, "client_secret": {"WrongSecret99"},
		"username": {"partner@acme.test"}, "password": {"WrongPassword99"}})
	h.soap(admin, readSettings())
	createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Logged")))
	h.send(http.MethodGet, "/services/oauth2/revoke?token="+url.QueryEscape(tok.RefreshToken), nil, nil)
	out := logs.String()
	if !strings.Contains(out, "Logged") && !strings.Contains(out, "record created") {
		t.Fatalf("nothing was logged: %s", out)
	}
	for _, secret := range []string{"MockorgAdminSecret0001", "PartnerPortalMobileSecret01", "WorkbenchSecret0001", "WrongSecret99",
		DefaultPassword, "WrongPassword99", admin, tok.AccessToken, tok.RefreshToken, admin[16:]} {
		if strings.Contains(out, secret) {
			t.Errorf("the log contains a secret (%.12s…)", secret)
		}
	}
}

func TestUserInfoAndIdentityURL(t *testing.T) {
	h := newHarness(t, Config{})
	resp := h.passwordGrant("partner@acme.test", "Partner_Portal_Mobile")
	var tok tokenAnswer
	resp.json(t, &tok)
	for _, path := range []string{"/services/oauth2/userinfo", strings.TrimPrefix(tok.ID, h.ts.URL)} {
		r := h.rest(http.MethodGet, path, tok.AccessToken, nil)
		var info userInfo
		r.json(t, &info)
		if r.status != http.StatusOK || info.PreferredUsername != "partner@acme.test" || info.Sub != tok.ID ||
			info.UserID != h.userID("partner@acme.test") || info.UserType != "POWERPARTNER" {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	other := "/id/" + h.snapshot().Organization.ID + "/" + h.userID("admin@acme.test")
	for _, c := range []struct{ path, token string }{{"/services/oauth2/userinfo", "nope"}, {other, tok.AccessToken}} {
		if r := h.rest(http.MethodGet, c.path, c.token, nil); r.status != http.StatusForbidden || string(r.body) != "Bad_OAuth_Token" {
			t.Errorf("%s: %d %s", c.path, r.status, r.body)
		}
	}
}

// TestJWTBearerNeedsAPriorApproval runs the JWT bearer flow through an app whose users
// self-authorize (Workbench) and an admin-approved one (Terraform_Admin): the first serves only
// users who approved it before, installed or not; the second needs no approval but a grant. The
// flow itself records no approval.
func TestJWTBearerNeedsAPriorApproval(t *testing.T) {
	key, seed := jwtApp(t)
	h := newHarness(t, Config{Seed: seed})
	admin := h.adminToken()
	jwt := func(sub, iss string) response {
		return h.tokenRequest(url.Values{"grant_type": {grantJWTBearer}, "assertion": {signJWT(t, key, map[string]any{
			"iss": iss, "sub": sub, "aud": "https://login.salesforce.com", "exp": time.Now().Add(time.Minute).Unix()})}})
	}
	expect := func(label string, resp response, code, desc string) {
		t.Helper()
		var body map[string]string
		resp.json(t, &body)
		if code == "" && (resp.status != http.StatusOK || body["access_token"] == "") ||
			code != "" && (resp.status != http.StatusBadRequest || body["error"] != code || body["error_description"] != desc) {
			t.Errorf("%s: %d %s, want %q %q", label, resp.status, resp.body, code, desc)
		}
	}
	useCount := func(username, app string) int {
		for _, a := range h.snapshot().OAuthTokens {
			if a.Username == username && a.ConnectedApp == app {
				return a.UseCount
			}
		}
		return -1
	}
	expect("employee, who approved Workbench", jwt("employee@acme.test", "WorkbenchKey0001"), "", "")
	if n := useCount("employee@acme.test", "Workbench"); n != 213 {
		t.Errorf("the JWT token did not count as a use of the approval: %d", n)
	}
	expect("readonly, who did not", jwt("readonly@acme.test", "WorkbenchKey0001"), "invalid_grant", "user hasn't approved this consumer")
	h.mustStatus(t, h.rest(http.MethodPut, setupInstallation(h.appID("Workbench")), admin, nil), http.StatusOK)
	expect("readonly, Workbench installed", jwt("readonly@acme.test", "WorkbenchKey0001"), "invalid_grant", "user hasn't approved this consumer")
	h.webServerSession("readonly@acme.test", "Workbench")
	expect("readonly after authorizing Workbench", jwt("readonly@acme.test", "WorkbenchKey0001"), "", "")

	expect("admin through the admin-approved app, no approval", jwt("admin@acme.test", "MockorgAdminKey0001"), "", "")
	expect("employee through the admin-approved app", jwt("employee@acme.test", "MockorgAdminKey0001"), "invalid_app_access", "user is not admin approved to access this app")
	if n := useCount("admin@acme.test", "Terraform_Admin"); n != -1 {
		t.Errorf("the JWT bearer flow recorded an approval (use count %d)", n)
	}
}

// TestJWTAudienceOfASandbox checks that a sandbox accepts https://test.salesforce.com, besides
// https://login.salesforce.com and its own URL, and nothing else.
func TestJWTAudienceOfASandbox(t *testing.T) {
	key, seed := jwtApp(t)
	seed.Organization.IsSandbox = true
	h := newHarness(t, Config{Seed: seed})
	for aud, ok := range map[string]bool{"https://test.salesforce.com": true, "https://test.salesforce.com/": true,
		"https://login.salesforce.com": true, h.ts.URL: true, "https://test.salesforce.com.evil.example": false} {
		resp := h.tokenRequest(url.Values{"grant_type": {grantJWTBearer}, "assertion": {signJWT(t, key, map[string]any{
			"iss": "WorkbenchKey0001", "sub": "employee@acme.test", "aud": aud, "exp": time.Now().Add(time.Minute).Unix()})}})
		if ok != (resp.status == http.StatusOK) || !ok && !strings.Contains(string(resp.body), "Audience validation failed") {
			t.Errorf("aud %s: %d %s", aud, resp.status, resp.body)
		}
	}
}

// TestRefreshTokenGrantNeedsTheSecret refreshes with and without the consumer secret under each
// isSecretRequiredForRefreshToken setting: absent and true demand it, false does not.
func TestRefreshTokenGrantNeedsTheSecret(t *testing.T) {
	for _, c := range []struct {
		name     string
		required *bool
	}{{"absent", nil}, {"true", ptr(true)}, {"false", ptr(false)}} {
		t.Run(c.name, func(t *testing.T) {
			seed := DefaultSeed()
			for i := range seed.ConnectedApps {
				if seed.ConnectedApps[i].Name == "Partner_Portal_Mobile" {
					seed.ConnectedApps[i].SecretRequiredForRefreshToken = c.required
				}
			}
			h := newHarness(t, Config{Seed: seed})
			tok := h.webServerSession("partner@acme.test", "Partner_Portal_Mobile")
			refresh := func(secret string) response {
				form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {"PartnerPortalMobileKey01"}}
				if secret != "" {
					form.Set("client_secret", secret)
				}
				return h.tokenRequest(form)
			}
			without := refresh("")
			if c.required == nil || *c.required {
				var body map[string]string
				without.json(t, &body)
				if without.status != http.StatusBadRequest || body["error"] != "invalid_client" || body["error_description"] != "invalid client credentials" {
					t.Errorf("without the secret: %d %s", without.status, without.body)
				}
			} else if without.status != http.StatusOK {
				t.Errorf("without the secret, not required: %d %s", without.status, without.body)
			}
			if r := refresh("WrongSecret"); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "invalid client credentials") {
				t.Errorf("with a wrong secret: %d %s", r.status, r.body)
			}
			if r := refresh("PartnerPortalMobileSecret01"); r.status != http.StatusOK {
				t.Errorf("with the secret: %d %s", r.status, r.body)
			}
		})
	}
}
