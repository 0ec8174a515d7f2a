package provider

import (
	"fmt"
	"strings"
)

// Import ids of resources that join two objects name both, separated by a slash; API names
// cannot contain one, so the split is never ambiguous.

// profileImportPrefix marks the profile form of the import id. Permission set API names cannot
// contain a colon, so "App/profile:Customer Community User" cannot be mistaken for a permission
// set, and profile names (which may contain spaces and most punctuation) are taken verbatim.
const profileImportPrefix = "profile:"

// importIDParts splits "a/b" into its two non-empty parts; the error names the expected form.
func importIDParts(id, form string) (string, string, error) {
	first, second, ok := strings.Cut(id, "/")
	if !ok || first == "" || second == "" {
		return "", "", fmt.Errorf("the import id %q is not of the form %s", id, form)
	}
	return first, second, nil
}
