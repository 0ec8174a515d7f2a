package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

const testAppAddr = "sfaccess_connected_app.test"

var (
	connectedAppIDPattern = regexp.MustCompile(`^0H4[A-Za-z0-9]{15}$`)
	consumerKeyPattern    = regexp.MustCompile(`^[A-Za-z0-9]{8,256}$`)
)

// minimalConnectedApp is the smallest valid configuration of an app called name.
func minimalConnectedApp(name string) string {
	return fmt.Sprintf(`
resource "sfaccess_connected_app" "test" {
  name          = %q
  label         = "Partner Portal"
  contact_email = "platform@acme.test"
  callback_urls = ["https://portal.acme.test/oauth/callback"]
  scopes        = ["Api", "RefreshToken"]
}
`, name)
}

// fullConnectedApp sets every attribute that can change in place.
func fullConnectedApp(name, cert string) string {
	return fmt.Sprintf(`
resource "sfaccess_connected_app" "test" {
  name                      = %q
  label                     = "Partner Portal (mobile)"
  contact_email             = "mobile-team@acme.test"
  contact_phone             = "+1 415 555 0100"
  description               = "Mobile app for partners."
  info_url                  = "https://portal.acme.test/about"
  start_url                 = "https://portal.acme.test/start"
  callback_urls             = ["https://portal.acme.test/oauth/callback", "com.acme.portal:/oauth2redirect", "http://localhost:1717/OauthRedirect"]
  scopes                    = ["Api", "Basic", "OpenID", "RefreshToken"]
  admin_approved_users_only = true
  ip_relaxation             = "BYPASS_2FACTOR"
  refresh_token_policy      = "specific_inactivity:7:DAYS"
  certificate               = %q
  client_credentials_user   = "employee@acme.test"
  pkce_required             = true
}
`, name, cert)
}

func TestAccConnectedApp_lifecycle(t *testing.T) {
	org := newTestOrg(t)
	// Salesforce returns the certificate without the trailing newline a PEM file has; the
	// configuration gives it the same way so the import step compares like with like (the
	// whitespace tolerance itself is pinned by TestConnectedAppModelRoundTrip).
	pemFile, _ := testCertificatePEM(t)
	cert := strings.TrimSpace(pemFile)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameKey := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkConnectedAppsDestroyed(t, org),
		Steps: []resource.TestStep{
			{
				Config: org.providerConfig() + minimalConnectedApp("Portal_App"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testAppAddr, tfjsonpath.New("id")),
					sameKey.AddStateValue(testAppAddr, tfjsonpath.New("consumer_key")),
					newID.AddStateValue(testAppAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(connectedAppIDPattern)),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("consumer_key"), knownvalue.StringRegexp(consumerKeyPattern)),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("label"), knownvalue.StringExact("Partner Portal")),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("scopes"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("Api"), knownvalue.StringExact("RefreshToken")})),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("admin_approved_users_only"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("pkce_required"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("ip_relaxation"), knownvalue.StringExact("ENFORCE")),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("refresh_token_policy"), knownvalue.StringExact("infinite")),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("client_credentials_user"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("consumer_secret_wo"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					app, err := org.adminClient(t).ReadConnectedApp(context.Background(), "Portal_App")
					if err != nil {
						return fmt.Errorf("the org does not have the app: %w", err)
					}
					if app.Label != "Partner Portal" || app.IsAdminApproved || app.IPRelaxation != "ENFORCE" {
						return fmt.Errorf("the org holds %+v", *app)
					}
					return nil
				},
			},
			{
				// Every attribute but the name, key and secret changes in place.
				Config: org.providerConfig() + fullConnectedApp("Portal_App", cert),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testAppAddr, tfjsonpath.New("id")),
					sameKey.AddStateValue(testAppAddr, tfjsonpath.New("consumer_key")),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("callback_urls"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("https://portal.acme.test/oauth/callback"),
						knownvalue.StringExact("com.acme.portal:/oauth2redirect"),
						knownvalue.StringExact("http://localhost:1717/OauthRedirect"),
					})),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("admin_approved_users_only"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("ip_relaxation"), knownvalue.StringExact("BYPASS_2FACTOR")),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("refresh_token_policy"), knownvalue.StringExact("specific_inactivity:7:DAYS")),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("client_credentials_user"), knownvalue.StringExact(userEmployee)),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("contact_phone"), knownvalue.StringExact("+1 415 555 0100")),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("pkce_required"), knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					app, err := org.adminClient(t).ReadConnectedApp(context.Background(), "Portal_App")
					if err != nil {
						return err
					}
					if !app.IsAdminApproved || app.RefreshTokenPolicy != "specific_inactivity:7:DAYS" || app.ClientCredentialUser != userEmployee ||
						strings.TrimSpace(app.Certificate) != strings.TrimSpace(cert) || len(app.CallbackURLs) != 3 {
						return fmt.Errorf("the org holds %+v", *app)
					}
					return nil
				},
			},
			{
				ResourceName:      testAppAddr,
				ImportState:       true,
				ImportStateId:     "Portal_App",
				ImportStateVerify: true,
			},
			{
				// Removing the optional attributes clears them in the org; defaults come back.
				Config: org.providerConfig() + minimalConnectedApp("Portal_App"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testAppAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("certificate"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("client_credentials_user"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("info_url"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("ip_relaxation"), knownvalue.StringExact("ENFORCE")),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("admin_approved_users_only"), knownvalue.Bool(false)),
				},
			},
			{
				// A new API name is a new app.
				Config: org.providerConfig() + minimalConnectedApp("Portal_App_v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(testAppAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("name"), knownvalue.StringExact("Portal_App_v2")),
				},
				Check: func(*terraform.State) error {
					_, err := org.adminClient(t).ReadConnectedApp(context.Background(), "Portal_App")
					if !isNotFound(err) {
						return fmt.Errorf("the replaced app Portal_App still exists (err=%w)", err)
					}
					return nil
				},
			},
		},
	})
}

