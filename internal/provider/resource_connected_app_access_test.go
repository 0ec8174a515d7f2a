package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const (
	grantPermSetAddr = "sfaccess_connected_app_access.permission_set"
	grantProfileAddr = "sfaccess_connected_app_access.profile"
)

var setupEntityAccessIDPattern = regexp.MustCompile(`^0J0[A-Za-z0-9]{15}$`)

// grantsConfig is an admin-approved app, a permission set, and grants of the app to the
// permission set and to profile.
func grantsConfig(profile string) string {
	return grantsConfigFor("Grant_App", profile)
}

func grantsConfigFor(app, profile string) string {
	return fmt.Sprintf(`
resource "sfaccess_connected_app" "test" {
  name                      = %q
  label                     = "Grant App"
  contact_email             = "platform@acme.test"
  callback_urls             = ["https://grant.acme.test/cb"]
  scopes                    = ["Api"]
  admin_approved_users_only = true
}

resource "sfaccess_permission_set" "portal" {
  name  = "Portal_API"
  label = "Portal API"
}

resource "sfaccess_connected_app_access" "permission_set" {
  connected_app_name  = sfaccess_connected_app.test.name
  permission_set_name = sfaccess_permission_set.portal.name
}

resource "sfaccess_connected_app_access" "profile" {
  connected_app_name = sfaccess_connected_app.test.name
  profile_name       = %q
}
`, app, profile)
}

