package metadata

import (
	"maps"
	"slices"
	"strings"
)

// Component is a metadata component carried by create/update/upsert requests and read responses:
// *ConnectedAppSettings or *ConnectedApp.
type Component interface {
	// MetadataType is the component's type name, e.g. "ConnectedApp".
	MetadataType() string
	// Name is the component's fullName.
	Name() string
	isComponent()
}

// ConnectedAppSettings is the org-wide settings singleton (fullName "ConnectedApp"). A nil field was
// absent from the request: an update changes only the fields it carries.
type ConnectedAppSettings struct {
	FullName                                    string
	EnableAdminApprovedAppsOnly                 *bool
	EnableAdminApprovedAppsOnlyForExternalUser  *bool // 50.0+
	EnableSkipUserProvisioningWizardWelcomePage *bool
}

// SettingsFullName is the fullName of the ConnectedAppSettings singleton.
const SettingsFullName = "ConnectedApp"

func (*ConnectedAppSettings) MetadataType() string { return TypeConnectedAppSettings }
func (s *ConnectedAppSettings) Name() string       { return s.FullName }
func (*ConnectedAppSettings) isComponent()         {}

// ConnectedApp is a connected app definition. String fields are empty when absent (Salesforce does
// not distinguish an empty string from an absent one); booleans, nested types and the two grant
// lists are nil when absent.
type ConnectedApp struct {
	FullName       string
	Label          string
	ContactEmail   string
	ContactPhone   string
	Description    string
	InfoURL        string
	StartURL       string
	MobileStartURL string
	LogoURL        string
	OAuthConfig    *OAuthConfig
	OAuthPolicy    *OAuthPolicy // 49.0+
	// ProfileName and PermissionSetName (46.0+) are nil when absent, which on update leaves the
	// stored grants unchanged; non-nil and empty when the request carried an empty element
	// (<permissionSetName></permissionSetName>), which removes them all.
	ProfileName       []string
	PermissionSetName []string
}

func (*ConnectedApp) MetadataType() string { return TypeConnectedApp }
func (a *ConnectedApp) Name() string       { return a.FullName }
func (*ConnectedApp) isComponent()         {}

// OAuthConfig is ConnectedAppOauthConfig.
type OAuthConfig struct {
	// CallbackURL holds one or more URLs separated by line breaks; see CallbackURLs and
	// JoinCallbackURLs.
	CallbackURL    string
	Certificate    string
	ConsumerKey    string
	ConsumerSecret string // write-only: decoded from requests, never encoded in a response
	// IsAdminApproved (46.0+): true is "Admin approved users are pre-authorized".
	IsAdminApproved                 *bool
	IsClientCredentialEnabled       *bool  // 56.0+
	OAuthClientCredentialUser       string // 56.0+
	IsPkceRequired                  *bool  // 59.0+
	IsConsumerSecretOptional        *bool  // 49.0+
	IsSecretRequiredForRefreshToken *bool  // 51.0+
	Scopes                          []string
}

// OAuthPolicy is ConnectedAppOauthPolicy (49.0+).
type OAuthPolicy struct {
	IPRelaxation       string // one of IPRelaxationValues
	RefreshTokenPolicy string // "zero", "infinite", "specific_lifetime:<n>:HOURS|DAYS|MONTHS", "specific_inactivity:…"
	SingleLogoutURL    string
}

// Salesforce's defaults for the elements of ConnectedAppOauthPolicy, which it requires together.
// orgapi holds its own copy to fill in the one a configuration leaves out; mockorg's is the oracle,
// pinned against orgapi's by TestOracleOAuthPolicyDefaultsMatchOrgapi (mockorg/oracle_test.go).
const (
	DefaultIPRelaxation       = "ENFORCE"
	DefaultRefreshTokenPolicy = "infinite"
)

// IPRelaxationValues are the values of ConnectedAppOauthPolicy.ipRelaxation: mockorg's oracle copy
// of orgapi.IPRelaxationValues, pinned by TestOracleOAuthValueSetsMatchOrgapi.
var IPRelaxationValues = []string{DefaultIPRelaxation, "BYPASS_2FACTOR", "BYPASS", "ENFORCE_RELAXREFRESH"}

// CallbackURLs splits a callbackUrl value into its URLs: one per line, surrounding space trimmed,
// blank lines dropped. Both "\n" and "\r\n" separate lines.
func CallbackURLs(callbackURL string) []string {
	var urls []string
	for line := range strings.SplitSeq(callbackURL, "\n") {
		if u := strings.TrimSpace(line); u != "" {
			urls = append(urls, u)
		}
	}
	return urls
}

// JoinCallbackURLs is the inverse of CallbackURLs: the URLs separated by "\n".
func JoinCallbackURLs(urls []string) string { return strings.Join(urls, "\n") }

// scopeSince lists every value of ConnectedAppOauthAccessScope with the version it appeared in:
// mockorg's oracle copy of orgapi's OAuthScopes and FoldedScopes together, pinned by
// TestOracleOAuthValueSetsMatchOrgapi.
var scopeSince = map[string]Version{
	"Basic": 29, "Api": 29, "Web": 29, "Full": 29, "Chatter": 29, "CustomApplications": 29,
	"RefreshToken": 29, "OpenID": 29, "Profile": 29, "Email": 29, "Address": 29, "Phone": 29,
	"OfflineAccess": 29, "CustomPermissions": 29,
	"Wave": 35, "Eclair": 35,
	"Pardot":    49,
	"Lightning": 51, "Content": 51,
	"CDPIngest":        52,
	"Chatbot":          54,
	"ForgotPassword":   57,
	"UserRegistration": 58,
	"PwdlessLogin":     59,
}

// Scopes returns every ConnectedAppOauthAccessScope value, sorted.
func Scopes() []string { return slices.Sorted(maps.Keys(scopeSince)) }

// ScopeSince reports from which API version an OAuth scope value exists; ok is false for a name that
// is not a ConnectedAppOauthAccessScope value.
func ScopeSince(scope string) (since Version, ok bool) {
	since, ok = scopeSince[scope]
	return since, ok
}

// ValidScope reports whether scope is a ConnectedAppOauthAccessScope value at version v. Decoding
// rejects any other value, as Salesforce's enum deserialization does.
func ValidScope(scope string, v Version) bool {
	since, ok := scopeSince[scope]
	return ok && since <= v
}

// scopeFold maps the scopes Salesforce stores under another name, as retrieve/readMetadata shows:
// mockorg's oracle copy of orgapi.FoldedScopes, pinned by TestOracleOAuthValueSetsMatchOrgapi.
var scopeFold = map[string]string{
	"Profile":       "Basic",
	"Email":         "Basic",
	"Address":       "Basic",
	"Phone":         "Basic",
	"OfflineAccess": "RefreshToken",
}

// FoldScopes returns scopes as Salesforce reads them back after a deploy: Profile, Email, Address and
// Phone become Basic, OfflineAccess becomes RefreshToken, and duplicates are dropped, keeping the
// position of each name's first occurrence. The result is nil for nil input.
func FoldScopes(scopes []string) []string {
	if scopes == nil {
		return nil
	}
	folded := make([]string, 0, len(scopes))
	seen := make(map[string]bool, len(scopes))
	for _, s := range scopes {
		if to, ok := scopeFold[s]; ok {
			s = to
		}
		if !seen[s] {
			seen[s] = true
			folded = append(folded, s)
		}
	}
	return folded
}
