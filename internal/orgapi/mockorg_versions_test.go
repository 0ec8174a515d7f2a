package orgapi

import (
	"context"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// Winter '27 (API 68.0) reached every production org by mid-October 2026: a client pinned to it
// must get through authentication, SOAP Metadata, REST query and Limits alike.
func TestMockorgAtWinter27(t *testing.T) {
	org := startOrg(t, mockorg.Config{})
	c := org.client(t, func(cfg *Config) { cfg.APIVersion = "68.0" })
	ctx := context.Background()
	versions := must[[]string](t, "listing the versions")(c.APIVersions(ctx))
	if len(versions) == 0 || versions[len(versions)-1] != "68.0" {
		t.Errorf("the org's newest version: %v, want 68.0 last", versions)
	}
	if _, err := c.ReadConnectedAppSettings(ctx); err != nil {
		t.Errorf("reading ConnectedAppSettings at 68.0: %v", err)
	}
	if app, err := c.ReadExternalClientApp(ctx, "Acme_Sync"); err != nil || app.Name != "Acme_Sync" {
		t.Errorf("reading an ECA at 68.0: %+v %v", app, err)
	}
	if _, err := c.Limits(ctx); err != nil {
		t.Errorf("limits at 68.0: %v", err)
	}
}
