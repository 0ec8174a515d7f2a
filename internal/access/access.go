// Package access holds the rules that decide whether a user of a Salesforce org may call the API
// through a channel, and why: API Access Control (the two limits, the Visualforce option, Use Any
// API Client) and the connected app usage restriction Salesforce has enforced since September 2025.
// One pure function decides. mockorg uses it to enforce the rules; the provider's
// sfaccess_api_access_check data source uses it to predict them. ARCHITECTURE.md carries the rule
// table and SALESFORCE.md the Salesforce sources of each rule.
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
	// CanApproveUninstalledApps is the "Approve Uninstalled Connected Apps" permission
	// (PermissionsCanApproveUninstalledApps): it exempts the user from the usage restriction on
	// uninstalled connected apps.
	CanApproveUninstalledApps bool
	// Grantees are the ids of the user's profile and of every permission set assigned to the user:
	// the parents a connected app can be granted to.
	Grantees []string
}

// App is a connected app as seen on the Connected Apps OAuth Usage page.
type App struct {
	Name      string
	Installed bool
	Blocked   bool
	// OrgManaged is an app created in the org itself (mockorg's "local" apps); the usage restriction
	// on uninstalled connected apps spares it.
	OrgManaged bool
	// AdminApprovedUsersOnly is the app's Permitted Users policy "Admin approved users are pre-authorized".
	AdminApprovedUsersOnly bool
	// GrantedTo are the ids of the profiles and permission sets the app is granted to.
	GrantedTo []string
}

// Flow is the OAuth flow a token came from. Only the device flow changes a decision; the others
// are named so that callers can say which one they mean.
type Flow string

// The OAuth flows mockorg issues tokens through.
const (
	FlowWebServer         Flow = "web_server"
	FlowUserAgent         Flow = "user_agent"
	FlowDevice            Flow = "device"
	FlowJWTBearer         Flow = "jwt_bearer"
	FlowClientCredentials Flow = "client_credentials"
	FlowPassword          Flow = "password"
	FlowRefreshToken      Flow = "refresh_token"
)

// ExternalClientApp is an External Client App (ECA) as its OAuth policies and plugin policies
// describe it (ARCHITECTURE.md, "Access rules for External Client Apps"). An ECA has no install or
// block state: it is local or packaged, and its plugin switch is the nearest thing to a block.
type ExternalClientApp struct {
	Name string
	// Enabled is ExtlClntAppConfigurablePolicies.isEnabled: false disables every plugin.
	Enabled bool
	// OAuthPluginEnabled is ExtlClntAppConfigurablePolicies.isOauthPluginEnabled.
	OAuthPluginEnabled bool
	// AdminApprovedUsersOnly is permittedUsersPolicyType AdminApprovedPreAuthorized, the default of
	// a new ECA's OAuth policies; false is AllSelfAuthorized.
	AdminApprovedUsersOnly bool
	// GrantedTo are the ids of the profiles and permission sets in the ECA's OAuth policies
	// (commaSeparatedProfile, commaSeparatedPermissionSet).
	GrantedTo []string
}

// Channel is how a caller reaches the API: through an OAuth connected app, through an External
// Client App, or with the session of a Visualforce page (getSessionId()).
type Channel struct {
	Visualforce bool
	App         App
	// ExternalClientApp is set for a token issued through an External Client App; App is then unused.
	ExternalClientApp *ExternalClientApp
	// Flow is the OAuth flow of an app channel; "" when unknown, which counts as not the device flow.
	Flow Flow
	// PriorApproval says the user authorized the app before (Salesforce keeps an OauthToken record
	// of the pair), which keeps an uninstalled app usable for that user outside the device flow.
	PriorApproval bool
}

// approvalCounts reports whether a prior approval keeps an uninstalled app usable: Salesforce
// refuses uninstalled apps in the device flow even to users who authorized them before.
func (c Channel) approvalCounts() bool { return c.PriorApproval && c.Flow != FlowDevice }

// ViaApp is the channel of a token issued through app.
func ViaApp(app App) Channel { return Channel{App: app} }

// ViaExternalClientApp is the channel of a token issued through an External Client App.
func ViaExternalClientApp(eca ExternalClientApp) Channel { return Channel{ExternalClientApp: &eca} }

// ViaVisualforce is the channel of a Visualforce page's session.
func ViaVisualforce() Channel { return Channel{Visualforce: true} }

// Rule ids, in the order they are evaluated.
const (
	RuleUserInactive             = "user_inactive"
	RuleAPINotEnabled            = "api_not_enabled"
	RuleAppBlocked               = "app_blocked"
	RuleNotAdminApproved         = "not_admin_approved"
	RuleExternalAppNotInstalled  = "external_app_not_installed"
	RuleAppNotApproved           = "app_not_approved"
	RuleUninstalledAppRestricted = "uninstalled_app_restricted"
	RuleBypassUseAnyAPIClient    = "bypass_use_any_api_client"
	RuleVisualforceDenied        = "visualforce_denied"
	RuleAllowed                  = "allowed"
)

