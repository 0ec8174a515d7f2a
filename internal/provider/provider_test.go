package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

func TestProviderSchemaDescribesEveryAttribute(t *testing.T) {
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	want := []string{"instance_url", "api_version", "login_url", "jwt_audience", "access_token", "client_id", "client_secret",
		"username", "private_key", "max_retries", "request_timeout", "min_api_requests_remaining"}
	for _, name := range want {
		a, ok := resp.Schema.Attributes[name]
		if !ok {
			t.Errorf("attribute %s missing", name)
			continue
		}
		if a.GetMarkdownDescription() == "" {
			t.Errorf("attribute %s has no description", name)
		}
	}
	if len(resp.Schema.Attributes) != len(want) {
		t.Errorf("schema has %d attributes, want %d", len(resp.Schema.Attributes), len(want))
	}
	for _, secret := range []string{"access_token", "client_secret", "private_key"} {
		if !resp.Schema.Attributes[secret].IsSensitive() {
			t.Errorf("%s must be sensitive", secret)
		}
	}
}

func nullModel() providerModel {
	return providerModel{
		InstanceURL: types.StringNull(), APIVersion: types.StringNull(), LoginURL: types.StringNull(), JWTAudience: types.StringNull(),
		AccessToken: types.StringNull(), ClientID: types.StringNull(), ClientSecret: types.StringNull(),
		Username: types.StringNull(), PrivateKey: types.StringNull(), MaxRetries: types.Int64Null(),
		RequestTimeout: types.StringNull(),
	}
}