func TestAccConnectedApp_consumerKeyForcesReplacement(t *testing.T) {
	org := newTestOrg(t)
	takenKey, _ := mockorgtest.AppCredentials(t, appWorkbench)
	config := func(key string) string {
		return org.providerConfig() + fmt.Sprintf(`
resource "sfaccess_connected_app" "test" {
  name          = "Keyed_App"
  label         = "Keyed App"
  contact_email = "platform@acme.test"
  callback_urls = ["https://keyed.acme.test/cb"]
  scopes        = ["Api"]
  consumer_key  = %q
}
`, key)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkConnectedAppsDestroyed(t, org),
		Steps: []resource.TestStep{
			{
				Config: config("KeyedAppKey0001"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("consumer_key"), knownvalue.StringExact("KeyedAppKey0001")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: config("KeyedAppKey0002"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("consumer_key"), knownvalue.StringExact("KeyedAppKey0002")),
				},
			},
			{
				// A key another app already uses is refused by the org, naming the field.
				Config:      config(takenKey),
				ExpectError: expectDiagnostics("consumer key is already taken"),
			},
		},
	})
}

// TestAccConnectedApp_drift changes and deletes the app out of band, as a person in Setup would.
func TestAccConnectedApp_drift(t *testing.T) {
	org := newTestOrg(t)
	admin := org.adminClient(t)
	ctx := context.Background()
	config := org.providerConfig() + minimalConnectedApp("Drifting_App")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkConnectedAppsDestroyed(t, org),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					app, err := admin.ReadConnectedApp(ctx, "Drifting_App")
					if err != nil {
						t.Fatalf("reading the app: %v", err)
					}
					app.Label = "Renamed In Setup"
					app.IsAdminApproved = true
					app.Scopes = append(app.Scopes, "Web")
					if err := admin.UpdateConnectedApp(ctx, app); err != nil {
						t.Fatalf("changing the app out of band: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("label"), knownvalue.StringExact("Partner Portal")),
						plancheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("admin_approved_users_only"), knownvalue.Bool(false)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() {
					if err := admin.DeleteConnectedApp(ctx, "Drifting_App"); err != nil {
						t.Fatalf("deleting the app out of band: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccConnectedApp_validation proves every plan-time check fails the plan with its message.
func TestAccConnectedApp_validation(t *testing.T) {
	org := newTestOrg(t)
	_, key := testCertificatePEM(t)
	app := func(extra string) string {
		return org.providerConfig() + fmt.Sprintf(`
resource "sfaccess_connected_app" "test" {
  name          = "Valid_App"
  label         = "Valid"
  contact_email = "platform@acme.test"
  callback_urls = ["https://valid.acme.test/cb"]
  scopes        = ["Api"]
%s
}
`, extra)
	}
	// replaceLine swaps one attribute of the base configuration.
	replaceLine := func(attr, value string) string {
		base := app("")
		re := regexp.MustCompile(`(?m)^  ` + attr + `\s*=.*$`)
		return re.ReplaceAllString(base, "  "+attr+" = "+value)
	}
	steps := []struct {
		config string
		err    string
	}{
		{replaceLine("name", `"1st_App"`), "is not a valid API name"},
		{replaceLine("name", `"My__App"`), "is not a valid API name"},
		{replaceLine("name", `"My_App_"`), "is not a valid API name"},
		{replaceLine("label", `"`+strings.Repeat("L", 81)+`"`), "Salesforce allows at most 80"},
		{replaceLine("contact_email", `"Platform <platform@acme.test>"`), "is not a valid email address"},
		{replaceLine("callback_urls", `["http://portal.acme.test/cb"]`), "only https:// is allowed, except for localhost"},
		{replaceLine("callback_urls", `["javascript:alert(1)"]`), "cannot receive an OAuth redirect"},
		{replaceLine("callback_urls", `[]`), "at least 1"},
		{replaceLine("callback_urls", `["https://a.acme.test/cb", "https://a.acme.test/cb"]`), "duplicate"},
		{replaceLine("scopes", `["Api", "Email"]`), "Use Basic instead of Email"},
		{replaceLine("scopes", `["OfflineAccess"]`), "Use RefreshToken instead of OfflineAccess"},
		{replaceLine("scopes", `["api"]`), "case-sensitive"},
		{app(`  info_url = "http://portal.acme.test/about"`), "only https:// is allowed"},
		{app(`  start_url = "portal.acme.test"`), "is not an absolute URL"},
		{app(`  contact_phone = "` + strings.Repeat("5", 41) + `"`), "Salesforce allows at most 40"},
		{app(`  description = ""`), "must not be an empty string"},
		{app(`  ip_relaxation = "RELAXED"`), "is not an IP relaxation policy"},
		{app(`  refresh_token_policy = "specific_lifetime:2:WEEKS"`), "is not a refresh token policy"},
		{app(`  certificate = "MIIBIjANBgkq"`), "is not PEM-encoded"},
		{app(`  certificate = <<EOT` + "\n" + key + "EOT"), "not a CERTIFICATE"},
		{app(`  client_credentials_user = "integration"`), "is not a Salesforce username"},
		{app(`  consumer_key = "short"`), "Salesforce requires 8 to 256"},
		{app(`  consumer_secret_wo_version = 1`), "consumer_secret_wo"},
		// Checked against the org at plan time.
		{app(`  client_credentials_user = "nobody@acme.test"`), "has no user with the username"},
	}
	var testSteps []resource.TestStep
	for _, s := range steps {
		testSteps = append(testSteps, resource.TestStep{Config: s.config, PlanOnly: true, ExpectError: expectDiagnostics(s.err)})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    testSteps,
	})
}

// TestAccConnectedApp_insufficientPermissions runs as users who may not manage connected apps.
func TestAccConnectedApp_insufficientPermissions(t *testing.T) {
	org := newTestOrg(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkConnectedAppsDestroyed(t, org),
		Steps: []resource.TestStep{
			{
				// Read Only has neither Customize Application nor Manage Connected Apps. PlanOnly:
				// the plan itself must fail, before anything is sent to the org.
				Config:      providerConfigRunningAs(t, org, userReadOnly) + minimalConnectedApp("Forbidden_App"),
				PlanOnly:    true,
				ExpectError: expectDiagnostics("Insufficient Permissions", `needs CustomizeApplication ("Customize Application") and (ModifyAllData ("Modify All Data") or ManageRemoteAccess ("Manage Connected Apps")), and the provider's user readonly@acme.test lacks CustomizeApplication ("Customize Application") and one of ModifyAllData ("Modify All Data") or ManageRemoteAccess ("Manage Connected Apps")`),
			},
			{
				// The same user with a token from the password grant: whether the plan or the
				// org refuses, the error names the permissions.
				Config:      providerConfigThrough(t, org, userReadOnly, appPartnerPortal) + minimalConnectedApp("Forbidden_App"),
				ExpectError: expectDiagnostics("Insufficient Permissions", "CustomizeApplication"),
			},
			{
				// App Manager may manage apps (Customize Application + Manage Connected Apps).
				Config: providerConfigThrough(t, org, userAppManager, appPartnerPortal) + minimalConnectedApp("Allowed_App"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(connectedAppIDPattern)),
				},
			},
		},
	})
	if _, err := org.adminClient(t).ReadConnectedApp(context.Background(), "Forbidden_App"); !isNotFound(err) {
		t.Errorf("the org created Forbidden_App for a user without permission (err=%v)", err)
	}
}

// providerConfigThrough is a provider block acting as username with a token minted through app
// by the password grant. Users other than the admin cannot use Terraform_Admin, whose Permitted
// Users are the System Administrator profile only, so they log in through a self-authorize app:
// Partner_Portal_Mobile, which was created in the org, because the usage restriction refuses them
// the uninstalled Workbench, which they never authorized.
func providerConfigThrough(t *testing.T, org *testOrg, username, app string) string {
	t.Helper()
	return fmt.Sprintf(`
provider "sfaccess" {
  instance_url = %q
  access_token = %q
}
`, org.URL, org.MustToken(t, username, app))
}

// providerConfigRunningAs is a provider block whose client credentials run as username, through
// an integration app the admin creates for it: the way a pipeline runs as a dedicated user. The
// token answer names the user, so the provider knows whom to check permissions for while planning.
func providerConfigRunningAs(t *testing.T, org *testOrg, username string) string {
	t.Helper()
	local := regexp.MustCompile(`[^A-Za-z0-9]`).ReplaceAllString(strings.SplitN(username, "@", 2)[0], "")
	key, secret := "RunAs"+local+"Key0001", "RunAs"+local+"Secret0001"
	err := org.adminClient(t).CreateConnectedApp(context.Background(), &orgapi.ConnectedApp{
		FullName:             "Run_As_" + local,
		Label:                "Run as " + username,
		ContactEmail:         "platform@acme.test",
		CallbackURLs:         []string{"https://localhost/oauth/callback"},
		Scopes:               []string{"Api"},
		ClientCredentialUser: username,
		ConsumerKey:          key,
		ConsumerSecret:       secret,
	})
	if err != nil {
		t.Fatalf("creating the integration app for %s: %v", username, err)
	}
	return fmt.Sprintf(`
provider "sfaccess" {
  instance_url  = %q
  client_id     = %q
  client_secret = %q
}
`, org.URL, key, secret)
}

// checkConnectedAppsDestroyed asks the org that every connected app in the final state is gone.
func checkConnectedAppsDestroyed(t *testing.T, org *testOrg) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		admin := org.adminClient(t)
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "sfaccess_connected_app" {
				continue
			}
			name := rs.Primary.Attributes["name"]
			_, err := admin.ReadConnectedApp(context.Background(), name)
			if err == nil {
				return fmt.Errorf("connected app %s still exists", name)
			}
			if !isNotFound(err) {
				return fmt.Errorf("checking connected app %s: %w", name, err)
			}
			if _, err := admin.ConnectedApplicationByName(context.Background(), name); !isNotFound(err) {
				return fmt.Errorf("ConnectedApplication record of %s still exists (err=%w)", name, err)
			}
		}
		return nil
	}
}

func TestConnectedAppModelRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cert, _ := testCertificatePEM(t)
	app := &orgapi.ConnectedApp{
		FullName: "Portal", Label: "Portal", ContactEmail: "a@acme.test",
		CallbackURLs: []string{"https://b.acme.test/cb", "https://a.acme.test/cb"},
		Scopes:       []string{"RefreshToken", "Api"},
		Certificate:  strings.TrimSpace(cert),
		ConsumerKey:  "PortalKey0001",
	}
	// The configuration holds the certificate as file() reads it, with a trailing newline.
	m := connectedAppModel{Certificate: types.StringValue(cert), ConsumerSecretWO: types.StringValue("never kept")}
	var diags diag.Diagnostics
	if m.setFrom(ctx, app, "0H45g0000000001AAA", &diags); diags.HasError() {
		t.Fatal(diags)
	}
	if m.Certificate.ValueString() != cert {
		t.Errorf("a certificate differing only in surrounding whitespace replaced the configured text")
	}
	for name, v := range map[string]types.String{"contact_phone": m.ContactPhone, "description": m.Description, "info_url": m.InfoURL, "start_url": m.StartURL, "client_credentials_user": m.ClientCredentialsUser, "consumer_secret_wo": m.ConsumerSecretWO} {
		if !v.IsNull() {
			t.Errorf("%s = %s, want null for a value the org does not hold", name, v)
		}
	}
	if m.IPRelaxation.ValueString() != orgapi.DefaultIPRelaxation || m.RefreshTokenPolicy.ValueString() != orgapi.DefaultRefreshTokenPolicy {
		t.Errorf("an org that reports no OAuth policy must read as the defaults, got %s / %s", m.IPRelaxation, m.RefreshTokenPolicy)
	}
	var callbacks []string
	m.CallbackURLs.ElementsAs(ctx, &callbacks, false)
	if strings.Join(callbacks, " ") != "https://b.acme.test/cb https://a.acme.test/cb" {
		t.Errorf("callback order not kept: %v", callbacks)
	}

	// A different certificate in the org is drift and must show.
	other, _ := testCertificatePEM(t)
	app.Certificate = other
	m.setFrom(ctx, app, "0H45g0000000001AAA", &diags)
	if m.Certificate.ValueString() != other {
		t.Errorf("a changed certificate was hidden")
	}

	// Back to the API: an unknown consumer key (not configured) asks Salesforce to generate one.
	m.ConsumerKey = types.StringUnknown()
	out := m.toAPI(ctx, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if out.ConsumerKey != "" || out.ConsumerSecret != "" || len(out.Scopes) != 2 || out.FullName != "Portal" {
		t.Errorf("toAPI = %+v", *out)
	}
}

