package provider

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// secretsConfig has every resource type, data source, ephemeral resource and action of the
// provider in one configuration. Every secret reaches the provider the way a careful user passes
// it: the admin's client secret and the new app's consumer secret through ephemeral variables, the
// ECA's credentials through the ephemeral resource into an access token for a second provider
// configuration. withEphemeral adds those (the ECA credentials can be read only once the settings
// resource allows it), syncPlugin and rotation drive sfaccess_external_client_app.sync.
func secretsConfig(instanceURL string, withEphemeral, syncPlugin bool, rotation string) string {
	cfg := fmt.Sprintf(`
variable "admin_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "portal_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "sfaccess" {
  instance_url  = %[1]q
  client_id     = "MockorgAdminKey0001"
  client_secret = var.admin_secret
}

resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = false
}

resource "sfaccess_external_client_app_settings" "this" {
  allow_consumer_secrets_via_rest_api = true
}

resource "sfaccess_connected_app" "portal" {
  name                       = "Secrets_Portal"
  label                      = "Secrets Portal"
  contact_email              = "platform@acme.test"
  callback_urls              = ["https://portal.acme.test/cb"]
  scopes                     = ["Api", "RefreshToken"]
  admin_approved_users_only  = true
  consumer_secret_wo         = var.portal_secret
  consumer_secret_wo_version = 1
}

resource "sfaccess_permission_set" "ops" {
  name  = "Secrets_Ops"
  label = "Secrets Ops"
}

resource "sfaccess_connected_app_access" "ops" {
  connected_app_name  = sfaccess_connected_app.portal.name
  permission_set_name = sfaccess_permission_set.ops.name
}

resource "sfaccess_permission_set_assignment" "ops" {
  permission_set_name = sfaccess_permission_set.ops.name
  username            = "employee@acme.test"
}

resource "sfaccess_connected_app_installation" "partner" {
  connected_app_name = "Partner_Portal_Mobile"
}

resource "sfaccess_external_client_app" "sync" {
  name                     = "Secrets_Sync"
  label                    = "Secrets Sync"
  contact_email            = "platform@acme.test"
  scopes                   = ["Api", "RefreshToken"]
  callback_url             = "https://sync.acme.test/cb"
  client_credentials_user  = "admin@acme.test"
  oauth_plugin_enabled     = %[2]t
  consumer_secret_rotation = %[3]q
}

resource "sfaccess_external_client_app_access" "admins" {
  external_client_app_name = sfaccess_external_client_app.sync.name
  profile_name             = "System Administrator"
}

# Both actions run once the installation exists: the revocation reads the app's OAuth tokens
# (with their delete tokens), the refresh blocks and unblocks the app.
resource "terraform_data" "actions" {
  input = sfaccess_connected_app_installation.partner.connected_app_name
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.sfaccess_revoke_app_sessions.partner, action.sfaccess_refresh_app_scopes.partner]
    }
  }
}

action "sfaccess_revoke_app_sessions" "partner" {
  config {
    connected_app_name = sfaccess_connected_app_installation.partner.connected_app_name
  }
}

action "sfaccess_refresh_app_scopes" "partner" {
  config {
    connected_app_name = sfaccess_connected_app_installation.partner.connected_app_name
  }
}

data "sfaccess_api_access_control" "this" {}

data "sfaccess_api_access_check" "customer" {
  username           = "customer@acme.test"
  connected_app_name = "Workbench"
}

data "sfaccess_api_access_impact" "external" {
  limit_external_users_to_installed_apps = true
}

data "sfaccess_connected_app" "admin" {
  name = "Terraform_Admin"
}

data "sfaccess_connected_apps" "all" {}

data "sfaccess_users" "all" {}

data "sfaccess_external_client_app" "acme" {
  name = "Acme_Sync"
}

data "sfaccess_external_client_apps" "all" {}
`, instanceURL, syncPlugin, rotation)
	if withEphemeral {
		cfg += `
ephemeral "sfaccess_external_client_app_credentials" "acme" {
  name = "Acme_Sync"
}

ephemeral "sfaccess_access_token" "acme" {
  client_id     = ephemeral.sfaccess_external_client_app_credentials.acme.consumer_key
  client_secret = ephemeral.sfaccess_external_client_app_credentials.acme.consumer_secret
}

provider "sfaccess" {
  alias        = "through_token"
  instance_url = ephemeral.sfaccess_access_token.acme.instance_url
  access_token = ephemeral.sfaccess_access_token.acme.access_token
}

data "sfaccess_api_access_control" "through_token" {
  provider = sfaccess.through_token
}
`
	}
	return cfg
}

