package orgapi

import (
	"maps"
	"regexp"
	"slices"
)

// The values Salesforce takes in the OAuth fields of connected apps and External Client Apps. They
// live here, once, for the provider to validate against and document; mockorg keeps its own copy
// as an oracle, pinned against these by mockorg/oracle_test.go (ARCHITECTURE.md, Facts kept on
// both sides).
var (
	// oauthScopes are the ConnectedAppOauthAccessScope values Salesforce keeps as sent (its
	// retrieve list). The ones it folds on read are in foldedScopes instead.
	oauthScopes = []string{
		"Api", "Basic", "CDPIngest", "Chatbot", "Chatter", "Content", "CustomApplications",
		"CustomPermissions", "Eclair", "ForgotPassword", "Full", "Lightning", "OpenID", "Pardot",
		"PwdlessLogin", "RefreshToken", "UserRegistration", "Wave", "Web",
	}
	foldedScopes = map[string]string{
		"Profile":       "Basic",
		"Email":         "Basic",
		"Address":       "Basic",
		"Phone":         "Basic",
		"OfflineAccess": "RefreshToken",
	}
	// ipRelaxationValues are ConnectedAppOauthPolicy's ipRelaxation values.
	ipRelaxationValues = []string{DefaultIPRelaxation, "BYPASS_2FACTOR", "BYPASS", "ENFORCE_RELAXREFRESH"}
	// ecaIPRelaxationValues are ExtlClntAppOauthConfigurablePolicies' ipRelaxationPolicyType values.
	ecaIPRelaxationValues = []string{DefaultECAIPRelaxation, "Bypass", "Bypass_2factor", "Enforce_RelaxRefresh"}

	// refreshTokenPolicyPattern is a connected app's refreshTokenPolicy, also written for an
	// External Client App's refreshTokenPolicyType (SALESFORCE.md, External Client Apps).
	refreshTokenPolicyPattern = regexp.MustCompile(`^(zero|infinite|specific_(lifetime|inactivity):[1-9][0-9]{0,4}:(HOURS|DAYS|MONTHS))$`)
)

// OAuthScopes returns the OAuth scopes Salesforce stores as written, in alphabetical order. The
// slice is the caller's.
func OAuthScopes() []string { return slices.Clone(oauthScopes) }

// FoldedScopes returns the scopes Salesforce stores under another name, each mapped to the scope
// it reads back (Email → Basic). The map is the caller's.
func FoldedScopes() map[string]string { return maps.Clone(foldedScopes) }

// IPRelaxationValues returns a connected app's ipRelaxation values, the default first. The slice
// is the caller's.
func IPRelaxationValues() []string { return slices.Clone(ipRelaxationValues) }

// ECAIPRelaxationValues returns an External Client App's ipRelaxationPolicyType values, the
// default first. The slice is the caller's.
func ECAIPRelaxationValues() []string { return slices.Clone(ecaIPRelaxationValues) }

// ValidRefreshTokenPolicy reports whether s is a refresh token policy: "zero", "infinite",
// "specific_lifetime:<n>:<unit>" or "specific_inactivity:<n>:<unit>", n from 1 to 99999 and unit
// HOURS, DAYS or MONTHS.
func ValidRefreshTokenPolicy(s string) bool { return refreshTokenPolicyPattern.MatchString(s) }
