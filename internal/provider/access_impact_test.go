package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// usageSeed is the embedded org, whose usage history has a partner who uses the uninstalled
// Workbench daily, customers whose integrations use the org's uninstalled Partner_Portal_Mobile,
// the admin's dormant approval of DataLoader from last year and employee's and customerplus's
// approvals of Workbench, plus an employee's use of the admin-approved Terraform_Admin (granted to
// System Administrator only, so far), with connected app creation allowed.
func usageSeed() *mockorg.Seed {
	seed := mockorgtest.CreationAllowedSeed()
	seed.OAuthTokens = append(seed.OAuthTokens,
		mockorg.SeedOAuthToken{Username: "employee@acme.test", ConnectedApp: "Terraform_Admin", CreatedDate: "2026-03-02T09:00:00.000Z", LastUsedDate: "2026-11-29T06:00:00.000Z", UseCount: 310},
	)
	return seed
}

// ecaUsageSeed is usageSeed with the employee's and the admin's use of the Acme_Sync ECA, which
// admits them through the Standard User and System Administrator profiles.
func ecaUsageSeed() *mockorg.Seed {
	seed := usageSeed()
	seed.OAuthTokens = append(seed.OAuthTokens,
		mockorg.SeedOAuthToken{Username: "employee@acme.test", ExternalClientApp: "Acme_Sync", CreatedDate: "2026-02-09T09:00:00.000Z", LastUsedDate: "2026-11-28T22:00:00.000Z", UseCount: 291},
		mockorg.SeedOAuthToken{Username: "admin@acme.test", ExternalClientApp: "Acme_Sync", CreatedDate: "2026-02-02T09:00:00.000Z", LastUsedDate: "2026-11-28T21:00:00.000Z", UseCount: 12},
	)
	return seed
}

// failOnAccessLossConfig is the provider block with access_loss = "fail" and expected_access_loss
// set to expected, a comma-separated list of HCL strings.
func (o *testOrg) failOnAccessLossConfig(expected string) string {
	return strings.Replace(o.providerConfig(), "}\n", "  access_loss = \"fail\"\n  expected_access_loss = ["+expected+"]\n}\n", 1)
}

// TestImpactLedgerReportsEachUserOnce plans two changes the way Terraform plans two resources:
// the second report names only what the first did not, and a change that flips nothing reports
// nothing.
func TestImpactLedgerReportsEachUserOnce(t *testing.T) {
	o := newTestOrgWith(t, mockorg.Config{Seed: usageSeed()})
	d := newProviderData(o.adminClient(t))
	ctx := context.Background()
	on := true
	var first, second, third diag.Diagnostics
	d.reportAccessImpact(ctx, plannedImpact{apiAccessControlType, func(_ *impactBase, ch *impactChanges) { ch.limitExternal = &on }}, &first)
	d.reportAccessImpact(ctx, plannedImpact{`sfaccess_connected_app_installation "Workbench"`, func(_ *impactBase, ch *impactChanges) {
		ch.installed, ch.blocked = map[string]bool{"Workbench": true}, map[string]bool{"Workbench": true}
	}}, &second)
	d.reportAccessImpact(ctx, plannedImpact{"nothing", func(*impactBase, *impactChanges) {}}, &third)

	if len(first) != 1 || first[0].Severity() != diag.SeverityWarning {
		t.Fatalf("first report: %v", first)
	}
	wantFirst := "API Access Impact of sfaccess_api_access_control: 4 users lose access, 0 gain"
	if first[0].Summary() != wantFirst {
		t.Errorf("summary %q, want %q", first[0].Summary(), wantFirst)
	}
	for _, line := range []string{
		"LOSE access through Workbench: 2 users, 640 uses in all (rule external_app_not_installed:",
		"  - partner@acme.test (last used 2026-11-28, 583 uses)",
		"  - customerplus@acme.test (last used 2026-11-25, 57 uses)",
		"LOSE access through Partner_Portal_Mobile: 2 users, 1536 uses in all (rule external_app_not_installed:",
		"  - customer@acme.test (last used 2026-11-27, 96 uses)",
		"In all: 4 users lose access to 4 (user, app) pairs; 0 users gain access to 0.",
	} {
		if !strings.Contains(first[0].Detail(), line) {
			t.Errorf("first report lacks %q:\n%s", line, first[0].Detail())
		}
	}
	if len(second) != 1 || strings.Contains(second[0].Detail(), "partner@") || !strings.Contains(second[0].Detail(), "employee@acme.test") ||
		!strings.Contains(second[0].Detail(), "rule app_blocked") {
		t.Errorf("second report should name employee (Workbench blocked) and not the partner reported before: %v", second)
	}
	if len(third) != 0 {
		t.Errorf("a change that flips nothing reported %v", third)
	}
}