// TestAccConnectedApp_creationRestricted proves, on the embedded 2026 org, that a create fails
// with a diagnostic that says why and what to do, while an existing app can still be imported,
// updated and deleted.
func TestAccConnectedApp_creationRestricted(t *testing.T) {
	org := newEmbeddedTestOrg(t)
	existing := func(description string) string {
		return org.config(fmt.Sprintf(`
resource "sfaccess_connected_app" "test" {
  name          = "Partner_Portal_Mobile"
  label         = "Partner Portal Mobile"
  contact_email = "mobile@acme.test"
  description   = %q
  callback_urls = ["acmemobile://oauth/callback"]
  scopes        = ["Api", "RefreshToken"]
  consumer_key  = "PartnerPortalMobileKey01"
}
`, description))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			_, err := org.adminClient(t).ReadConnectedApp(context.Background(), appPartnerPortal)
			switch {
			case err == nil:
				return fmt.Errorf("%s still exists after destroy", appPartnerPortal)
			case !isNotFound(err):
				return err
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      org.config(minimalConnectedApp("New_Integration")),
				ExpectError: expectDiagnostics("Connected App Creation Restricted", "creating Connected App (New_Integration)", "Spring '26", "005228017", "External Client App"),
			},
			{
				Config:             existing("Mobile app for partners."),
				ResourceName:       testAppAddr,
				ImportState:        true,
				ImportStateId:      appPartnerPortal,
				ImportStatePersist: true,
			},
			{
				Config: existing("Mobile app for partners."),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					app, err := org.adminClient(t).ReadConnectedApp(context.Background(), appPartnerPortal)
					if err != nil {
						return err
					}
					if app.Description != "Mobile app for partners." {
						return fmt.Errorf("description after the update %q", app.Description)
					}
					return nil
				},
			},
		},
	})
}

