package orgapi

import (
	"slices"
	"testing"
)

// TestOAuthValueSetsAreTheCallers would catch a caller's edit reaching the lists every later caller,
// the provider's validators among them, reads.
func TestOAuthValueSetsAreTheCallers(t *testing.T) {
	for name, get := range map[string]func() []string{
		"OAuthScopes": OAuthScopes, "IPRelaxationValues": IPRelaxationValues, "ECAIPRelaxationValues": ECAIPRelaxationValues,
	} {
		first := get()
		want := slices.Clone(first)
		first[0] = "changed by a caller"
		if got := get(); !slices.Equal(got, want) {
			t.Errorf("%s after a caller changed its copy: %v, want %v", name, got, want)
		}
	}
	folded := FoldedScopes()
	delete(folded, "Email")
	if FoldedScopes()["Email"] != "Basic" {
		t.Error("deleting from FoldedScopes' answer removed Email from the next answer")
	}
}