func TestAccessLossPolicyNamesUnexpectedLosses(t *testing.T) {
	changes := []access.Change{
		{Use: access.Use{UserID: "1", Username: "partner@acme.test", App: "Workbench", UseCount: 5, LastUsed: "2026-11-28T07:30:00.000Z"},
			Before: access.Decision{Allowed: true, Rule: access.RuleAllowed}, After: access.Decision{Rule: access.RuleExternalAppNotInstalled}},
		{Use: access.Use{UserID: "2", Username: "customer@acme.test", App: "Partner_Portal_Mobile", UseCount: 5, LastUsed: "2026-11-27T07:30:00.000Z"},
			Before: access.Decision{Allowed: true, Rule: access.RuleAllowed}, After: access.Decision{Rule: access.RuleExternalAppNotInstalled}},
	}
	for _, tc := range []struct {
		policy      accessLossPolicy
		wantError   bool
		wantNamed   string
		wantUnnamed string
	}{
		{accessLossPolicy{}, false, "", ""},
		{accessLossPolicy{fail: true}, true, "partner@acme.test/Workbench, customer@acme.test/Partner_Portal_Mobile", ""},
		{accessLossPolicy{fail: true, expected: []string{"Workbench"}}, true, "customer@acme.test/Partner_Portal_Mobile.", "partner@acme.test/Workbench,"},
		{accessLossPolicy{fail: true, expected: []string{"partner@acme.test", "customer@acme.test/Partner_Portal_Mobile"}}, false, "", ""},
	} {
		d := tc.policy.diagnostic("x", changes)
		if (d.Severity() == diag.SeverityError) != tc.wantError {
			t.Errorf("%+v: %s %s", tc.policy, d.Summary(), d.Detail())
		}
		if tc.wantNamed != "" && !strings.Contains(d.Detail(), "does not name: "+tc.wantNamed) {
			t.Errorf("%+v: detail does not name %q: %s", tc.policy, tc.wantNamed, d.Detail())
		}
		if tc.wantUnnamed != "" && strings.Contains(d.Detail(), tc.wantUnnamed) {
			t.Errorf("%+v: detail names the expected %q", tc.policy, tc.wantUnnamed)
		}
	}
}

func TestResolveAccessLoss(t *testing.T) {
	env := map[string]string{envAccessLoss: "fail", envExpectedAccessLoss: "partner@acme.test, Workbench"}
	var diags diag.Diagnostics
	p := resolveAccessLoss(context.Background(), types.StringNull(), types.SetNull(types.StringType), func(k string) string { return env[k] }, &diags)
	if diags.HasError() || !p.fail || !p.expects("partner@acme.test", "Other") || !p.expects("x", "Workbench") || p.expects("x", "Other") {
		t.Errorf("from the environment: %+v %v", p, diags)
	}
	env[envAccessLoss] = "stop"
	resolveAccessLoss(context.Background(), types.StringNull(), types.SetNull(types.StringType), func(k string) string { return env[k] }, &diags)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), `SFACCESS_ACCESS_LOSS is "stop"`) {
		t.Errorf("a bad mode: %v", diags)
	}
}