// secretsQuery lists every list resource of the provider.
const secretsQuery = `
list "sfaccess_api_access_control" "all" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_connected_app" "all" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_connected_app_access" "all" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_connected_app_installation" "all" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_external_client_app" "all" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_external_client_app_access" "all" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_external_client_app_settings" "all" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_permission_set" "all" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_permission_set_assignment" "all" {
  provider         = sfaccess
  include_resource = true
}
`

// orgSecretName names a field of mockorg's snapshot that holds a secret: consumer secrets (of
// connected apps, ECAs, staged credentials), passwords, tokens of any kind, private keys, session
// ids. The snapshot is walked by name, not by a list of fields, so that a secret kind mockorg
// learns to hold is searched for the day it is added.
var orgSecretName = regexp.MustCompile(`(?i)(secret|password|passwd|token|private_?key|assertion|session_?id)$`)

// orgSecrets collects every secret the org holds or the run used: each snapshot's secret-named
// values, and the credentials that reached the org in requests (bearer tokens, the token
// endpoint's form fields), which include the tokens the run was issued.
type orgSecrets struct {
	mu     sync.Mutex
	where  map[string]string // secret → where it was found
	staged int               // snapshots taken while staged credentials existed
}

func (s *orgSecrets) add(secret, where string) {
	if len(secret) < 8 || secret == "true" || secret == "false" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.where[secret]; !ok {
		s.where[secret] = where
	}
}

// addSnapshot walks a snapshot's JSON for secret-named string values.
func (s *orgSecrets) addSnapshot(snapshot []byte) error {
	var doc any
	if err := json.Unmarshal(snapshot, &doc); err != nil {
		return err
	}
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				if k == "staged" && child != nil {
					s.mu.Lock()
					s.staged++
					s.mu.Unlock()
				}
				if str, ok := child.(string); ok && orgSecretName.MatchString(k) {
					s.add(str, at+"."+k)
				}
				walk(child, at+"."+k)
			}
		case []any:
			for i, child := range v {
				walk(child, fmt.Sprintf("%s[%d]", at, i))
			}
		}
	}
	walk(doc, "snapshot")
	return nil
}

// snapshot reads the org's snapshot straight from the server, so that it can be taken from
// inside a request's handling without a round trip through the network.
func (s *orgSecrets) snapshot(o *testOrg) error {
	req := httptest.NewRequest(http.MethodGet, "/__mockorg/snapshot", nil)
	req.Header.Set("Authorization", "Bearer "+o.Server.ControlToken())
	rec := httptest.NewRecorder()
	o.Server.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return fmt.Errorf("snapshot: HTTP %d: %s", rec.Code, rec.Body)
	}
	return s.addSnapshot(rec.Body.Bytes())
}

// watch records the credentials of every request that reaches the org, and takes a snapshot
// before every write, so that secrets that live only for a moment (staged credentials that are
// discarded, tokens that are revoked) are searched for too.
func (s *orgSecrets) watch(t *testing.T, o *testOrg) {
	o.FailWhen(func(r *http.Request) bool {
		if strings.HasPrefix(r.URL.Path, "/__mockorg/") {
			return false
		}
		if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			s.add(token, "Authorization header of "+r.URL.Path)
		}
		if r.Method == http.MethodGet {
			return false
		}
		if err := s.snapshot(o); err != nil {
			t.Errorf("before %s %s: %v", r.Method, r.URL.Path, err)
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading a request: %v", err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if strings.HasPrefix(r.URL.Path, "/services/oauth2/") {
			form, _ := url.ParseQuery(string(body))
			for k, vs := range form {
				if orgSecretName.MatchString(k) {
					for _, v := range vs {
						s.add(v, k+" sent to "+r.URL.Path)
					}
				}
			}
		}
		return false
	})
}

