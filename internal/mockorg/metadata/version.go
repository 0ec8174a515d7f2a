package metadata

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a Salesforce API major version. Salesforce numbers API versions "N.0" only, so the minor
// part carries no information and is not kept.
type Version int

const (
	// MinVersion is the oldest version served: ConnectedAppSettings exists from 47.0, and a mock org
	// that could not answer the provider's settings calls at some version would only mislead.
	// orgapi keeps its own minimum and version pattern; TestOracleAPIVersionsMatchOrgapi
	// (mockorg/oracle_test.go) pins them against these and ParseVersion.
	MinVersion Version = 47
	// LatestVersion is the newest version Salesforce has released: Winter '27 (release 264), on every
	// production org since mid-October 2026.
	LatestVersion Version = 68
)

func (v Version) String() string { return strconv.Itoa(int(v)) + ".0" }

// ParseVersion parses the version segment of /services/Soap/m/{version}, e.g. "60.0". It accepts
// only what Salesforce serves: "N.0" with MinVersion <= N <= LatestVersion. The error is a
// UNSUPPORTED_API_VERSION fault.
func ParseVersion(s string) (Version, error) {
	major, ok := strings.CutSuffix(s, ".0")
	if !ok || major == "" || len(major) > 3 || strings.TrimLeft(major, "0123456789") != "" {
		return 0, NewFault(CodeUnsupportedAPIVersion, fmt.Sprintf("Invalid Api version specified on URL: %q", s))
	}
	n, _ := strconv.Atoi(major)
	v := Version(n)
	if v < MinVersion || v > LatestVersion {
		return 0, NewFault(CodeUnsupportedAPIVersion, fmt.Sprintf(
			"API version %s is not supported by this org; use a version from %s to %s", v, MinVersion, LatestVersion))
	}
	return v, nil
}

// parseDoubleVersion reads an xsd:double version such as listMetadata's asOfVersion ("60.0", "60").
func parseDoubleVersion(s string) (Version, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 1 || f > 999 || f != float64(int(f)) {
		return 0, false
	}
	return Version(int(f)), true
}

// The names of the metadata types and of their complex field types, as the WSDL spells them. Parse
// errors name these, as Salesforce's do ("… invalid at this location in type ConnectedAppOauthConfig").
const (
	TypeConnectedAppSettings = "ConnectedAppSettings"
	TypeConnectedApp         = "ConnectedApp"
	typeOauthConfig          = "ConnectedAppOauthConfig"
	typeOauthPolicy          = "ConnectedAppOauthPolicy"
)

// typeSince gives the version from which each supported metadata type exists.
var typeSince = map[string]Version{
	TypeConnectedAppSettings: 47,
	TypeConnectedApp:         29,
}

// TypeSince reports from which API version a supported metadata type exists; ok is false for a
// type this package does not support.
func TypeSince(metadataType string) (since Version, ok bool) {
	since, ok = typeSince[metadataType]
	return since, ok
}

// fieldSpec is one element of a complex type: from which version it exists and whether it repeats.
type fieldSpec struct {
	since    Version
	repeated bool
}

// fields lists, per WSDL complex type, the elements this package models. Decoding rejects an element
// that is not listed or is newer than the request's version; encoding omits elements newer than the
// response's version. Versions before 47.0 are never served, so older fields carry their documented
// version only as information.
var fields = map[string]map[string]fieldSpec{
	TypeConnectedAppSettings: {
		"fullName":                    {since: 47},
		"enableAdminApprovedAppsOnly": {since: 47},
		"enableAdminApprovedAppsOnlyForExternalUser":  {since: 50},
		"enableSkipUserProvisioningWizardWelcomePage": {since: 47},
	},
	TypeConnectedApp: {
		"fullName":          {since: 29},
		"contactEmail":      {since: 29},
		"contactPhone":      {since: 29},
		"description":       {since: 29},
		"infoUrl":           {since: 29},
		"label":             {since: 29},
		"logoUrl":           {since: 29},
		"mobileStartUrl":    {since: 29},
		"oauthConfig":       {since: 29},
		"oauthPolicy":       {since: 49},
		"permissionSetName": {since: 46, repeated: true},
		"profileName":       {since: 46, repeated: true},
		"startUrl":          {since: 29},
	},
	typeOauthConfig: {
		"callbackUrl":                     {since: 29},
		"certificate":                     {since: 29},
		"consumerKey":                     {since: 32},
		"consumerSecret":                  {since: 32},
		"isAdminApproved":                 {since: 46},
		"isClientCredentialEnabled":       {since: 56},
		"isConsumerSecretOptional":        {since: 49},
		"isPkceRequired":                  {since: 59},
		"isSecretRequiredForRefreshToken": {since: 51},
		"oauthClientCredentialUser":       {since: 56},
		"scopes":                          {since: 29, repeated: true},
	},
	typeOauthPolicy: {
		"ipRelaxation":       {since: 49},
		"refreshTokenPolicy": {since: 49},
		"singleLogoutUrl":    {since: 49},
	},
}

// FieldSince reports from which API version an element of a complex type exists, e.g.
// FieldSince("ConnectedAppOauthConfig", "isPkceRequired") = 59. ok is false for an element this
// package does not model.
func FieldSince(complexType, element string) (since Version, ok bool) {
	spec, ok := fields[complexType][element]
	return spec.since, ok
}
