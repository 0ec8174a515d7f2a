package mockorg

import (
	"maps"
	"slices"
	"strings"
)

// indexes are the state's lookups by key: the token endpoint, authentication and SOQL by id or name
// read them instead of scanning every record, so that their cost does not grow with the org. The
// put, remove and change methods below are the only writers of the record maps they cover, and
// keep them in step; clone rebuilds them, and TestIndexesFollowRandomWrites holds every write path
// to buildIndexes' answer.
type indexes struct {
	lowerID       uniqueIndex // lower-cased id → id: SOQL compares ids as text, ignoring case
	profileByName uniqueIndex // fold(name) → id
	permSetByName uniqueIndex
	userByName    uniqueIndex
	appByName     uniqueIndex
	appByKey      uniqueIndex // consumer key, case-sensitive → id
	grantByPair   uniqueIndex // parent id + "|" + app id → grant id
	assignByPair  uniqueIndex // permission set id + "|" + user id → assignment id
	grantsOfApp   groupIndex
	grantsOfPS    groupIndex // parent permission set id → grant ids
	assignsOfUser groupIndex // user id → ids of the assignments stored (not the derived profile one)
	assignsOfPS   groupIndex
	// profileAssignmentUser maps a derived profile assignment id to its user.
	profileAssignmentUser uniqueIndex
}

// fold is the key names are compared by: Salesforce's names and usernames are case-insensitive.
func fold(s string) string { return strings.ToLower(s) }

func pair(a, b string) string { return a + "|" + b }

type uniqueIndex map[string]string

// groupIndex maps a key to the set of ids that have it.
type groupIndex map[string]map[string]struct{}

func (g groupIndex) add(key, id string) {
	set := g[key]
	if set == nil {
		set = map[string]struct{}{}
		g[key] = set
	}
	set[id] = struct{}{}
}

func (g groupIndex) remove(key, id string) {
	delete(g[key], id)
	if len(g[key]) == 0 {
		delete(g, key)
	}
}

// ids returns the ids under key in creation order.
func (g groupIndex) ids(key string) []string { return slices.Sorted(maps.Keys(g[key])) }

func newIndexes() indexes {
	return indexes{
		lowerID: uniqueIndex{}, profileByName: uniqueIndex{}, permSetByName: uniqueIndex{}, userByName: uniqueIndex{},
		appByName: uniqueIndex{}, appByKey: uniqueIndex{}, grantByPair: uniqueIndex{}, assignByPair: uniqueIndex{},
		grantsOfApp: groupIndex{}, grantsOfPS: groupIndex{}, assignsOfUser: groupIndex{}, assignsOfPS: groupIndex{},
		profileAssignmentUser: uniqueIndex{},
	}
}

// buildIndexes computes the indexes from the records alone.
func buildIndexes(st *state) indexes {
	x := newIndexes()
	for _, p := range st.profiles {
		x.addProfile(p)
	}
	for _, ps := range st.permSets {
		x.addPermSet(ps)
	}
	for _, u := range st.users {
		x.addUser(u)
	}
	for _, a := range st.apps {
		x.addApp(a)
	}
	for _, g := range st.grants {
		x.addGrant(g)
	}
	for _, a := range st.assignments {
		x.addAssignment(a)
	}
	return x
}

func (x indexes) addProfile(p *profile) {
	x.lowerID[strings.ToLower(p.ID)] = p.ID
	x.profileByName[fold(p.Name)] = p.ID
}

func (x indexes) addPermSet(ps *permSet) {
	x.lowerID[strings.ToLower(ps.ID)] = ps.ID
	x.permSetByName[fold(ps.Name)] = ps.ID
}

func (x indexes) dropPermSet(ps *permSet) {
	delete(x.lowerID, strings.ToLower(ps.ID))
	delete(x.permSetByName, fold(ps.Name))
}

func (x indexes) addUser(u *user) {
	x.lowerID[strings.ToLower(u.ID)] = u.ID
	x.userByName[fold(u.Username)] = u.ID
	derived := profileAssignmentID(u.ID)
	x.lowerID[strings.ToLower(derived)] = derived
	x.profileAssignmentUser[derived] = u.ID
}

func (x indexes) addApp(a *connectedApp) {
	x.lowerID[strings.ToLower(a.ID)] = a.ID
	x.appByName[fold(a.Name)] = a.ID
	x.appByKey[a.ConsumerKey] = a.ID
}

func (x indexes) dropApp(a *connectedApp) {
	delete(x.lowerID, strings.ToLower(a.ID))
	delete(x.appByName, fold(a.Name))
	delete(x.appByKey, a.ConsumerKey)
}

func (x indexes) addGrant(g *grant) {
	x.lowerID[strings.ToLower(g.ID)] = g.ID
	x.grantByPair[pair(g.ParentID, g.AppID)] = g.ID
	x.grantsOfApp.add(g.AppID, g.ID)
	x.grantsOfPS.add(g.ParentID, g.ID)
}

