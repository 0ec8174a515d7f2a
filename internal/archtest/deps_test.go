package archtest

import (
	"encoding/json"
	"errors"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/sfaccess/terraform-provider-sfaccess"

// pkg is what go list says of one package of the module.
type pkg struct {
	ImportPath   string // relative to the module once listModule returns it
	Dir          string
	Imports      []string
	Deps         []string
	TestGoFiles  []string
	XTestGoFiles []string
}

// listModule runs go list on every package of the module, test-only packages included, and
// returns them by path relative to the module, in order.
func listModule(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", module+"/...").Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("go list: %v\n%s", err, exit.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list: %v", err)
		}
		p.ImportPath = strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		pkgs = append(pkgs, p)
	}
	slices.SortFunc(pkgs, func(a, b pkg) int { return strings.Compare(a.ImportPath, b.ImportPath) })
	if !slices.ContainsFunc(pkgs, func(p pkg) bool { return p.ImportPath == "internal/access" }) {
		t.Fatalf("go list did not list internal/access; got %d packages", len(pkgs))
	}
	return pkgs
}

// inTree reports whether rel (a path relative to the module) is root or below it.
func inTree(rel, root string) bool {
	return rel == root || strings.HasPrefix(rel, root+"/")
}

// TestDependencyDirection holds the rules of ARCHITECTURE.md, Dependency direction, over each
// package's non-test dependencies, direct and indirect.
func TestDependencyDirection(t *testing.T) {
	pkgs := listModule(t)
	type rule struct {
		from   string // a package and the packages below it
		banned func(dep string) bool
		why    string
	}
	ofModule := func(tree string) func(string) bool {
		return func(dep string) bool { return inTree(strings.TrimPrefix(dep, module+"/"), tree) }
	}
	terraform := func(dep string) bool { return strings.HasPrefix(dep, "github.com/hashicorp/terraform-") }
	anyOf := func(fs ...func(string) bool) func(string) bool {
		return func(dep string) bool {
			for _, f := range fs {
				if f(dep) {
					return true
				}
			}
			return false
		}
	}
	rules := []rule{
		{"internal/access", func(dep string) bool { return strings.HasPrefix(dep, module+"/") },
			"the rules stay pure: mockorg enforces and the provider predicts with the same code"},
		{"internal/impact", terraform, "the engine is tested directly, without Terraform"},
		{"internal/orgapi", anyOf(terraform, ofModule("internal/mockorg")),
			"the client knows nothing of Terraform, and the wire format is its only contract with mockorg"},
		{"internal/mockorg", anyOf(ofModule("internal/orgapi"), ofModule("internal/provider"), ofModule("internal/impact")),
			"the wire format is mockorg's only contract with the client"},
	}
	for _, r := range rules {
		for _, p := range pkgs {
			rel := p.ImportPath
			if !inTree(rel, r.from) {
				continue
			}
			for _, dep := range p.Deps {
				if r.banned(dep) {
					t.Errorf("%s depends on %s: %s", rel, dep, r.why)
				}
			}
		}
	}
	for _, p := range pkgs {
		rel := p.ImportPath
		for _, imp := range p.Imports {
			if imp == module+"/internal/mockorgtest" {
				t.Errorf("%s imports internal/mockorgtest outside its tests: it is test support only", rel)
			}
		}
	}
}

// TestMockorgTestsImportOrgapiOnlyInTheOracle: mockorg's tests pin the wire format on their own
// side; oracle_test.go alone compares mockorg's copies of shared facts with orgapi's (ARCHITECTURE.md,
// Facts kept on both sides).
func TestMockorgTestsImportOrgapiOnlyInTheOracle(t *testing.T) {
	pkgs := listModule(t)
	banned := []string{"internal/orgapi", "internal/provider", "internal/impact"}
	for _, p := range pkgs {
		rel := p.ImportPath
		if !inTree(rel, "internal/mockorg") {
			continue
		}
		for _, name := range append(append([]string{}, p.TestGoFiles...), p.XTestGoFiles...) {
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, name), nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, spec := range f.Imports {
				path, _ := strconv.Unquote(spec.Path.Value)
				for _, b := range banned {
					if path == module+"/"+b && (rel != "internal/mockorg" || name != "oracle_test.go" || b != "internal/orgapi") {
						t.Errorf("%s/%s imports %s", rel, name, b)
					}
				}
			}
		}
	}
}
