package access

import (
	"fmt"
	"testing"
)

// input is one point of the whole input space of Decide.
type input struct {
	org  Org
	user User
	via  Channel
}

func (in input) String() string {
	return fmt.Sprintf("org=%+v user=%+v via=%+v", in.org, in.user, in.via)
}

const grantee = "0PS5g0000000001AAA"

// everyInput enumerates every user type x active x ApiEnabled x UseAnyApiClient x
// CanApproveUninstalledApps x app installed x org-managed x blocked x admin-approved x granted x
// prior approval x device flow x both limits x the Visualforce option x both channels.
func everyInput(yield func(input)) {
	const dimensions = 15
	for _, ut := range UserTypes {
		for bits := 0; bits < 1<<dimensions; bits++ {
			on := func(i int) bool { return bits&(1<<i) != 0 }
			app := App{Name: "App", Installed: on(0), OrgManaged: on(1), Blocked: on(2), AdminApprovedUsersOnly: on(3)}
			if on(4) {
				app.GrantedTo = []string{"0PS5g0000000009AAA", grantee}
			}
			via := ViaApp(app)
			via.PriorApproval = on(5)
			if on(6) {
				via.Flow = FlowDevice
			}
			if on(7) {
				via = ViaVisualforce()
			}
			yield(input{
				org: Org{LimitExternalUsersToInstalledApps: on(8), LimitAllUsersToApprovedApps: on(9), AllowVisualforceAPIAccess: on(10)},
				user: User{Type: ut, Active: on(11), APIEnabled: on(12), UseAnyAPIClient: on(13), CanApproveUninstalledApps: on(14),
					Grantees: []string{"00e5g0000000001AAA", grantee}},
				via: via,
			})
		}
	}
}

func TestDecideCoversTheWholeInputSpace(t *testing.T) {
	count := 0
	seenRules := map[string]int{}
	everyInput(func(in input) {
		count++
		d := Decide(in.org, in.user, in.via)
		seenRules[d.Rule]++
		if d.Allowed != ruleAllows(t, d.Rule) {
			t.Fatalf("%v: decision %+v contradicts the rule table", in, d)
		}
		if d.Allowed && (d.ErrorCode != "" || d.Message != "") {
			t.Fatalf("%v: allowed decision carries an error: %+v", in, d)
		}
		if !d.Allowed && (d.ErrorCode == "" || d.Message == "") {
			t.Fatalf("%v: denial without error code and message: %+v", in, d)
		}
	})
	if want := len(UserTypes) << 15; count != want {
		t.Fatalf("enumerated %d inputs, want %d", count, want)
	}
	for _, r := range Rules {
		if seenRules[r.ID] == 0 {
			t.Errorf("rule %s never decides any input", r.ID)
		}
	}
}

// TestDecideAppliesTheFirstMatchingRule restates each rule's condition from the rule table in
// ARCHITECTURE.md as a predicate over the input and checks that the decision names the first rule
// whose predicate holds.
func TestDecideAppliesTheFirstMatchingRule(t *testing.T) {
	conditions := map[string]func(input) bool{
		RuleUserInactive:  func(in input) bool { return !in.user.Active },
		RuleAPINotEnabled: func(in input) bool { return !in.user.APIEnabled },
		RuleAppBlocked:    func(in input) bool { return !in.via.Visualforce && in.via.App.Blocked },
		RuleNotAdminApproved: func(in input) bool {
			return !in.via.Visualforce && in.via.App.AdminApprovedUsersOnly && len(in.via.App.GrantedTo) == 0
		},
		RuleExternalAppNotInstalled: func(in input) bool {
			external := map[UserType]bool{PowerPartner: true, PowerCustomerSuccess: true, CustomerSuccess: true, CspLitePortal: true, Guest: true}
			return !in.via.Visualforce && external[in.user.Type] && !in.user.UseAnyAPIClient &&
				in.org.LimitExternalUsersToInstalledApps && !in.via.App.Installed
		},
		RuleAppNotApproved: func(in input) bool {
			return !in.via.Visualforce && !in.user.UseAnyAPIClient && in.org.LimitAllUsersToApprovedApps && !in.via.App.Installed
		},
		RuleUninstalledAppRestricted: func(in input) bool {
			approvalCounts := in.via.PriorApproval && in.via.Flow != FlowDevice
			return !in.via.Visualforce && !in.via.App.Installed && !in.via.App.OrgManaged &&
				!in.user.CanApproveUninstalledApps && !approvalCounts
		},
		RuleBypassUseAnyAPIClient: func(in input) bool { return in.user.UseAnyAPIClient },
		RuleVisualforceDenied: func(in input) bool {
			governed := in.org.LimitAllUsersToApprovedApps || in.org.LimitExternalUsersToInstalledApps && in.user.Type.IsExternal()
			return in.via.Visualforce && governed && !in.org.AllowVisualforceAPIAccess
		},
		RuleAllowed: func(input) bool { return true },
	}
	everyInput(func(in input) {
		want := ""
		for _, r := range Rules {
			if conditions[r.ID](in) {
				want = r.ID
				break
			}
		}
		if got := Decide(in.org, in.user, in.via); got.Rule != want {
			t.Fatalf("%v: rule %s, want %s", in, got.Rule, want)
		}
	})
}

