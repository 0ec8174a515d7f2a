package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// TestTflogLoggerMasksSecrets proves that neither a secret field nor a configured credential that
// slips into a message or another field reaches Terraform's log, while the rest of the line does.
func TestTflogLoggerMasksSecrets(t *testing.T) {
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	logger := newTflogLogger([]string{"S3cr3t-Token", "ConsumerSecret99"})

	logger.Log(ctx, orgapi.LevelDebug, "retrying with token S3cr3t-Token", map[string]any{
		"access_token":  "another-token-value",
		"client_secret": "ConsumerSecret99",
		"detail":        "sent ConsumerSecret99 in a form",
		"url":           "http://127.0.0.1/services/oauth2/token",
	})
	logger.Log(ctx, orgapi.LevelTrace, "answer", map[string]any{"Authorization": "Bearer abc.def"})

	got := out.String()
	for _, secret := range []string{"S3cr3t-Token", "ConsumerSecret99", "another-token-value", "abc.def"} {
		if strings.Contains(got, secret) {
			t.Errorf("log contains %q:\n%s", secret, got)
		}
	}
	for _, kept := range []string{"retrying with token", "/services/oauth2/token", `.orgapi"`} {
		if !strings.Contains(got, kept) {
			t.Errorf("log lacks %q:\n%s", kept, got)
		}
	}
}
