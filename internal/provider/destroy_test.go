package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// goneConfig declares one object of every resource type, the grant, installation and assignment
// depending on the app and the permission set this configuration creates.
const goneConfig = `
resource "sfaccess_connected_app" "gone" {
  name          = "Gone_App"
  label         = "Gone App"
  contact_email = "platform@acme.test"
  callback_urls = ["https://gone.acme.test/oauth/callback"]
  scopes        = ["Api"]
}

resource "sfaccess_connected_app_installation" "gone" {
  connected_app_name = sfaccess_connected_app.gone.name
}

resource "sfaccess_permission_set" "gone" {
  name             = "Gone_Set"
  label            = "Gone Set"
  user_permissions = ["ApiEnabled"]
}

resource "sfaccess_connected_app_access" "gone" {
  connected_app_name  = sfaccess_connected_app.gone.name
  permission_set_name = sfaccess_permission_set.gone.name
}

resource "sfaccess_permission_set_assignment" "gone" {
  permission_set_name = sfaccess_permission_set.gone.name
  username            = "partner@acme.test"
}

resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = true
}
`

// TestAccDestroy_objectsDeletedOutsideTerraform: everything a configuration manages is deleted
// in the org by someone else. A refreshing plan notices (and plans to create it again), and a
// destroy that does not refresh, which is how terraform-plugin-testing destroys (and what
// terraform destroy -refresh=false does), succeeds: each Delete finds its object already gone.
func TestAccDestroy_objectsDeletedOutsideTerraform(t *testing.T) {
	t.Run("each object", func(t *testing.T) { testDestroyAfterDeletion(t, true) })
	// Deleting an app in App Manager takes its grants and installation with it: their Deletes meet
	// objects that went with their parent. (A permission set cannot be deleted while assigned.)
	t.Run("the app", func(t *testing.T) { testDestroyAfterDeletion(t, false) })
}