func TestInvariants(t *testing.T) {
	everyInput(func(in input) {
		d := Decide(in.org, in.user, in.via)

		if !in.via.Visualforce && in.via.App.Blocked && d.Allowed {
			t.Fatalf("%v: a blocked app let a user through", in)
		}

		if !in.user.Type.IsExternal() {
			flipped := in.org
			flipped.LimitExternalUsersToInstalledApps = !flipped.LimitExternalUsersToInstalledApps
			if other := Decide(flipped, in.user, in.via); other != d {
				t.Fatalf("%v: the external-user limit changed an org user's decision: %+v vs %+v", in, d, other)
			}
		}

		if in.user.UseAnyAPIClient && !in.via.Visualforce {
			withoutBypass := in.user
			withoutBypass.UseAnyAPIClient = false
			before := Decide(in.org, withoutBypass, in.via)
			if !before.Allowed && (before.Rule == RuleAppBlocked || before.Rule == RuleNotAdminApproved) && d.Allowed {
				t.Fatalf("%v: the bypass overrode %s", in, before.Rule)
			}
		}

		usable := in.via.App.Installed || in.via.App.OrgManaged || in.user.CanApproveUninstalledApps
		if !in.org.LimitExternalUsersToInstalledApps && !in.org.LimitAllUsersToApprovedApps &&
			!in.via.Visualforce && !in.via.App.Blocked && !in.via.App.AdminApprovedUsersOnly && usable &&
			in.user.Active && in.user.APIEnabled && !d.Allowed {
			t.Fatalf("%v: with both limits off an active API-enabled user of a usable self-authorize app was denied: %+v", in, d)
		}

		if !in.via.Visualforce && d.Allowed && !in.via.App.Installed && !in.via.App.OrgManaged &&
			!in.user.CanApproveUninstalledApps && (!in.via.PriorApproval || in.via.Flow == FlowDevice) {
			t.Fatalf("%v: an uninstalled app was let through without the permission or a prior approval: %+v", in, d)
		}

		if !in.via.Visualforce && d.Rule == RuleUninstalledAppRestricted && in.user.UseAnyAPIClient {
			withoutBypass := in.user
			withoutBypass.UseAnyAPIClient = false
			if other := Decide(in.org, withoutBypass, in.via); other.Allowed {
				t.Fatalf("%v: Use Any API Client turned an allow into a denial: %+v", in, other)
			}
		}

		if in.via.Visualforce && in.org.AllowVisualforceAPIAccess && d.Rule == RuleVisualforceDenied {
			t.Fatalf("%v: Visualforce denied although the option is on", in)
		}
	})
}