func envFrom(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func problemAttributes(problems []configProblem) []string {
	var names []string
	for _, p := range problems {
		names = append(names, p.attribute)
	}
	sort.Strings(names)
	return names
}

func TestResolveConfig(t *testing.T) {
	const pem = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----"
	tests := []struct {
		name         string
		model        func(*providerModel)
		env          map[string]string
		wantProblems []string // attributes, sorted
		check        func(t *testing.T, rc resolvedConfig)
	}{
		{
			name: "client credentials from config with defaults",
			model: func(m *providerModel) {
				m.InstanceURL = types.StringValue("https://acme.my.salesforce.com")
				m.ClientID = types.StringValue("key")
				m.ClientSecret = types.StringValue("secret")
			},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.APIVersion != orgapi.DefaultAPIVersion || rc.MaxRetries != defaultMaxRetries || rc.RequestTimeout != defaultRequestTimeout {
					t.Errorf("defaults not applied: %q %d %s", rc.APIVersion, rc.MaxRetries, rc.RequestTimeout)
				}
				if len(rc.secrets) != 1 || rc.secrets[0] != "secret" {
					t.Errorf("secrets = %d values, want the client secret only", len(rc.secrets))
				}
			},
		},
		{
			name: "everything from the environment",
			env: map[string]string{envInstanceURL: "https://acme.my.salesforce.com", envAccessToken: "00D!tok",
				envAPIVersion: "60.0", envLoginURL: "https://login.salesforce.com"},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.InstanceURL != "https://acme.my.salesforce.com" || rc.AccessToken != "00D!tok" ||
					rc.APIVersion != "60.0" || rc.LoginURL != "https://login.salesforce.com" {
					t.Errorf("environment not used: %+v", rc.Config)
				}
			},
		},
		{
			name: "config wins over the environment",
			model: func(m *providerModel) {
				m.InstanceURL = types.StringValue("http://127.0.0.1:8080")
				m.AccessToken = types.StringValue("from-config")
				m.MaxRetries = types.Int64Value(0)
				m.RequestTimeout = types.StringValue("2m")
			},
			env: map[string]string{envInstanceURL: "https://elsewhere.my.salesforce.com", envAccessToken: "from-env"},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.InstanceURL != "http://127.0.0.1:8080" || rc.AccessToken != "from-config" {
					t.Errorf("config did not win: %s", rc.InstanceURL)
				}
				if rc.MaxRetries != 0 || rc.RequestTimeout != 2*time.Minute {
					t.Errorf("max_retries/request_timeout = %d/%s", rc.MaxRetries, rc.RequestTimeout)
				}
			},
		},
		{
			name: "jwt bearer",
			env: map[string]string{envInstanceURL: "https://[::1]:8443", envClientID: "key",
				envUsername: "admin@acme.test", envPrivateKey: pem},
		},
		{
			name: "jwt audience from the environment",
			env: map[string]string{envInstanceURL: "https://acme.my.salesforce.com", envClientID: "key",
				envUsername: "admin@acme.test", envPrivateKey: pem, envJWTAudience: "https://test.salesforce.com"},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.JWTAudience != "https://test.salesforce.com" {
					t.Errorf("jwt_audience = %q", rc.JWTAudience)
				}
			},
		},
		{
			name: "a jwt audience that is not a URL says what is allowed",
			model: func(m *providerModel) {
				m.JWTAudience = types.StringValue("login.salesforce.com")
			},
			env: map[string]string{envInstanceURL: "https://acme.my.salesforce.com", envClientID: "key",
				envUsername: "admin@acme.test", envPrivateKey: pem},
			wantProblems: []string{"jwt_audience"},
			check: func(t *testing.T, rc resolvedConfig) {
				_, problems := resolveConfig(providerModel{JWTAudience: types.StringValue("http://login.salesforce.com")}, envFrom(nil))
				for _, p := range problems {
					if p.attribute == "jwt_audience" && strings.Contains(p.detail, "https://login.salesforce.com") &&
						strings.Contains(p.detail, "https://test.salesforce.com") && strings.Contains(p.detail, "Experience Cloud") {
						return
					}
				}
				t.Errorf("no jwt_audience problem that lists what is allowed: %+v", problems)
			},
		},
		{
			name:         "nothing configured reports instance_url and authentication together",
			wantProblems: []string{"access_token", "instance_url"},
		},
		{
			name: "plain http to a remote host is refused",
			env: map[string]string{envInstanceURL: "http://acme.my.salesforce.com", envAccessToken: "t",
				envLoginURL: "http://login.salesforce.com"},
			wantProblems: []string{"instance_url", "login_url"},
		},
		{
			name: "http on localhost is accepted",
			env:  map[string]string{envInstanceURL: "http://localhost:4444", envAccessToken: "t"},
		},
		{
			name:         "retired and malformed api versions",
			env:          map[string]string{envInstanceURL: "https://a.my.salesforce.com", envAccessToken: "t", envAPIVersion: "46.0"},
			wantProblems: []string{"api_version"},
		},
		{
			name: "access token conflicts with every other method",
			env: map[string]string{envInstanceURL: "https://a.my.salesforce.com", envAccessToken: "t",
				envClientID: "k", envClientSecret: "s", envUsername: "u@a.test", envPrivateKey: pem},
			wantProblems: []string{"client_id", "client_secret", "private_key", "username"},
		},
		{
			name:         "client credentials and jwt together",
			env:          map[string]string{envInstanceURL: "https://a.my.salesforce.com", envClientID: "k", envClientSecret: "s", envPrivateKey: pem},
			wantProblems: []string{"private_key"},
		},
		{
			name:         "incomplete jwt names each missing attribute",
			env:          map[string]string{envInstanceURL: "https://a.my.salesforce.com", envPrivateKey: pem},
			wantProblems: []string{"client_id", "username"},
		},
		{
			name:         "client id alone",
			env:          map[string]string{envInstanceURL: "https://a.my.salesforce.com", envClientID: "k"},
			wantProblems: []string{"client_secret"},
		},
		{
			name: "retries and timeout out of range",
			model: func(m *providerModel) {
				m.MaxRetries = types.Int64Value(11)
				m.RequestTimeout = types.StringValue("0s")
			},
			env:          map[string]string{envInstanceURL: "https://a.my.salesforce.com", envAccessToken: "t"},
			wantProblems: []string{"max_retries", "request_timeout"},
		},
		{
			name: "retries and timeout from the environment",
			env: map[string]string{envInstanceURL: "https://a.my.salesforce.com", envAccessToken: "t",
				envMaxRetries: " 7 ", envTimeout: "90s"},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.MaxRetries != 7 || rc.RequestTimeout != 90*time.Second {
					t.Errorf("max_retries/request_timeout = %d/%s, want 7/1m30s", rc.MaxRetries, rc.RequestTimeout)
				}
			},
		},
		{
			name: "retries and timeout in the block win over the environment",
			model: func(m *providerModel) {
				m.MaxRetries = types.Int64Value(1)
				m.RequestTimeout = types.StringValue("5s")
			},
			env: map[string]string{envInstanceURL: "https://a.my.salesforce.com", envAccessToken: "t",
				envMaxRetries: "not a number", envTimeout: "never"},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.MaxRetries != 1 || rc.RequestTimeout != 5*time.Second {
					t.Errorf("max_retries/request_timeout = %d/%s, want 1/5s", rc.MaxRetries, rc.RequestTimeout)
				}
			},
		},
		{
			name: "bad retries and timeout in the environment name the variable",
			env: map[string]string{envInstanceURL: "https://a.my.salesforce.com", envAccessToken: "t",
				envMaxRetries: "three", envTimeout: "-1s"},
			wantProblems: []string{"max_retries", "request_timeout"},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.MaxRetries != defaultMaxRetries || rc.RequestTimeout != defaultRequestTimeout {
					t.Errorf("a bad value replaced the default: %d/%s", rc.MaxRetries, rc.RequestTimeout)
				}
			},
		},
		{
			name: "unknown values are not problems",
			model: func(m *providerModel) {
				m.InstanceURL = types.StringUnknown()
				m.AccessToken = types.StringUnknown()
			},
			check: func(t *testing.T, rc resolvedConfig) {
				if strings.Join(rc.unknown, ",") != "instance_url,access_token" {
					t.Errorf("unknown = %v", rc.unknown)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := nullModel()
			if tc.model != nil {
				tc.model(&m)
			}
			rc, problems := resolveConfig(m, envFrom(tc.env))
			if got, want := strings.Join(problemAttributes(problems), ","), strings.Join(tc.wantProblems, ","); got != want {
				t.Fatalf("problems on %q, want %q: %+v", got, want, problems)
			}
			for _, p := range problems {
				if !strings.Contains(p.detail, p.attribute) && !strings.Contains(p.detail, p.env) {
					t.Errorf("problem %q names neither its attribute nor %s: %s", p.summary, p.env, p.detail)
				}
			}
			if tc.check != nil {
				tc.check(t, rc)
			}
		})
	}
}

