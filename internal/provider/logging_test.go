package provider

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

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

// TestAccLogging_debugLogNamesTheSOAPOperation reads a connected app with TF_LOG=DEBUG and finds,
// in Terraform's log, the Metadata API operation each SOAP request made, the org's API usage from
// Sforce-Limit-Info, and the retry of the first SOAP request, which the org answers 503, with its
// cause. The
// lines reach the log only when the client logs through the request's context, which carries
// Terraform's logger. Not parallel: the log settings are environment variables.
func TestAccLogging_debugLogNamesTheSOAPOperation(t *testing.T) {
	org := newTestOrg(t)
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_LOG", "DEBUG")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	var failedOnce atomic.Bool
	org.failWhen(func(r *http.Request) bool {
		return strings.HasPrefix(r.URL.Path, "/services/Soap/m/") && failedOnce.CompareAndSwap(false, true)
	})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.providerConfig() + `
data "sfaccess_connected_app" "admin" {
  name = "Terraform_Admin"
}
`,
		}},
	})
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	var answered, retried bool
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.Contains(line, "sfaccess.orgapi:") {
			continue
		}
		switch {
		case strings.Contains(line, "org answered") && strings.Contains(line, "soap_operation=readMetadata") &&
			strings.Contains(line, "api_usage="):
			answered = true
		case strings.Contains(line, "retrying request") && strings.Contains(line, "soap_operation=") &&
			strings.Contains(line, "HTTP 503 SERVER_UNAVAILABLE"):
			retried = true
		}
	}
	if !answered {
		t.Errorf("no DEBUG line says the org answered a readMetadata call, with api_usage:\n%s", b)
	}
	if !retried {
		t.Errorf("no DEBUG line says a Metadata API call was retried, and why:\n%s", b)
	}
}
