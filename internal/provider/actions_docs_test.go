package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
)

// TestActionsAndEphemeralResourcesAreDescribed extends TestEverySchemaAttributeIsDescribed to the
// ephemeral resources and actions, and checks the hand-written action pages (templates/actions,
// which tfplugindocs cannot fill from a schema while the terraform on PATH is older than 1.14)
// against the schemas: every attribute is on the page.
func TestActionsAndEphemeralResourcesAreDescribed(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	for _, newResource := range p.(provider.ProviderWithEphemeralResources).EphemeralResources(ctx) {
		r := newResource()
		var meta ephemeral.MetadataResponse
		r.Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: "sfaccess"}, &meta)
		var resp ephemeral.SchemaResponse
		r.Schema(ctx, ephemeral.SchemaRequest{}, &resp)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("ephemeral resource %s has no description", meta.TypeName)
		}
		checkDescribed(t, "ephemeral resource "+meta.TypeName, resp.Schema.Attributes)
	}
	for _, newAction := range p.(provider.ProviderWithActions).Actions(ctx) {
		a := newAction()
		var meta action.MetadataResponse
		a.Metadata(ctx, action.MetadataRequest{ProviderTypeName: "sfaccess"}, &meta)
		var resp action.SchemaResponse
		a.Schema(ctx, action.SchemaRequest{}, &resp)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("action %s has no description", meta.TypeName)
		}
		checkDescribed(t, "action "+meta.TypeName, resp.Schema.Attributes)

		page := filepath.Join("..", "..", "templates", "actions", strings.TrimPrefix(meta.TypeName, "sfaccess_")+".md.tmpl")
		text, err := os.ReadFile(page)
		if err != nil {
			t.Errorf("action %s has no page: %v", meta.TypeName, err)
			continue
		}
		if !strings.Contains(string(text), "# "+meta.TypeName+" (Action)") {
			t.Errorf("%s does not title the page %s", page, meta.TypeName)
		}
		for name := range resp.Schema.Attributes {
			if !strings.Contains(string(text), "- `"+name+"`") {
				t.Errorf("%s does not list the attribute %s", page, name)
			}
		}
	}
}
