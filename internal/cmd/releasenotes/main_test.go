package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const changelog = `# Changelog

Intro text that no release publishes.

## Unreleased

### Features

- Next thing.

## [0.2.0] - 2026-12-01

### Fixes

- A fix.

## 0.1.0

- First release.
`

func notesFor(t *testing.T, version string) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "CHANGELOG.md")
	if err := os.WriteFile(path, []byte(changelog), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run([]string{"-version", version, "-changelog", path}, &out)
	return out.String(), err
}

func TestReleaseNotesAreTheVersionsSection(t *testing.T) {
	cases := map[string]string{
		"v0.2.0":                  "### Fixes\n\n- A fix.\n",
		"0.1.0":                   "- First release.\n",
		"":                        "### Features\n\n- Next thing.\n",
		"0.2.1-SNAPSHOT-abc1234":  "### Features\n\n- Next thing.\n",
		"v0.3.0-rc.1+not-release": "### Features\n\n- Next thing.\n",
	}
	for version, want := range cases {
		got, err := notesFor(t, version)
		if err != nil {
			t.Errorf("%q: %v", version, err)
			continue
		}
		if got != want {
			t.Errorf("%q: notes\n%q\nwant\n%q", version, got, want)
		}
	}
}

func TestATagWithoutAChangelogSectionFails(t *testing.T) {
	_, err := notesFor(t, "v9.9.9")
	if err == nil || !strings.Contains(err.Error(), `no "## 9.9.9" section`) {
		t.Fatalf("error %v, want one that asks for a 9.9.9 section", err)
	}
}

func TestTheRepositorysChangelogHasReleaseNotes(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-changelog", "../../../CHANGELOG.md"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "sfaccess_api_access_control") {
		t.Errorf("the Unreleased notes do not mention the provider's resources:\n%s", out.String())
	}
}
