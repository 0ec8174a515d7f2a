package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

const permissionSetAddr = "sfaccess_permission_set.this"

var permissionSetIDPattern = regexp.MustCompile(`^0PS[0-9A-Za-z]{15}$`)

// permissionSetConfig declares one permission set; description "" leaves it out.
func permissionSetConfig(name, label, description string, permissions ...string) string {
	desc := ""
	if description != "" {
		desc = fmt.Sprintf("description = %q", description)
	}
	quoted := make([]string, len(permissions))
	for i, p := range permissions {
		quoted[i] = fmt.Sprintf("%q", p)
	}
	return fmt.Sprintf(`
resource "sfaccess_permission_set" "this" {
  name             = %q
  label            = %q
  %s
  user_permissions = [%s]
}
`, name, label, desc, strings.Join(quoted, ", "))
}

// checkPermissionSetsGone proves that no permission set with one of these names is left.
func (o *testOrg) checkPermissionSetsGone(t *testing.T, names ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, n := range names {
			ps, err := o.adminClient(t).PermissionSetByName(context.Background(), n)
			if err == nil {
				return fmt.Errorf("permission set %s (%s) still exists", n, ps.ID)
			}
			if !isNotFound(err) {
				return err
			}
		}
		return nil
	}
}

// checkPermissionSetInOrg compares what the org stores with what the configuration asked for.
func (o *testOrg) checkPermissionSetInOrg(t *testing.T, name, label string, permissions ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ps, err := o.adminClient(t).PermissionSetByName(context.Background(), name)
		if err != nil {
			return err
		}
		if ps.Label != label || strings.Join(ps.Permissions, ",") != strings.Join(permissions, ",") {
			return fmt.Errorf("org has %s label %q permissions %v, want %q %v", name, ps.Label, ps.Permissions, label, permissions)
		}
		return nil
	}
}