// TestAccAccessImpact plans each change that can cut users off with access_loss = "fail", checks
// the report names exactly the users the rules predict, applies with those losses expected, and
// proves every prediction with real tokens.
func TestAccAccessImpact(t *testing.T) {
	o := newTestOrgWith(t, mockorg.Config{Seed: usageSeed()})
	provider := o.failOnAccessLossConfig
	externalLimit := `
resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = true
}
`
	allLimit := `
resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = true
  limit_all_users_to_approved_apps       = true
}
`
	blockWorkbench := `
resource "sfaccess_connected_app_installation" "workbench" {
  connected_app_name = "Workbench"
  blocked            = true
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: provider("") + externalLimit,
				ExpectError: expectDiagnostics("Unexpected Loss of API Access: sfaccess_api_access_control",
					"partner@acme.test/Workbench, customer@acme.test/Partner_Portal_Mobile, highvolume@acme.test/Partner_Portal_Mobile, customerplus@acme.test/Workbench",
					"LOSE access through Workbench: 2 users", "rule external_app_not_installed",
					"LOSE access through Partner_Portal_Mobile: 2 users"),
			},
			{
				// Naming the apps and a user lets the same change through.
				Config: provider(`"Partner_Portal_Mobile", "partner@acme.test", "customerplus@acme.test/Workbench"`) + externalLimit,
				Check: o.checkTokens(t,
					denies("partner@acme.test", "Workbench", "invalid_client"),
					denies("customerplus@acme.test", "Workbench", "invalid_client"),
					denies("customer@acme.test", "Partner_Portal_Mobile", "invalid_client"),
					denies("highvolume@acme.test", "Partner_Portal_Mobile", "invalid_client"),
					allows("employee@acme.test", "Workbench"),
					allows("admin@acme.test", "DataLoader")),
			},
			{
				// The all-users limit adds the employee; the admin's Use Any API Client keeps the
				// dormant DataLoader approval working.
				Config:      provider(`"Partner_Portal_Mobile", "partner@acme.test", "customerplus@acme.test/Workbench"`) + allLimit,
				ExpectError: expectDiagnostics("does not name: employee@acme.test/Workbench.", "rule app_not_approved"),
			},
			{
				Config: provider(`"Workbench", "Partner_Portal_Mobile"`) + allLimit,
				Check: o.checkTokens(t,
					denies("employee@acme.test", "Workbench", "invalid_client"),
					allows("admin@acme.test", "DataLoader")),
			},
			{
				// Back to the external limit: the employee regains Workbench, which is no loss.
				Config: provider(`"Partner_Portal_Mobile", "partner@acme.test", "customerplus@acme.test"`) + externalLimit,
				Check:  o.checkTokens(t, allows("employee@acme.test", "Workbench")),
			},
			{
				// Blocking Workbench cuts the employee off by app_blocked; the partners, cut off
				// already, are not reported again.
				Config:      provider(`"Partner_Portal_Mobile", "partner@acme.test", "customerplus@acme.test"`) + externalLimit + blockWorkbench,
				ExpectError: expectDiagnostics("Unexpected Loss of API Access: sfaccess_connected_app_installation \"Workbench\"", "does not name: employee@acme.test/Workbench.", "rule app_blocked"),
			},
			{
				Config: provider(`"Workbench", "Partner_Portal_Mobile"`) + externalLimit + blockWorkbench,
				Check: o.checkTokens(t,
					denies("employee@acme.test", "Workbench", "OAUTH_APP_BLOCKED"),
					denies("partner@acme.test", "Workbench", "OAUTH_APP_BLOCKED"),
					allows("admin@acme.test", "DataLoader")),
			},
		},
	})
}

// TestAccAccessImpactOfGrantsAndAssignments removes a UseAnyApiClient assignment and an app's
// grant: the plan names the user each removal cuts off, and tokens confirm it after apply.
func TestAccAccessImpactOfGrantsAndAssignments(t *testing.T) {
	o := newTestOrgWith(t, mockorg.Config{Seed: usageSeed()})
	provider := o.failOnAccessLossConfig
	const externalExpected = `"customer@acme.test", "highvolume@acme.test", "customerplus@acme.test"`
	bypassSet := `
resource "sfaccess_permission_set" "bypass" {
  name             = "Partner_Bypass"
  label            = "Partner Bypass"
  user_permissions = ["UseAnyApiClient"]
}
`
	bypass := bypassSet + `
resource "sfaccess_permission_set_assignment" "partner" {
  permission_set_name = sfaccess_permission_set.bypass.name
  username            = "partner@acme.test"
}
`
	operators := `
resource "sfaccess_permission_set" "operators" {
  name  = "Terraform_Operators"
  label = "Terraform Operators"
}

resource "sfaccess_permission_set_assignment" "employee" {
  permission_set_name = sfaccess_permission_set.operators.name
  username            = "employee@acme.test"
}
`
	grant := `
resource "sfaccess_connected_app_access" "operators" {
  connected_app_name  = "Terraform_Admin"
  permission_set_name = sfaccess_permission_set.operators.name
}
`
	externalLimit := `
resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = true
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Gains are never a failure.
				Config: provider("") + bypass + operators + grant,
				Check:  o.checkTokens(t, allows("employee@acme.test", "Terraform_Admin")),
			},
			{
				// Use Any API Client keeps the partner's Workbench through the external limit.
				Config: provider(externalExpected) + bypass + operators + grant + externalLimit,
				Check:  o.checkTokens(t, allows("partner@acme.test", "Workbench"), denies("customer@acme.test", "Partner_Portal_Mobile", "invalid_client")),
			},
			{
				Config: provider(externalExpected) + bypassSet + operators + grant + externalLimit,
				ExpectError: expectDiagnostics(`Unexpected Loss of API Access: sfaccess_permission_set_assignment "Partner_Bypass/partner@acme.test"`,
					"does not name: partner@acme.test/Workbench.", "rule external_app_not_installed"),
			},
			{
				Config: provider(externalExpected+`, "partner@acme.test"`) + operators + grant + externalLimit,
				Check: o.checkTokens(t,
					denies("partner@acme.test", "Workbench", "invalid_client"),
					allows("employee@acme.test", "Terraform_Admin")),
			},
			{
				Config: provider(externalExpected+`, "partner@acme.test"`) + operators + externalLimit,
				ExpectError: expectDiagnostics(`Unexpected Loss of API Access: sfaccess_connected_app_access "Terraform_Admin/Terraform_Operators"`,
					"does not name: employee@acme.test/Terraform_Admin.", "rule not_admin_approved"),
			},
			{
				Config: provider(externalExpected+`, "partner@acme.test", "employee@acme.test/Terraform_Admin"`) + operators + externalLimit,
				Check: o.checkTokens(t,
					denies("employee@acme.test", "Terraform_Admin", "invalid_app_access"),
					allows("admin@acme.test", "Terraform_Admin"),
					allows("employee@acme.test", "Workbench")),
			},
		},
	})
}