// TestAccConnectedApp_refreshTokenRequiresSecret round-trips refresh_token_requires_secret,
// detects a change made in Setup, and imports it.
func TestAccConnectedApp_refreshTokenRequiresSecret(t *testing.T) {
	org := newTestOrg(t)
	admin := org.adminClient(t)
	ctx := context.Background()
	app := func(requires string) string {
		return org.config(fmt.Sprintf(`
resource "sfaccess_connected_app" "test" {
  name          = "Refresh_App"
  label         = "Refresh App"
  contact_email = "platform@acme.test"
  callback_urls = ["https://portal.acme.test/oauth/callback"]
  scopes        = ["Api", "RefreshToken"]
  %s
}
`, requires))
	}
	inOrg := func(want bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got, err := admin.ReadConnectedApp(ctx, "Refresh_App")
			if err != nil {
				return err
			}
			if got.RefreshTokenRequiresSecret == nil || *got.RefreshTokenRequiresSecret != want {
				return fmt.Errorf("isSecretRequiredForRefreshToken in the org = %v, want %t", got.RefreshTokenRequiresSecret, want)
			}
			return nil
		}
	}
	expect := func(v bool) []statecheck.StateCheck {
		return []statecheck.StateCheck{statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("refresh_token_requires_secret"), knownvalue.Bool(v))}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkConnectedAppsDestroyed(t, org),
		Steps: []resource.TestStep{
			{
				// Not set: Salesforce's default, true, with no diff after apply.
				Config:            app(""),
				ConfigStateChecks: expect(true),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:             inOrg(true),
			},
			{
				Config:            app("refresh_token_requires_secret = false"),
				ConfigStateChecks: expect(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: inOrg(false),
			},
			{
				ResourceName:            testAppAddr,
				ImportState:             true,
				ImportStateId:           "Refresh_App",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// Someone requires the secret again in Setup: the plan puts it back.
				PreConfig: func() {
					got, err := admin.ReadConnectedApp(ctx, "Refresh_App")
					if err != nil {
						t.Fatal(err)
					}
					required := true
					got.RefreshTokenRequiresSecret = &required
					if err := admin.UpdateConnectedApp(ctx, got); err != nil {
						t.Fatalf("changing the app out of band: %v", err)
					}
				},
				Config: app("refresh_token_requires_secret = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("refresh_token_requires_secret"), knownvalue.Bool(false)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: inOrg(false),
			},
			{
				// Removed from the configuration: back to the default.
				Config:            app(""),
				ConfigStateChecks: expect(true),
				Check:             inOrg(true),
			},
		},
	})
}

