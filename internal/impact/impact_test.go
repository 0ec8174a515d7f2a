package impact

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

func load(t *testing.T, f *fakeOrg) *Base {
	t.Helper()
	b, err := Load(context.Background(), f)
	if err != nil || b == nil {
		t.Fatalf("Load: %v, %v", b, err)
	}
	return b
}

// flips names each change as "username app lost|gained rule".
func flips(changes []access.Change) []string {
	out := []string{}
	for _, c := range changes {
		outcome, rule := "gained", c.After.Rule
		if c.Lost() {
			outcome = "lost"
		}
		out = append(out, fmt.Sprintf("%s %s %s %s", c.Username, c.App, outcome, rule))
	}
	slices.Sort(out)
	return out
}

// TestLoadReadsWhatTheUsageListNames: the second round asks for the users and apps of the usage
// list only, the ECA policies only of the ECAs in use, and a label two apps share leaves its use
// out; nothing flips without a change.
func TestLoadReadsWhatTheUsageListNames(t *testing.T) {
	f := newFakeOrg()
	b := load(t, f)
	for read, want := range map[string][]string{
		"SetupEntityAccessesOf":  {"ca-portal", "ca-wb"},
		"ReadExternalClientApps": {"Sync"},
		"UsersByID":              {employee, partner},
	} {
		// The usage list names a user once per app they use.
		got, _ := f.called(read)
		if got = slices.Compact(got); !slices.Equal(got, want) {
			t.Errorf("%s asked for %v, want %v", read, got, want)
		}
	}
	if len(b.uses) != 6 || b.approved(partner, "Shared_A") || b.approved(partner, "Shared_B") {
		t.Errorf("uses %+v: want the six of Workbench, Portal and Sync, none of the shared label", b.uses)
	}
	if got := b.Compare(&Changes{}); len(got) != 0 {
		t.Errorf("no change flipped %v", flips(got))
	}
}

