package orgapi

import (
	"context"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

func TestExternalClientAppCredentialRotationAgainstMockorg(t *testing.T) {
	org := startOrg(t, mockorg.Config{})
	c := org.client(t, nil)
	ctx := context.Background()
	usage, err := c.ExternalClientAppUsage(ctx)
	if err != nil || len(usage) != 2 || usage[0].Name != "Acme_Sync" {
		t.Fatalf("usage: %+v %v", usage, err)
	}
	appID := usage[0].ID
	consumer, err := c.ExternalClientAppConsumer(ctx, appID)
	if err != nil {
		t.Fatal(err)
	}
	current, err := c.ExternalClientAppCredentials(ctx, appID, consumer)
	if err != nil || current.Key != "AcmeSyncKey0001" || current.Secret != "AcmeSyncSecret0001" {
		t.Fatalf("current credentials: %+v %v", current, err)
	}
	staged, err := c.StageExternalClientAppCredentials(ctx, appID, consumer)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ProveClientCredentials(ctx, staged.Key, staged.Secret); err != nil {
		t.Fatalf("staged credentials: %v", err)
	}
	if err := c.PromoteExternalClientAppCredentials(ctx, appID, consumer, staged.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.ProveClientCredentials(ctx, current.Key, current.Secret); KindOf(err) != KindAuth {
		t.Errorf("old credentials after promotion: %v", err)
	}
	if err := c.RevokeExternalClientAppTokens(ctx, appID); err != nil {
		t.Fatal(err)
	}
}
