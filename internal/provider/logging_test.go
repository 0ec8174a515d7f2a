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

// The org client builds and scrubs only the entries its logger keeps: none when main.go has
// turned the provider's logging off, those at the level set for the org client or else for the
// provider, and every entry when no level is set (tflog's root logger decides then).
func TestTflogLoggerEnabledFollowsTheLevelVariables(t *testing.T) {
	tests := map[string]struct {
		env         map[string]string
		lowest      orgapi.Level
		noneEnabled bool
	}{
		"logging off":                         {env: map[string]string{envLogLevelProvider: "OFF"}, noneEnabled: true},
		"the provider's level":                {env: map[string]string{envLogLevelProvider: "warn"}, lowest: orgapi.LevelWarn},
		"the org client's level wins":         {env: map[string]string{envLogLevelProvider: "OFF", envLogLevelOrgAPI: "DEBUG"}, lowest: orgapi.LevelDebug},
		"no level set: tflog decides":         {env: nil, lowest: orgapi.LevelTrace},
		"an unknown level: tflog decides too": {env: map[string]string{envLogLevelProvider: "loud"}, lowest: orgapi.LevelTrace},
	}
	levels := []orgapi.Level{orgapi.LevelTrace, orgapi.LevelDebug, orgapi.LevelInfo, orgapi.LevelWarn, orgapi.LevelError}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			logger := tflogLogger{min: subsystemLevel(func(k string) string { return tc.env[k] })}
			for _, level := range levels {
				want := !tc.noneEnabled && level >= tc.lowest
				if got := logger.Enabled(level); got != want {
					t.Errorf("Enabled(%s) = %v, want %v", level, got, want)
				}
			}
		})
	}
}

// TF_LOG_PROVIDER_SFACCESS_ORGAPI sets the org client's level apart from the provider's. Not
// parallel: it sets an environment variable.
func TestTflogLoggerHonoursTheOrgClientLevel(t *testing.T) {
	t.Setenv(envLogLevelOrgAPI, "WARN")
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	logger := newTflogLogger(nil)
	logger.Log(ctx, orgapi.LevelDebug, "request body", nil)
	logger.Log(ctx, orgapi.LevelWarn, "retrying after HTTP 503", nil)
	if got := out.String(); strings.Contains(got, "request body") || !strings.Contains(got, "retrying after HTTP 503") {
		t.Errorf("with %s=WARN the log should hold the warning alone:\n%s", envLogLevelOrgAPI, got)
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
	org.FailWhen(func(r *http.Request) bool {
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
