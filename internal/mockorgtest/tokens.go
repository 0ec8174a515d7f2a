package mockorgtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// The Terraform_Admin app's client credentials in the embedded seed: they act as the org's
// admin, and they are what the sfaccess-mockorg banner tells a user to export.
const (
	AdminClientID     = "MockorgAdminKey0001"
	AdminClientSecret = "MockorgAdminSecret0001" //nolint:gosec // G101: the embedded seed's published test secret
)

// AdminClientCredentials is the client credentials grant of the Terraform_Admin app.
func AdminClientCredentials() url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {AdminClientID}, "client_secret": {AdminClientSecret}}
}

// seededAppCredentials are the consumer key and secret of each connected app of the embedded
// seed, by app name.
var seededAppCredentials = func() map[string][2]string {
	creds := map[string][2]string{}
	for _, a := range mockorg.DefaultSeed().ConnectedApps {
		creds[a.Name] = [2]string{a.ConsumerKey, a.ConsumerSecret}
	}
	return creds
}()

// LookupAppCredentials returns the consumer key and secret of a connected app of the embedded
// seed, and whether the seed has the app.
func LookupAppCredentials(app string) (key, secret string, ok bool) {
	creds, ok := seededAppCredentials[app]
	return creds[0], creds[1], ok
}

// AppCredentials returns the consumer key and secret of a connected app of the embedded seed.
func AppCredentials(t testing.TB, app string) (key, secret string) {
	t.Helper()
	key, secret, ok := LookupAppCredentials(app)
	if !ok {
		t.Fatalf("the embedded seed has no connected app %q", app)
	}
	return key, secret
}

// TokenAnswer is the token endpoint's answer: a token, or an OAuth error.
type TokenAnswer struct {
	AccessToken string `json:"access_token"`
	InstanceURL string `json:"instance_url"`
	ID          string `json:"id"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// Grant posts form to the org's token endpoint and fails the test unless the org answers as
// Salesforce does: 200 with a token, or an OAuth error code.
func (r Remote) Grant(t testing.TB, form url.Values) (int, TokenAnswer) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, r.URL+"/services/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatalf("token request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := r.HTTP.Do(req) //nolint:gosec // G704: the test names the org it talks to
	if err != nil {
		t.Fatalf("token request: %v", err)
	}
	defer resp.Body.Close()
	var ans TokenAnswer
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil {
		t.Fatalf("token endpoint answered HTTP %d with a body that is not JSON: %v", resp.StatusCode, err)
	}
	if resp.StatusCode == http.StatusOK && ans.AccessToken == "" {
		t.Fatalf("token endpoint answered 200 without an access token")
	}
	if resp.StatusCode != http.StatusOK && ans.Error == "" {
		t.Fatalf("token endpoint answered HTTP %d without an OAuth error code", resp.StatusCode)
	}
	return resp.StatusCode, ans
}

// Token asks for a token for username through a connected app of the embedded seed with the
// password grant, as a person's tool would, and returns the answer, a denial included.
func (r Remote) Token(t testing.TB, username, app string) TokenAnswer {
	t.Helper()
	key, secret := AppCredentials(t, app)
	_, ans := r.Grant(t, url.Values{
		"grant_type": {"password"}, "client_id": {key}, "client_secret": {secret},
		"username": {username}, "password": {mockorg.DefaultPassword},
	})
	return ans
}

// MustToken returns an access token for username through app, failing the test when denied.
func (r Remote) MustToken(t testing.TB, username, app string) string {
	t.Helper()
	ans := r.Token(t, username, app)
	if ans.AccessToken == "" {
		t.Fatalf("no token for %s through %s: %s: %s", username, app, ans.Error, ans.Description)
	}
	return ans.AccessToken
}

// AdminToken returns an access token for the admin through Terraform_Admin's client
// credentials, failing the test when refused.
func (r Remote) AdminToken(t testing.TB) string {
	t.Helper()
	_, ans := r.Grant(t, AdminClientCredentials())
	if ans.AccessToken == "" {
		t.Fatalf("no client credentials token: %s: %s", ans.Error, ans.Description)
	}
	return ans.AccessToken
}
