package access

import (
	"fmt"
	"testing"
)

// ecaInput is one point of the whole input space of Decide for the External Client App channel.
type ecaInput struct {
	org  Org
	user User
	eca  ExternalClientApp
}

func (in ecaInput) String() string {
	return fmt.Sprintf("org=%+v user=%+v eca=%+v", in.org, in.user, in.eca)
}

// everyECAInput enumerates every user type x active x ApiEnabled x UseAnyApiClient x
// CanApproveUninstalledApps x isEnabled x isOauthPluginEnabled x admin-approved x granted x both
// limits x the Visualforce option.
func everyECAInput(yield func(ecaInput)) {
	const dimensions = 11
	for _, ut := range UserTypes {
		for bits := 0; bits < 1<<dimensions; bits++ {
			on := func(i int) bool { return bits&(1<<i) != 0 }
			eca := ExternalClientApp{Name: "ECA", Enabled: on(0), OAuthPluginEnabled: on(1), AdminApprovedUsersOnly: on(2)}
			if on(3) {
				eca.GrantedTo = []string{"0PS5g0000000009AAA", grantee}
			}
			yield(ecaInput{
				org: Org{LimitExternalUsersToInstalledApps: on(4), LimitAllUsersToApprovedApps: on(5), AllowVisualforceAPIAccess: on(6)},
				user: User{Type: ut, Active: on(7), APIEnabled: on(8), UseAnyAPIClient: on(9), CanApproveUninstalledApps: on(10),
					Grantees: []string{"00e5g0000000001AAA", grantee}},
				eca: eca,
			})
		}
	}
}

func decideECAInput(in ecaInput) Decision {
	return Decide(in.org, in.user, ViaExternalClientApp(in.eca))
}

func TestECADecisionsCoverTheWholeInputSpace(t *testing.T) {
	table := map[string]bool{RuleUserInactive: false, RuleAPINotEnabled: false}
	for _, r := range ECARules {
		table[r.ID] = r.Allows
	}
	count := 0
	seen := map[string]int{}
	everyECAInput(func(in ecaInput) {
		count++
		d := decideECAInput(in)
		allows, known := table[d.Rule]
		if !known {
			t.Fatalf("%v: rule %q is not a rule of the External Client App channel", in, d.Rule)
		}
		seen[d.Rule]++
		if d.Allowed != allows {
			t.Fatalf("%v: decision %+v contradicts the rule table", in, d)
		}
		if d.Allowed != (d.ErrorCode == "" && d.Message == "") {
			t.Fatalf("%v: error code and message do not match the outcome: %+v", in, d)
		}
	})
	if want := len(UserTypes) << 11; count != want {
		t.Fatalf("enumerated %d inputs, want %d", count, want)
	}
	for id := range table {
		if seen[id] == 0 {
			t.Errorf("rule %s never decides any External Client App input", id)
		}
	}
}

// TestECADecisionsApplyTheFirstMatchingRule restates ARCHITECTURE.md's rule table for External
// Client Apps as predicates and checks that each decision names the first one that holds.
func TestECADecisionsApplyTheFirstMatchingRule(t *testing.T) {
	order := []struct {
		id   string
		when func(ecaInput) bool
	}{
		{RuleUserInactive, func(in ecaInput) bool { return !in.user.Active }},
		{RuleAPINotEnabled, func(in ecaInput) bool { return !in.user.APIEnabled }},
		{RuleECAOAuthPluginDisabled, func(in ecaInput) bool { return !in.eca.Enabled || !in.eca.OAuthPluginEnabled }},
		{RuleECABypassUseAnyAPIClient, func(in ecaInput) bool { return in.user.UseAnyAPIClient }},
		{RuleECANotAdminApproved, func(in ecaInput) bool { return in.eca.AdminApprovedUsersOnly && len(in.eca.GrantedTo) == 0 }},
		{RuleECAAllowed, func(ecaInput) bool { return true }},
	}
	everyECAInput(func(in ecaInput) {
		want := ""
		for _, r := range order {
			if r.when(in) {
				want = r.id
				break
			}
		}
		if got := decideECAInput(in); got.Rule != want {
			t.Fatalf("%v: rule %s, want %s", in, got.Rule, want)
		}
	})
}