// Rule ids of the External Client App channel, in the order they are evaluated after the two user
// rules (RuleUserInactive, RuleAPINotEnabled) that every channel shares.
const (
	RuleECAOAuthPluginDisabled   = "eca_oauth_plugin_disabled"
	RuleECABypassUseAnyAPIClient = "eca_bypass_use_any_api_client" //nolint:gosec // G101 reads "pass" in a rule id, not a credential
	RuleECANotAdminApproved      = "eca_not_admin_approved"
	RuleECAAllowed               = "eca_allowed"
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
	// MessageSessionNotValidSOAP is what the Metadata (SOAP) API says of the same session.
	MessageSessionNotValidSOAP = "This session is not valid for use with the API"
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
//
// Use Any API Client bypasses the two API Access Control limits and the Visualforce denial, but
// since December 2025 no longer the usage restriction on uninstalled connected apps (Salesforce
// help 005228838), so the restriction is evaluated before the bypass. The limits come before the
// restriction so that where a limit denies, it keeps its reason.
var Rules = []Rule{
	{RuleUserInactive, false, "the user is not active"},
	{RuleAPINotEnabled, false, "the user lacks the API Enabled permission"},
	{RuleAppBlocked, false, "the connected app is blocked on the OAuth Usage page (applies to every user, Use Any API Client included)"},
	{RuleNotAdminApproved, false, "the app's Permitted Users are admin approved and none of the user's profile or permission sets is granted the app"},
	{RuleExternalAppNotInstalled, false, "the user is a customer or partner without Use Any API Client, the external-user limit is on, and the app is not installed"},
	{RuleAppNotApproved, false, "the user lacks Use Any API Client, the all-users limit is on, and the app is not installed"},
	{RuleUninstalledAppRestricted, false, "the app is neither installed nor created in the org, the user lacks Approve Uninstalled Connected Apps, and the user has no prior approval of the app (never enough for the OAuth device flow); always on since September 2025"},
	{RuleBypassUseAnyAPIClient, true, "the user holds Use Any API Client"},
	{RuleVisualforceDenied, false, "a Visualforce session, a limit that governs the user is on, and Visualforce API access is off"},
	{RuleAllowed, true, "no rule above denies the call"},
}

// ECARules is the rule table of the External Client App channel in evaluation order, after the two
// user rules of Rules. API Access Control is "not needed" for External Client Apps (Salesforce's
// feature comparison of connected apps and External Client Apps): its two limits, the usage
// restriction on uninstalled connected apps and the Visualforce option never decide an ECA token.
// Use Any API Client still does: "they can access any external client app—even if its Permitted
// Users setting is set to Admin-approved users are preauthorized" (Salesforce help
// xcloud.preauth_user_app_access_through_eca.htm), so its bypass comes before the ECA's Permitted
// Users, and after the plugin switch, which no user gets past.
var ECARules = []Rule{
	{RuleECAOAuthPluginDisabled, false, "the External Client App's plugins (isEnabled) or its OAuth plugin (isOauthPluginEnabled) are switched off (applies to every user, Use Any API Client included)"},
	{RuleECABypassUseAnyAPIClient, true, "the user holds Use Any API Client, which admits them to any External Client App whatever its Permitted Users"},
	{RuleECANotAdminApproved, false, "the External Client App's Permitted Users are admin approved (the default) and none of the user's profile or permission sets is in its OAuth policies"},
	{RuleECAAllowed, true, "no rule above denies the call"},
}

// Decide applies the access rules to one call by user through via in org.
func Decide(org Org, user User, via Channel) Decision {
	switch {
	case !user.Active:
		return deny(RuleUserInactive, CodeInactiveUser, MessageInactiveUser)
	case !user.APIEnabled:
		return deny(RuleAPINotEnabled, CodeAPIDisabled, MessageAPIDisabled)
	}
	if eca := via.ExternalClientApp; eca != nil {
		return decideECA(*eca, user)
	}
	externalLimited := org.LimitExternalUsersToInstalledApps && user.Type.IsExternal()
	if !via.Visualforce {
		app := via.App
		switch {
		case app.Blocked:
			return deny(RuleAppBlocked, CodeAppBlocked, MessageAppBlocked)
		case app.AdminApprovedUsersOnly && !granted(app.GrantedTo, user.Grantees):
			return deny(RuleNotAdminApproved, CodeInvalidAppAccess, MessageNotApproved)
		case app.Installed:
		case externalLimited && !user.UseAnyAPIClient:
			return deny(RuleExternalAppNotInstalled, CodeInvalidClient, MessageNotInstalled)
		case org.LimitAllUsersToApprovedApps && !user.UseAnyAPIClient:
			return deny(RuleAppNotApproved, CodeInvalidClient, MessageNotInstalled)
		case !app.OrgManaged && !user.CanApproveUninstalledApps && !via.approvalCounts():
			return deny(RuleUninstalledAppRestricted, CodeInvalidClient, MessageNotInstalled)
		}
	}
	if user.UseAnyAPIClient {
		return Decision{Allowed: true, Rule: RuleBypassUseAnyAPIClient}
	}
	if via.Visualforce && (externalLimited || org.LimitAllUsersToApprovedApps) && !org.AllowVisualforceAPIAccess {
		return deny(RuleVisualforceDenied, CodeInvalidSessionID, MessageSessionNotValid)
	}
	return Decision{Allowed: true, Rule: RuleAllowed}
}

// decideECA applies ECARules to an active, API-enabled user.
func decideECA(eca ExternalClientApp, user User) Decision {
	switch {
	case !eca.Enabled || !eca.OAuthPluginEnabled:
		return deny(RuleECAOAuthPluginDisabled, CodeAppBlocked, MessageAppBlocked)
	case user.UseAnyAPIClient:
		return Decision{Allowed: true, Rule: RuleECABypassUseAnyAPIClient}
	case eca.AdminApprovedUsersOnly && !granted(eca.GrantedTo, user.Grantees):
		return deny(RuleECANotAdminApproved, CodeInvalidAppAccess, MessageNotApproved)
	}
	return Decision{Allowed: true, Rule: RuleECAAllowed}
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
