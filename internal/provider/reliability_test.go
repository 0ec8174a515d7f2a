package provider

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// envSoak switches on the long variants of the reliability tests (make soak).
const envSoak = "SFACCESS_SOAK"

// relPrefix starts the name of everything the reliability configurations create, so that the
// org's records can be told from the seed's.
const relPrefix = "Rel_"

// relUsers are the active users of the embedded seed the assignments go to.
var relUsers = []string{userPartner, userCustomer, userCustomerPlus, userEmployee, userReadOnly, userAppManager, userHighVolume, userAdmin}

// everyTypeConfig declares n of each resource type with a name (connected app, installation,
// permission set, grant to a permission set, assignment), a grant to a profile and the
// sfaccess_api_access_control singleton: 5n+2 resources.
func everyTypeConfig(n int) string {
	users := make([]string, len(relUsers))
	for i, u := range relUsers {
		users[i] = strconv.Quote(u)
	}
	return fmt.Sprintf(`
locals {
  n     = %d
  users = [%s]
}

resource "sfaccess_connected_app" "app" {
  count                     = local.n
  name                      = "%[3]sApp_${count.index}"
  label                     = "Rel App ${count.index}"
  contact_email             = "rel@acme.test"
  callback_urls             = ["https://localhost/callback"]
  scopes                    = ["Api"]
  admin_approved_users_only = true
}

resource "sfaccess_connected_app_installation" "inst" {
  count              = local.n
  connected_app_name = sfaccess_connected_app.app[count.index].name
}

resource "sfaccess_permission_set" "ps" {
  count            = local.n
  name             = "%[3]sPS_${count.index}"
  label            = "Rel PS ${count.index}"
  user_permissions = ["ApiEnabled"]
}

resource "sfaccess_connected_app_access" "grant" {
  count               = local.n
  connected_app_name  = sfaccess_connected_app.app[count.index].name
  permission_set_name = sfaccess_permission_set.ps[count.index].name
}

resource "sfaccess_connected_app_access" "profile" {
  connected_app_name = sfaccess_connected_app.app[0].name
  profile_name       = "Partner Community User"
}

resource "sfaccess_permission_set_assignment" "assign" {
  count               = local.n
  permission_set_name = sfaccess_permission_set.ps[count.index].name
  username            = local.users[count.index %% length(local.users)]
}

resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = true
}
`, n, strings.Join(users, ", "), relPrefix)
}

// orgSnapshot is the part of GET /__mockorg/snapshot the reliability tests compare with state.
type orgSnapshot struct {
	Settings struct {
		External bool `json:"enableAdminApprovedAppsOnlyForExternalUser"`
	} `json:"settings"`
	PermissionSets []struct {
		Name string `json:"name"`
	} `json:"permissionSets"`
	Assignments []struct {
		PermissionSet string `json:"permissionSet"`
		Username      string `json:"username"`
	} `json:"permissionSetAssignments"`
	ConnectedApps []struct {
		Name      string `json:"name"`
		Installed bool   `json:"installed"`
	} `json:"connectedApps"`
	Grants []struct {
		ConnectedApp  string `json:"connectedApp"`
		PermissionSet string `json:"permissionSet"`
		Profile       string `json:"profile"`
	} `json:"setupEntityAccess"`
}

