package provider

import (
	"fmt"
	"strings"
)

// Import ids of resources that join two objects name both, separated by a slash; API names
// cannot contain one, so the split is never ambiguous.

// importIDParts splits "a/b" into its two non-empty parts; the error names the expected form.
func importIDParts(id, form string) (string, string, error) {
	first, second, ok := strings.Cut(id, "/")
	if !ok || first == "" || second == "" {
		return "", "", fmt.Errorf("the import id %q is not of the form %s", id, form)
	}
	return first, second, nil
}