func TestECAInvariants(t *testing.T) {
	everyECAInput(func(in ecaInput) {
		d := decideECAInput(in)

		if (!in.eca.Enabled || !in.eca.OAuthPluginEnabled) && d.Allowed {
			t.Fatalf("%v: a switched-off OAuth plugin let a user through", in)
		}

		// API Access Control is not needed for External Client Apps: neither its limits, nor the
		// Visualforce option, nor Approve Uninstalled Connected Apps, nor the user type change a
		// decision.
		for name, vary := range map[string]func(ecaInput) ecaInput{
			"external limit": func(in ecaInput) ecaInput {
				in.org.LimitExternalUsersToInstalledApps = !in.org.LimitExternalUsersToInstalledApps
				return in
			},
			"all-users limit": func(in ecaInput) ecaInput {
				in.org.LimitAllUsersToApprovedApps = !in.org.LimitAllUsersToApprovedApps
				return in
			},
			"Visualforce option": func(in ecaInput) ecaInput {
				in.org.AllowVisualforceAPIAccess = !in.org.AllowVisualforceAPIAccess
				return in
			},
			"Approve Uninstalled Apps": func(in ecaInput) ecaInput {
				in.user.CanApproveUninstalledApps = !in.user.CanApproveUninstalledApps
				return in
			},
			"user type (org vs. portal)": func(in ecaInput) ecaInput { in.user.Type = PowerPartner; return in },
		} {
			if other := decideECAInput(vary(in)); other != d {
				t.Fatalf("%v: flipping %s changed an External Client App decision: %+v vs %+v", in, name, d, other)
			}
		}

		// Use Any API Client admits a user to any ECA whose plugin is on, and only ever admits:
		// granting it never turns an allow into a deny, nor changes a denial for any other reason.
		if in.user.UseAnyAPIClient && in.user.Active && in.user.APIEnabled && in.eca.Enabled && in.eca.OAuthPluginEnabled &&
			d != (Decision{Allowed: true, Rule: RuleECABypassUseAnyAPIClient}) {
			t.Fatalf("%v: Use Any API Client did not admit the user to an ECA with its plugin on: %+v", in, d)
		}
		without := in
		without.user.UseAnyAPIClient = false
		if other := decideECAInput(without); !d.Allowed && other != d {
			t.Fatalf("%v: Use Any API Client changed an ECA denial: %+v vs %+v", in, d, other)
		}

		if in.user.Active && in.user.APIEnabled && in.eca.Enabled && in.eca.OAuthPluginEnabled &&
			!in.eca.AdminApprovedUsersOnly && !d.Allowed {
			t.Fatalf("%v: a self-authorize ECA with its plugin on refused an active API-enabled user: %+v", in, d)
		}
	})
}

func TestECATighteningNeverAllowsMore(t *testing.T) {
	tighten := map[string]func(ecaInput) ecaInput{
		"plugins off":                func(in ecaInput) ecaInput { in.eca.Enabled = false; return in },
		"OAuth plugin off":           func(in ecaInput) ecaInput { in.eca.OAuthPluginEnabled = false; return in },
		"admin approved users":       func(in ecaInput) ecaInput { in.eca.AdminApprovedUsersOnly = true; return in },
		"grant revoked":              func(in ecaInput) ecaInput { in.eca.GrantedTo = nil; return in },
		"user deactivated":           func(in ecaInput) ecaInput { in.user.Active = false; return in },
		"API Enabled removed":        func(in ecaInput) ecaInput { in.user.APIEnabled = false; return in },
		"Use Any API Client removed": func(in ecaInput) ecaInput { in.user.UseAnyAPIClient = false; return in },
	}
	everyECAInput(func(in ecaInput) {
		before := decideECAInput(in)
		for name, apply := range tighten {
			if d := decideECAInput(apply(in)); d.Allowed && !before.Allowed {
				t.Fatalf("%v: %s turned %s into an allow", in, name, before.Rule)
			}
		}
	})
}