func (x indexes) dropGrant(g *grant) {
	delete(x.lowerID, strings.ToLower(g.ID))
	delete(x.grantByPair, pair(g.ParentID, g.AppID))
	x.grantsOfApp.remove(g.AppID, g.ID)
	x.grantsOfPS.remove(g.ParentID, g.ID)
}

func (x indexes) addAssignment(a *assignment) {
	x.lowerID[strings.ToLower(a.ID)] = a.ID
	x.assignByPair[pair(a.PermissionSetID, a.AssigneeID)] = a.ID
	x.assignsOfUser.add(a.AssigneeID, a.ID)
	x.assignsOfPS.add(a.PermissionSetID, a.ID)
}

func (x indexes) dropAssignment(a *assignment) {
	delete(x.lowerID, strings.ToLower(a.ID))
	delete(x.assignByPair, pair(a.PermissionSetID, a.AssigneeID))
	x.assignsOfUser.remove(a.AssigneeID, a.ID)
	x.assignsOfPS.remove(a.PermissionSetID, a.ID)
}

// The write methods: every change to profiles, permSets, users, apps, grants and assignments goes
// through one of them.

func (st *state) putProfile(p *profile) {
	st.profiles[p.ID] = p
	st.idx.addProfile(p)
}

func (st *state) putPermSet(ps *permSet) {
	st.permSets[ps.ID] = ps
	st.idx.addPermSet(ps)
}

// changePermSet runs fn, which may rename the permission set, and re-indexes it.
func (st *state) changePermSet(ps *permSet, fn func()) {
	st.idx.dropPermSet(ps)
	fn()
	st.idx.addPermSet(ps)
}

func (st *state) removePermSet(ps *permSet) {
	st.idx.dropPermSet(ps)
	delete(st.permSets, ps.ID)
}

func (st *state) putUser(u *user) {
	st.users[u.ID] = u
	st.idx.addUser(u)
}

func (st *state) putApp(a *connectedApp) {
	st.apps[a.ID] = a
	st.idx.addApp(a)
}

// changeApp runs fn, which may rename the app or give it its consumer key, and re-indexes it.
func (st *state) changeApp(a *connectedApp, fn func()) {
	st.idx.dropApp(a)
	fn()
	st.idx.addApp(a)
}

func (st *state) removeApp(a *connectedApp) {
	st.idx.dropApp(a)
	delete(st.apps, a.ID)
}

func (st *state) putGrant(g *grant) {
	st.grants[g.ID] = g
	st.idx.addGrant(g)
}

func (st *state) removeGrant(g *grant) {
	st.idx.dropGrant(g)
	delete(st.grants, g.ID)
}

func (st *state) putAssignment(a *assignment) {
	st.assignments[a.ID] = a
	st.idx.addAssignment(a)
}

func (st *state) removeAssignment(a *assignment) {
	st.idx.dropAssignment(a)
	delete(st.assignments, a.ID)
}

// The lookups.

func (st *state) profileByName(name string) *profile {
	return st.profiles[st.idx.profileByName[fold(name)]]
}

func (st *state) permSetByName(name string) *permSet {
	return st.permSets[st.idx.permSetByName[fold(name)]]
}

func (st *state) userByUsername(username string) *user {
	return st.users[st.idx.userByName[fold(username)]]
}

func (st *state) appByName(name string) *connectedApp { return st.apps[st.idx.appByName[fold(name)]] }

func (st *state) appByConsumerKey(key string) *connectedApp { return st.apps[st.idx.appByKey[key]] }

func (st *state) assignmentOf(permSetID, userID string) *assignment {
	return st.assignments[st.idx.assignByPair[pair(permSetID, userID)]]
}

func (st *state) grantOf(parentID, appID string) *grant {
	return st.grants[st.idx.grantByPair[pair(parentID, appID)]]
}

// grantsOfApp returns the app's grants in creation order.
func (st *state) grantsOfApp(appID string) []*grant {
	return recordsOf(st.grants, st.idx.grantsOfApp.ids(appID))
}

// grantsOfPermSet returns the grants whose parent is the permission set, in creation order.
func (st *state) grantsOfPermSet(psID string) []*grant {
	return recordsOf(st.grants, st.idx.grantsOfPS.ids(psID))
}

// assignmentsOfUser returns the user's stored assignments in creation order.
func (st *state) assignmentsOfUser(userID string) []*assignment {
	return recordsOf(st.assignments, st.idx.assignsOfUser.ids(userID))
}

func (st *state) assignmentsOfPermSet(psID string) []*assignment {
	return recordsOf(st.assignments, st.idx.assignsOfPS.ids(psID))
}

func recordsOf[T any](m map[string]*T, ids []string) []*T {
	out := make([]*T, len(ids))
	for i, id := range ids {
		out[i] = m[id]
	}
	return out
}