// TestTighteningNeverAllowsMore checks monotonicity: switching a limit on, uninstalling or blocking an
// app, or revoking a grant can only turn an allow into a deny, never the other way round.
func TestTighteningNeverAllowsMore(t *testing.T) {
	tighten := []struct {
		name  string
		apply func(input) (input, bool)
	}{
		{"external limit on", func(in input) (input, bool) {
			in.org.LimitExternalUsersToInstalledApps = true
			return in, true
		}},
		{"all-users limit on", func(in input) (input, bool) {
			in.org.LimitAllUsersToApprovedApps = true
			return in, true
		}},
		{"Visualforce option off", func(in input) (input, bool) {
			in.org.AllowVisualforceAPIAccess = false
			return in, true
		}},
		{"app uninstalled", func(in input) (input, bool) {
			in.via.App.Installed = false
			return in, !in.via.Visualforce
		}},
		{"app blocked", func(in input) (input, bool) {
			in.via.App.Blocked = true
			return in, !in.via.Visualforce
		}},
		{"grant revoked", func(in input) (input, bool) {
			in.via.App.GrantedTo = nil
			return in, !in.via.Visualforce
		}},
		{"prior approval revoked", func(in input) (input, bool) {
			in.via.PriorApproval = false
			return in, !in.via.Visualforce
		}},
		{"Approve Uninstalled Connected Apps removed", func(in input) (input, bool) {
			in.user.CanApproveUninstalledApps = false
			return in, true
		}},
		{"Use Any API Client removed", func(in input) (input, bool) {
			in.user.UseAnyAPIClient = false
			return in, true
		}},
		{"device flow", func(in input) (input, bool) {
			in.via.Flow = FlowDevice
			return in, !in.via.Visualforce
		}},
	}
	everyInput(func(in input) {
		before := Decide(in.org, in.user, in.via)
		for _, tc := range tighten {
			after, ok := tc.apply(in)
			if !ok {
				continue
			}
			if d := Decide(after.org, after.user, after.via); d.Allowed && !before.Allowed {
				t.Fatalf("%v: %s turned %s into an allow", in, tc.name, before.Rule)
			}
		}
	})
}