// TestECAStartsClosed pins what a new ECA does: its OAuth policies default to admin-approved users
// with nobody granted, so an administrator without Use Any API Client is refused until a profile or
// permission set is added; a grant or AllSelfAuthorized opens it.
func TestECAStartsClosed(t *testing.T) {
	admin := User{Type: Standard, Active: true, APIEnabled: true, Grantees: []string{"00eADMIN"}}
	fresh := ExternalClientApp{Name: "New_ECA", Enabled: true, OAuthPluginEnabled: true, AdminApprovedUsersOnly: true}
	want := Decision{Rule: RuleECANotAdminApproved, ErrorCode: CodeInvalidAppAccess, Message: MessageNotApproved}
	if d := Decide(Org{}, admin, ViaExternalClientApp(fresh)); d != want {
		t.Fatalf("a new ECA: %+v, want %+v", d, want)
	}
	granted := fresh
	granted.GrantedTo = []string{"00eADMIN"}
	if d := Decide(Org{}, admin, ViaExternalClientApp(granted)); d != (Decision{Allowed: true, Rule: RuleECAAllowed}) {
		t.Fatalf("a granted ECA: %+v", d)
	}
	selfAuthorized := fresh
	selfAuthorized.AdminApprovedUsersOnly = false
	if d := Decide(Org{}, admin, ViaExternalClientApp(selfAuthorized)); !d.Allowed {
		t.Fatalf("a self-authorize ECA: %+v", d)
	}
	switchedOff := granted
	switchedOff.OAuthPluginEnabled = false
	want = Decision{Rule: RuleECAOAuthPluginDisabled, ErrorCode: CodeAppBlocked, Message: MessageAppBlocked}
	if d := Decide(Org{}, admin, ViaExternalClientApp(switchedOff)); d != want {
		t.Fatalf("an ECA with its OAuth plugin off: %+v, want %+v", d, want)
	}
}

// TestECAUseAnyAPIClientBypassesPermittedUsers pins Salesforce's note on admin-approved ECAs: a user
// holding Use Any API Client reaches an ECA none of whose profiles or permission sets they have, but
// not one whose OAuth plugin is switched off.
func TestECAUseAnyAPIClientBypassesPermittedUsers(t *testing.T) {
	bypasser := User{Type: Standard, Active: true, APIEnabled: true, UseAnyAPIClient: true, Grantees: []string{"00eADMIN"}}
	fresh := ExternalClientApp{Name: "New_ECA", Enabled: true, OAuthPluginEnabled: true, AdminApprovedUsersOnly: true}
	if d := Decide(Org{}, bypasser, ViaExternalClientApp(fresh)); d != (Decision{Allowed: true, Rule: RuleECABypassUseAnyAPIClient}) {
		t.Fatalf("Use Any API Client through an admin-approved ECA without a grant: %+v", d)
	}
	switchedOff := fresh
	switchedOff.Enabled = false
	want := Decision{Rule: RuleECAOAuthPluginDisabled, ErrorCode: CodeAppBlocked, Message: MessageAppBlocked}
	if d := Decide(Org{}, bypasser, ViaExternalClientApp(switchedOff)); d != want {
		t.Fatalf("Use Any API Client through an ECA with its plugins off: %+v, want %+v", d, want)
	}
}

func TestECADecideDoesNotAllocate(t *testing.T) {
	user := User{Type: Standard, Active: true, APIEnabled: true, Grantees: []string{"a", "b", "c"}}
	via := ViaExternalClientApp(ExternalClientApp{Enabled: true, OAuthPluginEnabled: true, AdminApprovedUsersOnly: true, GrantedTo: []string{"x", "c"}})
	if n := testing.AllocsPerRun(100, func() { Decide(Org{}, user, via) }); n != 0 {
		t.Fatalf("Decide allocated %v times for an ECA", n)
	}
}
