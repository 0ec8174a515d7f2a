package mockorgtest_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestOnlyTestsImportThePackage keeps the harness out of every binary: no package of the module,
// built without its tests, depends on it.
func TestOnlyTestsImportThePackage(t *testing.T) {
	const module = "github.com/sfaccess/terraform-provider-sfaccess"
	const self = module + "/internal/mockorgtest"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, module+"/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	listed := map[string]bool{}
	for line := range strings.Lines(string(out)) {
		pkg, deps, _ := strings.Cut(strings.TrimSpace(line), " ")
		listed[pkg] = true
		if pkg != self && strings.Contains(" "+deps+" ", " "+self+" ") {
			t.Errorf("%s depends on %s outside its tests; only _test.go files may import it", pkg, self)
		}
	}
	for _, want := range []string{module, module + "/internal/provider", module + "/internal/orgapi", module + "/internal/cmd/sfaccess-mockorg"} {
		if !listed[want] {
			t.Errorf("go list did not list %s; the check looked at the wrong packages", want)
		}
	}
}