func TestDeniesWithSalesforceErrors(t *testing.T) {
	partner := User{Type: PowerPartner, Active: true, APIEnabled: true}
	employee := User{Type: Standard, Active: true, APIEnabled: true}
	limited := Org{LimitExternalUsersToInstalledApps: true}
	cases := []struct {
		name string
		org  Org
		user User
		via  Channel
		want Decision
	}{
		{"partner through an uninstalled app", limited, partner, ViaApp(App{Name: "Partner_Portal_Mobile", OrgManaged: true}),
			Decision{Rule: RuleExternalAppNotInstalled, ErrorCode: "invalid_client", Message: "app must be installed into org"}},
		{"partner through an installed app", limited, partner, ViaApp(App{Installed: true}),
			Decision{Allowed: true, Rule: RuleAllowed}},
		{"employee through an uninstalled app created in the org", limited, employee, ViaApp(App{OrgManaged: true}),
			Decision{Allowed: true, Rule: RuleAllowed}},
		{"employee through an uninstalled third-party app, never authorized", Org{}, employee, ViaApp(App{Name: "Workbench"}),
			Decision{Rule: RuleUninstalledAppRestricted, ErrorCode: "invalid_client", Message: "app must be installed into org"}},
		{"employee through an uninstalled third-party app authorized before", Org{}, employee, approved(App{Name: "Workbench"}, ""),
			Decision{Allowed: true, Rule: RuleAllowed}},
		{"employee through an uninstalled third-party app authorized before, device flow", Org{}, employee, approved(App{Name: "Workbench"}, FlowDevice),
			Decision{Rule: RuleUninstalledAppRestricted, ErrorCode: "invalid_client", Message: "app must be installed into org"}},
		{"admin with Approve Uninstalled Connected Apps, never authorized", Org{}, User{Type: Standard, Active: true, APIEnabled: true, CanApproveUninstalledApps: true},
			ViaApp(App{Name: "Workbench"}), Decision{Allowed: true, Rule: RuleAllowed}},
		{"Use Any API Client through an uninstalled third-party app, never authorized", Org{}, User{Type: Standard, Active: true, APIEnabled: true, UseAnyAPIClient: true},
			ViaApp(App{Name: "Workbench"}), Decision{Rule: RuleUninstalledAppRestricted, ErrorCode: "invalid_client", Message: "app must be installed into org"}},
		{"bypass holder through a blocked app", Org{}, User{Type: Standard, Active: true, APIEnabled: true, UseAnyAPIClient: true}, ViaApp(App{Installed: true, Blocked: true}),
			Decision{Rule: RuleAppBlocked, ErrorCode: "OAUTH_APP_BLOCKED", Message: "this app is blocked by admin"}},
		{"partner with the bypass through an uninstalled app created in the org", limited, User{Type: PowerPartner, Active: true, APIEnabled: true, UseAnyAPIClient: true}, ViaApp(App{OrgManaged: true}),
			Decision{Allowed: true, Rule: RuleBypassUseAnyAPIClient}},
		{"partner with the bypass through an uninstalled third-party app authorized before", limited, User{Type: PowerPartner, Active: true, APIEnabled: true, UseAnyAPIClient: true}, approved(App{}, FlowRefreshToken),
			Decision{Allowed: true, Rule: RuleBypassUseAnyAPIClient}},
		{"partner's Visualforce session, option off", limited, partner, ViaVisualforce(),
			Decision{Rule: RuleVisualforceDenied, ErrorCode: "INVALID_SESSION_ID", Message: "This session is not valid for use with the REST API"}},
		{"partner's Visualforce session, option on", Org{LimitExternalUsersToInstalledApps: true, AllowVisualforceAPIAccess: true}, partner, ViaVisualforce(),
			Decision{Allowed: true, Rule: RuleAllowed}},
		{"ungranted user of an admin-approved app", Org{}, partner, ViaApp(App{Installed: true, AdminApprovedUsersOnly: true, GrantedTo: []string{"0PS1"}}),
			Decision{Rule: RuleNotAdminApproved, ErrorCode: "invalid_app_access", Message: "user is not admin approved to access this app"}},
		{"inactive user", Org{}, User{Type: Standard, APIEnabled: true}, ViaApp(App{}),
			Decision{Rule: RuleUserInactive, ErrorCode: "inactive_user", Message: "user is inactive"}},
		{"user without API Enabled", Org{}, User{Type: Standard, Active: true}, ViaApp(App{}),
			Decision{Rule: RuleAPINotEnabled, ErrorCode: "API_CURRENTLY_DISABLED", Message: "API is disabled for this User"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Decide(tc.org, tc.user, tc.via); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func approved(app App, flow Flow) Channel {
	via := ViaApp(app)
	via.PriorApproval, via.Flow = true, flow
	return via
}

func TestDecideDoesNotAllocate(t *testing.T) {
	user := User{Type: PowerPartner, Active: true, APIEnabled: true, Grantees: []string{"a", "b", "c"}}
	via := ViaApp(App{Installed: true, AdminApprovedUsersOnly: true, GrantedTo: []string{"x", "c"}})
	if n := testing.AllocsPerRun(100, func() { Decide(Org{LimitExternalUsersToInstalledApps: true}, user, via) }); n != 0 {
		t.Errorf("Decide allocates %v times per call", n)
	}
}

func BenchmarkDecide(b *testing.B) {
	user := User{Type: PowerPartner, Active: true, APIEnabled: true, Grantees: []string{"a", "b", "c"}}
	via := ViaApp(App{Installed: true, AdminApprovedUsersOnly: true, GrantedTo: []string{"x", "y", "c"}})
	org := Org{LimitExternalUsersToInstalledApps: true}
	for b.Loop() {
		Decide(org, user, via)
	}
}

func ruleAllows(t *testing.T, id string) bool {
	t.Helper()
	for _, r := range Rules {
		if r.ID == id {
			return r.Allows
		}
	}
	t.Fatalf("decision names rule %q, which is not in the rule table", id)
	return false
}
