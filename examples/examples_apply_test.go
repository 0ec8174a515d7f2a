package examples_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// seedNeeds are the seed properties an example may say, in a comment, that it needs; the test
// then serves the embedded org with that property set, as a user would with --seed.
var seedNeeds = map[string]func(*mockorg.Seed){
	`"connectedAppCreationAllowed": true`: func(s *mockorg.Seed) { s.Organization.ConnectedAppCreationAllowed = true },
}

// exampleVariable finds the TF_VAR_ settings an example's comments tell the user to export, so
// that the test runs it exactly as the comment says.
var exampleVariable = regexp.MustCompile(`export (TF_VAR_[a-z_]+=[A-Za-z0-9]+)`)

var warningTitle = regexp.MustCompile(`(?m)^Warning: (.+)$`)

// warningSubject is a warning title up to its first colon: an access impact warning's title
// ends in counts ("API Access Impact of sfaccess_api_access_control: 4 users lose access, 0
// gain"), and an example explains it by naming the subject, without the counts.
func warningSubject(title string) string {
	subject, _, _ := strings.Cut(title, ": ")
	return subject
}

// devOverridesWarning is what Terraform prints on every run with dev_overrides; a user installing
// the provider with `make install` sees it too.
const devOverridesWarning = "Provider development overrides are in effect"

// TestAccExamplesApply applies every resource and data source example, as written, to a fresh
// in-process mockorg (the embedded org, or the seed the example's comment names), finds no
// warning the example does not explain (its comments name each warning they expect, or for a
// title with counts its subject), plans
// again without changes, and destroys what it made.
func TestAccExamplesApply(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to apply every example to an in-process mockorg (make test does)")
	}
	tf := terraform(t)
	major, minor := terraformVersion(t, tf)
	plugins := buildProvider(t)

	var dirs []string
	for _, d := range exampleDirs(t) {
		if strings.HasPrefix(d, "resources/") || strings.HasPrefix(d, "data-sources/") {
			dirs = append(dirs, d)
		}
	}
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			src := readConfig(t, dir)
			if writeOnlyUse.MatchString(src.all) && (major < 1 || major == 1 && minor < 11) {
				t.Skipf("uses write-only arguments, which need Terraform 1.11; this is %d.%d", major, minor)
			}
			var seed *mockorg.Seed
			for property, apply := range seedNeeds {
				if strings.Contains(src.all, property) {
					if seed == nil {
						seed = mockorg.DefaultSeed()
					}
					apply(seed)
				}
			}
			var env []string
			for _, m := range exampleVariable.FindAllStringSubmatch(src.all, -1) {
				env = append(env, m[1])
			}
			run := newOrgRun(t, tf, plugins, dir, seed, env...)

			out, err := run.terraform("apply", "-auto-approve")
			if err != nil {
				t.Fatalf("terraform apply examples/%s: %v\n%s", dir, err, out)
			}
			for _, m := range warningTitle.FindAllStringSubmatch(out, -1) {
				title := strings.TrimSpace(m[1])
				if title != devOverridesWarning && !strings.Contains(src.all, title) && !strings.Contains(src.all, warningSubject(title)) {
					t.Errorf("apply of examples/%s warns %q, which the example does not explain:\n%s", dir, title, out)
				}
			}
			if out, err := run.terraform("plan", "-detailed-exitcode"); err != nil {
				t.Errorf("a second plan of examples/%s is not empty (%v):\n%s", dir, err, out)
			}
			if out, err := run.terraform("destroy", "-auto-approve"); err != nil {
				t.Errorf("terraform destroy examples/%s: %v\n%s", dir, err, out)
			}
		})
	}
}