func TestPermissionRequirement(t *testing.T) {
	held := map[string]bool{"CustomizeApplication": true, "ManageRemoteAccess": true}
	if m := needManageConnectedApps.missing(held); m != "" {
		t.Errorf("app manager should manage connected apps, missing %q", m)
	}
	if m := needAPISettings.missing(held); m != "ModifyAllData" {
		t.Errorf("missing = %q, want ModifyAllData", m)
	}
	if m := needInstallPackagedApps.missing(held); m != "InstallPackaging" {
		t.Errorf("missing = %q, want InstallPackaging", m)
	}
	if m := needAssignments.missing(map[string]bool{}); m != "ManageProfilesPermissionsets and one of ManageUsers or AssignPermissionSets" {
		t.Errorf("missing = %q", m)
	}
	if s := needManageConnectedApps.String(); s != "CustomizeApplication and (ModifyAllData or ManageRemoteAccess)" {
		t.Errorf("String() = %q", s)
	}
}

// TestAccProvider_configurationProblemsReportedTogether proves that one plan names every problem,
// each with its attribute and environment variable.
func TestAccProvider_configurationProblemsReportedTogether(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "sfaccess" {
  instance_url = "http://acme.my.salesforce.com"
  access_token = "token"
  client_id    = "key"
}
data "sfaccess_api_access_control" "this" {}
`,
				ExpectError: expectDiagnostics("Invalid Instance URL", "plain http", "Conflicting Authentication Methods", "client_id (SFACCESS_CLIENT_ID)"),
			},
			{
				Config: `
provider "sfaccess" {
  request_timeout = "soon"
  max_retries     = 99
}
data "sfaccess_api_access_control" "this" {}
`,
				ExpectError: expectDiagnostics("Missing Instance URL", "Missing Authentication", `"soon" is not a positive duration`, "between 0 and 10"),
			},
		},
	})
}

// TestAccProvider_unknownConfiguration configures the provider from a value known only after
// apply: the plan must not fail, and the apply (for which Terraform configures the provider
// again, with the value known) must work.
func TestAccProvider_unknownConfiguration(t *testing.T) {
	org := newTestOrg(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             org.checkPermissionSetsGone(t, "Late_Config"),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "terraform_data" "org" {
  input = %q
}

provider "sfaccess" {
  instance_url  = terraform_data.org.output
  client_id     = "MockorgAdminKey0001"
  client_secret = "MockorgAdminSecret0001"
}
`, org.URL) + permissionSetConfig("Late_Config", "Late config", "", "ApiEnabled"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(permissionSetAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(permissionSetIDPattern)),
				},
				Check: org.checkPermissionSetInOrg(t, "Late_Config", "Late config", "ApiEnabled"),
			},
		},
	})
}

