package archtest

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// moduleRoot is the directory of the module's go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	return strings.TrimSpace(string(out))
}

var (
	heading     = regexp.MustCompile(`(?m)^#{1,6} +(.+?) *$`)
	commentJoin = regexp.MustCompile(`\n[ \t]*//[ \t]?`)
	citation    = regexp.MustCompile(`ARCHITECTURE\.md, "?([^\n]{0,80})`)
	anchorLink  = regexp.MustCompile(`ARCHITECTURE\.md#([a-z0-9-]+)`)
	localLink   = regexp.MustCompile(`\]\(#([a-z0-9-]+)\)`)
)

// slug is GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.
func slug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestArchitectureCitationsNameHeadings: code comments and documents cite ARCHITECTURE.md by
// heading ("ARCHITECTURE.md, Access rules") and link to its anchors; each must still exist.
// CHANGELOG.md is history and keeps the names of its day.
func TestArchitectureCitationsNameHeadings(t *testing.T) {
	root := moduleRoot(t)
	arch, err := os.ReadFile(filepath.Join(root, "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	var headings []string
	anchors := map[string]bool{}
	for _, m := range heading.FindAllStringSubmatch(string(arch), -1) {
		headings = append(headings, m[1])
		anchors[slug(m[1])] = true
	}
	for _, m := range localLink.FindAllStringSubmatch(string(arch), -1) {
		if !anchors[m[1]] {
			t.Errorf("ARCHITECTURE.md links to #%s, which no heading makes", m[1])
		}
	}
	cited := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			// This package's own patterns are no citations.
			if path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "archtest") {
				return filepath.SkipDir
			}
			return nil
		}
		if name == "CHANGELOG.md" || !strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, ".md") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text := string(b)
		if strings.HasSuffix(name, ".go") {
			text = commentJoin.ReplaceAllString(text, " ")
		} else {
			text = strings.ReplaceAll(text, "\n", " ")
		}
		rel, _ := filepath.Rel(root, path)
		for _, m := range citation.FindAllStringSubmatch(text, -1) {
			cited++
			found := false
			for _, h := range headings {
				if strings.HasPrefix(m[1], h) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s cites ARCHITECTURE.md, %q…, which names no heading of it", rel, m[1])
			}
		}
		for _, m := range anchorLink.FindAllStringSubmatch(text, -1) {
			cited++
			if !anchors[m[1]] {
				t.Errorf("%s links to ARCHITECTURE.md#%s, which no heading makes", rel, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if cited < 20 {
		t.Fatalf("found %d citations of ARCHITECTURE.md; the walk missed the code", cited)
	}
}