func TestAccPermissionSet_basic(t *testing.T) {
	org := newTestOrg(t)
	ctx := context.Background()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             org.checkPermissionSetsGone(t, "Partner_API", "Partner_API_Renamed"),
		Steps: []resource.TestStep{
			{
				Config: org.config(permissionSetConfig("Partner_API", "Partner API", "", "ApiEnabled")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(permissionSetAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(permissionSetAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(permissionSetIDPattern)),
					statecheck.ExpectKnownValue(permissionSetAddr, tfjsonpath.New("name"), knownvalue.StringExact("Partner_API")),
					statecheck.ExpectKnownValue(permissionSetAddr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(permissionSetAddr, tfjsonpath.New("user_permissions"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("ApiEnabled")})),
				},
				Check: org.checkPermissionSetInOrg(t, "Partner_API", "Partner API", "ApiEnabled"),
			},
			{
				// Label, description and permissions change in place.
				Config: org.config(permissionSetConfig("Partner_API", "Partner API access", "Lets partners bypass API Access Control",
					"ApiEnabled", "UseAnyApiClient")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(permissionSetAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(permissionSetAddr, tfjsonpath.New("description"), knownvalue.StringExact("Lets partners bypass API Access Control")),
					statecheck.ExpectKnownValue(permissionSetAddr, tfjsonpath.New("user_permissions"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("ApiEnabled"), knownvalue.StringExact("UseAnyApiClient")})),
				},
				Check: org.checkPermissionSetInOrg(t, "Partner_API", "Partner API access", "ApiEnabled", "UseAnyApiClient"),
			},
			{
				// Removing a permission and the description switches them off in the org.
				Config: org.config(permissionSetConfig("Partner_API", "Partner API access", "", "UseAnyApiClient")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(permissionSetAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: org.checkPermissionSetInOrg(t, "Partner_API", "Partner API access", "UseAnyApiClient"),
			},
			{
				ResourceName:      permissionSetAddr,
				ImportState:       true,
				ImportStateId:     "Partner_API",
				ImportStateVerify: true,
			},
			{
				ResourceName:    permissionSetAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "Partner_API",
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(permissionSetAddr, plancheck.ResourceActionNoop)},
				},
			},
			{
				ResourceName:  permissionSetAddr,
				ImportState:   true,
				ImportStateId: "No_Such_Set",
				ExpectError:   expectDiagnostics("Permission Set Not Found"),
			},
			{
				// A new name replaces the permission set.
				Config: org.config(permissionSetConfig("Partner_API_Renamed", "Partner API access", "", "UseAnyApiClient")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(permissionSetAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkPermissionSetsGone(t, "Partner_API"),
					org.checkPermissionSetInOrg(t, "Partner_API_Renamed", "Partner API access", "UseAnyApiClient"),
				),
			},
			{
				// A person adds a permission in Setup: the next plan takes it away again.
				PreConfig: func() {
					c := org.adminClient(t)
					ps, err := c.PermissionSetByName(ctx, "Partner_API_Renamed")
					if err != nil {
						t.Fatal(err)
					}
					ps.Permissions = append(ps.Permissions, "ViewSetup")
					if err := c.UpdatePermissionSet(ctx, *ps); err != nil {
						t.Fatalf("changing the permission set out of band: %v", err)
					}
				},
				Config: org.config(permissionSetConfig("Partner_API_Renamed", "Partner API access", "", "UseAnyApiClient")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(permissionSetAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: org.checkPermissionSetInOrg(t, "Partner_API_Renamed", "Partner API access", "UseAnyApiClient"),
			},
			{
				// A person deletes it in Setup: the next plan creates it again.
				PreConfig: func() { deletePermissionSetOutOfBand(t, org.adminClient(t), "Partner_API_Renamed") },
				Config:    org.config(permissionSetConfig("Partner_API_Renamed", "Partner API access", "", "UseAnyApiClient")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(permissionSetAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: org.checkPermissionSetInOrg(t, "Partner_API_Renamed", "Partner API access", "UseAnyApiClient"),
			},
		},
	})
}

func TestAccPermissionSet_planTimeErrors(t *testing.T) {
	org := newTestOrg(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      org.config(permissionSetConfig("Partner_API", "Partner API", "", "UseAnyAPIClient")),
				ExpectError: expectDiagnostics(`"UseAnyAPIClient" is not a known user permission`, "did you mean", `"UseAnyApiClient"`),
			},
			{
				Config:      org.config(permissionSetConfig("Partner_API", "Partner API", "", "ViewAllData")),
				ExpectError: expectDiagnostics(`"ViewAllData" is not a known user permission`, "Allowed:", "ApiEnabled"),
			},
			{
				Config:      org.config(permissionSetConfig("Partner API", "Partner API", "")),
				ExpectError: expectDiagnostics(`"Partner API" is not a valid API name`),
			},
			{
				Config:      org.config(permissionSetConfig("Partner_API", strings.Repeat("L", 81), "")),
				ExpectError: expectDiagnostics("label", "string length must be between 1 and 80"),
			},
			{
				Config:      org.providerConfigAs(t, userAppManager) + permissionSetConfig("Partner_API", "Partner API", ""),
				ExpectError: expectDiagnostics("Insufficient Permissions", "appmanager@acme.test lacks", "ManageProfilesPermissionsets"),
			},
		},
	})
}

// TestAccPermissionSet_leavesOtherPermissionsAlone: user_permissions owns the permissions it lists
// as allowed and no other. View All Data, switched on in Setup, survives an apply that changes the
// set's own permissions, and no plan mentions it.
func TestAccPermissionSet_leavesOtherPermissionsAlone(t *testing.T) {
	org := newTestOrg(t)
	ctx := context.Background()
	viewAllData := func() (bool, error) {
		ps, err := org.adminClient(t).PermissionSetByName(ctx, "Partner_API")
		if err != nil {
			return false, err
		}
		var rec struct {
			ViewAllData bool `json:"PermissionsViewAllData"`
		}
		err = org.adminClient(t).GetRecord(ctx, "PermissionSet", ps.ID, &rec)
		return rec.ViewAllData, err
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: org.config(permissionSetConfig("Partner_API", "Partner API", "", "ApiEnabled"))},
			{
				PreConfig: func() {
					c := org.adminClient(t)
					ps, err := c.PermissionSetByName(ctx, "Partner_API")
					if err != nil {
						t.Fatal(err)
					}
					if err := c.UpdateRecord(ctx, "PermissionSet", ps.ID, map[string]any{"PermissionsViewAllData": true}); err != nil {
						t.Fatalf("switching View All Data on in Setup: %v", err)
					}
				},
				Config: org.config(permissionSetConfig("Partner_API", "Partner API", "", "ApiEnabled", "ViewSetup")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(permissionSetAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkPermissionSetInOrg(t, "Partner_API", "Partner API", "ApiEnabled", "ViewSetup"),
					func(*terraform.State) error {
						on, err := viewAllData()
						if err == nil && !on {
							err = fmt.Errorf("the apply switched View All Data off")
						}
						return err
					},
				),
			},
		},
	})
}

// deletePermissionSetOutOfBand is used by tests that take a permission set away behind
// Terraform's back.
func deletePermissionSetOutOfBand(t *testing.T, c *orgapi.Client, name string) {
	t.Helper()
	ctx := context.Background()
	ps, err := c.PermissionSetByName(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeletePermissionSet(ctx, ps.ID); err != nil {
		t.Fatalf("deleting %s out of band: %v", name, err)
	}
}

// TestAccPermissionSet_profileOwnedImportRefused proves that neither a profile's own permission
// set nor a user's assignment to it can be imported, and that the refusal says what to do.
func TestAccPermissionSet_profileOwnedImportRefused(t *testing.T) {
	org := newEmbeddedTestOrg(t)
	sets, err := org.adminClient(t).PermissionSets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	profileSet := ""
	for _, ps := range sets {
		if ps.IsOwnedByProfile {
			profileSet = ps.Name
			break
		}
	}
	if profileSet == "" {
		t.Fatal("the embedded org has no profile-owned permission set")
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        org.config(permissionSetConfig(profileSet, "Profile", "")),
				ResourceName:  "sfaccess_permission_set.this",
				ImportState:   true,
				ImportStateId: profileSet,
				ExpectError:   expectDiagnostics("Profile-Owned Permission Set", profileSet, "Setup > Profiles", "sfaccess_permission_set"),
			},
			{
				Config:        org.config(assignmentConfig(fmt.Sprintf("%q", profileSet), fmt.Sprintf("%q", userReadOnly))),
				ResourceName:  assignmentAddr,
				ImportState:   true,
				ImportStateId: profileSet + "/" + userReadOnly,
				ExpectError:   expectDiagnostics("Profile-Owned Permission Set", "change the user's profile"),
			},
		},
	})
}
