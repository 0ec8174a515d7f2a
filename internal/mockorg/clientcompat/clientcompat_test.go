// Package clientcompat proves that a standard Salesforce client library, jsforce 3 from npm, works
// against mockorg unchanged: jsforce.mjs logs in, reads and upserts metadata, pages a query and
// round-trips a record, and this test judges what it saw against the org.
package clientcompat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// Terraform_Admin of the embedded org.
const (
	adminKey    = "MockorgAdminKey0001"
	adminSecret = "MockorgAdminSecret0001"
	adminUser   = "admin@acme.test"
)

// batchSize is far below the seed's user count so that the user query needs several
// nextRecordsUrl pages.
const batchSize = 2

// requireEnv names the variable that turns a missing node or jsforce from a skip into a failure,
// so that CI cannot pass by skipping.
const requireEnv = "SFACCESS_REQUIRE_CLIENTCOMPAT"

// result is what jsforce.mjs prints. Values jsforce does not know a type for (its schema predates
// some fields) come back as strings, so booleans of metadata are decoded as any.
type result struct {
	Login struct {
		UserID         string `json:"userId"`
		OrganizationID string `json:"organizationId"`
		InstanceURL    string `json:"instanceUrl"`
	} `json:"login"`
	Settings    map[string]any `json:"settings"`
	Created     upsertResult   `json:"created"`
	ReadCreated connectedApp   `json:"readCreated"`
	Listed      []struct {
		Type            string `json:"type"`
		FullName        string `json:"fullName"`
		ID              string `json:"id"`
		ManageableState string `json:"manageableState"`
	} `json:"listed"`
	Updated     upsertResult `json:"updated"`
	ReadUpdated connectedApp `json:"readUpdated"`
	Deleted     upsertResult `json:"deleted"`
	ReadDeleted connectedApp `json:"readDeleted"`
	UsersQuery  struct {
		TotalSize int      `json:"totalSize"`
		Done      bool     `json:"done"`
		Usernames []string `json:"usernames"`
	} `json:"usersQuery"`
	UsersQueryMore struct {
		Pages     int      `json:"pages"`
		FirstDone bool     `json:"firstDone"`
		Usernames []string `json:"usernames"`
	} `json:"usersQueryMore"`
	UsersQueryAll struct {
		TotalSize int      `json:"totalSize"`
		Done      bool     `json:"done"`
		Usernames []string `json:"usernames"`
	} `json:"usersQueryAll"`
	PartnerUsernames            []string       `json:"partnerUsernames"`
	PermSetCreated              saveResult     `json:"permSetCreated"`
	PermSetRetrieved            map[string]any `json:"permSetRetrieved"`
	PermSetUpdated              saveResult     `json:"permSetUpdated"`
	PermSetRetrievedAfterUpdate map[string]any `json:"permSetRetrievedAfterUpdate"`
	PermSetDestroyed            saveResult     `json:"permSetDestroyed"`
	PermSetRetrieveAfterDestroy failure        `json:"permSetRetrieveAfterDestroy"`
	SessionRefresh              struct {
		Refreshes        int    `json:"refreshes"`
		QueryTotalSize   int    `json:"queryTotalSize"`
		SettingsFullName string `json:"settingsFullName"`
	} `json:"sessionRefresh"`
	BadField    failure `json:"badField"`
	BadPassword failure `json:"badPassword"`
	AfterLogout failure `json:"afterLogout"`
}

type upsertResult struct {
	FullName string `json:"fullName"`
	Created  bool   `json:"created"`
	Success  bool   `json:"success"`
	Errors   []any  `json:"errors"`
}

type connectedApp struct {
	FullName     string `json:"fullName"`
	Label        string `json:"label"`
	ContactEmail string `json:"contactEmail"`
	Description  string `json:"description"`
	OAuthConfig  struct {
		CallbackURL     string   `json:"callbackUrl"`
		ConsumerKey     string   `json:"consumerKey"`
		IsAdminApproved any      `json:"isAdminApproved"`
		Scopes          []string `json:"scopes"`
	} `json:"oauthConfig"`
}

type saveResult struct {
	ID      string `json:"id"`
	Success bool   `json:"success"`
	Errors  []any  `json:"errors"`
}

type failure struct {
	Failed    bool   `json:"failed"`
	Name      string `json:"name"`
	ErrorCode string `json:"errorCode"`
	Message   string `json:"message"`
}

