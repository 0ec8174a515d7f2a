package orgapi

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

func TestExternalClientAppLifecycleAgainstMockorg(t *testing.T) {
	org := startOrg(t, mockorg.Config{})
	c := org.client(t, nil)
	ctx := context.Background()
	app := &ExternalClientApp{Name: "Billing_Sync", Label: "Billing Sync", ContactEmail: "admin@acme.test",
		Scopes: []string{"Api", "RefreshToken"}, CallbackURL: "https://localhost/cb", ClientCredentialsFlowEnabled: true,
		ClientCredentialsUser: "admin@acme.test", PermittedUsers: PermittedUsersAdmin, Profiles: []string{"System Administrator"},
		OAuthPluginEnabled: true, ConsumerSecret: "BillingSecret0001"}
	if err := c.CreateExternalClientApp(ctx, app); err != nil {
		t.Fatal(err)
	}
	got, err := c.ReadExternalClientApp(ctx, "Billing_Sync")
	if err != nil {
		t.Fatal(err)
	}
	if got.ConsumerKey == "" {
		t.Fatal("no consumer key read back")
	}
	want := *app
	want.ConsumerKey, want.ConsumerSecret, want.DistributionState, want.IPRelaxation = got.ConsumerKey, "", DistributionStateLocal, DefaultECAIPRelaxation
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("read back\n%+v\nwant\n%+v", *got, want)
	}
	if err := c.ProveClientCredentials(ctx, got.ConsumerKey, "BillingSecret0001"); err != nil {
		t.Fatalf("client credentials through the new ECA: %v", err)
	}

	if err := c.SetExternalClientAppGrant(ctx, "Billing_Sync", "", "Standard User", true); err != nil {
		t.Fatal(err)
	}
	if got, _ = c.ReadExternalClientApp(ctx, "Billing_Sync"); !reflect.DeepEqual(got.Profiles, []string{"System Administrator", "Standard User"}) {
		t.Errorf("profiles after a grant: %v", got.Profiles)
	}
	if err := c.SetExternalClientAppGrant(ctx, "Billing_Sync", "", "system administrator", false); err != nil {
		t.Fatal(err)
	}
	if got, _ = c.ReadExternalClientApp(ctx, "Billing_Sync"); !reflect.DeepEqual(got.Profiles, []string{"Standard User"}) {
		t.Errorf("profiles after a revoke: %v", got.Profiles)
	}

	got.OAuthPluginEnabled = false
	if err := c.UpdateExternalClientApp(ctx, got); err != nil {
		t.Fatal(err)
	}
	var e *Error
	if err := c.ProveClientCredentials(ctx, got.ConsumerKey, "BillingSecret0001"); !errors.As(err, &e) || e.Code != "OAUTH_APP_BLOCKED" {
		t.Errorf("client credentials with the plugin off: %v", err)
	}

	if err := c.DeleteExternalClientApp(ctx, "Billing_Sync"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadExternalClientApp(ctx, "Billing_Sync"); KindOf(err) != KindNotFound {
		t.Errorf("read after delete: %v", err)
	}
	if err := c.DeleteExternalClientApp(ctx, "Billing_Sync"); KindOf(err) != KindNotFound {
		t.Errorf("deleting a missing ECA: %v", err)
	}
}

func TestExternalClientAppsNeedAPI60(t *testing.T) {
	org := startOrg(t, mockorg.Config{})
	c := org.client(t, func(cfg *Config) { cfg.APIVersion = "59.0" })
	if _, err := c.ReadExternalClientApp(context.Background(), "Acme_Sync"); KindOf(err) != KindInvalidInput {
		t.Errorf("reading an ECA at 59.0: %v", err)
	}
}

func TestExternalClientAppSettingsAgainstMockorg(t *testing.T) {
	org := startOrg(t, mockorg.Config{})
	c := org.client(t, nil)
	ctx := context.Background()
	off := false
	if err := c.UpdateExternalClientAppSettings(ctx, ExternalClientAppSettings{EnableClientSecretInRestAPIAccess: &off}); err != nil {
		t.Fatal(err)
	}
	s, err := c.ReadExternalClientAppSettings(ctx)
	if err != nil || *s.EnableClientSecretInRestAPIAccess || !*s.EnableExternalClientApps {
		t.Fatalf("settings: %+v %v", s, err)
	}
	usage, err := c.ExternalClientAppUsage(ctx)
	if err != nil || len(usage) == 0 {
		t.Fatalf("usage: %v", err)
	}
	appID := usage[0].ID
	consumer, err := c.ExternalClientAppConsumer(ctx, appID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExternalClientAppCredentials(ctx, appID, consumer); err == nil {
		t.Error("secrets were read with REST access to them off")
	}
}

// TestReadExternalClientAppsAgainstMockorg reads the embedded org's two ECAs in one go, with the
// policies each sets, and leaves out a name the org does not have.
func TestReadExternalClientAppsAgainstMockorg(t *testing.T) {
	org := startOrg(t, mockorg.Config{})
	c := org.client(t, nil)
	apps, err := c.ReadExternalClientApps(context.Background(), []string{"Partner_Self_Service", "Acme_Sync", "No_Such_App", "Acme_Sync"})
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 2 {
		t.Fatalf("read %d apps, want Acme_Sync and Partner_Self_Service: %v", len(apps), apps)
	}
	acme, partner := apps["Acme_Sync"], apps["Partner_Self_Service"]
	if acme == nil || partner == nil {
		t.Fatalf("apps: %v", apps)
	}
	if !slices.Equal(acme.Profiles, []string{"System Administrator", "Standard User"}) || acme.PermittedUsers != PermittedUsersAdmin ||
		acme.ClientCredentialsUser != "admin@acme.test" || !acme.OAuthPluginEnabled || acme.ConsumerKey != "AcmeSyncKey0001" {
		t.Errorf("Acme_Sync: %+v", acme)
	}
	if partner.PermittedUsers != PermittedUsersSelf || partner.OAuthPluginEnabled || !slices.Equal(partner.Scopes, []string{"Api"}) {
		t.Errorf("Partner_Self_Service: %+v", partner)
	}
}