// TestImpactWithoutTheSetupExtension: against an org that cannot say which apps are installed (a
// real org), a plan predicts nothing and stays quiet, unless access_loss = "fail" asked for a
// guarantee it cannot give.
func TestImpactWithoutTheSetupExtension(t *testing.T) {
	o := newTestOrgWith(t, mockorg.Config{Seed: usageSeed(), DisableSetupExtension: true})
	on := true
	limit := plannedImpact{apiAccessControlType, func(_ *impactBase, ch *impactChanges) { ch.limitExternal = &on }}
	for _, fail := range []bool{false, true} {
		d := newProviderData(o.adminClient(t))
		d.impact.policy.fail = fail
		var diags diag.Diagnostics
		d.reportAccessImpact(context.Background(), limit, &diags)
		d.reportAccessImpact(context.Background(), limit, &diags)
		switch {
		case !fail && len(diags) != 0:
			t.Errorf("warn mode reported %v", diags)
		case fail && (len(diags) != 1 || diags[0].Severity() != diag.SeverityError || diags[0].Summary() != "Access Impact Not Analysed"):
			t.Errorf("fail mode: %v", diags)
		}
	}
}

// TestAccAccessImpactOfExternalClientApps: the employee and the admin use the Ledger_Sync ECA.
// Dropping the Standard User grant fails the plan naming the employee, and after apply the
// employee's token through the ECA is refused while the admin's works; switching the OAuth plugin
// off then fails the plan naming the admin.
func TestAccAccessImpactOfExternalClientApps(t *testing.T) {
	o := newEmbeddedTestOrg(t)
	sessions := map[string]string{}
	reaches := func(want map[string]bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for username, wantOK := range want {
				if ok, code := o.callREST(t, sessions[username]); ok != wantOK {
					return fmt.Errorf("%s through Ledger_Sync: ok=%v (%s), want %v", username, ok, code, wantOK)
				}
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: o.providerConfig() + ecaConfig(true, true, "1"),
				Check: func(*terraform.State) error {
					// Their logins record their use of the ECA (OauthToken), which the analysis reads.
					for _, username := range []string{userEmployee, userAdmin} {
						sessions[username] = o.ecaSession(t, username, "Ledger_Sync")
					}
					return nil
				},
			},
			{
				Config: o.failOnAccessLossConfig("") + ecaConfig(false, true, "1"),
				ExpectError: expectDiagnostics(`Unexpected Loss of API Access: sfaccess_external_client_app_access "Ledger_Sync/profile:Standard User"`,
					"does not name: employee@acme.test/Ledger_Sync.", "External Client App Ledger_Sync", "rule eca_not_admin_approved"),
			},
			{
				Config: o.failOnAccessLossConfig(`"employee@acme.test/Ledger_Sync"`) + ecaConfig(false, true, "1"),
				Check:  reaches(map[string]bool{userEmployee: false, userAdmin: true}),
			},
			{
				Config: o.failOnAccessLossConfig(`"employee@acme.test/Ledger_Sync"`) + ecaConfig(false, false, "1"),
				ExpectError: expectDiagnostics(`Unexpected Loss of API Access: sfaccess_external_client_app "Ledger_Sync"`,
					"does not name: admin@acme.test/Ledger_Sync.", "rule eca_oauth_plugin_disabled"),
			},
			{
				Config: o.failOnAccessLossConfig(`"Ledger_Sync"`) + ecaConfig(false, false, "1"),
				Check:  reaches(map[string]bool{userEmployee: false, userAdmin: false}),
			},
		},
	})
}