// TestEverySchemaAttributeIsDescribed walks every resource and data source schema, nested
// attributes included, because the registry documentation is generated from these descriptions.
func TestEverySchemaAttributeIsDescribed(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta fwresource.MetadataResponse
		r.Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "sfaccess"}, &meta)
		var resp fwresource.SchemaResponse
		r.Schema(ctx, fwresource.SchemaRequest{}, &resp)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("%s has no description", meta.TypeName)
		}
		checkDescribed(t, meta.TypeName, resp.Schema.Attributes)
	}
	for _, newDataSource := range p.DataSources(ctx) {
		d := newDataSource()
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "sfaccess"}, &meta)
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("data source %s has no description", meta.TypeName)
		}
		checkDescribed(t, "data source "+meta.TypeName, resp.Schema.Attributes)
	}
}

func checkDescribed[A interface {
	GetMarkdownDescription() string
	GetDescription() string
}](t *testing.T, owner string, attrs map[string]A) {
	t.Helper()
	for name, a := range attrs {
		// terraform-plugin-framework-timeouts describes the durations inside "timeouts", not the
		// block itself; the documentation generator shows the nested descriptions.
		if a.GetMarkdownDescription() == "" && a.GetDescription() == "" && name != "timeouts" {
			t.Errorf("%s: attribute %s has no description", owner, name)
		}
		switch n := any(a).(type) {
		case rschema.SingleNestedAttribute:
			checkDescribed(t, owner+"."+name, n.Attributes)
		case rschema.ListNestedAttribute:
			checkDescribed(t, owner+"."+name, n.NestedObject.Attributes)
		case rschema.SetNestedAttribute:
			checkDescribed(t, owner+"."+name, n.NestedObject.Attributes)
		case dschema.SingleNestedAttribute:
			checkDescribed(t, owner+"."+name, n.Attributes)
		case dschema.ListNestedAttribute:
			checkDescribed(t, owner+"."+name, n.NestedObject.Attributes)
		case dschema.SetNestedAttribute:
			checkDescribed(t, owner+"."+name, n.NestedObject.Attributes)
		}
	}
}

// TestAccProvider_jwtAudience authenticates through the JWT bearer flow with the default audience
// (https://login.salesforce.com, which the org accepts although the token request goes to its own
// URL), with an audience the org accepts (its own URL), with one it refuses, and with one the
// provider refuses at plan time.
func TestAccProvider_jwtAudience(t *testing.T) {
	org := newTestOrg(t)
	const users = `data "sfaccess_users" "all" {}`
	usersRead := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.sfaccess_users.all", tfjsonpath.New("users"), knownvalue.ListSizeExact(len(seededUsers))),
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// The refused audiences come first: Terraform configures the provider with the last
		// step's configuration to destroy.
		Steps: []resource.TestStep{
			{
				Config:      org.providerConfigAs(t, userAdmin, `  jwt_audience = "login.salesforce.com"`) + users,
				ExpectError: expectDiagnostics("Invalid JWT Audience", "https://login.salesforce.com", "https://test.salesforce.com", "Experience Cloud"),
			},
			{
				Config:      org.providerConfigAs(t, userAdmin, `  jwt_audience = "https://login.example.com"`) + users,
				ExpectError: expectDiagnostics("Authentication Failed", "invalid_grant", "Audience validation failed"),
			},
			{
				Config:            org.providerConfigAs(t, userAdmin, fmt.Sprintf("  jwt_audience = %q", org.URL)) + users,
				ConfigStateChecks: usersRead,
			},
			{
				Config:            org.providerConfigAs(t, userAdmin) + users,
				ConfigStateChecks: usersRead,
			},
		},
	})
}
