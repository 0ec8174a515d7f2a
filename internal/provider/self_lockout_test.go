package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/impact"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// selfLockoutData is a provider instance logged in to o as cfg says (the URL and timeout are
// added), with the self-lockout guard Configure gives it.
func selfLockoutData(t *testing.T, o *testOrg, cfg orgapi.Config, allow bool) *providerData {
	t.Helper()
	cfg.InstanceURL, cfg.RequestTimeout = o.URL, 10*time.Second
	c, err := orgapi.New(cfg)
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	d := newProviderData(c)
	d.self = newSelfGuard(cfg, allow)
	return d
}

// lockoutDiags are the self-lockout diagnostics among diags, leaving out the access impact's.
func lockoutDiags(diags diag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range diags {
		if strings.HasPrefix(d.Summary(), "Plan Would Lock the Provider Out") || strings.HasPrefix(d.Summary(), "Plan Locks the Provider Out") {
			out = append(out, d)
		}
	}
	return out
}

// Planned changes as the resources' ModifyPlan describe them.
func planBlock(app string) plannedImpact {
	return plannedImpact{subjectOf(installationType, app), func(_ *impact.Base, ch *impact.Changes) {
		ch.SetInstalled(app, true, true)
	}}
}

func planUninstall(app string) plannedImpact {
	return plannedImpact{subjectOf(installationType, app), func(_ *impact.Base, ch *impact.Changes) {
		ch.SetInstalled(app, false, false)
	}}
}

func planRevokeProfileGrant(app, profile string) plannedImpact {
	return plannedImpact{subjectOf(connectedAppAccessType, app+"/profile:"+profile), func(b *impact.Base, ch *impact.Changes) {
		ch.Grant(app, b.SetID("profile:"+profile), false)
	}}
}

func planRevokeECAProfileGrant(eca, profile string) plannedImpact {
	return plannedImpact{subjectOf(externalClientAppAccessType, eca+"/profile:"+profile), func(b *impact.Base, ch *impact.Changes) {
		ch.GrantECA(eca, b.SetID("profile:"+profile), false)
	}}
}

func planUnassign(set, username string) plannedImpact {
	return plannedImpact{subjectOf(assignmentType, set+"/"+username), func(b *impact.Base, ch *impact.Changes) {
		if id, ok := b.UserID(username); ok {
			ch.Assign(id, b.SetID(set), false)
		}
	}}
}

// seedWith is the embedded seed with changes.
func seedWith(changes ...func(*mockorg.Seed)) *mockorg.Seed {
	seed := mockorg.DefaultSeed()
	for _, change := range changes {
		change(seed)
	}
	return seed
}

func allUsersLimit(seed *mockorg.Seed) { seed.Settings.EnableAdminApprovedAppsOnly = true }

// adminsWithout takes a permission from the System Administrator profile.
func adminsWithout(permission string) func(*mockorg.Seed) {
	return func(seed *mockorg.Seed) {
		for i, p := range seed.Profiles {
			if p.Name == "System Administrator" {
				seed.Profiles[i].Permissions = slices.DeleteFunc(slices.Clone(p.Permissions), func(s string) bool { return s == permission })
			}
		}
	}
}

// adminAssigned assigns the admin a new permission set holding the permissions.
func adminAssigned(set string, permissions ...string) func(*mockorg.Seed) {
	return userAssigned(userAdmin, set, permissions...)
}

// userAssigned assigns a user a new permission set holding the permissions.
func userAssigned(username, set string, permissions ...string) func(*mockorg.Seed) {
	return func(seed *mockorg.Seed) {
		seed.PermissionSets = append(seed.PermissionSets, mockorg.SeedPermissionSet{Name: set, Label: set, Permissions: permissions})
		seed.PermissionSetAssignments = append(seed.PermissionSetAssignments, mockorg.SeedAssignment{PermissionSet: set, Username: username})
	}
}