// TestEachKindOfChange applies each kind of change the provider plans, alone, and checks the
// pairs that flip and the rule of the decision after.
func TestEachKindOfChange(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change Change
		want   []string
	}{
		{"limit external users", func(_ *Base, ch *Changes) { ch.SetLimitExternal(true) },
			[]string{"partner@acme.test Workbench lost external_app_not_installed"}},
		{"limit all users", func(_ *Base, ch *Changes) { ch.SetLimitAll(true) },
			[]string{"employee@acme.test Workbench lost app_not_approved", "partner@acme.test Workbench lost app_not_approved"}},
		{"block", func(_ *Base, ch *Changes) { ch.SetInstalled("Workbench", true, true) },
			[]string{"employee@acme.test Workbench lost app_blocked", "partner@acme.test Workbench lost app_blocked"}},
		{"Permitted Users", func(_ *Base, ch *Changes) { ch.SetAdminApproved("Workbench", true) },
			[]string{"employee@acme.test Workbench lost not_admin_approved", "partner@acme.test Workbench lost not_admin_approved"}},
		{"a grant removed", func(b *Base, ch *Changes) { ch.Grant("Portal", b.SetID("profile:Standard"), false) },
			[]string{"employee@acme.test Portal lost not_admin_approved"}},
		{"a profile's permissions", func(b *Base, ch *Changes) { ch.SetPermissions(b.SetID("profile:Partner"), []string{"ViewSetup"}) },
			[]string{"partner@acme.test Portal lost api_not_enabled", "partner@acme.test Workbench lost api_not_enabled"}},
		{"an assignment gains an ECA", func(b *Base, ch *Changes) {
			id, _ := b.UserID("partner@acme.test")
			ch.Assign(id, b.SetID("Api_Users"), true)
		}, []string{"partner@acme.test Sync gained eca_allowed"}},
		{"an ECA grant", func(b *Base, ch *Changes) { ch.GrantECA("Sync", b.SetID("profile:Standard"), false) },
			[]string{"employee@acme.test Sync lost eca_not_admin_approved"}},
		{"an ECA's plugin", func(_ *Base, ch *Changes) { ch.SetECAPluginEnabled("Sync", false) },
			[]string{"employee@acme.test Sync lost eca_oauth_plugin_disabled"}},
		{"an ECA's Permitted Users", func(_ *Base, ch *Changes) { ch.SetECAAdminApproved("Sync", false) },
			[]string{"partner@acme.test Sync gained eca_allowed"}},
		{"a set the plan creates", func(b *Base, ch *Changes) { ch.SetPermissions(b.SetID("New_Set"), []string{"ApiEnabled"}) },
			[]string{}},
		{"a user outside the usage list", func(b *Base, ch *Changes) {
			if _, ok := b.UserID("stranger@acme.test"); ok {
				t.Error("a user without approvals is in the base")
			}
		}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := load(t, newFakeOrg())
			var ch Changes
			tc.change(b, &ch)
			if got := flips(b.Compare(&ch)); !slices.Equal(got, tc.want) {
				t.Errorf("flips %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSettingsAreTheBaseline: with the external limit on in the org, the partner is refused
// Workbench already; Use Any API Client lets them back in, a gain, and into Sync, whose admin
// approved Permitted Users grant the partner nothing.
func TestSettingsAreTheBaseline(t *testing.T) {
	f := newFakeOrg()
	on := true
	f.settings.EnableAdminApprovedAppsOnlyForExternalUser = &on
	b := load(t, f)
	var ch Changes
	ch.Assign(partner, b.SetID("Bypass"), true)
	if got, want := flips(b.Compare(&ch)), []string{"partner@acme.test Sync gained eca_bypass_use_any_api_client",
		"partner@acme.test Workbench gained bypass_use_any_api_client"}; !slices.Equal(got, want) {
		t.Errorf("flips %v, want %v", got, want)
	}
}

// TestRemovingUseAnyAPIClientLosesAnECA: Use Any API Client admits the partner to Sync, whose
// Permitted Users are admin approved and none of whose grants the partner holds; removing the
// permission set that carries it loses that use, which the ECA's own rule then refuses.
func TestRemovingUseAnyAPIClientLosesAnECA(t *testing.T) {
	f := newFakeOrg()
	f.assignments = append(f.assignments, orgapi.PermissionSetAssignment{AssigneeID: partner, PermissionSetID: "ps-bypass"})
	b := load(t, f)
	var ch Changes
	ch.Assign(partner, b.SetID("Bypass"), false)
	if got, want := flips(b.Compare(&ch)), []string{"partner@acme.test Sync lost eca_not_admin_approved"}; !slices.Equal(got, want) {
		t.Errorf("flips %v, want %v", got, want)
	}
	if !ch.Tightens(func(string) bool { return false }) {
		t.Error("removing Use Any API Client does not count as tightening")
	}
}

// TestLedgerReportsEachPairOnce adds changes one by one, as Terraform plans resources: each
// answer holds only the flips no earlier answer held.
func TestLedgerReportsEachPairOnce(t *testing.T) {
	l := NewLedger(load(t, newFakeOrg()))
	steps := []struct {
		change Change
		want   []string
	}{
		{func(_ *Base, ch *Changes) { ch.SetLimitExternal(true) }, []string{"partner@acme.test Workbench lost external_app_not_installed"}},
		// The partner's Workbench loss was reported; only the employee's is new.
		{func(_ *Base, ch *Changes) { ch.SetInstalled("Workbench", true, true) }, []string{"employee@acme.test Workbench lost app_blocked"}},
		{func(*Base, *Changes) {}, []string{}},
		{func(b *Base, ch *Changes) { ch.Grant("Portal", b.SetID("profile:Standard"), false) },
			[]string{"employee@acme.test Portal lost not_admin_approved"}},
		// Undoing the block leaves only the partner's loss, reported at the first step: nothing new.
		{func(_ *Base, ch *Changes) { ch.SetInstalled("Workbench", false, false) }, []string{}},
	}
	for i, s := range steps {
		if got := flips(l.Add(s.change)); !slices.Equal(got, s.want) {
			t.Errorf("step %d: %v, want %v", i+1, got, s.want)
		}
	}
}

// TestLoadWithoutTheExtension: an org without the setup extension is not analysed, and nothing
// else is read.
func TestLoadWithoutTheExtension(t *testing.T) {
	f := newFakeOrg()
	f.extension = false
	b, err := Load(context.Background(), f)
	if b != nil || err != nil {
		t.Fatalf("Load: %v, %v; want neither", b, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) != 1 {
		t.Errorf("reads %v, want the extension's discovery only", f.calls)
	}
}

// TestLoadRefused: a read the org refuses for a missing permission fails the load with the org's
// error as it is, so the caller can leave the plan unanalysed and say why; when both the settings
// and another read fail, the settings' error is the one returned.
func TestLoadRefused(t *testing.T) {
	refused := &orgapi.Error{Kind: orgapi.KindInsufficientAccess, Message: "needs Modify All Data"}
	f := newFakeOrg()
	f.fail["ReadConnectedAppSettings"] = refused
	b, err := Load(context.Background(), f)
	if b != nil || !errors.Is(err, orgapi.ErrInsufficientAccess) {
		t.Fatalf("Load: %v, %v; want no base and the refusal", b, err)
	}
	f.fail["OAuthApprovals"] = errors.New("timeout")
	if _, err := Load(context.Background(), f); !errors.Is(err, orgapi.ErrInsufficientAccess) {
		t.Errorf("both failed: %v, want the settings' error", err)
	}
	delete(f.fail, "ReadConnectedAppSettings")
	if _, err := Load(context.Background(), f); err == nil || err.Error() != "timeout" {
		t.Errorf("the usage list failed: %v", err)
	}
}

// TestLoadBelowECAs: a client below API 60.0 sees no External Client Apps, so their uses are not
// analysed, and their usage is not asked for.
func TestLoadBelowECAs(t *testing.T) {
	f := newFakeOrg()
	f.noECAs = true
	b := load(t, f)
	if _, asked := f.called("ExternalClientAppUsage"); asked {
		t.Error("asked for the ECAs' usage")
	}
	var ch Changes
	ch.SetECAPluginEnabled("Sync", false)
	if got := b.Compare(&ch); len(got) != 0 {
		t.Errorf("an ECA change flipped %v", flips(got))
	}
}

func TestReadSettings(t *testing.T) {
	f := newFakeOrg()
	on, off := true, false
	f.settings = orgapi.ConnectedAppSettings{EnableAdminApprovedAppsOnly: &on, EnableAdminApprovedAppsOnlyForExternalUser: &off}
	org, op, err := ReadSettings(context.Background(), f)
	if err != nil || op != "" || org != (access.Org{LimitAllUsersToApprovedApps: true}) {
		t.Errorf("ReadSettings: %+v %q %v", org, op, err)
	}
	f.fail["AllowVisualforceAPIAccess"] = errors.New("down")
	if _, op, err := ReadSettings(context.Background(), f); err == nil || op != `reading "Allow Visualforce pages to access APIs"` {
		t.Errorf("a failed Visualforce read: %q %v", op, err)
	}
}

// TestLoginOnAPermissionSetBase decides one login (the provider's own) on a base of no more than
// the permission sets, with its user and app added, as the self-lockout check does on an org
// without the setup extension: the app is taken as installed, and its install state not read.
func TestLoginOnAPermissionSetBase(t *testing.T) {
	f := newFakeOrg()
	b, err := LoadPermissionSetBase(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	id := b.AddUser(orgapi.User{ID: "u-admin", Username: "admin@acme.test", UserType: "Standard", ProfileID: "pr-std", IsActive: true},
		[]string{"ps-bypass"})
	login, err := b.AddLoginApp(context.Background(), f, access.Login{UserID: id, Flow: access.FlowClientCredentials}, "portal-key")
	if err != nil || login.App != "Portal" || login.ExternalClientApp || login.PriorApproval {
		t.Fatalf("AddLoginApp: %+v, %v", login, err)
	}
	if _, read := f.called("OAuthUsageApp"); read {
		t.Error("read the install state of an org that cannot say it")
	}
	for _, tc := range []struct {
		name    string
		change  Change
		allowed bool
		rule    string
	}{
		{"its profile's grant removed", func(b *Base, ch *Changes) { ch.Grant("Portal", b.SetID("profile:Standard"), false) }, false, access.RuleNotAdminApproved},
		{"blocked", func(_ *Base, ch *Changes) { ch.SetInstalled("Portal", true, true) }, false, access.RuleAppBlocked},
		{"Use Any API Client removed", func(b *Base, ch *Changes) { ch.Assign(id, b.SetID("Bypass"), false) }, true, access.RuleAllowed},
		{"limited", func(_ *Base, ch *Changes) { ch.SetLimitAll(true) }, true, access.RuleBypassUseAnyAPIClient},
	} {
		var ch Changes
		tc.change(b, &ch)
		before, after, ok := b.DecideLogin(&ch, login)
		if !ok || !before.Allowed || after.Allowed != tc.allowed || after.Rule != tc.rule {
			t.Errorf("%s: %+v → %+v (%v), want allowed %v by rule %s after", tc.name, before, after, ok, tc.allowed, tc.rule)
		}
	}
}

// TestAddLoginApp finds the login's app by consumer key: one of the usage list keeps its state and
// counts the user's approval, an External Client App is found by its own key, and an unknown key
// or a failed look-up adds no app.
func TestAddLoginApp(t *testing.T) {
	f := newFakeOrg()
	b := load(t, f)
	ctx := context.Background()
	login, err := b.AddLoginApp(ctx, f, access.Login{UserID: employee}, "wb-key")
	if err != nil || login.App != "Workbench" || !login.PriorApproval {
		t.Errorf("Workbench: %+v, %v", login, err)
	}
	if _, read := f.called("ConnectedAppID"); read {
		t.Error("looked up an app the base holds")
	}
	if login, err = b.AddLoginApp(ctx, f, access.Login{UserID: employee}, "sync-key"); err != nil || login.App != "Sync" || !login.ExternalClientApp {
		t.Errorf("Sync: %+v, %v", login, err)
	}
	if login, err = b.AddLoginApp(ctx, f, access.Login{UserID: employee}, "nobody's"); err != nil || login.App != "" {
		t.Errorf("an unknown key: %+v, %v", login, err)
	}
	f.fail["ReadExternalClientApps"] = errors.New("down")
	if login, err = b.AddLoginApp(ctx, f, access.Login{UserID: employee}, "sync-key"); err == nil || login.App != "" {
		t.Errorf("a failed look-up: %+v, %v", login, err)
	}
}

func TestTightens(t *testing.T) {
	isNew := func(app string) bool { return app == "New_App" }
	for _, tc := range []struct {
		name   string
		change func(ch *Changes)
		want   bool
	}{
		{"nothing", func(*Changes) {}, false},
		{"a limit on", func(ch *Changes) { ch.SetLimitAll(true) }, true},
		{"a limit off", func(ch *Changes) { ch.SetLimitExternal(false) }, false},
		{"permissions", func(ch *Changes) { ch.SetPermissions("ps-api", []string{"ApiEnabled"}) }, true},
		{"an install", func(ch *Changes) { ch.SetInstalled("Workbench", true, false) }, false},
		{"a block", func(ch *Changes) { ch.SetInstalled("Workbench", true, true) }, true},
		{"a new app blocked", func(ch *Changes) { ch.SetInstalled("New_App", true, true) }, false},
		{"an uninstall", func(ch *Changes) { ch.SetInstalled("Workbench", false, false) }, true},
		{"admin approved", func(ch *Changes) { ch.SetAdminApproved("Workbench", true) }, true},
		{"a grant", func(ch *Changes) { ch.Grant("Workbench", "ps-api", true) }, false},
		{"a grant removed", func(ch *Changes) { ch.Grant("Workbench", "ps-api", false) }, true},
		{"a new app's grant removed", func(ch *Changes) { ch.Grant("New_App", "ps-api", false) }, false},
		{"an assignment removed", func(ch *Changes) { ch.Assign(employee, "ps-api", false) }, true},
		{"an ECA's plugin off", func(ch *Changes) { ch.SetECAPluginEnabled("Sync", false) }, true},
		{"an ECA's plugin on", func(ch *Changes) { ch.SetECAPluginEnabled("Sync", true) }, false},
		{"an ECA admin approved", func(ch *Changes) { ch.SetECAAdminApproved("Sync", true) }, true},
		{"an ECA grant removed", func(ch *Changes) { ch.GrantECA("Sync", "ps-api", false) }, true},
	} {
		var ch Changes
		tc.change(&ch)
		if got := ch.Tightens(isNew); got != tc.want {
			t.Errorf("%s: Tightens %v, want %v", tc.name, got, tc.want)
		}
	}
}
