package provider

import (
	"os"
	"testing"
)

// Terraform 1.14 brings list resources (terraform query), resource identity and actions. Terraform on
// PATH may be older (1.11 here), so the tests of those features run on a second binary, built from
// the Go module proxy by .ci/build-terraform and named by SFACCESS_TERRAFORM_1_14. CI sets
// SFACCESS_REQUIRE_TERRAFORM_1_14=1 so that a missing binary fails instead of skipping.
const (
	terraform114Env        = "SFACCESS_TERRAFORM_1_14"
	requireTerraform114Env = "SFACCESS_REQUIRE_TERRAFORM_1_14"
)

// useTerraform114 points this test's terraform-plugin-testing runs at Terraform 1.14, or skips the
// test when no such binary is configured. terraform-plugin-testing reads TF_ACC_TERRAFORM_PATH at
// the start of each resource.Test, so the setting holds for this test only (which therefore cannot
// be parallel).
func useTerraform114(t *testing.T) {
	t.Helper()
	path := os.Getenv(terraform114Env)
	if path == "" {
		msg := terraform114Env + " is not set: run `export " + terraform114Env + "=$(.ci/build-terraform 1.14.0)` to run the Terraform 1.14 tests"
		if os.Getenv(requireTerraform114Env) == "1" {
			t.Fatal(msg + ", and " + requireTerraform114Env + "=1")
		}
		t.Skip(msg)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s=%s: %v", terraform114Env, path, err)
	}
	t.Setenv("TF_ACC_TERRAFORM_PATH", path)
}
