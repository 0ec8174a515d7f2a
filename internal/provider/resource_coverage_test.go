package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// TestEveryResourceIsComplete checks that each resource the provider serves has what CONTRIBUTING.md,
// "Adding to the provider", asks of it: import by id and by identity, a list resource, the examples
// tfplugindocs renders, and docs pages with an import section. It takes the resources from the
// provider, so a resource registered tomorrow is held to the same.
func TestEveryResourceIsComplete(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	lists := map[string]bool{}
	for _, newList := range p.(provider.ProviderWithListResources).ListResources(ctx) {
		var meta resource.MetadataResponse
		newList().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "sfaccess"}, &meta)
		lists[meta.TypeName] = true
	}
	resources := p.Resources(ctx)
	if len(resources) == 0 {
		t.Fatal("the provider serves no resources")
	}
	root := filepath.Join("..", "..")
	for _, newResource := range resources {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "sfaccess"}, &meta)
		typ := meta.TypeName
		checkResourceInterfaces(ctx, t, typ, r)
		if !lists[typ] {
			t.Errorf("%s has no list resource: add one to ListResources in provider.go", typ)
		}
		if _, ok := objectKinds[typ]; !ok {
			t.Errorf("%s is not in objectKinds (collision.go): every instance of it would count as the same object", typ)
		}
		for _, file := range []string{
			filepath.Join("examples", "resources", typ, "resource.tf"),
			filepath.Join("examples", "resources", typ, "import.sh"),
			filepath.Join("examples", "resources", typ, "import-by-string-id.tf"),
			filepath.Join("examples", "resources", typ, "import-by-identity.tf"),
			filepath.Join("examples", "list-resources", typ, "list-resource.tfquery.hcl"),
			filepath.Join("docs", "list-resources", strings.TrimPrefix(typ, "sfaccess_")+".md"),
		} {
			if _, err := os.Stat(filepath.Join(root, file)); err != nil {
				t.Errorf("%s has no %s", typ, filepath.ToSlash(file))
			}
		}
		page := filepath.Join("docs", "resources", strings.TrimPrefix(typ, "sfaccess_")+".md")
		text, err := os.ReadFile(filepath.Join(root, page))
		if err != nil {
			t.Errorf("%s has no docs page %s: run make docs", typ, filepath.ToSlash(page))
			continue
		}
		// The command may quote the address ('sfaccess_x.y["k"]').
		_, imports, _ := strings.Cut(strings.ReplaceAll(string(text), "'", ""), "\n## Import\n")
		if !strings.Contains(imports, "terraform import "+typ+".") || !strings.Contains(imports, "identity = {") {
			t.Errorf("%s: %s has no import section showing import.sh and import-by-identity.tf: run make docs", typ, filepath.ToSlash(page))
		}
	}
}

// checkResourceInterfaces checks that the resource can be imported, by id and by identity, and has
// an identity schema naming at least one attribute.
func checkResourceInterfaces(ctx context.Context, t *testing.T, typ string, r resource.Resource) {
	t.Helper()
	if _, ok := r.(resource.ResourceWithImportState); !ok {
		t.Errorf("%s cannot be imported: it has no ImportState", typ)
	}
	withIdentity, ok := r.(resource.ResourceWithIdentity)
	if !ok {
		t.Errorf("%s has no identity: it has no IdentitySchema", typ)
		return
	}
	var identity resource.IdentitySchemaResponse
	withIdentity.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &identity)
	if len(identity.IdentitySchema.Attributes) == 0 {
		t.Errorf("%s's identity schema names no attribute", typ)
	}
}