// TestAccConnectedApp_secretVersionAfterImport: an imported app has no consumer_secret_wo_version
// in state. Setting it for the first time records it in place (replacing the app would issue a
// new consumer key and break every integration using it); only changing a version already in
// state replaces the app.
func TestAccConnectedApp_secretVersionAfterImport(t *testing.T) {
	org := newTestOrg(t)
	withSecret := func(version string) string {
		secret := ""
		if version != "" {
			secret = fmt.Sprintf("consumer_secret_wo = \"PartnerPortalMobileSecret01\"\n  consumer_secret_wo_version = %s", version)
		}
		return org.config(fmt.Sprintf(`
resource "sfaccess_connected_app" "test" {
  name          = "Partner_Portal_Mobile"
  label         = "Partner Portal Mobile"
  contact_email = "mobile@acme.test"
  description   = "Mobile app for partners."
  callback_urls = ["acmemobile://oauth/callback"]
  scopes        = ["Api", "RefreshToken"]
  %s
}
`, secret))
	}
	var idAtImport string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   writeOnlyArgumentsSupported,
		Steps: []resource.TestStep{
			{
				Config:             withSecret(""),
				ResourceName:       testAppAddr,
				ImportState:        true,
				ImportStateId:      appPartnerPortal,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					idAtImport = states[0].Attributes["id"]
					return nil
				},
			},
			{
				Config: withSecret("1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("consumer_secret_wo_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("consumer_key"), knownvalue.StringExact("PartnerPortalMobileKey01")),
				},
				Check: func(s *terraform.State) error {
					if id := s.RootModule().Resources[testAppAddr].Primary.ID; id != idAtImport {
						return fmt.Errorf("the app's id changed from %s to %s: it was replaced", idAtImport, id)
					}
					return nil
				},
			},
			{
				// A version already in state that changes is a new secret: only a new app can have it.
				Config: withSecret("2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionReplace)},
				},
			},
			{
				// Leaving the secret out again stops tracking its version, in place.
				Config: withSecret(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionUpdate)},
				},
			},
		},
	})
}
