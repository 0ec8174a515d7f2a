package mockorg

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
)

// Seed is a whole org in the JSON shape of the embedded default org, of --seed files, of the control
// API's snapshot and of the state file. References between records are by name (profile name,
// permission set name, username, connected app name) so that a person can write a seed by hand; ids
// are optional on input and always present in a snapshot.
type Seed struct {
	Organization             SeedOrganization    `json:"organization"`
	Settings                 SeedSettings        `json:"settings"`
	Profiles                 []SeedProfile       `json:"profiles"`
	PermissionSets           []SeedPermissionSet `json:"permissionSets"`
	Users                    []SeedUser          `json:"users"`
	PermissionSetAssignments []SeedAssignment    `json:"permissionSetAssignments"`
	ConnectedApps            []SeedConnectedApp  `json:"connectedApps"`
	SetupEntityAccess        []SeedGrant         `json:"setupEntityAccess"`
	OAuthTokens              []SeedOAuthToken    `json:"oauthTokens"`
	// ExternalClientApps and ExternalClientAppSettings: ARCHITECTURE.md, "mockorg model".
	ExternalClientApps        []SeedExternalClientApp `json:"externalClientApps,omitempty"`
	ExternalClientAppSettings SeedECASettings         `json:"externalClientAppSettings"`
}

// SeedOrganization is the Organization record and the org-level properties Salesforce Support controls.
type SeedOrganization struct {
	ID               string `json:"id,omitempty"`
	Name             string `json:"name"`
	OrganizationType string `json:"organizationType"`
	// APIAccessControlProvisioned is whether Support has enabled API Access Control; without it the
	// two ConnectedAppSettings flags cannot be switched on and UseAnyApiClient does not exist.
	APIAccessControlProvisioned bool `json:"apiAccessControlProvisioned"`
	// DailyAPIRequests is the org's API request allocation (DailyApiRequests in /limits).
	DailyAPIRequests int `json:"dailyApiRequests"`
	// InstanceName is the Organization record's InstanceName (the pod, e.g. "USA1S"); "" means "MOCK1".
	InstanceName string `json:"instanceName,omitempty"`
	// IsSandbox makes the org a sandbox: its JWT audience is https://test.salesforce.com.
	IsSandbox bool `json:"isSandbox,omitempty"`
	// ConnectedAppCreationAllowed says whether the org may still create connected apps. Since
	// Spring '26 Salesforce refuses it (help 005228017) unless Support re-enables it, so an absent
	// field means false, as in a 2026 org. Editing, installing and deleting existing apps are not
	// affected.
	ConnectedAppCreationAllowed bool `json:"connectedAppCreationAllowed"`
	// SetupExtensionDisabled serves the org as a real one is: without the sfaccess setup extension
	// (/services/data/vXX.X/sfaccess/ answers 404), so a configuration can be rehearsed for a real
	// org. Config.DisableSetupExtension does the same for every org a server serves.
	SetupExtensionDisabled bool `json:"setupExtensionDisabled,omitempty"`
	// SessionTimeoutMinutes is Session Settings' timeout, how long an access token lasts after it
	// was issued: 15, 30, 60, 120, 240, 480, 720 or 1440; absent means 120, Salesforce's default.
	SessionTimeoutMinutes int `json:"sessionTimeoutMinutes,omitempty"`
	// APIRequestsUsed is how much of the allocation is spent; snapshots carry it so a restart keeps it.
	APIRequestsUsed int `json:"apiRequestsUsed,omitempty"`
}

// SeedSettings are ConnectedAppSettings plus the Visualforce option of the API Access Control page.
type SeedSettings struct {
	EnableAdminApprovedAppsOnly                 bool `json:"enableAdminApprovedAppsOnly"`
	EnableAdminApprovedAppsOnlyForExternalUser  bool `json:"enableAdminApprovedAppsOnlyForExternalUser"`
	EnableSkipUserProvisioningWizardWelcomePage bool `json:"enableSkipUserProvisioningWizardWelcomePage"`
	AllowVisualforceAPIAccess                   bool `json:"allowVisualforceApiAccess"`
}

// SeedProfile is a profile; its permissions live on its owned permission set, as in Salesforce.
type SeedProfile struct {
	ID              string   `json:"id,omitempty"`
	Name            string   `json:"name"`
	UserType        string   `json:"userType"`
	PermissionSetID string   `json:"permissionSetId,omitempty"`
	Permissions     []string `json:"permissions"`
}

// SeedPermissionSet is a permission set that is not owned by a profile.
type SeedPermissionSet struct {
	ID          string   `json:"id,omitempty"`
	Name        string   `json:"name"`
	Label       string   `json:"label"`
	Description string   `json:"description,omitempty"`
	Permissions []string `json:"permissions"`
}