// unavailable skips the test, or fails it when CI demands that it runs.
func unavailable(t *testing.T, why string) {
	t.Helper()
	msg := why + ": install Node.js 18 or later and run `npm ci --prefix internal/mockorg/clientcompat` (or `make clientcompat`)"
	if os.Getenv(requireEnv) == "1" {
		t.Fatalf("%s=1 but %s", requireEnv, msg)
	}
	t.Skip(msg)
}

func TestJsforceAgainstMockorg(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable(t, "node is not on PATH")
	}
	if _, err := os.Stat("node_modules/jsforce/package.json"); err != nil {
		unavailable(t, "node_modules/jsforce is missing")
	}

	seed := mockorg.DefaultSeed()
	// Settings that differ from one another and from the defaults, so that reading them proves
	// something.
	seed.Settings.EnableAdminApprovedAppsOnlyForExternalUser = true
	seed.Settings.EnableSkipUserProvisioningWizardWelcomePage = true
	// The client upserts a new connected app, which needs an org that may still create them.
	seed.Organization.ConnectedAppCreationAllowed = true
	org, err := mockorg.New(mockorg.Config{Seed: seed, QueryBatchSize: batchSize})
	if err != nil {
		t.Fatalf("mockorg.New: %v", err)
	}
	ts := httptest.NewServer(org)
	t.Cleanup(func() {
		ts.Close()
		if err := org.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})

	const appName, permSetName = "Jsforce_Compat_App", "Jsforce_Compat_PermSet"
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "jsforce.mjs")
	cmd.Env = append(envWithoutProxies(),
		"MOCKORG_LOGIN_URL="+ts.URL,
		"MOCKORG_CLIENT_ID="+adminKey,
		"MOCKORG_CLIENT_SECRET="+adminSecret,
		"MOCKORG_USERNAME="+adminUser,
		"MOCKORG_PASSWORD="+mockorg.DefaultPassword,
		"MOCKORG_APP_NAME="+appName,
		"MOCKORG_PERMSET_NAME="+permSetName,
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Fatalf("node jsforce.mjs did not finish in time\nstderr:\n%s", stderr.String())
		}
		t.Fatalf("node jsforce.mjs: %v\nstderr:\n%s\nstdout:\n%s", err, stderr.String(), stdout.String())
	}
	t.Logf("jsforce.mjs ran in %s", time.Since(start).Round(time.Millisecond))
	var got result
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("decoding the output of jsforce.mjs: %v\n%s", err, stdout.String())
	}

	snap := snapshot(t, ts.URL, org.ControlToken())
	admin := userNamed(t, snap, adminUser)

	t.Run("login", func(t *testing.T) {
		if got.Login.UserID != admin.ID || got.Login.OrganizationID != snap.Organization.ID {
			t.Errorf("login identified user %s of org %s, want %s of %s", got.Login.UserID, got.Login.OrganizationID, admin.ID, snap.Organization.ID)
		}
		if got.Login.InstanceURL != ts.URL {
			t.Errorf("instance URL %q, want the server's own %q", got.Login.InstanceURL, ts.URL)
		}
	})

	t.Run("settings read", func(t *testing.T) {
		if got.Settings["fullName"] != "ConnectedApp" {
			t.Errorf("fullName %v, want ConnectedApp", got.Settings["fullName"])
		}
		for field, want := range map[string]bool{
			"enableAdminApprovedAppsOnly":                 snap.Settings.EnableAdminApprovedAppsOnly,
			"enableAdminApprovedAppsOnlyForExternalUser":  snap.Settings.EnableAdminApprovedAppsOnlyForExternalUser,
			"enableSkipUserProvisioningWizardWelcomePage": snap.Settings.EnableSkipUserProvisioningWizardWelcomePage,
		} {
			if !sameBool(got.Settings[field], want) {
				t.Errorf("%s read as %v, the org has %t", field, got.Settings[field], want)
			}
		}
	})

	t.Run("connected app upsert, read, list", func(t *testing.T) {
		if !got.Created.Success || !got.Created.Created || got.Created.FullName != appName {
			t.Errorf("first upsert: %+v, want a created %s", got.Created, appName)
		}
		checkApp(t, "after create", got.ReadCreated, appName+" label", "created by jsforce", []string{"Api", "RefreshToken"})
		if !strings.HasPrefix(got.ReadCreated.OAuthConfig.ConsumerKey, "3MVG9") {
			t.Errorf("created app's consumer key %q, want a generated 3MVG9… key", got.ReadCreated.OAuthConfig.ConsumerKey)
		}
		var listed []string
		for _, f := range got.Listed {
			listed = append(listed, f.FullName)
			if f.FullName == appName && (f.Type != "ConnectedApp" || !strings.HasPrefix(f.ID, "0H4") || f.ManageableState != "unmanaged") {
				t.Errorf("listed %+v, want an unmanaged ConnectedApp with an 0H4 id", f)
			}
		}
		want := []string{appName}
		for _, a := range seed.ConnectedApps {
			want = append(want, a.Name)
		}
		slices.Sort(listed)
		slices.Sort(want)
		if !slices.Equal(listed, want) {
			t.Errorf("listMetadata: %v, want %v", listed, want)
		}
	})

	t.Run("connected app update", func(t *testing.T) {
		if !got.Updated.Success || got.Updated.Created {
			t.Errorf("second upsert: %+v, want an update", got.Updated)
		}
		checkApp(t, "after update", got.ReadUpdated, appName+" relabelled", "updated by jsforce", []string{"Api", "Web", "RefreshToken"})
		if got.ReadUpdated.OAuthConfig.ConsumerKey != got.ReadCreated.OAuthConfig.ConsumerKey {
			t.Errorf("the update changed the consumer key from %q to %q", got.ReadCreated.OAuthConfig.ConsumerKey, got.ReadUpdated.OAuthConfig.ConsumerKey)
		}
	})

	t.Run("connected app delete", func(t *testing.T) {
		if !got.Deleted.Success || got.Deleted.FullName != appName {
			t.Errorf("delete: %+v", got.Deleted)
		}
		if got.ReadDeleted.FullName != "" {
			t.Errorf("the deleted app still reads back: %+v", got.ReadDeleted)
		}
		for _, a := range snap.ConnectedApps {
			if a.Name == appName {
				t.Errorf("the org still has %s after jsforce deleted it", appName)
			}
		}
	})

	t.Run("paged user query", func(t *testing.T) {
		var want []string
		for _, u := range seed.Users {
			want = append(want, u.Username)
		}
		slices.Sort(want)
		if got.UsersQuery.TotalSize != len(want) || !got.UsersQuery.Done || !slices.Equal(got.UsersQuery.Usernames, want) {
			t.Errorf("autoFetch query: totalSize %d, done %t, %v; want all %d users %v",
				got.UsersQuery.TotalSize, got.UsersQuery.Done, got.UsersQuery.Usernames, len(want), want)
		}
		wantPages := (len(want) + batchSize - 1) / batchSize
		if got.UsersQueryMore.Pages != wantPages || got.UsersQueryMore.FirstDone || !slices.Equal(got.UsersQueryMore.Usernames, want) {
			t.Errorf("queryMore: %d pages (first done: %t) of %v; want %d pages of %v",
				got.UsersQueryMore.Pages, got.UsersQueryMore.FirstDone, got.UsersQueryMore.Usernames, wantPages, want)
		}
		if got.UsersQueryAll.TotalSize != len(want) || !got.UsersQueryAll.Done || !slices.Equal(got.UsersQueryAll.Usernames, want) {
			t.Errorf("scanAll query: totalSize %d, done %t, %v; want all %d users %v",
				got.UsersQueryAll.TotalSize, got.UsersQueryAll.Done, got.UsersQueryAll.Usernames, len(want), want)
		}
		if !slices.Equal(got.PartnerUsernames, []string{"partner@acme.test"}) {
			t.Errorf("UserType = 'PowerPartner': %v, want [partner@acme.test]", got.PartnerUsernames)
		}
	})

	t.Run("permission set round trip", func(t *testing.T) {
		id := got.PermSetCreated.ID
		if !got.PermSetCreated.Success || !strings.HasPrefix(id, "0PS") {
			t.Fatalf("create: %+v", got.PermSetCreated)
		}
		if r := got.PermSetRetrieved; r["Id"] != id || r["Name"] != permSetName || r["Label"] != permSetName+" label" {
			t.Errorf("retrieve after create: %v", r)
		}
		if !got.PermSetUpdated.Success || got.PermSetUpdated.ID != id {
			t.Errorf("update: %+v", got.PermSetUpdated)
		}
		if r := got.PermSetRetrievedAfterUpdate; r["Name"] != permSetName || r["Label"] != permSetName+" relabelled" || r["Description"] != "updated by jsforce" {
			t.Errorf("retrieve after update: %v", r)
		}
		if !got.PermSetDestroyed.Success || got.PermSetDestroyed.ID != id {
			t.Errorf("destroy: %+v", got.PermSetDestroyed)
		}
		if f := got.PermSetRetrieveAfterDestroy; !f.Failed || f.ErrorCode != "NOT_FOUND" {
			t.Errorf("retrieve after destroy: %+v, want NOT_FOUND", f)
		}
		for _, ps := range snap.PermissionSets {
			if ps.Name == permSetName {
				t.Errorf("the org still has permission set %s after jsforce destroyed it", permSetName)
			}
		}
	})

	t.Run("revoked session is renewed", func(t *testing.T) {
		if r := got.SessionRefresh; r.Refreshes != 2 || r.QueryTotalSize != 1 || r.SettingsFullName != "ConnectedApp" {
			t.Errorf("after two revocations: %+v, want two re-logins and both calls answered", r)
		}
	})

	t.Run("errors surface their codes", func(t *testing.T) {
		if f := got.BadField; !f.Failed || f.ErrorCode != "INVALID_FIELD" || !strings.Contains(f.Message, "NoSuchField__c") {
			t.Errorf("query of an unknown field: %+v, want INVALID_FIELD naming it", f)
		}
		// jsforce names an OAuth error after its "error" and takes its message from "error_description".
		if f := got.BadPassword; !f.Failed || f.Name != "invalid_grant" || f.Message != "authentication failure" {
			t.Errorf("login with a wrong password: %+v, want invalid_grant: authentication failure", f)
		}
		if f := got.AfterLogout; !f.Failed || f.ErrorCode != "INVALID_SESSION_ID" {
			t.Errorf("query with the token logout revoked: %+v, want INVALID_SESSION_ID", f)
		}
	})

	t.Run("every call reached the org", func(t *testing.T) {
		var stats struct {
			ByOperation map[string]int `json:"by_operation"`
		}
		control(t, ts.URL, org.ControlToken(), "stats", &stats)
		pages := (len(seed.Users) + batchSize - 1) / batchSize
		want := map[string]int{
			// login, the wrong password and the two re-logins after a revoked session
			"oauth:token": 4, "oauth:revoke": 3,
			// the settings, the app after create, update and delete, and a revoked session's try and retry
			"soap:readMetadata": 6, "soap:upsertMetadata": 2, "soap:listMetadata": 1, "soap:deleteMetadata": 1,
			// every page of the autoFetch and queryMore walks, the scanAll walk's pages after its first,
			// the partner query, the bad field and the retry after a revoked session
			"rest:query": 2*pages + (pages - 1) + 3, "rest:queryAll": 1,
			// a revoked session's first try and the logged-out token
			"rest:unauthenticated": 2,
			"rest:create":          1, "rest:get": 3, "rest:update": 1, "rest:delete": 1,
		}
		if !maps.Equal(stats.ByOperation, want) {
			t.Errorf("requests by operation:\n got %v\nwant %v", stats.ByOperation, want)
		}
	})
}