// TestAccSecrets_neverInLogsStatePlansOrOutput runs every resource type, data source, ephemeral
// resource, list resource and action of the provider at TF_LOG=trace against mockorg — an ECA's
// credentials read into an access token for a second provider configuration, an ECA rotation
// staged and then discarded because its proof fails — and then searches the log, the state file,
// the saved plans (raw and as `terraform show -json`), `terraform show -json` of the state, the
// query's results and every command's output for every secret the org held during the run.
// It needs Terraform 1.14 (list resources and actions).
func TestAccSecrets_neverInLogsStatePlansOrOutput(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	secrets := &orgSecrets{where: map[string]string{}}
	if err := secrets.snapshot(org); err != nil {
		t.Fatal(err)
	}
	secrets.watch(t, org)
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	cli := newTerraformCLI(t, secretsConfig(org.URL, false, true, "1"),
		"TF_LOG=trace", "TF_LOG_PATH="+logFile,
		"TF_VAR_admin_secret=MockorgAdminSecret0001", "TF_VAR_portal_secret=SecretsPortalSecret0001")
	searched := map[string]string{}
	run := func(what string, wantErr string, args ...string) string {
		t.Helper()
		out, err := cli.run(args...)
		switch {
		case wantErr == "" && err != nil:
			t.Fatalf("terraform %v: %v\n%s", args, err, out)
		case wantErr != "" && (err == nil || !expectDiagnostics(wantErr).MatchString(out)):
			t.Fatalf("terraform %v should fail with %q: %v\n%s", args, wantErr, err, out)
		}
		searched[what] = out
		return out
	}
	savedPlan := func(step, name string) {
		t.Helper()
		run(step+": plan", "", "plan", "-input=false", "-out="+name)
		run(step+": terraform show -json of the saved plan", "", "show", "-json", name)
		for entry, text := range zipEntries(t, filepath.Join(cli.dir, name)) {
			searched[step+": saved plan file, "+entry] = text
		}
	}

	savedPlan("first apply", "tfplan1")
	run("first apply: apply", "", "apply", "-input=false", "tfplan1")

	// The plugin off makes the rotation's proof fail: the staged credentials are discarded.
	cli.writeConfig(secretsConfig(org.URL, true, false, "2"))
	savedPlan("rotation", "tfplan2")
	run("rotation: apply", "Rotated Credentials Could Not Issue a Token", "apply", "-input=false", "tfplan2")

	if err := os.WriteFile(filepath.Join(cli.dir, "secrets.tfquery.hcl"), []byte(secretsQuery), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := run("query", "", "query", "-json"); !strings.Contains(out, "Secrets_Sync") || !strings.Contains(out, "Secrets_Ops") {
		t.Errorf("the query did not list what the configuration created:\n%s", out)
	}
	run("terraform show -json of the state", "", "show", "-json")
	searched["state file"] = readFile(t, filepath.Join(cli.dir, "terraform.tfstate"))
	run("destroy", "", "destroy", "-auto-approve", "-input=false")
	if err := secrets.snapshot(org); err != nil {
		t.Fatal(err)
	}
	searched["log"] = readFile(t, logFile)

	checkSecretsSearch(t, secrets, searched["log"])
	for what, text := range searched {
		for secret, where := range secrets.where {
			if strings.Contains(text, secret) {
				t.Errorf("the %s holds a secret (%s, %.6s…)", what, where, secret)
			}
		}
		if token := tokenShape.FindString(text); token != "" {
			t.Errorf("the %s holds an access token (%.20s…)", what, token)
		}
	}
}

// checkSecretsSearch fails the test when the search could prove nothing: when the secrets it
// looks for lack a kind the run must have met, or the log lacks the lines that would carry them.
func checkSecretsSearch(t *testing.T, secrets *orgSecrets, log string) {
	t.Helper()
	secrets.mu.Lock()
	defer secrets.mu.Unlock()
	kinds := map[string]bool{}
	for _, where := range secrets.where {
		for _, kind := range []string{"consumerSecret", "staged", "password", "deleteToken", "Authorization header"} {
			if strings.Contains(where, kind) {
				kinds[kind] = true
			}
		}
	}
	var missing []string
	for _, kind := range []string{"consumerSecret", "staged", "password", "deleteToken", "Authorization header"} {
		if !kinds[kind] {
			missing = append(missing, kind)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 || secrets.staged == 0 {
		t.Errorf("the secrets searched for lack %v (snapshots with staged credentials: %d)", missing, secrets.staged)
	}
	for _, line := range []string{"answer body", "/apps/oauth/credentials/", "/staged", "opened an access token"} {
		if !strings.Contains(log, line) {
			t.Errorf("the log lacks %q: the provider's trace lines did not reach it, and the search would prove nothing", line)
		}
	}
}

// zipEntries is the text of every file in a saved plan (a zip archive), by name.
func zipEntries(t *testing.T, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("reading the saved plan %s: %v", path, err)
	}
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s in %s: %v", f.Name, path, err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatalf("%s in %s: %v", f.Name, path, err)
		}
		out[f.Name] = string(b)
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
