// Package access holds the API Access Control rules of a Salesforce org: one pure function that
// decides whether a user may call the API through a channel, and why. mockorg uses it to enforce
// the rules; the provider's sfaccess_api_access_check data source uses it to predict them.
package access

// UserType is Salesforce's User.UserType picklist value.
type UserType string

// The user types Salesforce reports in User.UserType.
const (
	Standard             UserType = "Standard"
	PowerPartner         UserType = "PowerPartner"
	PowerCustomerSuccess UserType = "PowerCustomerSuccess"
	CustomerSuccess      UserType = "CustomerSuccess"
	CspLitePortal        UserType = "CspLitePortal"
	Guest                UserType = "Guest"
	CsnOnly              UserType = "CsnOnly"
	SelfService          UserType = "SelfService"
)

// UserTypes lists every user type in a stable order.
var UserTypes = []UserType{Standard, PowerPartner, PowerCustomerSuccess, CustomerSuccess, CspLitePortal, Guest, CsnOnly, SelfService}

// IsExternal reports whether the "customers and partners" limit governs users of this type.
func (t UserType) IsExternal() bool {
	switch t {
	case PowerPartner, PowerCustomerSuccess, CustomerSuccess, CspLitePortal, Guest:
		return true
	}
	return false
}

// Org carries the org-wide API Access Control settings.
type Org struct {
	// LimitExternalUsersToInstalledApps is ConnectedAppSettings.enableAdminApprovedAppsOnlyForExternalUser.
	LimitExternalUsersToInstalledApps bool
	// LimitAllUsersToApprovedApps is ConnectedAppSettings.enableAdminApprovedAppsOnly.
	LimitAllUsersToApprovedApps bool
	// AllowVisualforceAPIAccess is the "Allow Visualforce pages to access APIs" option.
	AllowVisualforceAPIAccess bool
}

// User is what the rules need to know of a user.
type User struct {
	Type            UserType
	Active          bool
	APIEnabled      bool
	UseAnyAPIClient bool
	// Grantees are the ids of the user's profile and of every permission set assigned to the user:
	// the parents a connected app can be granted to.
	Grantees []string
}

// App is a connected app as seen on the Connected Apps OAuth Usage page.
type App struct {
	Name      string
	Installed bool
	Blocked   bool
	// AdminApprovedUsersOnly is the app's Permitted Users policy "Admin approved users are pre-authorized".
	AdminApprovedUsersOnly bool
	// GrantedTo are the ids of the profiles and permission sets the app is granted to.
	GrantedTo []string
}

// Channel is how a caller reaches the API: through an OAuth connected app, or with the session of a
// Visualforce page (getSessionId()).
type Channel struct {
	Visualforce bool
	App         App
}

// ViaApp is the channel of a token issued through app.
func ViaApp(app App) Channel { return Channel{App: app} }

// ViaVisualforce is the channel of a Visualforce page's session.
func ViaVisualforce() Channel { return Channel{Visualforce: true} }

// Rule ids, in the order they are evaluated.
const (
	RuleUserInactive            = "user_inactive"
	RuleAPINotEnabled           = "api_not_enabled"
	RuleAppBlocked              = "app_blocked"
	RuleNotAdminApproved        = "not_admin_approved"
	RuleBypassUseAnyAPIClient   = "bypass_use_any_api_client"
	RuleExternalAppNotInstalled = "external_app_not_installed"
	RuleAppNotApproved          = "app_not_approved"
	RuleVisualforceDenied       = "visualforce_denied"
	RuleAllowed                 = "allowed"
)