func TestAccConnectedAppAccess_lifecycle(t *testing.T) {
	org := newTestOrg(t)
	admin := org.adminClient(t)
	ctx := context.Background()
	var profileGrantID string

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkGrantsDestroyed(t, org),
		Steps: []resource.TestStep{
			{
				// The app is created in the same plan as its grants: the plan-time check that the
				// app exists must not refuse it.
				Config: org.providerConfig() + grantsConfig("Partner Community User"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(grantPermSetAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(grantProfileAddr, plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(grantPermSetAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(setupEntityAccessIDPattern)),
					statecheck.ExpectKnownValue(grantPermSetAddr, tfjsonpath.New("permission_set_name"), knownvalue.StringExact("Portal_API")),
					statecheck.ExpectKnownValue(grantPermSetAddr, tfjsonpath.New("profile_name"), knownvalue.Null()),
					statecheck.ExpectKnownValue(grantProfileAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(setupEntityAccessIDPattern)),
					statecheck.ExpectKnownValue(grantProfileAddr, tfjsonpath.New("profile_name"), knownvalue.StringExact("Partner Community User")),
					statecheck.ExpectKnownValue(grantProfileAddr, tfjsonpath.New("permission_set_name"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					checkGrantInOrg(t, org, grantPermSetAddr, "Grant_App", "Portal_API", ""),
					checkGrantInOrg(t, org, grantProfileAddr, "Grant_App", "", "Partner Community User"),
					func(s *terraform.State) error {
						profileGrantID = s.RootModule().Resources[grantProfileAddr].Primary.ID
						return nil
					},
				),
			},
			{
				ResourceName:      grantPermSetAddr,
				ImportState:       true,
				ImportStateId:     "Grant_App/Portal_API",
				ImportStateVerify: true,
			},
			{
				ResourceName:      grantProfileAddr,
				ImportState:       true,
				ImportStateId:     "Grant_App/profile:Partner Community User",
				ImportStateVerify: true,
			},
			{
				// Another profile is another grant.
				Config: org.providerConfig() + grantsConfig("Customer Community User"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(grantProfileAddr, plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction(grantPermSetAddr, plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkGrantInOrg(t, org, grantProfileAddr, "Grant_App", "", "Customer Community User"),
					func(*terraform.State) error {
						grants, err := admin.SetupEntityAccesses(ctx)
						if err != nil {
							return err
						}
						for _, g := range grants {
							if sameID(g.ID, profileGrantID) {
								return fmt.Errorf("the replaced grant %s to Partner Community User still exists", profileGrantID)
							}
						}
						return nil
					},
				),
			},
			{
				// Revoked in Setup: the next plan grants it again.
				PreConfig: func() {
					grants, err := admin.SetupEntityAccesses(ctx)
					if err != nil {
						t.Fatal(err)
					}
					ps, err := admin.PermissionSetByName(ctx, "Portal_API")
					if err != nil {
						t.Fatal(err)
					}
					for _, g := range grants {
						if sameID(g.ParentID, ps.ID) {
							if err := admin.RevokeConnectedAppGrant(ctx, g.ID); err != nil {
								t.Fatalf("revoking out of band: %v", err)
							}
						}
					}
				},
				Config: org.providerConfig() + grantsConfig("Customer Community User"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(grantPermSetAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkGrantInOrg(t, org, grantPermSetAddr, "Grant_App", "Portal_API", ""),
			},
			{
				// Renaming the app replaces it, and with it both grants, in one plan: the grants'
				// plan-time check must accept an app name this plan is about to create.
				Config: org.providerConfig() + grantsConfigFor("Grant_App_v2", "Customer Community User"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction(grantPermSetAddr, plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction(grantProfileAddr, plancheck.ResourceActionReplace),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkGrantInOrg(t, org, grantPermSetAddr, "Grant_App_v2", "Portal_API", ""),
					checkGrantInOrg(t, org, grantProfileAddr, "Grant_App_v2", "", "Customer Community User"),
				),
			},
		},
	})
}

// TestAccConnectedAppAccess_planTimeErrors proves the plan fails, before any change, for grants
// that cannot work.
func TestAccConnectedAppAccess_planTimeErrors(t *testing.T) {
	org := newTestOrg(t)
	grant := func(attrs string) string {
		return fmt.Sprintf(`
resource "sfaccess_connected_app_access" "test" {
%s
}
`, attrs)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      org.providerConfig() + grant(`connected_app_name = "No_Such_App"`+"\n"+`profile_name = "Partner Community User"`),
				PlanOnly:    true,
				ExpectError: expectDiagnostics(`The org has no connected app named "No_Such_App", and this plan does not create one`),
			},
			{
				Config:      org.providerConfig() + grant(`connected_app_name = "Partner_Portal_Mobile"`+"\n"+`profile_name = "Partner Community Login User"`),
				PlanOnly:    true,
				ExpectError: expectDiagnostics(`The org has no profile named "Partner Community Login User". Profiles in this org:`),
			},
			{
				Config:      org.providerConfig() + grant(`connected_app_name = "Partner_Portal_Mobile"`+"\n"+`profile_name = "Partner Community User"`+"\n"+`permission_set_name = "Portal_API"`),
				PlanOnly:    true,
				ExpectError: expectDiagnostics("Invalid Attribute Combination", "Exactly one of these attributes must be configured"),
			},
			{
				Config:      org.providerConfig() + grant(`connected_app_name = "Partner_Portal_Mobile"`),
				PlanOnly:    true,
				ExpectError: expectDiagnostics("Missing Attribute Configuration", "Exactly one of these attributes must be configured"),
			},
			{
				Config:      org.providerConfig() + grant(`connected_app_name = "Partner Portal Mobile"`+"\n"+`profile_name = "Partner Community User"`),
				PlanOnly:    true,
				ExpectError: expectDiagnostics("is not a valid API name"),
			},
			{
				// App Manager may manage apps but not their profiles and permission sets.
				Config:      providerConfigRunningAs(t, org, userAppManager) + grant(`connected_app_name = "Partner_Portal_Mobile"`+"\n"+`profile_name = "Partner Community User"`),
				PlanOnly:    true,
				ExpectError: expectDiagnostics(`needs CustomizeApplication ("Customize Application") and ModifyAllData ("Modify All Data") and ManageProfilesPermissionsets ("Manage Profiles and Permission Sets"), and the provider's user appmanager@acme.test lacks ModifyAllData ("Modify All Data") and ManageProfilesPermissionsets ("Manage Profiles and Permission Sets")`),
			},
			{
				Config:      providerConfigRunningAs(t, org, userReadOnly) + grant(`connected_app_name = "Partner_Portal_Mobile"`+"\n"+`profile_name = "Partner Community User"`),
				PlanOnly:    true,
				ExpectError: expectDiagnostics(`lacks CustomizeApplication ("Customize Application") and ModifyAllData ("Modify All Data") and ManageProfilesPermissionsets`),
			},
			{
				// App Manager with a token from the password grant: the plan or the org refuses
				// the grant, naming the permissions it lacks, and nothing is granted.
				Config:      providerConfigThrough(t, org, userAppManager, appPartnerPortal) + grant(`connected_app_name = "Partner_Portal_Mobile"`+"\n"+`profile_name = "Partner Community User"`),
				ExpectError: expectDiagnostics("Insufficient Permissions", "ModifyAllData", "ManageProfilesPermissionsets"),
			},
		},
	})
	// None of the refused grants reached the org: the seed's only grant remains.
	grants, err := org.adminClient(t).SetupEntityAccesses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(grants) != 1 {
		t.Errorf("the org holds %d grants after refused plans, want the seed's 1: %+v", len(grants), grants)
	}
}

func TestAccConnectedAppAccess_importErrors(t *testing.T) {
	org := newTestOrg(t)
	config := org.providerConfig() + `
resource "sfaccess_connected_app_access" "test" {
  connected_app_name = "Partner_Portal_Mobile"
  profile_name       = "Partner Community User"
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        config,
				ResourceName:  "sfaccess_connected_app_access.test",
				ImportState:   true,
				ImportStateId: "Partner_Portal_Mobile",
				ExpectError:   expectDiagnostics("is not of the form <connected_app_name>/<permission_set_name> or"),
			},
			{
				// The seed grants Terraform_Admin to System Administrator only.
				Config:        config,
				ResourceName:  "sfaccess_connected_app_access.test",
				ImportState:   true,
				ImportStateId: "Partner_Portal_Mobile/profile:Partner Community User",
				ExpectError:   expectDiagnostics("is not granted to profile \"Partner Community User\", so there is nothing to import"),
			},
		},
	})
}

// checkGrantInOrg asks the org that the grant in state exists and joins the app to the expected
// permission set or profile.
func checkGrantInOrg(t *testing.T, org *testOrg, addr, app, permissionSet, profile string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		ctx := context.Background()
		admin := org.adminClient(t)
		appRec, err := admin.ConnectedApplicationByName(ctx, app)
		if err != nil {
			return err
		}
		var parentID string
		if profile != "" {
			p, err := admin.ProfileByName(ctx, profile)
			if err != nil {
				return err
			}
			parentID = p.PermissionSetID
		} else {
			ps, err := admin.PermissionSetByName(ctx, permissionSet)
			if err != nil {
				return err
			}
			parentID = ps.ID
		}
		grants, err := admin.SetupEntityAccesses(ctx)
		if err != nil {
			return err
		}
		for _, g := range grants {
			if sameID(g.ID, rs.Primary.ID) {
				if !sameID(g.SetupEntityID, appRec.ID) || !sameID(g.ParentID, parentID) {
					return fmt.Errorf("grant %s joins %s to %s, want %s to %s", g.ID, g.SetupEntityID, g.ParentID, appRec.ID, parentID)
				}
				return nil
			}
		}
		return fmt.Errorf("the org has no grant %s", rs.Primary.ID)
	}
}

// checkGrantsDestroyed asks the org that no grant in the final state survives.
func checkGrantsDestroyed(t *testing.T, org *testOrg) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		grants, err := org.adminClient(t).SetupEntityAccesses(context.Background())
		if err != nil {
			return err
		}
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "sfaccess_connected_app_access" {
				continue
			}
			for _, g := range grants {
				if sameID(g.ID, rs.Primary.ID) {
					return fmt.Errorf("grant %s still exists", g.ID)
				}
			}
		}
		return checkConnectedAppsDestroyed(t, org)(s)
	}
}

func TestGrantWithoutEffect(t *testing.T) {
	t.Parallel()
	if d := grantWithoutEffect(path.Root("connected_app_name"), "connected app", "Portal", types.BoolValue(false)); d == nil || d.Severity() != diag.SeverityWarning ||
		!strings.Contains(d.Detail(), "Set admin_approved_users_only = true") {
		t.Errorf("a grant on a self-authorize app: got %v, want a warning saying how to make it count", d)
	}
	for _, v := range []types.Bool{types.BoolValue(true), types.BoolUnknown(), types.BoolNull()} {
		if d := grantWithoutEffect(path.Root("connected_app_name"), "connected app", "Portal", v); d != nil {
			t.Errorf("admin_approved_users_only = %s: unexpected %s", v, d.Summary())
		}
	}
}
