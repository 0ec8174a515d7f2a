package orgapi

// ConnectedAppSettings are the two API Access Control switches of the Metadata type
// ConnectedAppSettings (fullName "ConnectedApp"). A nil field is unknown on read (the API version
// does not carry it) and left alone on update.
type ConnectedAppSettings struct {
	EnableAdminApprovedAppsOnly                *bool // "limit all users to approved apps"
	EnableAdminApprovedAppsOnlyForExternalUser *bool // "limit customers and partners to installed apps" (API 50.0+)
}

// ConnectedApp is the Metadata type ConnectedApp, limited to what the provider manages.
type ConnectedApp struct {
	FullName, Label, ContactEmail, ContactPhone, Description, InfoURL, StartURL string

	CallbackURLs, Scopes []string

	IsAdminApproved, PkceRequired bool

	Certificate          string
	ConsumerKey          string // settable on create only
	ConsumerSecret       string // write-only: sent on create, never returned
	ClientCredentialUser string // username the client credentials flow runs as

	IPRelaxation, RefreshTokenPolicy string // oauthPolicy (API 49.0+); "" means not sent

	// RefreshTokenRequiresSecret is oauthConfig.isSecretRequiredForRefreshToken (API 51.0+): the
	// refresh token flow must send the client secret. nil is not sent on write, which leaves
	// Salesforce's default (true); a read always sets it, absent meaning true.
	RefreshTokenRequiresSecret *bool
}

// ExternalClientAppSettings is the org-wide ExternalClientAppSettings; a nil field is not written.
type ExternalClientAppSettings struct {
	EnableExternalClientApps          *bool
	EnableClientSecretInRestAPIAccess *bool
}

// ExternalClientApp is an External Client App with its OAuth settings and policies.
type ExternalClientApp struct {
	Name, Label, ContactEmail, Description string
	// DistributionState is Local or Packaged.
	DistributionState string
	// Scopes are the OAuth settings' scopes (metadata names, e.g. Api, RefreshToken).
	Scopes []string
	// CallbackURL, Certificate (PEM, enables JWT bearer), PkceRequired and
	// ClientCredentialsFlowEnabled are the developer's global OAuth settings.
	CallbackURL                  string
	Certificate                  string
	PkceRequired                 bool
	ClientCredentialsFlowEnabled bool
	// ConsumerKey is read back; ConsumerSecret is only ever written, on create.
	ConsumerKey    string
	ConsumerSecret string
	// PermittedUsers, PermissionSets, Profiles, ClientCredentialsUser, IPRelaxation and
	// RefreshTokenPolicy are the admin's OAuth policies.
	PermittedUsers        string
	PermissionSets        []string
	Profiles              []string
	ClientCredentialsUser string
	IPRelaxation          string
	RefreshTokenPolicy    string
	// OAuthPluginEnabled is ExtlClntAppConfigurablePolicies isEnabled and isOauthPluginEnabled.
	OAuthPluginEnabled bool
}

// MetadataFile is one listMetadata entry.
type MetadataFile struct {
	FullName, ID, NamespacePrefix, ManageableState string
}

// Limit is one entry of the REST limits resource.
type Limit struct {
	Max       int `json:"Max"`
	Remaining int `json:"Remaining"`
}

// User is a User record.
type User struct {
	ID, Username, Name, UserType, ProfileID, ProfileName string
	IsActive                                             bool
}

// PermissionSet is a PermissionSet record; Permissions holds the API names (UseAnyApiClient, …) of
// the user permissions it grants, sorted.
type PermissionSet struct {
	ID, Name, Label, Description, ProfileID string
	IsOwnedByProfile                        bool
	Permissions                             []string
}

// Profile is a Profile record with the id of the permission set it owns (grants to a profile are
// made on that permission set).
type Profile struct {
	ID, Name, UserType, PermissionSetID string
}

// PermissionSetAssignment is a PermissionSetAssignment record.
type PermissionSetAssignment struct {
	ID, PermissionSetID, PermissionSetName, AssigneeID, Username string
}

// SetupEntityAccess is a grant of a connected app to a permission set (or a profile's owned one).
type SetupEntityAccess struct {
	ID, ParentID, SetupEntityID string
}

// ConnectedApplication is the read-only ConnectedApplication record (id prefix 0H4). Name is the
// app's API name (Metadata fullName), found through listMetadata; Label is the record's own Name
// field, which Salesforce fills with the label ("Connected App Name").
type ConnectedApplication struct {
	ID, Name, Label        string
	AdminApprovedUsersOnly bool
}

// OAuthUsageApp is one row of the Connected Apps OAuth Usage page: the setup extension's "app"
// object (ARCHITECTURE.md, Setup extension), decoded as it is sent.
type OAuthUsageApp struct {
	ID        string `json:"id"`
	Name      string `json:"name"` // API name
	Label     string `json:"label"`
	Installed bool   `json:"installed"`
	Blocked   bool   `json:"blocked"`
	Packaged  bool   `json:"packaged"`
	Local     bool   `json:"local"` // created in this org (org-managed)
	UserCount int    `json:"userCount"`
}

// Installation is a connected app's install/block state: the setup extension's "installation"
// object, decoded as it is sent.
type Installation struct {
	ConnectedAppID string `json:"connectedAppId"`
	Installed      bool   `json:"installed"`
	Blocked        bool   `json:"blocked"`
	Packaged       bool   `json:"packaged"`
}