// relRecords lists, one key per record and duplicates kept, what the org holds of the objects
// named with relPrefix, and whether the external-user limit is on.
func (o *testOrg) relRecords(t *testing.T) []string {
	t.Helper()
	var s orgSnapshot
	o.Snapshot(t, &s)
	rel := func(name string) bool { return strings.HasPrefix(name, relPrefix) }
	var out []string
	for _, a := range s.ConnectedApps {
		if rel(a.Name) {
			out = append(out, "app "+a.Name)
			if a.Installed {
				out = append(out, "installation "+a.Name)
			}
		}
	}
	for _, p := range s.PermissionSets {
		if rel(p.Name) {
			out = append(out, "permission set "+p.Name)
		}
	}
	for _, a := range s.Assignments {
		if rel(a.PermissionSet) {
			out = append(out, "assignment "+a.PermissionSet+"/"+strings.ToLower(a.Username))
		}
	}
	for _, g := range s.Grants {
		if rel(g.ConnectedApp) {
			grantee := g.PermissionSet
			if g.Profile != "" {
				grantee = "profile:" + g.Profile
			}
			out = append(out, "grant "+g.ConnectedApp+"/"+grantee)
		}
	}
	if s.Settings.External {
		out = append(out, "external limit on")
	}
	slices.Sort(out)
	return out
}

// stateRecords lists what Terraform's state says the org holds, in the keys of relRecords.
func stateRecords(s *terraform.State) []string {
	var out []string
	for _, r := range s.RootModule().Resources {
		a := r.Primary.Attributes
		switch r.Type {
		case "sfaccess_connected_app":
			out = append(out, "app "+a["name"])
		case "sfaccess_connected_app_installation":
			out = append(out, "installation "+a["connected_app_name"])
		case "sfaccess_permission_set":
			out = append(out, "permission set "+a["name"])
		case "sfaccess_permission_set_assignment":
			out = append(out, "assignment "+a["permission_set_name"]+"/"+strings.ToLower(a["username"]))
		case "sfaccess_connected_app_access":
			grantee := a["permission_set_name"]
			if p := a["profile_name"]; p != "" {
				grantee = "profile:" + p
			}
			out = append(out, "grant "+a["connected_app_name"]+"/"+grantee)
		case "sfaccess_api_access_control":
			if a[attrLimitExternal] == "true" {
				out = append(out, "external limit on")
			}
		}
	}
	slices.Sort(out)
	return out
}

// checkOrgMatchesState fails unless the org holds exactly what the state records: nothing
// missing, no duplicate, no orphan.
func (o *testOrg) checkOrgMatchesState(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		org, state := o.relRecords(t), stateRecords(s)
		if !slices.Equal(org, state) {
			return fmt.Errorf("the org and the state differ\norg:   %q\nstate: %q", org, state)
		}
		return nil
	}
}

// checkOrgClean fails when anything the configuration created is left in the org.
func (o *testOrg) checkOrgClean(t *testing.T) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if left := o.relRecords(t); len(left) > 0 {
			return fmt.Errorf("left in the org after destroy: %q", left)
		}
		return nil
	}
}

// TestAccReliabilityFaults applies and destroys a configuration of every resource type while
// mockorg answers 30% of API calls (the token endpoint included) with 429, 503 or 500 and
// answers 10% of the writes it carries out with a 503, for several fixed seeds, with the
// provider's default retry settings. Every apply and destroy must succeed, the org must hold
// exactly what the state says, and the next plan must be empty.
func TestAccReliabilityFaults(t *testing.T) {
	n, seeds := 3, []int{1, 2, 3}
	if os.Getenv(envSoak) != "" {
		n, seeds = 12, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			org := newTestOrg(t)
			faults := map[string]any{"rate": 0.3, "statuses": []int{429, 503, 500}, "after_commit_rate": 0.1, "seed": seed}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             org.checkOrgClean(t),
				Steps: []resource.TestStep{{
					PreConfig: func() { org.Faults(t, faults) },
					Config:    org.config(everyTypeConfig(n)),
					Check:     org.checkOrgMatchesState(t),
				}},
			})
		})
	}
}

// oneOfEachConfig is everyTypeConfig with one of each.
var oneOfEachConfig = everyTypeConfig(1)

