package provider

import (
	"strings"
	"testing"
)

func TestImportIDParts(t *testing.T) {
	t.Parallel()
	app, grantee, err := importIDParts("Portal/profile:Customer Community User", "a/b")
	if err != nil || app != "Portal" || grantee != "profile:Customer Community User" {
		t.Errorf("got %q %q %v", app, grantee, err)
	}
	for _, bad := range []string{"Portal", "Portal/", "/Partner_API", ""} {
		if _, _, err := importIDParts(bad, "<app>/<permission_set>"); err == nil || !strings.Contains(err.Error(), "<app>/<permission_set>") {
			t.Errorf("%q: got %v, want an error naming the form", bad, err)
		}
	}
}
