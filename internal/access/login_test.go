package access

import "testing"

// TestDecideLogin decides the provider's own login, a client credentials token of the admin, and
// of the employee, who holds no Use Any API Client, through the Terraform app and an ECA.
func TestDecideLogin(t *testing.T) {
	admin := Login{UserID: adminID, App: "Terraform", Flow: FlowClientCredentials}
	employee := Login{UserID: employeeID, App: "Terraform", Flow: FlowClientCredentials}
	for _, tc := range []struct {
		name       string
		login      Login
		change     func(f *Facts)
		wantOK     bool
		wantBefore string
		wantAfter  string
	}{
		{"nothing changes", admin, func(*Facts) {}, true, RuleBypassUseAnyAPIClient, RuleBypassUseAnyAPIClient},
		{"blocking the app", admin, func(f *Facts) { setApp(f, "Terraform", func(a *App) { a.Blocked = true }) },
			true, RuleBypassUseAnyAPIClient, RuleAppBlocked},
		{"admin approved without a grant", admin, func(f *Facts) { setApp(f, "Terraform", func(a *App) { a.AdminApprovedUsersOnly = true }) },
			true, RuleBypassUseAnyAPIClient, RuleNotAdminApproved},
		{"admin approved with a grant", admin, func(f *Facts) {
			setApp(f, "Terraform", func(a *App) { a.AdminApprovedUsersOnly, a.GrantedTo = true, []string{"a"} })
		}, true, RuleBypassUseAnyAPIClient, RuleBypassUseAnyAPIClient},
		// Use Any API Client lifts the limit; without it the uninstalled app is refused.
		{"uninstalled under the all-users limit, Use Any API Client", admin, func(f *Facts) {
			f.Org.LimitAllUsersToApprovedApps = true
			setApp(f, "Terraform", func(a *App) { a.Installed = false })
		}, true, RuleBypassUseAnyAPIClient, RuleBypassUseAnyAPIClient},
		{"uninstalled under the all-users limit", employee, func(f *Facts) {
			f.Org.LimitAllUsersToApprovedApps = true
			setApp(f, "Terraform", func(a *App) { a.Installed = false })
		}, true, RuleAllowed, RuleAppNotApproved},
		// Client credentials carry no approval: an uninstalled app of another org is refused.
		{"uninstalled, not the org's own, no approval", employee, func(f *Facts) {
			setApp(f, "Terraform", func(a *App) { a.Installed, a.OrgManaged = false, false })
		}, true, RuleAllowed, RuleUninstalledAppRestricted},
		{"uninstalled, not the org's own, an approval that uninstalling deletes", Login{UserID: employeeID, App: "Terraform", Flow: FlowJWTBearer, PriorApproval: true},
			func(f *Facts) { setApp(f, "Terraform", func(a *App) { a.Installed, a.OrgManaged = false, false }) },
			true, RuleAllowed, RuleUninstalledAppRestricted},
		{"API Enabled removed, app unknown", Login{UserID: employeeID}, func(f *Facts) {
			u := f.Users[employeeID]
			u.APIEnabled = false
			f.Users[employeeID] = u
		}, true, RuleAllowed, RuleAPINotEnabled},
		{"app unknown: app rules never deny", Login{UserID: employeeID}, func(f *Facts) {
			f.Org.LimitAllUsersToApprovedApps = true
		}, true, RuleAllowed, RuleAllowed},
		{"ECA plugin switched off", Login{UserID: adminID, App: "Sync", ExternalClientApp: true, Flow: FlowClientCredentials}, func(f *Facts) {
			f.ECAs["Sync"] = ExternalClientApp{Name: "Sync"}
		}, true, RuleECABypassUseAnyAPIClient, RuleECAOAuthPluginDisabled},
		{"an app the facts lack", Login{UserID: adminID, App: "Missing"}, func(*Facts) {}, false, "", ""},
		{"a user the facts lack", Login{UserID: "005000000000000AAA", App: "Terraform"}, func(*Facts) {}, false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, after := loginFacts(), loginFacts()
			tc.change(&after)
			b, a, ok := DecideLogin(before, after, tc.login)
			if ok != tc.wantOK || b.Rule != tc.wantBefore || a.Rule != tc.wantAfter {
				t.Errorf("got ok=%t %s → %s, want ok=%t %s → %s", ok, b.Rule, a.Rule, tc.wantOK, tc.wantBefore, tc.wantAfter)
			}
		})
	}
}

// loginFacts are demoFacts with an open ECA.
func loginFacts() Facts {
	f := demoFacts()
	f.ECAs = map[string]ExternalClientApp{"Sync": {Name: "Sync", Enabled: true, OAuthPluginEnabled: true}}
	return f
}

func setApp(f *Facts, name string, change func(*App)) {
	a := f.Apps[name]
	change(&a)
	f.Apps[name] = a
}