// terraformAdmin changes the Terraform_Admin app; ungranted also drops its grants.
func terraformAdmin(ungranted bool, change func(*mockorg.SeedConnectedApp)) func(*mockorg.Seed) {
	return func(seed *mockorg.Seed) {
		for i := range seed.ConnectedApps {
			if seed.ConnectedApps[i].Name == appTerraformAdmin {
				change(&seed.ConnectedApps[i])
			}
		}
		if ungranted {
			seed.SetupEntityAccess = slices.DeleteFunc(seed.SetupEntityAccess, func(g mockorg.SeedGrant) bool { return g.ConnectedApp == appTerraformAdmin })
		}
	}
}

// TestSelfLockoutGuard plans, as Terraform plans resources one by one, changes that cut off the
// provider's own login and changes that do not, against the embedded org and variants of it.
func TestSelfLockoutGuard(t *testing.T) {
	adminKey, adminSecret := mockorgtest.AppCredentials(t, appTerraformAdmin)
	const asAdmin = "admin@acme.test through connected app Terraform_Admin (the client credentials flow) is allowed now"
	for _, tc := range []struct {
		name           string
		cfg            mockorg.Config
		key, secret    string
		token          bool // log in with a pre-issued access token of the admin instead
		allow          bool
		changes        []plannedImpact
		wantSummary    string // "" for none
		wantInDetail   []string
		wantSeverity   diag.Severity
		wantReportedAt int // the index of the change whose report holds it
	}{
		{name: "blocking the provider's own app", changes: []plannedImpact{planBlock(appTerraformAdmin)},
			wantSummary: `Plan Would Lock the Provider Out: sfaccess_connected_app_installation "Terraform_Admin"`,
			wantInDetail: []string{asAdmin + " (rule bypass_use_any_api_client) and would be refused by rule app_blocked",
				`OAUTH_APP_BLOCKED "this app is blocked by admin"`, `fail with "Authentication Failed"`, "set allow_self_lockout = true"},
			wantSeverity: diag.SeverityError},
		{name: "blocking it, accepted", allow: true, changes: []plannedImpact{planBlock(appTerraformAdmin)},
			wantSummary:  `Plan Locks the Provider Out: sfaccess_connected_app_installation "Terraform_Admin"`,
			wantInDetail: []string{"rule app_blocked", "allow_self_lockout is true, so the plan goes ahead."}, wantSeverity: diag.SeverityWarning},
		{name: "blocking another app", changes: []plannedImpact{planBlock(appWorkbench), planUninstall(appTerraformAdmin)}},
		{name: "removing the admin's only grant, after a change that does not lock out",
			changes:     []plannedImpact{planBlock(appWorkbench), planRevokeProfileGrant(appTerraformAdmin, "System Administrator")},
			wantSummary: `Plan Would Lock the Provider Out: sfaccess_connected_app_access "Terraform_Admin/profile:System Administrator"`,
			wantInDetail: []string{"rule not_admin_approved: the app's Permitted Users are admin approved and none of the user's profile or permission sets is granted the app",
				`invalid_app_access "user is not admin approved to access this app"`},
			wantSeverity: diag.SeverityError, wantReportedAt: 1},
		{name: "removing the grant where the org cannot say what is installed", cfg: mockorg.Config{DisableSetupExtension: true},
			changes:      []plannedImpact{planRevokeProfileGrant(appTerraformAdmin, "System Administrator")},
			wantSummary:  `Plan Would Lock the Provider Out: sfaccess_connected_app_access "Terraform_Admin/profile:System Administrator"`,
			wantInDetail: []string{"rule not_admin_approved"}, wantSeverity: diag.SeverityError},
		{name: "uninstalling under the all-users limit without Use Any API Client", cfg: mockorg.Config{Seed: seedWith(allUsersLimit, adminsWithout("UseAnyApiClient"))},
			changes:      []plannedImpact{planUninstall(appTerraformAdmin)},
			wantSummary:  `Plan Would Lock the Provider Out: sfaccess_connected_app_installation "Terraform_Admin"`,
			wantInDetail: []string{"(rule allowed) and would be refused by rule app_not_approved"}, wantSeverity: diag.SeverityError},
		{name: "removing the Use Any API Client that admits an uninstalled app", cfg: mockorg.Config{Seed: seedWith(allUsersLimit, adminsWithout("UseAnyApiClient"),
			adminAssigned("Integration_Bypass", "UseAnyApiClient"), terraformAdmin(false, func(a *mockorg.SeedConnectedApp) { a.Installed = false }))},
			changes:      []plannedImpact{planUnassign("Integration_Bypass", userAdmin)},
			wantSummary:  `Plan Would Lock the Provider Out: sfaccess_permission_set_assignment "Integration_Bypass/admin@acme.test"`,
			wantInDetail: []string{"(rule bypass_use_any_api_client) and would be refused by rule app_not_approved"}, wantSeverity: diag.SeverityError},
		{name: "switching Permitted Users to admin approved", cfg: mockorg.Config{Seed: seedWith(terraformAdmin(true, func(a *mockorg.SeedConnectedApp) { a.AdminApproved = false }))},
			changes: []plannedImpact{{subjectOf("sfaccess_connected_app", appTerraformAdmin), func(_ *impact.Base, ch *impact.Changes) {
				ch.SetAdminApproved(appTerraformAdmin, true)
			}}},
			wantSummary:  `Plan Would Lock the Provider Out: sfaccess_connected_app "Terraform_Admin"`,
			wantInDetail: []string{"would be refused by rule not_admin_approved"}, wantSeverity: diag.SeverityError},
		{name: "switching the all-users limit on over an uninstalled app", cfg: mockorg.Config{Seed: seedWith(adminsWithout("UseAnyApiClient"),
			terraformAdmin(false, func(a *mockorg.SeedConnectedApp) { a.Installed = false }))},
			changes: []plannedImpact{{apiAccessControlType, func(_ *impact.Base, ch *impact.Changes) {
				ch.SetLimitAll(true)
			}}},
			wantSummary:  "Plan Would Lock the Provider Out: sfaccess_api_access_control",
			wantInDetail: []string{"(rule allowed) and would be refused by rule app_not_approved"}, wantSeverity: diag.SeverityError},
		{name: "a pre-issued token: the user's own API Enabled", token: true, cfg: mockorg.Config{Seed: seedWith(adminsWithout("ApiEnabled"),
			adminAssigned("Api_Users", "ApiEnabled"))},
			changes:      []plannedImpact{planUnassign("Api_Users", userAdmin)},
			wantSummary:  `Plan Would Lock the Provider Out: sfaccess_permission_set_assignment "Api_Users/admin@acme.test"`,
			wantInDetail: []string{"admin@acme.test with the pre-issued access_token (its app is unknown", "would be refused by rule api_not_enabled"},
			wantSeverity: diag.SeverityError},
		{name: "the External Client App's own grant", key: "AcmeSyncKey0001", secret: "AcmeSyncSecret0001",
			cfg:          mockorg.Config{Seed: seedWith(adminsWithout("UseAnyApiClient"))},
			changes:      []plannedImpact{planRevokeECAProfileGrant("Acme_Sync", "System Administrator")},
			wantSummary:  `Plan Would Lock the Provider Out: sfaccess_external_client_app_access "Acme_Sync/profile:System Administrator"`,
			wantInDetail: []string{"admin@acme.test through External Client App Acme_Sync (the client credentials flow)", "rule eca_not_admin_approved"},
			wantSeverity: diag.SeverityError},
		// Use Any API Client admits the admin to the ECA without its grant.
		{name: "the External Client App's own grant, Use Any API Client", key: "AcmeSyncKey0001", secret: "AcmeSyncSecret0001",
			changes: []plannedImpact{planRevokeECAProfileGrant("Acme_Sync", "System Administrator")}},
		{name: "Use Any API Client, the External Client App's grant gone", key: "AcmeSyncKey0001", secret: "AcmeSyncSecret0001",
			cfg:            mockorg.Config{Seed: seedWith(adminsWithout("UseAnyApiClient"), adminAssigned("Bypass", "UseAnyApiClient"))},
			changes:        []plannedImpact{planRevokeECAProfileGrant("Acme_Sync", "System Administrator"), planUnassign("Bypass", userAdmin)},
			wantSummary:    `Plan Would Lock the Provider Out: sfaccess_permission_set_assignment "Bypass/admin@acme.test"`,
			wantInDetail:   []string{"admin@acme.test through External Client App Acme_Sync (the client credentials flow)", "(rule eca_bypass_use_any_api_client) and would be refused by rule eca_not_admin_approved"},
			wantSeverity:   diag.SeverityError,
			wantReportedAt: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newTestOrgWith(t, tc.cfg)
			key, secret := adminKey, adminSecret
			if tc.key != "" {
				key, secret = tc.key, tc.secret
			}
			cfg := orgapi.Config{ClientID: key, ClientSecret: secret}
			if tc.token {
				cfg = orgapi.Config{AccessToken: o.MustToken(t, userAdmin, appTerraformAdmin)}
			}
			d := selfLockoutData(t, o, cfg, tc.allow)
			for i, change := range tc.changes {
				var diags diag.Diagnostics
				d.reportAccessImpact(context.Background(), change, &diags)
				got := lockoutDiags(diags)
				if tc.wantSummary == "" || i != tc.wantReportedAt {
					if len(got) != 0 {
						t.Errorf("change %d: unexpected %s: %s", i, got[0].Summary(), got[0].Detail())
					}
					continue
				}
				if len(got) != 1 || got[0].Summary() != tc.wantSummary || got[0].Severity() != tc.wantSeverity {
					t.Fatalf("change %d: got %v, want one %v %q", i, got, tc.wantSeverity, tc.wantSummary)
				}
				for _, want := range tc.wantInDetail {
					if !strings.Contains(got[0].Detail(), want) {
						t.Errorf("detail lacks %q:\n%s", want, got[0].Detail())
					}
				}
			}
		})
	}
}

