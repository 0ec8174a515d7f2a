package examples_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// TestAccOnboarding runs the guide "Bring an existing org under management" against the embedded
// org of sfaccess-mockorg: `terraform query -generate-config-out` with examples/onboarding, a plan
// that only imports, an apply, and a plan that is then empty. Every object of the org that a
// resource can manage must end up in state.
func TestAccOnboarding(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run the onboarding guide against an in-process mockorg (make test does)")
	}
	tf := terraform114(t)
	plugins := buildProvider(t)
	t.Run("embedded org", func(t *testing.T) { onboard(t, tf, plugins, mockorg.DefaultSeed()) })
	t.Run("org with permission sets and blocked apps", func(t *testing.T) { onboard(t, tf, plugins, busierSeed()) })
}

// busierSeed adds to the embedded org what it lacks and the guide must import too: permission sets
// with their assignments and grants (of a connected app and of an External Client App), and
// installed apps that are blocked or packaged.
func busierSeed() *mockorg.Seed {
	seed := mockorg.DefaultSeed()
	seed.PermissionSets = append(seed.PermissionSets,
		mockorg.SeedPermissionSet{Name: "Partner_API", Label: "Partner API", Description: "Portal partners on the API", Permissions: []string{"ApiEnabled"}},
		mockorg.SeedPermissionSet{Name: "Integration_Bypass", Label: "Integration Bypass", Permissions: []string{"ApiEnabled", "UseAnyApiClient"}})
	seed.PermissionSetAssignments = append(seed.PermissionSetAssignments,
		mockorg.SeedAssignment{PermissionSet: "Partner_API", Username: "partner@acme.test"},
		mockorg.SeedAssignment{PermissionSet: "Integration_Bypass", Username: "employee@acme.test"})
	seed.SetupEntityAccess = append(seed.SetupEntityAccess,
		mockorg.SeedGrant{ConnectedApp: "Partner_Portal_Mobile", PermissionSet: "Partner_API"})
	for i := range seed.ConnectedApps {
		switch app := &seed.ConnectedApps[i]; app.Name {
		case "Workbench":
			app.Installed, app.Blocked = true, true
		case "DataLoader":
			app.Installed = true
		}
	}
	for _, eca := range seed.ExternalClientApps {
		for _, c := range eca.Components {
			if eca.Name == "Partner_Self_Service" && c.Type == "ExtlClntAppOauthConfigurablePolicies" {
				c.Values["commaSeparatedPermissionSet"] = "Partner_API"
			}
		}
	}
	return seed
}

// onboard runs the guide's steps against an in-process mockorg serving seed.
func onboard(t *testing.T, tf, plugins string, seed *mockorg.Seed) {
	r := newOrgRun(t, tf, plugins, "onboarding", seed)
	run := func(args ...string) {
		t.Helper()
		if out, err := r.terraform(args...); err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	run("query", "-generate-config-out=gen.tf")
	run("plan", "-out=import.tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	showJSON(t, r, &plan, "import.tfplan")
	for _, rc := range plan.ResourceChanges {
		if !slices.Equal(rc.Change.Actions, []string{"no-op"}) || len(rc.Change.Importing) == 0 {
			t.Errorf("%s: actions %v, importing %s; want a pure import (no-op)", rc.Address, rc.Change.Actions, rc.Change.Importing)
		}
	}
	run("apply", "-auto-approve")
	run("plan", "-detailed-exitcode")

	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string         `json:"type"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	showJSON(t, r, &state)
	var got []string
	for _, res := range state.Values.RootModule.Resources {
		got = append(got, naturalKey(res.Type, res.Values))
	}
	slices.Sort(got)
	if want := seedObjects(seed); !slices.Equal(got, want) {
		t.Errorf("imported:\n  %s\nthe org has:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// naturalKey names a resource in state by its type and import id.
func naturalKey(typ string, v map[string]any) string {
	s := func(k string) string { str, _ := v[k].(string); return str }
	switch typ {
	case "sfaccess_api_access_control", "sfaccess_external_client_app_settings":
		return typ
	case "sfaccess_connected_app", "sfaccess_permission_set", "sfaccess_external_client_app":
		return typ + " " + s("name")
	case "sfaccess_connected_app_installation":
		return typ + " " + s("connected_app_name")
	case "sfaccess_connected_app_access":
		if p := s("profile_name"); p != "" {
			return typ + " " + s("connected_app_name") + "/profile:" + p
		}
		return typ + " " + s("connected_app_name") + "/" + s("permission_set_name")
	case "sfaccess_permission_set_assignment":
		return typ + " " + s("permission_set_name") + "/" + s("username")
	case "sfaccess_external_client_app_access":
		if p := s("profile_name"); p != "" {
			return typ + " " + s("external_client_app_name") + "/profile:" + p
		}
		return typ + " " + s("external_client_app_name") + "/" + s("permission_set_name")
	}
	return typ + " (unexpected)"
}

// seedObjects is every object of the seed that an sfaccess resource manages, as naturalKey names
// it: the settings, apps created in the org, installed apps, grants, permission sets and their
// assignments, External Client Apps created in the org and the grants of their OAuth policies.
func seedObjects(seed *mockorg.Seed) []string {
	objects := []string{"sfaccess_api_access_control", "sfaccess_external_client_app_settings"}
	for _, eca := range seed.ExternalClientApps {
		for _, c := range eca.Components {
			switch c.Type {
			case "ExternalClientApplication":
				if c.Values["distributionState"] != "Packaged" {
					objects = append(objects, "sfaccess_external_client_app "+eca.Name)
				}
			case "ExtlClntAppOauthConfigurablePolicies":
				for _, ps := range splitCommas(c.Values["commaSeparatedPermissionSet"]) {
					objects = append(objects, "sfaccess_external_client_app_access "+eca.Name+"/"+ps)
				}
				for _, p := range splitCommas(c.Values["commaSeparatedProfile"]) {
					objects = append(objects, "sfaccess_external_client_app_access "+eca.Name+"/profile:"+p)
				}
			}
		}
	}
	for _, a := range seed.ConnectedApps {
		if a.Local {
			objects = append(objects, "sfaccess_connected_app "+a.Name)
		}
		if a.Installed {
			objects = append(objects, "sfaccess_connected_app_installation "+a.Name)
		}
	}
	for _, g := range seed.SetupEntityAccess {
		grantee := g.PermissionSet
		if g.Profile != "" {
			grantee = "profile:" + g.Profile
		}
		objects = append(objects, "sfaccess_connected_app_access "+g.ConnectedApp+"/"+grantee)
	}
	for _, ps := range seed.PermissionSets {
		objects = append(objects, "sfaccess_permission_set "+ps.Name)
	}
	for _, a := range seed.PermissionSetAssignments {
		objects = append(objects, "sfaccess_permission_set_assignment "+a.PermissionSet+"/"+a.Username)
	}
	slices.Sort(objects)
	return objects
}

// splitCommas splits a metadata comma-separated list, as ECA policies hold their grantees.
func splitCommas(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// showJSON decodes `terraform show -json [args]` into v. Its standard output alone is JSON; what
// Terraform warns about goes to standard error.
func showJSON(t *testing.T, r *orgRun, v any, args ...string) {
	t.Helper()
	cmd := exec.Command(r.tf, append([]string{"show", "-json", "-no-color"}, args...)...)
	cmd.Dir, cmd.Env = r.dir, r.env
	out, err := cmd.Output()
	if err == nil {
		err = json.Unmarshal(out, v)
	}
	if err != nil {
		t.Fatalf("terraform show -json %v: %v\n%s", args, err, out)
	}
}