// TestAccReliabilityUnknownOutcome makes the org carry out each resource type's create and then
// answer 503, with max_retries = 0, so the provider never sees the answer: the create must find
// the object and adopt it, the org must hold exactly what the state says, and the next plan
// must be empty.
func TestAccReliabilityUnknownOutcome(t *testing.T) {
	for _, tc := range []struct{ name, paths string }{
		{"connected app", "^/services/Soap/m/"}, // ConnectedAppSettings as well
		{"installation", "/sfaccess/connected-apps/([^/]+/installation|installations)$"},
		{"permission set", "/sobjects/PermissionSet$"},
		{"grant", "/sobjects/SetupEntityAccess$"},
		{"assignment", "/sobjects/PermissionSetAssignment$"},
		{"api access control", "/sfaccess/api-access-control$"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := newTestOrg(t)
			config := org.providerConfigWith("max_retries = 0") + oneOfEachConfig
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             org.checkOrgClean(t),
				Steps: []resource.TestStep{
					{
						PreConfig: func() {
							org.Faults(t, map[string]any{"after_commit_rate": 1, "paths": tc.paths})
						},
						Config: config,
						Check:  org.checkOrgMatchesState(t),
					},
					{
						PreConfig: func() { org.Faults(t, map[string]any{"rate": 0}) },
						Config:    config,
						PlanOnly:  true,
					},
				},
			})
		})
	}
}

// TestAccReliabilityFailedReadBack fails the read-back that follows a create: the apply fails,
// but the state keeps the object (tainted), so the next apply replaces it instead of meeting a
// duplicate, and the plan after that is empty.
func TestAccReliabilityFailedReadBack(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		fail         func(*http.Request) bool
	}{
		{"connected app", oneOfEachConfig, failMetadataReadsAfterCreate()},
		{"permission set", oneOfEachConfig, func(r *http.Request) bool {
			return strings.Contains(r.URL.RawQuery, "FROM+PermissionSet+WHERE+Id")
		}},
		{"installation", oneOfEachConfig, failReadsAfterInstall()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := newTestOrg(t)
			config := org.providerConfigWith("max_retries = 0") + tc.config
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             org.checkOrgClean(t),
				Steps: []resource.TestStep{
					{
						PreConfig:   func() { org.FailWhen(tc.fail) },
						Config:      config,
						ExpectError: expectDiagnostics("injected by the test"),
					},
					{
						PreConfig: func() { org.FailWhen(nil) },
						Config:    config,
						Check:     org.checkOrgMatchesState(t),
					},
				},
			})
		})
	}
}

// TestAccReliabilityDeadTokenEndpoint: with the token endpoint down, six resources make one
// sequence of login attempts per Terraform command, not one each.
func TestAccReliabilityDeadTokenEndpoint(t *testing.T) {
	org := newTestOrg(t)
	const retries = 2
	var config strings.Builder
	config.WriteString(org.providerConfigWith(fmt.Sprintf("max_retries = %d", retries)))
	for i := range 6 {
		fmt.Fprintf(&config, "resource \"sfaccess_permission_set\" \"p%d\" {\n  name  = \"%sDead_%d\"\n  label = \"Dead %d\"\n}\n", i, relPrefix, i, i)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					org.ResetStats(t)
					org.Faults(t, map[string]any{"rate": 1, "statuses": []int{500}, "paths": "^/services/oauth2/token$"})
				},
				Config:      config.String(),
				ExpectError: expectDiagnostics("authenticating with OAuth client credentials", "gave up after 3 attempts"),
			},
			{
				PreConfig: func() {
					faults := org.Stats(t).Faults
					// One sequence in the plan and at most one in the apply: each command
					// configures the provider afresh.
					if faults > 2*(retries+1) {
						t.Errorf("the token endpoint was asked %d times for 6 resources, want at most %d", faults, 2*(retries+1))
					}
					t.Logf("token requests for 6 resources with a dead token endpoint: %d", faults)
					org.Faults(t, map[string]any{"rate": 0})
				},
				Config: org.config(),
			},
		},
	})
}