// TestSelfLockoutGuardReadsTheAppOnce: a change that can only open access looks nothing up, and
// the running app is looked up once per configuration, not once per change.
func TestSelfLockoutGuardReadsTheAppOnce(t *testing.T) {
	o := newTestOrg(t)
	key, secret := mockorgtest.AppCredentials(t, appTerraformAdmin)
	d := selfLockoutData(t, o, orgapi.Config{ClientID: key, ClientSecret: secret}, false)
	install := func(app string) plannedImpact {
		return plannedImpact{subjectOf(installationType, app), func(_ *impact.Base, ch *impact.Changes) {
			ch.SetInstalled(app, true, false)
		}}
	}
	calls := func() int {
		byOp := o.Stats(t).ByOperation
		n := 0
		for op, c := range byOp {
			if op != "oauth:token" {
				n += c
			}
		}
		return n
	}
	report := func(p plannedImpact) {
		var diags diag.Diagnostics
		d.reportAccessImpact(context.Background(), p, &diags)
		if got := lockoutDiags(diags); len(got) != 0 || diags.HasError() {
			t.Fatalf("%s: %v", p.subject, diags)
		}
	}
	report(install(appPartnerPortal)) // reads what the access impact needs, once
	o.ResetStats(t)
	report(install(appWorkbench))
	if n := calls(); n != 0 {
		t.Errorf("a change that only opens access made %d calls, want 0", n)
	}
	report(planUninstall(appWorkbench))
	if byOp := o.Stats(t).ByOperation; byOp["soap:readMetadata"] == 0 {
		t.Errorf("the first change that can take access away did not look the running app up: %v", byOp)
	}
	o.ResetStats(t)
	report(planUninstall(appPartnerPortal))
	if n := calls(); n != 0 {
		t.Errorf("the second change that can take access away made %d calls, want 0", n)
	}
}

