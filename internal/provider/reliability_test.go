package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
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
	status, body := o.control(t, http.MethodGet, "snapshot", nil)
	var s orgSnapshot
	if status != http.StatusOK || json.Unmarshal(body, &s) != nil {
		t.Fatalf("reading the snapshot: HTTP %d: %.200s", status, body)
	}
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

// setFaults configures mockorg's fault injection.
func (o *testOrg) setFaults(t *testing.T, faults map[string]any) {
	t.Helper()
	if status, body := o.control(t, http.MethodPost, "faults", faults); status/100 != 2 {
		t.Fatalf("setting faults %v: HTTP %d: %s", faults, status, body)
	}
}

// stats reads mockorg's request counters.
func (o *testOrg) stats(t *testing.T) (writes, faults int, byOperation map[string]int) {
	t.Helper()
	status, body := o.control(t, http.MethodGet, "stats", nil)
	var s struct {
		Writes      int            `json:"writes"`
		Faults      int            `json:"faults"`
		ByOperation map[string]int `json:"by_operation"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &s) != nil {
		t.Fatalf("reading stats: HTTP %d: %s", status, body)
	}
	return s.Writes, s.Faults, s.ByOperation
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
					PreConfig: func() { org.setFaults(t, faults) },
					Config:    org.config(everyTypeConfig(n)),
					Check:     org.checkOrgMatchesState(t),
				}},
			})
		})
	}
}