// failReadsAfterInstall fails every read of the setup extension once an installation was made,
// so that the installation's create succeeds and its read-back fails.
func failReadsAfterInstall() func(*http.Request) bool {
	var installed atomic.Bool
	return func(r *http.Request) bool {
		if !strings.Contains(r.URL.Path, "/sfaccess/") {
			return false
		}
		install := r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/installation") ||
			r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/installations")
		if install {
			installed.Store(true)
			return false
		}
		return installed.Load() && r.Method == http.MethodGet
	}
}

// failMetadataReadsAfterCreate fails every readMetadata once a createMetadata has reached the
// org: the read-back of a connected app the apply created.
func failMetadataReadsAfterCreate() func(*http.Request) bool {
	var created atomic.Bool
	return func(r *http.Request) bool {
		if !strings.Contains(r.URL.Path, "/services/Soap/m/") {
			return false
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte("createMetadata>")) {
			created.Store(true)
			return false
		}
		return created.Load() && bytes.Contains(body, []byte("readMetadata>"))
	}
}

// TestAccReliabilitySlowTokenEndpoint: with a token endpoint slower than request_timeout, six
// resources make one sequence of login attempts per Terraform command, not one each (measured
// before the shared login: 209 token requests and 444 s for six resources).
func TestAccReliabilitySlowTokenEndpoint(t *testing.T) {
	org := newTestOrg(t)
	const retries = 2
	var config strings.Builder
	config.WriteString(org.providerConfigWith(fmt.Sprintf("max_retries = %d", retries), `request_timeout = "1s"`))
	for i := range 6 {
		fmt.Fprintf(&config, "resource \"sfaccess_permission_set\" \"p%d\" {\n  name  = \"%sSlow_%d\"\n  label = \"Slow %d\"\n}\n", i, relPrefix, i, i)
	}
	var tokenRequests atomic.Int64
	countTokenRequests := func(r *http.Request) bool {
		if r.URL.Path == "/services/oauth2/token" {
			tokenRequests.Add(1)
		}
		return false
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					org.FailWhen(countTokenRequests)
					org.Faults(t, map[string]any{"latency_ms": 2000, "paths": "^/services/oauth2/token$"})
				},
				Config:      config.String(),
				ExpectError: expectDiagnostics("authenticating with OAuth client credentials"),
			},
			{
				PreConfig: func() {
					n := tokenRequests.Load()
					if n > 2*(retries+1) {
						t.Errorf("the token endpoint was asked %d times for 6 resources, want at most %d", n, 2*(retries+1))
					}
					t.Logf("token requests for 6 resources with a slow token endpoint: %d", n)
					org.FailWhen(nil)
					org.Faults(t, map[string]any{"rate": 0, "latency_ms": 0})
				},
				Config: org.config(),
			},
		},
	})
}

// providerConfigWith is providerConfig with extra lines in the provider block.
func (o *testOrg) providerConfigWith(lines ...string) string {
	return strings.Replace(o.providerConfig(), "\n}\n", "\n  "+strings.Join(lines, "\n  ")+"\n}\n", 1)
}