// SeedUser is a user; Profile is the profile's name.
type SeedUser struct {
	ID       string `json:"id,omitempty"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Email    string `json:"email,omitempty"`
	Profile  string `json:"profile"`
	Active   bool   `json:"active"`
	Password string `json:"password"`
}

// SeedAssignment assigns a permission set (by name) to a user (by username).
type SeedAssignment struct {
	ID            string `json:"id,omitempty"`
	PermissionSet string `json:"permissionSet"`
	Username      string `json:"username"`
}

// SeedConnectedApp is a connected app: its metadata definition, its credentials and its row on the
// Connected Apps OAuth Usage page.
type SeedConnectedApp struct {
	ID                       string   `json:"id,omitempty"`
	Name                     string   `json:"name"`
	Label                    string   `json:"label"`
	ContactEmail             string   `json:"contactEmail"`
	ContactPhone             string   `json:"contactPhone,omitempty"`
	Description              string   `json:"description,omitempty"`
	InfoURL                  string   `json:"infoUrl,omitempty"`
	StartURL                 string   `json:"startUrl,omitempty"`
	MobileStartURL           string   `json:"mobileStartUrl,omitempty"`
	LogoURL                  string   `json:"logoUrl,omitempty"`
	CallbackURLs             []string `json:"callbackUrls"`
	Scopes                   []string `json:"scopes"`
	AdminApproved            bool     `json:"adminApproved"`
	PkceRequired             bool     `json:"pkceRequired,omitempty"`
	Certificate              string   `json:"certificate,omitempty"`
	ClientCredentialsEnabled bool     `json:"clientCredentialsEnabled,omitempty"`
	ClientCredentialsUser    string   `json:"clientCredentialsUser,omitempty"`
	IPRelaxation             string   `json:"ipRelaxation,omitempty"`
	RefreshTokenPolicy       string   `json:"refreshTokenPolicy,omitempty"`
	SingleLogoutURL          string   `json:"singleLogoutUrl,omitempty"`
	// ConsumerSecretOptional is kept only to read back what an update wrote: mockorg serves no
	// flow that it would change.
	ConsumerSecretOptional *bool `json:"consumerSecretOptional,omitempty"`
	// SecretRequiredForRefreshToken is oauthConfig.isSecretRequiredForRefreshToken: the refresh
	// token grant demands the consumer secret unless it is false. Absent means true, Salesforce's
	// default for new apps.
	SecretRequiredForRefreshToken *bool  `json:"secretRequiredForRefreshToken,omitempty"`
	ConsumerKey                   string `json:"consumerKey"`
	ConsumerSecret                string `json:"consumerSecret"`
	Local                         bool   `json:"local"`
	Packaged                      bool   `json:"packaged"`
	Installed                     bool   `json:"installed"`
	Blocked                       bool   `json:"blocked"`
	CreatedDate                   string `json:"createdDate,omitempty"`
	LastModifiedDate              string `json:"lastModifiedDate,omitempty"`
}

// SeedGrant grants a connected app to exactly one of a permission set or a profile (SetupEntityAccess).
type SeedGrant struct {
	ID            string `json:"id,omitempty"`
	ConnectedApp  string `json:"connectedApp"`
	PermissionSet string `json:"permissionSet,omitempty"`
	Profile       string `json:"profile,omitempty"`
}

// SeedOAuthToken is a user's prior approval of a connected app, Salesforce's OauthToken record: the
// user authorized the app through the web server, user-agent or device flow. One per user and app.
type SeedOAuthToken struct {
	Username     string `json:"username"`
	ConnectedApp string `json:"connectedApp,omitempty"`
	// ExternalClientApp names an External Client App instead of a connected app.
	ExternalClientApp string `json:"externalClientApp,omitempty"`
	CreatedDate       string `json:"createdDate"`
	// LastUsedDate is when a token of the pair was last issued; "" means CreatedDate.
	LastUsedDate string `json:"lastUsedDate,omitempty"`
	UseCount     int    `json:"useCount"`
	// DeleteToken revokes the approval at /services/oauth2/revoke; "" draws a random one.
	DeleteToken string `json:"deleteToken,omitempty"`
}

// DefaultPassword is the password of every user of the embedded default org.
const DefaultPassword = "Mockorg-Pass-1" //nolint:gosec // the embedded org's documented development password

//go:embed seed.json
var embeddedSeed []byte

// DefaultSeed returns a deep copy of the embedded default org "Acme".
func DefaultSeed() *Seed {
	seed, err := ParseSeed(embeddedSeed)
	if err != nil {
		panic("mockorg: the embedded seed is invalid: " + err.Error())
	}
	return seed
}

// ParseSeed decodes a seed strictly: unknown fields and trailing data are errors, so that a typo in
// a hand-written seed does not silently produce a different org.
func ParseSeed(data []byte) (*Seed, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var seed Seed
	if err := dec.Decode(&seed); err != nil {
		return nil, fmt.Errorf("decoding seed: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("decoding seed: unexpected data after the JSON object")
	}
	if _, err := newState(&seed); err != nil {
		return nil, err
	}
	return &seed, nil
}

// clone returns a deep copy through JSON, which is the seed's own representation.
func (s *Seed) clone() *Seed {
	data, err := json.Marshal(s)
	if err != nil {
		panic("mockorg: marshalling a seed: " + err.Error())
	}
	var out Seed
	if err := json.Unmarshal(data, &out); err != nil {
		panic("mockorg: unmarshalling a seed: " + err.Error())
	}
	return &out
}
