package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestProviderSchemaDescribesEveryAttribute(t *testing.T) {
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	want := []string{"instance_url", "api_version", "login_url", "jwt_audience", "access_token", "client_id", "client_secret",
		"username", "private_key", "max_retries", "request_timeout", "min_api_requests_remaining", "access_loss", "expected_access_loss",
		"first_contact_timeout", "allow_self_lockout"}
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
				ExpectError: expectDiagnostics("Missing Instance URL", "Missing Authentication", `"soon" is not a positive duration`, "between 0 and 20"),
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
