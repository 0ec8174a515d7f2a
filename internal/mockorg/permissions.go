package mockorg

import "strings"

// operation is a management action guarded by the admin permission matrix (ARCHITECTURE.md, Admin permission matrix).
type operation int

const (
	opReadApps operation = iota
	opWriteApps
	opChangeAppGrants
	opInstallApp
	opInstallPackagedApp
	opReadSettings
	opUpdateSettings
	opManagePermissionSets
	opAssignPermissionSets
	opReadECAs
	opWriteECAs
	opWriteECAGlobalOAuth
	opWriteECAPolicies
	opReadECASecrets
	opRevokeECATokens
)

// requirement is a conjunction of clauses; a clause is satisfied by any one of its permissions.
type requirement struct {
	action  string
	clauses [][]string
}

var (
	customizeApp       = []string{"CustomizeApplication"}
	modifyAllData      = []string{"ModifyAllData"}
	manageApps         = []string{"ModifyAllData", "ManageRemoteAccess"}
	manageProfilesPS   = []string{"ManageProfilesPermissionsets"}
	installPackages    = []string{"InstallPackaging"}
	assignPermissionPS = []string{"ManageUsers", "AssignPermissionSets"}
	viewECAs           = []string{"ExternalClientAppViewer", "ExternalClientAppDeveloper", "ExternalClientAppAdmin"}
	developECAs        = []string{"ExternalClientAppDeveloper"}
	administerECAs     = []string{"ExternalClientAppAdmin"}
	viewClientSecret   = []string{"ViewClientSecret"}
)

// requirements is the one table every handler consults before a management call. orgapi holds
// the same expressions as hints (errors.go); this table is mockorg's oracle of what Salesforce
// enforces, pinned against orgapi's by TestOracleAdminMatrixMatchesOrgapi.
var requirements = map[operation]requirement{
	opReadApps:             {"reading connected apps", [][]string{customizeApp, manageApps}},
	opWriteApps:            {"creating, updating or deleting a connected app", [][]string{customizeApp, manageApps}},
	opChangeAppGrants:      {"changing a connected app's profiles or permission sets", [][]string{customizeApp, modifyAllData, manageProfilesPS}},
	opInstallApp:           {"installing, uninstalling, blocking or unblocking a connected app", [][]string{customizeApp, manageApps}},
	opInstallPackagedApp:   {"installing or uninstalling a packaged connected app", [][]string{customizeApp, manageApps, installPackages}},
	opReadSettings:         {"reading API Access Control settings", [][]string{customizeApp, modifyAllData}},
	opUpdateSettings:       {"changing API Access Control settings", [][]string{customizeApp, modifyAllData}},
	opManagePermissionSets: {"managing permission sets", [][]string{manageProfilesPS}},
	opAssignPermissionSets: {"assigning permission sets", [][]string{manageProfilesPS, assignPermissionPS}},
	// External Client Apps separate developers (settings) from admins (policies); SALESFORCE.md,
	// External Client Apps.
	opReadECAs:            {"reading External Client Apps", [][]string{viewECAs}},
	opWriteECAs:           {"creating, updating or deleting an External Client App or its OAuth settings", [][]string{developECAs}},
	opWriteECAGlobalOAuth: {"changing an External Client App's global OAuth settings", [][]string{developECAs, viewClientSecret}},
	opWriteECAPolicies:    {"changing an External Client App's policies", [][]string{administerECAs}},
	opReadECASecrets:      {"reading or rotating an External Client App's consumer credentials", [][]string{developECAs, viewClientSecret}},
	opRevokeECATokens:     {"revoking an External Client App's tokens", [][]string{administerECAs}},
}

// denial explains why u may not perform op, naming the permissions by API name; "" means allowed.
func (st *state) denial(u *user, op operation) string {
	req := requirements[op]
	var missing []string
	for _, clause := range req.clauses {
		satisfied := false
		for _, perm := range clause {
			if st.holds(u, perm) {
				satisfied = true
				break
			}
		}
		if !satisfied {
			missing = append(missing, clauseText(clause, len(req.clauses) > 1))
		}
	}
	if len(missing) == 0 {
		return ""
	}
	var all []string
	for _, clause := range req.clauses {
		all = append(all, clauseText(clause, len(req.clauses) > 1))
	}
	return req.action + " requires " + strings.Join(all, " and ") + "; " + u.Username + " lacks " + strings.Join(missing, " and ")
}

func clauseText(clause []string, parenthesize bool) string {
	text := strings.Join(clause, " or ")
	if len(clause) > 1 && parenthesize {
		text = "(" + text + ")"
	}
	return text
}
