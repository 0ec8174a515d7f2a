package orgapi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// createECAs creates n External Client Apps named prefix_00 … through c.
func createECAs(t *testing.T, c *Client, prefix string, n int) []string {
	t.Helper()
	names := make([]string, n)
	errs := make([]error, n)
	concurrently(n, func(i int) {
		names[i] = fmt.Sprintf("%s_%02d", prefix, i)
		errs[i] = c.CreateExternalClientApp(context.Background(), &ExternalClientApp{Name: names[i], Label: names[i],
			ContactEmail: "e@acme.test", Scopes: []string{"Api"}, CallbackURL: "https://e.acme.test/cb", OAuthPluginEnabled: true})
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return names
}

func (o *testOrg) calls(t *testing.T, op string) int {
	t.Helper()
	return o.Stats(t).ByOperation[op]
}

// Reading 20 ECAs one window after another, as a refresh does, costs five readMetadata calls
// (one a component type) for each ten ECAs on the usage list, and the list once: a group sent
// with room to spare takes the list's other ECAs, and later reads are the kept answer. Read one
// after another, the header first and each component after it, they took five calls an ECA.
func TestExternalClientAppReadsShareCallsAcrossWindows(t *testing.T) {
	org := startOrg(t, mockorg.Config{})
	names := createECAs(t, org.client(t, nil), "Window", 20)
	c := org.client(t, func(cfg *Config) { cfg.CoalesceWindow = 2 * time.Millisecond })
	if _, err := c.Limits(context.Background()); err != nil { // authenticate before counting
		t.Fatal(err)
	}
	org.ResetStats(t)
	for _, name := range names {
		app, id, err := c.ReadExternalClientAppWithID(context.Background(), name)
		if err != nil || app.Name != name || id == "" || !slices.Equal(app.Scopes, []string{"Api"}) || app.CallbackURL != "https://e.acme.test/cb" {
			t.Fatalf("%s: %+v, %q, %v", name, app, id, err)
		}
		time.Sleep(5 * time.Millisecond) // the next read opens a window of its own
	}
	listed := len(names) + 2 // the embedded org's own two ECAs
	if n, want := org.calls(t, "soap:readMetadata"), 5*((listed+9)/10); n > want {
		t.Errorf("reading %d ECAs one window after another took %d readMetadata calls, want at most %d", len(names), n, want)
	}
	if n := org.calls(t, "connect:ecaUsage"); n != 1 {
		t.Errorf("the usage list was read %d times, want once", n)
	}
}

// A kept answer never hides the client's own write: a grant, an update and a create made by the
// client are seen by its next read, while the usage list kept from before a create still answers
// for an ECA the client did not write.
func TestExternalClientAppReadAfterOwnWriteSeesIt(t *testing.T) {
	org := startOrg(t, mockorg.Config{})
	c := org.client(t, nil)
	ctx := context.Background()
	if _, err := c.ReadExternalClientApp(ctx, "Acme_Sync"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetExternalClientAppGrant(ctx, "Acme_Sync", "", "Standard User", false); err != nil {
		t.Fatal(err)
	}
	if app, err := c.ReadExternalClientApp(ctx, "Acme_Sync"); err != nil || slices.Contains(app.Profiles, "Standard User") {
		t.Errorf("Acme_Sync after the client revoked Standard User: %+v, %v", app, err)
	}
	if _, err := c.ExternalClientAppID(ctx, "Acme_Sync"); err != nil {
		t.Fatal(err)
	}
	names := createECAs(t, c, "Own", 1)
	lists := org.calls(t, "connect:ecaUsage")
	if _, err := c.ExternalClientAppID(ctx, "Partner_Self_Service"); err != nil {
		t.Fatal(err)
	}
	if n := org.calls(t, "connect:ecaUsage"); n != lists {
		t.Errorf("looking up an ECA the client did not write took %d more usage lists, want 0", n-lists)
	}
	if id, err := c.ExternalClientAppID(ctx, names[0]); err != nil || id == "" {
		t.Errorf("the ECA the client just created: %q, %v", id, err)
	}
	app, err := c.ReadExternalClientApp(ctx, names[0])
	if err != nil {
		t.Fatal(err)
	}
	app.Label = "Relabelled"
	if err := c.UpdateExternalClientApp(ctx, app); err != nil {
		t.Fatal(err)
	}
	if got, err := c.ReadExternalClientApp(ctx, names[0]); err != nil || got.Label != "Relabelled" {
		t.Errorf("after the client's own update: %+v, %v; want the new label", got, err)
	}
}
