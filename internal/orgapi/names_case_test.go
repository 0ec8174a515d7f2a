package orgapi

import (
	"context"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// TestReadsFindAppsUnderAnySpelling: Salesforce compares API names ignoring case and answers under
// its own spelling of the name; a read by another spelling finds the app and reports the org's.
func TestReadsFindAppsUnderAnySpelling(t *testing.T) {
	t.Parallel()
	c := startOrg(t, mockorg.Config{}).client(t, nil)
	ctx := context.Background()
	app := must[*ConnectedApp](t, "ReadConnectedApp")(c.ReadConnectedApp(ctx, "WORKBENCH"))
	if app.FullName != "Workbench" {
		t.Errorf("ReadConnectedApp(WORKBENCH) read %q, want Workbench", app.FullName)
	}
	eca := must[*ExternalClientApp](t, "ReadExternalClientApp")(c.ReadExternalClientApp(ctx, "acme_sync"))
	if eca.Name != "Acme_Sync" || len(eca.Profiles) == 0 {
		t.Errorf("ReadExternalClientApp(acme_sync) read %q with profiles %v, want Acme_Sync with its grants", eca.Name, eca.Profiles)
	}
}