// TestAccPlanTimeChecks: each configuration the org would refuse, or that would leave a
// perpetual diff, fails at plan with a message that says what is allowed, and nothing is written.
func TestAccPlanTimeChecks(t *testing.T) {
	org := newTestOrg(t)
	admin := org.adminClient(t)
	ctx := t.Context()
	if _, err := admin.CreatePermissionSet(ctx, orgapi.PermissionSet{Name: "Outside_Set", Label: "Outside"}); err != nil {
		t.Fatal(err)
	}
	outside, err := admin.PermissionSetByName(ctx, "Outside_Set")
	if err != nil {
		t.Fatal(err)
	}
	partner, err := admin.UserByUsername(ctx, userPartner)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.AssignPermissionSet(ctx, outside.ID, partner.ID); err != nil {
		t.Fatal(err)
	}
	sets, err := admin.PermissionSets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	profileOwned := sets[slices.IndexFunc(sets, func(p orgapi.PermissionSet) bool { return p.IsOwnedByProfile })].Name

	control := `resource "sfaccess_api_access_control" "%s" {}` + "\n"
	cases := []struct {
		name, config string
		want         []string
	}{
		{"control character in a label", `resource "sfaccess_permission_set" "p" {
  name  = "Rel_Ctl"
  label = "Bad\u0007Label"
}`, []string{"control character U+0007", "may contain no control characters"}},
		{"two api access controls", fmt.Sprintf(control, "a") + fmt.Sprintf(control, "b"),
			[]string{"More Than One sfaccess_api_access_control", "Keep exactly one"}},
		{"existing connected app", `resource "sfaccess_connected_app" "a" {
  name          = "workbench"
  label         = "Mine"
  contact_email = "a@acme.test"
  callback_urls = ["https://localhost/cb"]
  scopes        = ["Api"]
}`, []string{"Already Exists in the Org", "connected app named Workbench", `to = sfaccess_connected_app.<resource name>`, `id = "Workbench"`}},
		{"existing permission set", `resource "sfaccess_permission_set" "p" {
  name  = "Outside_Set"
  label = "Outside"
}`, []string{"Already Exists in the Org", `id = "Outside_Set"`}},
		{"profile-owned permission set name", fmt.Sprintf(`resource "sfaccess_permission_set" "p" {
  name  = %q
  label = "Mine"
}`, profileOwned), []string{"Name Taken by a Profile", "Choose another name"}},
		{"existing grant", `resource "sfaccess_connected_app_access" "g" {
  connected_app_name = "Terraform_Admin"
  profile_name       = "System Administrator"
}`, []string{"Already Exists in the Org", `id = "Terraform_Admin/profile:System Administrator"`}},
		{"existing assignment", fmt.Sprintf(`resource "sfaccess_permission_set_assignment" "a" {
  permission_set_name = "Outside_Set"
  username            = %q
}`, userPartner), []string{"Already Exists in the Org", `id = "Outside_Set/partner@acme.test"`}},
		{"unknown permission set in an assignment", fmt.Sprintf(`resource "sfaccess_permission_set_assignment" "a" {
  permission_set_name = "No_Such_Set"
  username            = %q
}`, userPartner), []string{"Permission Set Not Found", "sfaccess_permission_set.<name>.name"}},
		{"unknown permission set in a grant", `resource "sfaccess_connected_app_access" "g" {
  connected_app_name  = "Workbench"
  permission_set_name = "No_Such_Set"
}`, []string{"Permission Set Not Found"}},
		{"assignment of a profile-owned permission set", fmt.Sprintf(`resource "sfaccess_permission_set_assignment" "a" {
  permission_set_name = %q
  username            = %q
}`, profileOwned, userPartner), []string{"Profile-Owned Permission Set", "change the user's profile"}},
	}
	steps := []resource.TestStep{{PreConfig: func() { org.ResetStats(t) }, Config: org.config(), PlanOnly: true}}
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{Config: org.config(tc.config), PlanOnly: true, ExpectError: expectDiagnostics(tc.want...)})
	}
	for _, p := range []struct{ line, want string }{
		{`api_version = "99.0"`, "The org does not serve API version 99.0; it serves 47.0 to 68.0"},
		{`request_timeout = "0s"`, "is not a positive duration"},
		{`request_timeout = "-1s"`, "is not a positive duration"},
	} {
		steps = append(steps, resource.TestStep{Config: org.providerConfigWith(p.line) + fmt.Sprintf(control, "x"), PlanOnly: true,
			ExpectError: expectDiagnostics(p.want)})
	}
	steps = append(steps, resource.TestStep{Config: org.config(), Check: func(*terraform.State) error {
		if writes := org.Stats(t).Writes; writes != 0 {
			return fmt.Errorf("the refused plans wrote %d times", writes)
		}
		t.Logf("%d refused plans, 0 writes", len(steps)-2)
		return nil
	}})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}