// An API user who may block an app but not read the API Access Control settings (App Manager has
// no Modify All Data) still plans: the plan warns that the impact was not worked out and names the
// missing permission. Under access_loss = "fail" the same plan stops.
func TestAccAccessImpact_notAnalysedWithoutModifyAllData(t *testing.T) {
	org := newTestOrg(t)
	provider := providerConfigRunningAs(t, org, userAppManager)
	block := `
resource "sfaccess_connected_app_installation" "workbench" {
  connected_app_name = "Workbench"
  blocked            = true
}
`
	cli := newTerraformCLI(t, provider+block)
	out := cli.mustRun("plan")
	if !strings.Contains(out, "Warning: Access Impact Not Analysed") || !strings.Contains(out, "ModifyAllData") {
		t.Errorf("a plan by a user without Modify All Data: want the warning naming ModifyAllData, got:\n%s", out)
	}
	if !strings.Contains(out, "1 to add") {
		t.Errorf("the plan did not go on after the warning:\n%s", out)
	}

	cli.writeConfig(strings.Replace(provider, "provider \"sfaccess\" {\n", "provider \"sfaccess\" {\n  access_loss = \"fail\"\n", 1) + block)
	out, err := cli.run("plan")
	if err == nil || !strings.Contains(out, "ModifyAllData") {
		t.Errorf("under access_loss = \"fail\": want a failed plan naming ModifyAllData, got err=%v:\n%s", err, out)
	}
}
