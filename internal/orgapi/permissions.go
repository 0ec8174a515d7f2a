package orgapi

import (
	"regexp"
	"slices"
	"strings"
)

// The permission facts below are the client's; the provider validates and checks against them, so
// that a permission or requirement added here reaches plan-time checks, documentation and error
// hints at once. mockorg keeps its own copies as an independent oracle, pinned against these by
// internal/mockorg/oracle_test.go (ARCHITECTURE.md, Facts kept on both sides).

// User permissions by API name (PermissionSet column Permissions<Name>).
const (
	// PermissionUseAnyAPIClient ("Use Any API Client") exists only where API Access Control is
	// provisioned.
	PermissionUseAnyAPIClient = "UseAnyApiClient"
	// PermissionCanApproveUninstalledApps ("Approve Uninstalled Connected Apps") exempts its holder
	// from the usage restriction on uninstalled connected apps.
	PermissionCanApproveUninstalledApps = "CanApproveUninstalledApps"
)

// userPermissions are the user permissions the client reads and writes, in the order the
// provider's documentation lists them.
var userPermissions = []string{
	"ApiEnabled", "ApiUserOnly", PermissionUseAnyAPIClient, "CustomizeApplication", "ModifyAllData",
	"ManageRemoteAccess", "ManageProfilesPermissionsets", "ClientSecretRotation", "InstallPackaging",
	"ManageUsers", "AssignPermissionSets", "ViewSetup", "ModifyMetadata", PermissionCanApproveUninstalledApps,
	"ExternalClientAppAdmin", "ExternalClientAppDeveloper", "ExternalClientAppViewer", "ViewClientSecret",
}

// permissionLabels are the Setup labels of the user permissions (SALESFORCE.md, "Permission
// names"): the API names are what the org's errors and the configuration use, the labels what a
// person finds on a profile or permission set in Setup.
var permissionLabels = map[string]string{ //nolint:gosec // G101 reads "Secret" in a permission's label; these are labels, not credentials
	"ApiEnabled":                        "API Enabled",
	"ApiUserOnly":                       "API Only User",
	PermissionUseAnyAPIClient:           "Use Any API Client",
	"CustomizeApplication":              "Customize Application",
	"ModifyAllData":                     "Modify All Data",
	"ManageRemoteAccess":                "Manage Connected Apps",
	"ManageProfilesPermissionsets":      "Manage Profiles and Permission Sets",
	"ClientSecretRotation":              "Allow consumer key and secret rotation",
	"InstallPackaging":                  "Download AppExchange Packages",
	"ManageUsers":                       "Manage Users",
	"AssignPermissionSets":              "Assign Permission Sets",
	"ViewSetup":                         "View Setup and Configuration",
	"ModifyMetadata":                    "Modify Metadata Through Metadata API Functions",
	PermissionCanApproveUninstalledApps: "Approve Uninstalled Connected Apps",
	"ExternalClientAppAdmin":            "External Client App Admin",
	"ExternalClientAppDeveloper":        "External Client App Developer",
	"ExternalClientAppViewer":           "External Client App Viewer",
	"ViewClientSecret":                  "View External Client App Consumer Secrets in Metadata",
}

// PermissionLabel returns the Setup label of a user permission's API name, or "" for a name the
// client does not know.
func PermissionLabel(name string) string { return permissionLabels[name] }

var permissionWord = regexp.MustCompile(`\b[A-Z][A-Za-z]+\b`)

// WithPermissionLabels puts the Setup label beside every permission API name in text, e.g.
// `CustomizeApplication and (ModifyAllData or ManageRemoteAccess)` becomes
// `CustomizeApplication ("Customize Application") and (ModifyAllData ("Modify All Data") or
// ManageRemoteAccess ("Manage Connected Apps"))`, so that a message names the permission both
// ways: as the API knows it and as Setup shows it.
func WithPermissionLabels(text string) string {
	return permissionWord.ReplaceAllStringFunc(text, func(w string) string {
		if label, ok := permissionLabels[w]; ok {
			return w + ` ("` + label + `")`
		}
		return w
	})
}

// UserPermissions returns the user permissions the client reads and writes. The slice is the
// caller's own, so sorting or appending to it cannot change what the client queries.
func UserPermissions() []string { return slices.Clone(userPermissions) }

// Requirement is an entry of the admin permission matrix (ARCHITECTURE.md): every permission of
// All, and at least one of AnyOf when AnyOf is not empty.
type Requirement struct {
	All   []string
	AnyOf []string
}

// The admin permission matrix by operation family (ARCHITECTURE.md, Admin permission matrix).
var (
	NeedConnectedApps = Requirement{
		All: []string{"CustomizeApplication"}, AnyOf: []string{"ModifyAllData", "ManageRemoteAccess"}}
	NeedAppGrants = Requirement{
		All: []string{"CustomizeApplication", "ModifyAllData", "ManageProfilesPermissionsets"}}
	NeedInstallPackagedApps = Requirement{
		All: []string{"CustomizeApplication", "InstallPackaging"}, AnyOf: []string{"ModifyAllData", "ManageRemoteAccess"}}
	NeedSettings       = Requirement{All: []string{"CustomizeApplication", "ModifyAllData"}}
	NeedPermissionSets = Requirement{All: []string{"ManageProfilesPermissionsets"}}
	NeedAssignments    = Requirement{
		All: []string{"ManageProfilesPermissionsets"}, AnyOf: []string{"ManageUsers", "AssignPermissionSets"}}
	NeedReadExternalClientApps = Requirement{
		AnyOf: []string{"ExternalClientAppViewer", "ExternalClientAppDeveloper", "ExternalClientAppAdmin"}}
	NeedDevelopExternalClientApps    = Requirement{All: []string{"ExternalClientAppDeveloper", "ViewClientSecret"}}
	NeedAdministerExternalClientApps = Requirement{All: []string{"ExternalClientAppAdmin"}}
)

// String renders the requirement as the org's INSUFFICIENT_ACCESS messages do, so that the hint
// of an error reads the same whether the org named the permissions or the client filled them in:
// "CustomizeApplication and (ModifyAllData or ManageRemoteAccess)".
func (r Requirement) String() string {
	parts := slices.Clone(r.All)
	switch len(r.AnyOf) {
	case 0:
	case 1:
		parts = append(parts, r.AnyOf[0])
	default:
		anyOf := strings.Join(r.AnyOf, " or ")
		if len(parts) > 0 { // parentheses only where "and" would otherwise bind them
			anyOf = "(" + anyOf + ")"
		}
		parts = append(parts, anyOf)
	}
	return strings.Join(parts, " and ")
}

// Missing describes what of r the holder lacks, or returns "" when it satisfies r.
func (r Requirement) Missing(held map[string]bool) string {
	var lacks []string
	for _, p := range r.All {
		if !held[p] {
			lacks = append(lacks, p)
		}
	}
	if len(r.AnyOf) > 0 && !slices.ContainsFunc(r.AnyOf, func(p string) bool { return held[p] }) {
		lacks = append(lacks, "one of "+strings.Join(r.AnyOf, " or "))
	}
	return strings.Join(lacks, " and ")
}