// envWithoutProxies is the test's environment less the proxy variables, which jsforce honours for
// every request and which would send loopback calls to a proxy that cannot reach them.
func envWithoutProxies() []string {
	return slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToLower(name) {
		case "http_proxy", "https_proxy", "all_proxy":
			return true
		}
		return false
	})
}

func checkApp(t *testing.T, when string, a connectedApp, label, description string, scopes []string) {
	t.Helper()
	c := a.OAuthConfig
	if a.Label != label || a.Description != description || a.ContactEmail != "clientcompat@acme.test" ||
		c.CallbackURL != "https://clientcompat.acme.test/callback" || !sameBool(c.IsAdminApproved, true) || !slices.Equal(c.Scopes, scopes) {
		t.Errorf("%s the app reads back as %+v, want label %q, description %q, scopes %v, admin approved", when, a, label, description, scopes)
	}
}

// sameBool compares a boolean as jsforce returns it (a bool where its schema knows the field, the
// XML text otherwise) with the org's value.
func sameBool(v any, want bool) bool {
	return fmt.Sprint(v) == fmt.Sprint(want)
}

func userNamed(t *testing.T, snap *mockorg.Seed, username string) mockorg.SeedUser {
	t.Helper()
	for _, u := range snap.Users {
		if u.Username == username {
			return u
		}
	}
	t.Fatalf("the org has no user %s", username)
	return mockorg.SeedUser{}
}

func snapshot(t *testing.T, baseURL, token string) *mockorg.Seed {
	t.Helper()
	var snap mockorg.Seed
	control(t, baseURL, token, "snapshot", &snap)
	return &snap
}

// control GETs a route of mockorg's control API and decodes its JSON answer.
func control(t *testing.T, baseURL, token, route string, into any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, baseURL+"/__mockorg/"+route, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /__mockorg/%s: %v", route, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /__mockorg/%s: %d %s", route, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, into); err != nil {
		t.Fatalf("decoding /__mockorg/%s: %v", route, err)
	}
}