func testDestroyAfterDeletion(t *testing.T, eachObject bool) {
	org := newTestOrg(t)
	ctx := context.Background()
	ids := map[string]string{}
	noteIDs := func(s *terraform.State) error {
		for addr, r := range s.RootModule().Resources {
			ids[addr] = r.Primary.ID
		}
		return nil
	}
	deleteOutOfBand := func() {
		admin := org.adminClient(t)
		type change struct {
			what string
			do   func() error
		}
		changes := []change{{"deleting the app", func() error { return admin.DeleteConnectedApp(ctx, "Gone_App") }}}
		if eachObject {
			changes = append([]change{
				{"revoking the grant", func() error { return admin.RevokeConnectedAppGrant(ctx, ids["sfaccess_connected_app_access.gone"]) }},
				{"removing the assignment", func() error {
					return admin.DeletePermissionSetAssignment(ctx, ids["sfaccess_permission_set_assignment.gone"])
				}},
				{"uninstalling the app", func() error { return admin.Uninstall(ctx, ids["sfaccess_connected_app_installation.gone"]) }},
				{"deleting the permission set", func() error { return admin.DeletePermissionSet(ctx, ids["sfaccess_permission_set.gone"]) }},
			}, changes...)
		}
		for _, c := range changes {
			if err := c.do(); err != nil {
				t.Fatalf("%s out of band: %v", c.what, err)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			_, err := org.adminClient(t).ReadConnectedApp(ctx, "Gone_App")
			switch {
			case err == nil:
				return fmt.Errorf("Gone_App still exists after destroy")
			case !isNotFound(err):
				return fmt.Errorf("reading Gone_App after destroy: %w", err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: org.config(goneConfig), Check: noteIDs},
			{PreConfig: deleteOutOfBand, Config: org.config(goneConfig), PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
}

// parentGoneCase is one row of TestAccDestroy_parentGone: the configuration, what exists in the
// org before it (the object it hangs on, made outside Terraform), and what someone then deletes
// in the org.
type parentGoneCase struct {
	name, config string
	before, gone func(context.Context, *orgapi.Client) error
	// singleton: the object always exists, so the plan after the change still holds it (to restore
	// the defaults), and the destroy writes them.
	singleton bool
}

// The objects the rows of TestAccDestroy_parentGone make outside Terraform.
const (
	outsideApp = "Outside_App"
	outsideECA = "Outside_ECA"
	outsideSet = "Outside_Set"
)

// parentGoneCases covers the nine resource types: each loses the object it hangs on (the app of
// an installation or grant, the ECA of an ECA grant, the permission set of a grant or an
// assignment), or, having none, itself; the singletons are reset to their defaults instead.
func parentGoneCases() []parentGoneCase {
	createApp := func(ctx context.Context, c *orgapi.Client) error {
		return c.CreateConnectedApp(ctx, &orgapi.ConnectedApp{FullName: outsideApp, Label: "Outside", ContactEmail: "a@acme.test",
			CallbackURLs: []string{"https://localhost/cb"}, Scopes: []string{"Api"}, IsAdminApproved: true})
	}
	createSet := func(ctx context.Context, c *orgapi.Client) error {
		_, err := c.CreatePermissionSet(ctx, orgapi.PermissionSet{Name: outsideSet, Label: "Outside"})
		return err
	}
	deleteApp := func(ctx context.Context, c *orgapi.Client) error { return c.DeleteConnectedApp(ctx, outsideApp) }
	deleteSet := func(ctx context.Context, c *orgapi.Client) error {
		ps, err := c.PermissionSetByName(ctx, outsideSet)
		if err != nil {
			return err
		}
		// Salesforce deletes no permission set that is assigned: its assignment goes first.
		user, err := c.UserByUsername(ctx, userPartner)
		if err != nil {
			return err
		}
		if a, err := c.FindPermissionSetAssignment(ctx, ps.ID, user.ID); err == nil {
			if err := c.DeletePermissionSetAssignment(ctx, a.ID); err != nil {
				return err
			}
		}
		return c.DeletePermissionSet(ctx, ps.ID)
	}
	both := func(fs ...func(context.Context, *orgapi.Client) error) func(context.Context, *orgapi.Client) error {
		return func(ctx context.Context, c *orgapi.Client) error {
			for _, f := range fs {
				if err := f(ctx, c); err != nil {
					return err
				}
			}
			return nil
		}
	}
	none := func(context.Context, *orgapi.Client) error { return nil }
	off := false
	return []parentGoneCase{
		{name: "connected app", before: none, gone: deleteApp, config: fmt.Sprintf(`
resource "sfaccess_connected_app" "x" {
  name          = %q
  label         = "Outside"
  contact_email = "a@acme.test"
  callback_urls = ["https://localhost/cb"]
  scopes        = ["Api"]
}`, outsideApp)},
		{name: "installation, its app", before: createApp, gone: deleteApp, config: fmt.Sprintf(`
resource "sfaccess_connected_app_installation" "x" {
  connected_app_name = %q
}`, outsideApp)},
		{name: "connected app grant, its app", before: both(createApp, createSet), gone: deleteApp, config: fmt.Sprintf(`
resource "sfaccess_connected_app_access" "x" {
  connected_app_name  = %q
  permission_set_name = %q
}`, outsideApp, outsideSet)},
		{name: "connected app grant, its permission set", before: both(createApp, createSet), gone: deleteSet, config: fmt.Sprintf(`
resource "sfaccess_connected_app_access" "x" {
  connected_app_name  = %q
  permission_set_name = %q
}`, outsideApp, outsideSet)},
		{name: "permission set", before: none, gone: deleteSet, config: fmt.Sprintf(`
resource "sfaccess_permission_set" "x" {
  name  = %q
  label = "Outside"
}`, outsideSet)},
		{name: "assignment, its permission set", before: createSet, gone: deleteSet, config: fmt.Sprintf(`
resource "sfaccess_permission_set_assignment" "x" {
  permission_set_name = %q
  username            = %q
}`, outsideSet, userPartner)},
		{name: "external client app", before: none, gone: deleteECA, config: fmt.Sprintf(`
resource "sfaccess_external_client_app" "x" {
  name          = %q
  label         = "Outside"
  contact_email = "a@acme.test"
  scopes        = ["Api"]
}`, outsideECA)},
		{name: "external client app grant, its app", before: createECA, gone: deleteECA, config: fmt.Sprintf(`
resource "sfaccess_external_client_app_access" "x" {
  external_client_app_name = %q
  profile_name             = "Standard User"
}`, outsideECA)},
		{name: "api access control", before: none, singleton: true, config: `
resource "sfaccess_api_access_control" "x" {
  limit_external_users_to_installed_apps = true
}`, gone: func(ctx context.Context, c *orgapi.Client) error {
			return c.UpdateConnectedAppSettings(ctx, orgapi.ConnectedAppSettings{EnableAdminApprovedAppsOnlyForExternalUser: &off})
		}},
		{name: "external client app settings", before: none, singleton: true, config: `
resource "sfaccess_external_client_app_settings" "x" {
  allow_consumer_secrets_via_rest_api = true
}`, gone: func(ctx context.Context, c *orgapi.Client) error {
			return c.UpdateExternalClientAppSettings(ctx, orgapi.ExternalClientAppSettings{EnableClientSecretInRestAPIAccess: &off})
		}},
	}
}

func createECA(ctx context.Context, c *orgapi.Client) error {
	return c.CreateExternalClientApp(ctx, &orgapi.ExternalClientApp{Name: outsideECA, Label: "Outside", ContactEmail: "a@acme.test",
		DistributionState: orgapi.DistributionStateLocal, Scopes: []string{"Api"}, PermittedUsers: orgapi.PermittedUsersAdmin,
		OAuthPluginEnabled: true})
}

func deleteECA(ctx context.Context, c *orgapi.Client) error {
	return c.DeleteExternalClientApp(ctx, outsideECA)
}

// TestAccDestroy_parentGone: for every resource type, the object a resource hangs on (or the
// object itself) is deleted in the org by someone else. With refresh, a plan finds the resource
// gone and plans it again (a warning says the org checks it at apply), and terraform destroy,
// whose first step is such a plan, succeeds with nothing to destroy; without refresh
// (-refresh=false), the destroy deletes the resource and the Delete takes the missing object as
// done.
func TestAccDestroy_parentGone(t *testing.T) {
	for _, tc := range parentGoneCases() {
		addr := regexp.MustCompile(`resource "(\w+)" "x"`).FindStringSubmatch(tc.config)[1] + ".x"
		for _, refresh := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s, refresh %t", tc.name, refresh), func(t *testing.T) {
				testDestroyAfterParentGone(t, tc, addr, refresh)
			})
		}
	}
}

func testDestroyAfterParentGone(t *testing.T, tc parentGoneCase, addr string, refresh bool) {
	org := newTestOrg(t)
	ctx := context.Background()
	if err := tc.before(ctx, org.adminClient(t)); err != nil {
		t.Fatalf("making the parent outside Terraform: %v", err)
	}
	want := plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroy)
	if refresh && !tc.singleton {
		want = plancheck.ExpectEmptyPlan()
	}
	gone := func() {
		if err := tc.gone(ctx, org.adminClient(t)); err != nil {
			t.Fatalf("deleting outside Terraform: %v", err)
		}
	}
	steps := []resource.TestStep{{Config: org.config(tc.config)}}
	if refresh {
		// A plan, not a destroy, plans the resource again rather than failing on the refresh.
		steps = append(steps, resource.TestStep{PreConfig: gone, Config: org.config(tc.config), PlanOnly: true, ExpectNonEmptyPlan: true})
		gone = func() {}
	}
	steps = append(steps, resource.TestStep{
		PreConfig:        gone,
		Config:           org.config(tc.config),
		Destroy:          true,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{want}},
	})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: !refresh}},
		Steps:                    steps,
	})
}