// Error codes and messages as Salesforce sends them for each denial.
const (
	CodeInactiveUser       = "inactive_user"
	CodeAPIDisabled        = "API_CURRENTLY_DISABLED"
	CodeAppBlocked         = "OAUTH_APP_BLOCKED"
	CodeInvalidAppAccess   = "invalid_app_access"
	CodeInvalidClient      = "invalid_client"
	CodeInvalidSessionID   = "INVALID_SESSION_ID"
	MessageInactiveUser    = "user is inactive"
	MessageAPIDisabled     = "API is disabled for this User"
	MessageAppBlocked      = "this app is blocked by admin"
	MessageNotApproved     = "user is not admin approved to access this app"
	MessageNotInstalled    = "app must be installed into org"
	MessageSessionNotValid = "This session is not valid for use with the REST API"
)

// Decision is the outcome of Decide: whether the call is allowed, which rule decided it, and for a
// denial the error code and message Salesforce answers with.
type Decision struct {
	Allowed   bool
	Rule      string
	ErrorCode string
	Message   string
}

// Rule describes one row of the rule table, for documentation and diagnostics.
type Rule struct {
	ID        string
	Allows    bool
	Condition string
}

// Rules is the rule table in evaluation order: the first rule whose condition holds decides.
var Rules = []Rule{
	{RuleUserInactive, false, "the user is not active"},
	{RuleAPINotEnabled, false, "the user lacks the API Enabled permission"},
	{RuleAppBlocked, false, "the connected app is blocked on the OAuth Usage page (applies to every user, Use Any API Client included)"},
	{RuleNotAdminApproved, false, "the app's Permitted Users are admin approved and none of the user's profile or permission sets is granted the app"},
	{RuleBypassUseAnyAPIClient, true, "the user holds Use Any API Client"},
	{RuleExternalAppNotInstalled, false, "the user is a customer or partner, the external-user limit is on, and the app is not installed"},
	{RuleAppNotApproved, false, "the all-users limit is on and the app is not installed"},
	{RuleVisualforceDenied, false, "a Visualforce session, a limit that governs the user is on, and Visualforce API access is off"},
	{RuleAllowed, true, "no rule above denies the call"},
}

// Decide applies the API Access Control rules to one call by user through via in org.
func Decide(org Org, user User, via Channel) Decision {
	switch {
	case !user.Active:
		return deny(RuleUserInactive, CodeInactiveUser, MessageInactiveUser)
	case !user.APIEnabled:
		return deny(RuleAPINotEnabled, CodeAPIDisabled, MessageAPIDisabled)
	}
	if !via.Visualforce {
		if via.App.Blocked {
			return deny(RuleAppBlocked, CodeAppBlocked, MessageAppBlocked)
		}
		if via.App.AdminApprovedUsersOnly && !granted(via.App.GrantedTo, user.Grantees) {
			return deny(RuleNotAdminApproved, CodeInvalidAppAccess, MessageNotApproved)
		}
	}
	if user.UseAnyAPIClient {
		return Decision{Allowed: true, Rule: RuleBypassUseAnyAPIClient}
	}
	externalLimited := org.LimitExternalUsersToInstalledApps && user.Type.IsExternal()
	if via.Visualforce {
		if (externalLimited || org.LimitAllUsersToApprovedApps) && !org.AllowVisualforceAPIAccess {
			return deny(RuleVisualforceDenied, CodeInvalidSessionID, MessageSessionNotValid)
		}
		return Decision{Allowed: true, Rule: RuleAllowed}
	}
	switch {
	case externalLimited && !via.App.Installed:
		return deny(RuleExternalAppNotInstalled, CodeInvalidClient, MessageNotInstalled)
	case org.LimitAllUsersToApprovedApps && !via.App.Installed:
		return deny(RuleAppNotApproved, CodeInvalidClient, MessageNotInstalled)
	}
	return Decision{Allowed: true, Rule: RuleAllowed}
}

func deny(rule, code, message string) Decision {
	return Decision{Rule: rule, ErrorCode: code, Message: message}
}

// granted reports whether any of the user's grantees is among the app's; both lists are short, so a
// nested loop beats building a set.
func granted(appGrants, userGrantees []string) bool {
	for _, g := range userGrantees {
		for _, a := range appGrants {
			if g == a {
				return true
			}
		}
	}
	return false
}