// TestAccSelfLockout: blocking the app the provider logs in through (Terraform_Admin, client
// credentials as the admin) or removing the admin's only grant of it fails at plan, naming the
// app, the user and the rule, and writes nothing; allow_self_lockout lets the plan through; a
// change that leaves the provider's login alone applies.
func TestAccSelfLockout(t *testing.T) {
	o := newTestOrg(t)
	own := func(blocked bool) string {
		return fmt.Sprintf(`
resource "sfaccess_connected_app_installation" "terraform" {
  connected_app_name = "Terraform_Admin"
  blocked            = %t
}
`, blocked)
	}
	const grant = `
resource "sfaccess_connected_app_access" "admins" {
  connected_app_name = "Terraform_Admin"
  profile_name       = "System Administrator"
}
`
	const imports = `
import {
  to = sfaccess_connected_app_installation.terraform
  id = "Terraform_Admin"
}

import {
  to = sfaccess_connected_app_access.admins
  id = "Terraform_Admin/profile:System Administrator"
}
`
	// forget leaves the org's own installation and grant to the org when the test ends.
	const forget = `
removed {
  from = sfaccess_connected_app_installation.terraform
  lifecycle {
    destroy = false
  }
}

removed {
  from = sfaccess_connected_app_access.admins
  lifecycle {
    destroy = false
  }
}
`
	const blockWorkbench = `
resource "sfaccess_connected_app_installation" "workbench" {
  connected_app_name = "Workbench"
  blocked            = true
}
`
	noWrites := func() {
		if writes := o.Stats(t).Writes; writes != 0 {
			t.Errorf("a refused plan wrote %d times to the org", writes)
		}
	}
	accepting := strings.Replace(o.providerConfig(), "}\n", "  allow_self_lockout = true\n}\n", 1)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: o.config(own(false), grant, imports)},
			{
				PreConfig: func() { o.ResetStats(t) },
				Config:    o.config(own(true), grant),
				ExpectError: expectDiagnostics(`Plan Would Lock the Provider Out: sfaccess_connected_app_installation "Terraform_Admin"`,
					"admin@acme.test through connected app Terraform_Admin (the client credentials flow) is allowed now",
					"would be refused by rule app_blocked", "set allow_self_lockout = true"),
			},
			{
				PreConfig: noWrites,
				Config:    o.config(own(false)),
				ExpectError: expectDiagnostics(`Plan Would Lock the Provider Out: sfaccess_connected_app_access "Terraform_Admin/profile:System Administrator"`,
					"admin@acme.test through connected app Terraform_Admin", "would be refused by rule not_admin_approved"),
			},
			{
				PreConfig:          noWrites,
				Config:             accepting + own(true) + grant,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: noWrites,
				Config:    o.config(own(false), grant, blockWorkbench),
				Check: o.checkTokens(t, denies(userEmployee, appWorkbench, "OAUTH_APP_BLOCKED"),
					allows(userAdmin, appTerraformAdmin)),
			},
			{Config: o.config(blockWorkbench, forget)},
		},
	})
}

