package impact

import (
	"maps"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// Changes are the planned changes of the settings and records the rules look at; the zero value
// changes nothing. Permission sets are named by id (Base.SetID), users by id (Base.UserID).
type Changes struct {
	limitExternal, limitAll *bool
	installed, blocked      map[string]bool            // app name → planned state
	adminApproved           map[string]bool            // app name → planned Permitted Users policy
	grants                  map[string]map[string]bool // app name → set id → granted
	permissions             map[string][]string        // set id → planned relevant permissions
	assignments             map[string]map[string]bool // user id → set id → assigned
	// The same for External Client Apps, by ECA name: the plugin switch, the Permitted Users
	// policy and the grants.
	ecaPluginEnabled, ecaAdminApproved map[string]bool
	ecaGrants                          map[string]map[string]bool
}

// A Change is one resource's planned change, applied to Changes with the base its names resolve
// in.
type Change func(b *Base, ch *Changes)

// SetLimitExternal plans "limit customers and partners to installed apps".
func (ch *Changes) SetLimitExternal(on bool) { ch.limitExternal = &on }

// SetLimitAll plans "limit all users to approved apps".
func (ch *Changes) SetLimitAll(on bool) { ch.limitAll = &on }

// SetInstalled plans a connected app's installation: installed, and blocked or not.
func (ch *Changes) SetInstalled(app string, installed, blocked bool) {
	setOf(&ch.installed)[app] = installed
	setOf(&ch.blocked)[app] = blocked
}

// SetAdminApproved plans a connected app's Permitted Users policy.
func (ch *Changes) SetAdminApproved(app string, on bool) { setOf(&ch.adminApproved)[app] = on }

// Grant plans a connected app's grant to a permission set (by id) or its removal.
func (ch *Changes) Grant(app, setID string, granted bool) { setIn(&ch.grants, app, setID, granted) }

// GrantECA plans an External Client App's grant to a permission set (by id) or its removal.
func (ch *Changes) GrantECA(eca, setID string, granted bool) {
	setIn(&ch.ecaGrants, eca, setID, granted)
}

// Assign plans a permission set's (by id) assignment to a user (by id) or its removal.
func (ch *Changes) Assign(userID, setID string, assigned bool) {
	setIn(&ch.assignments, userID, setID, assigned)
}

// SetPermissions plans the user permissions of a permission set (by id); nil for one deleted.
// Only those the rules look at are kept.
func (ch *Changes) SetPermissions(setID string, permissions []string) {
	if ch.permissions == nil {
		ch.permissions = map[string][]string{}
	}
	ch.permissions[setID] = relevant(permissions)
}

// SetECAPluginEnabled plans an External Client App's OAuth plugin switch.
func (ch *Changes) SetECAPluginEnabled(eca string, on bool) { setOf(&ch.ecaPluginEnabled)[eca] = on }

// SetECAAdminApproved plans an External Client App's Permitted Users policy.
func (ch *Changes) SetECAAdminApproved(eca string, on bool) { setOf(&ch.ecaAdminApproved)[eca] = on }

// setOf is *m, made on first use.
func setOf(m *map[string]bool) map[string]bool {
	if *m == nil {
		*m = map[string]bool{}
	}
	return *m
}

// setIn sets (*m)[outer][inner], making the maps on the way.
func setIn(m *map[string]map[string]bool, outer, inner string, v bool) {
	if *m == nil {
		*m = map[string]map[string]bool{}
	}
	if (*m)[outer] == nil {
		(*m)[outer] = map[string]bool{}
	}
	(*m)[outer][inner] = v
}

// Tightens reports whether the changes can take access away from a login that is not through an
// app isNewApp names (one the plan creates). Every rule denies more as facts tighten (access's
// TestTighteningNeverAllowsMore), so changes that only open cannot cut a login off.
func (ch *Changes) Tightens(isNewApp func(string) bool) bool {
	on := func(p *bool) bool { return p != nil && *p }
	if on(ch.limitExternal) || on(ch.limitAll) || len(ch.permissions) > 0 {
		return true
	}
	// holds reports whether m sets an app that is not new to v.
	holds := func(m map[string]bool, v bool, isNew func(string) bool) bool {
		for app, got := range m {
			if got == v && !isNew(app) {
				return true
			}
		}
		return false
	}
	removes := func(m map[string]map[string]bool, isNew func(string) bool) bool {
		for outer, inner := range m {
			if !isNew(outer) && holds(inner, false, func(string) bool { return false }) {
				return true
			}
		}
		return false
	}
	// No ECA counts as new: the plan records none.
	never := func(string) bool { return false }
	return holds(ch.installed, false, isNewApp) || holds(ch.blocked, true, isNewApp) || holds(ch.adminApproved, true, isNewApp) ||
		holds(ch.ecaPluginEnabled, false, never) || holds(ch.ecaAdminApproved, true, never) ||
		removes(ch.grants, isNewApp) || removes(ch.ecaGrants, never) || removes(ch.assignments, never)
}

// facts are the inputs of the rules for every user and app of the base, with the changes applied.
func (b *Base) facts(ch *Changes) access.Facts {
	f := access.Facts{Org: b.org, Users: make(map[string]access.User, len(b.users)), Apps: make(map[string]access.App, len(b.apps)),
		ECAs: make(map[string]access.ExternalClientApp, len(b.ecas))}
	if ch.limitExternal != nil {
		f.Org.LimitExternalUsersToInstalledApps = *ch.limitExternal
	}
	if ch.limitAll != nil {
		f.Org.LimitAllUsersToApprovedApps = *ch.limitAll
	}
	for name, a := range b.apps {
		app := a.App
		if v, ok := ch.installed[name]; ok {
			app.Installed = v
		}
		if v, ok := ch.blocked[name]; ok {
			app.Blocked = v
		}
		if v, ok := ch.adminApproved[name]; ok {
			app.AdminApprovedUsersOnly = v
		}
		app.GrantedTo = withChanges(b.grants[name], ch.grants[name])
		f.Apps[name] = app
	}
	for name, eca := range b.ecas {
		if v, ok := ch.ecaPluginEnabled[name]; ok {
			eca.Enabled, eca.OAuthPluginEnabled = v, v
		}
		if v, ok := ch.ecaAdminApproved[name]; ok {
			eca.AdminApprovedUsersOnly = v
		}
		eca.GrantedTo = withChanges(b.ecaGrants[name], ch.ecaGrants[name])
		f.ECAs[name] = eca
	}
	for id, u := range b.users {
		f.Users[id] = b.user(u, id, ch)
	}
	return f
}

// user is what the rules know of a user with the changes applied: what their profile and
// permission sets grant, and the grantees apps can be granted to on their behalf.
func (b *Base) user(u orgapi.User, id string, ch *Changes) access.User {
	var grantees []string
	if set, ok := b.profileSet[normalizeID(u.ProfileID)]; ok {
		grantees = append(grantees, set)
	}
	grantees = append(grantees, withChanges(b.assigned[id], ch.assignments[id])...)
	held := map[string]bool{}
	for _, set := range grantees {
		perms, changed := ch.permissions[set]
		if !changed {
			perms = b.permissions[set]
		}
		for _, p := range perms {
			held[p] = true
		}
	}
	return access.User{Type: access.UserType(u.UserType), Active: u.IsActive, APIEnabled: held["ApiEnabled"],
		UseAnyAPIClient:           held[orgapi.PermissionUseAnyAPIClient],
		CanApproveUninstalledApps: held[orgapi.PermissionCanApproveUninstalledApps], Grantees: grantees}
}

// withChanges are the keys that are on in base with the planned changes applied.
func withChanges(base, changes map[string]bool) []string {
	on := maps.Clone(base)
	if on == nil {
		on = map[string]bool{}
	}
	maps.Copy(on, changes)
	var out []string
	for k, v := range on {
		if v {
			out = append(out, k)
		}
	}
	return out
}

// Compare is every use of the base whose decision the changes flip, lost or gained.
func (b *Base) Compare(ch *Changes) []access.Change {
	return access.Compare(b.facts(&Changes{}), b.facts(ch), b.uses)
}

// DecideLogin is the login's decision on the org as it is and with the changes; ok is false when
// the base cannot decide it (access.DecideLogin).
func (b *Base) DecideLogin(ch *Changes, login access.Login) (before, after access.Decision, ok bool) {
	return access.DecideLogin(b.facts(&Changes{}), b.facts(ch), login)
}
