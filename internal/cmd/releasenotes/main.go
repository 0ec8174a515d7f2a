// Command releasenotes prints the section of CHANGELOG.md that a release publishes, so that the
// release notes are the changelog people wrote and a tag without a changelog section fails.
//
//	go run ./internal/cmd/releasenotes -version v0.1.0 [-changelog CHANGELOG.md]
//
// A version's section is the "## [0.1.0]" or "## 0.1.0" heading (with or without a date after it)
// up to the next "## " heading. A snapshot build, whose version is not a release, gets the
// "Unreleased" section.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "releasenotes:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("releasenotes", flag.ContinueOnError)
	version := fs.String("version", "", "the release's version or tag, e.g. v0.1.0; empty or a snapshot version takes Unreleased")
	changelog := fs.String("changelog", "CHANGELOG.md", "the changelog to read")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Open(*changelog)
	if err != nil {
		return err
	}
	defer f.Close()
	notes, err := section(f, heading(*version))
	if err != nil {
		return fmt.Errorf("%s: %w", *changelog, err)
	}
	_, err = io.WriteString(out, notes)
	return err
}

// releaseVersion is a tag or version goreleaser publishes: 1.2.3, optionally with a pre-release.
var releaseVersion = regexp.MustCompile(`^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$`)

// heading is the changelog heading a version's notes are under; goreleaser's snapshot versions
// ("0.2.1-SNAPSHOT-abc1234") are not releases.
func heading(version string) string {
	if m := releaseVersion.FindStringSubmatch(version); m != nil && !strings.Contains(m[1], "-SNAPSHOT") {
		return m[1]
	}
	return "Unreleased"
}

// section returns the body of the "## <name>" section, without its heading and trimmed.
func section(r io.Reader, name string) (string, error) {
	var body []string
	in := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			if in {
				break
			}
			in = headingNames(line, name)
			continue
		}
		if in {
			body = append(body, line)
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	if !in && body == nil {
		return "", fmt.Errorf("no %q section: add one before tagging the release", "## "+name)
	}
	notes := strings.TrimSpace(strings.Join(body, "\n"))
	if notes == "" {
		return "", errors.New("the " + name + " section is empty")
	}
	return notes + "\n", nil
}

// headingNames reports whether a "## " heading is the named section: "## 0.1.0", "## [0.1.0]",
// "## [0.1.0] - 2026-12-01", "## Unreleased".
func headingNames(line, name string) bool {
	title := strings.TrimSpace(strings.TrimPrefix(line, "## "))
	first, _, _ := strings.Cut(title, " ")
	return strings.Trim(first, "[]") == name
}