// TestAccSelfLockout_uninstallAndPermittedUsers: in an org whose admins lack Use Any API Client
// under the all-users limit, and whose Terraform_Admin lets every user in, uninstalling the app
// or switching its Permitted Users to admin approved cuts the provider off: both fail at plan.
func TestAccSelfLockout_uninstallAndPermittedUsers(t *testing.T) {
	o := newTestOrgWith(t, mockorg.Config{Seed: seedWith(allUsersLimit, adminsWithout("UseAnyApiClient"),
		terraformAdmin(true, func(a *mockorg.SeedConnectedApp) { a.AdminApproved = false }))})
	const installation = `
resource "sfaccess_connected_app_installation" "terraform" {
  connected_app_name = "Terraform_Admin"
}
`
	const adminApproved = `
import {
  to = sfaccess_connected_app.terraform
  id = "Terraform_Admin"
}

resource "sfaccess_connected_app" "terraform" {
  name                      = "Terraform_Admin"
  label                     = "Terraform Admin"
  contact_email             = "admin@acme.test"
  description               = "Runs Terraform against this org with the client credentials flow."
  callback_urls             = ["https://localhost/oauth/callback"]
  scopes                    = ["Api", "RefreshToken"]
  client_credentials_user   = "admin@acme.test"
  admin_approved_users_only = true
}
`
	noWrites := func() {
		if writes := o.Stats(t).Writes; writes != 0 {
			t.Errorf("a refused plan wrote %d times to the org", writes)
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: o.config(installation, `
import {
  to = sfaccess_connected_app_installation.terraform
  id = "Terraform_Admin"
}
`)},
			{
				PreConfig: func() { o.ResetStats(t) },
				Config:    o.providerConfig(),
				ExpectError: expectDiagnostics(`Plan Would Lock the Provider Out: sfaccess_connected_app_installation "Terraform_Admin"`,
					"admin@acme.test through connected app Terraform_Admin (the client credentials flow) is allowed now (rule allowed)",
					"would be refused by rule app_not_approved"),
			},
			{
				PreConfig: noWrites,
				Config:    o.config(installation, adminApproved),
				ExpectError: expectDiagnostics(`Plan Would Lock the Provider Out: sfaccess_connected_app "Terraform_Admin"`,
					"would be refused by rule not_admin_approved"),
			},
			{
				PreConfig: noWrites,
				Config: o.config(`
removed {
  from = sfaccess_connected_app_installation.terraform
  lifecycle {
    destroy = false
  }
}
`),
			},
		},
	})
}

// TestAccSelfLockout_jwtBearer: blocking the app of the JWT bearer flow fails at plan too.
func TestAccSelfLockout_jwtBearer(t *testing.T) {
	o := newTestOrg(t)
	provider := o.providerConfigAs(t, userAdmin)
	install := func(blocked bool) string {
		return fmt.Sprintf(`
resource "sfaccess_connected_app_installation" "jwt" {
  connected_app_name = %q
  blocked            = %t
}
`, jwtClientApp, blocked)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { o.ResetStats(t) },
				Config:    provider + install(true),
				ExpectError: expectDiagnostics(`Plan Would Lock the Provider Out: sfaccess_connected_app_installation "Test_JWT_Client"`,
					"admin@acme.test through connected app Test_JWT_Client (the JWT bearer flow) is allowed now",
					"would be refused by rule app_blocked"),
			},
			{
				PreConfig: func() {
					if writes := o.Stats(t).Writes; writes != 0 {
						t.Errorf("a refused plan wrote %d times to the org", writes)
					}
				},
				Config: provider + install(false),
			},
		},
	})
}

func TestResolveAllowSelfLockout(t *testing.T) {
	for _, tc := range []struct {
		value     types.Bool
		env       string
		want      bool
		wantError bool
	}{
		{types.BoolNull(), "", false, false},
		{types.BoolNull(), "true", true, false},
		{types.BoolValue(false), "true", false, false}, // the block wins
		{types.BoolUnknown(), "", false, false},
		{types.BoolNull(), "yes please", false, true},
	} {
		var diags diag.Diagnostics
		got := resolveAllowSelfLockout(tc.value, func(string) string { return tc.env }, &diags)
		if got != tc.want || diags.HasError() != tc.wantError {
			t.Errorf("%v, env %q: got %t %v, want %t (error %t)", tc.value, tc.env, got, diags, tc.want, tc.wantError)
		}
		if tc.wantError && !strings.Contains(diags.Errors()[0].Detail(), `SFACCESS_ALLOW_SELF_LOCKOUT environment variable (allow_self_lockout) is "yes please"; it must be true or false`) {
			t.Errorf("detail: %s", diags.Errors()[0].Detail())
		}
	}
}
