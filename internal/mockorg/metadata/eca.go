package metadata

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The External Client App metadata types (SALESFORCE.md, External Client Apps). Their fields are
// all leaves (strings, booleans, enumerations), so one generic component, *Flat, carries any of
// them; ecaTypes says which fields each type has, from which version, of which kind.
const (
	TypeExternalClientApplication        = "ExternalClientApplication"
	TypeExtlClntAppOauthSettings         = "ExtlClntAppOauthSettings"
	TypeExtlClntAppGlobalOauthSettings   = "ExtlClntAppGlobalOauthSettings"
	TypeExtlClntAppOauthConfigurablePols = "ExtlClntAppOauthConfigurablePolicies"
	TypeExtlClntAppConfigurablePolicies  = "ExtlClntAppConfigurablePolicies"
	TypeExternalClientAppSettings        = "ExternalClientAppSettings"
)

// ExternalClientAppSettingsFullName is the fullName of the ExternalClientAppSettings singleton,
// stored as settings/ExternalClientApp.settings.
const ExternalClientAppSettingsFullName = "ExternalClientApp"

// The enumerations of the External Client App types, as the WSDL spells their values.
// ECAIPRelaxValues is mockorg's oracle copy of orgapi.ECAIPRelaxationValues, pinned by
// TestOracleOAuthValueSetsMatchOrgapi.
var (
	DistributionStates   = []string{"Local", "Packaged"}
	PermittedUsersValues = []string{"AdminApprovedPreAuthorized", "AllSelfAuthorized"}
	ECAIPRelaxValues     = []string{"Enforce", "Bypass", "Bypass_2factor", "Enforce_RelaxRefresh"}
)

type flatKind int

const (
	flatText flatKind = iota
	flatBool
	flatEnum
)

// flatField is one element of a flat type.
type flatField struct {
	name     string
	since    Version
	kind     flatKind
	enum     string   // the enumeration's WSDL name, for the fault of a value outside it
	values   []string // the enumeration's values
	required bool
}

// flatType is a metadata type whose elements are all leaves.
type flatType struct {
	since  Version
	fields []flatField // fullName first, then alphabetical, as the WSDL orders them
}

var ecaTypes = map[string]flatType{
	TypeExternalClientApplication: {59, []flatField{
		{name: "fullName", since: 59},
		{name: "contactEmail", since: 59, required: true},
		{name: "contactPhone", since: 59},
		{name: "description", since: 59},
		{name: "distributionState", since: 59, kind: flatEnum, enum: "ExtlClntAppDistState", values: DistributionStates, required: true},
		{name: "iconUrl", since: 59},
		{name: "infoUrl", since: 59},
		{name: "isProtected", since: 59, kind: flatBool},
		{name: "label", since: 59, required: true},
		{name: "logoUrl", since: 59},
		{name: "orgScopedExternalApp", since: 59},
	}},
	TypeExtlClntAppOauthSettings: {59, []flatField{
		{name: "fullName", since: 59},
		{name: "commaSeparatedOauthScopes", since: 59},
		{name: "externalClientApplication", since: 59, required: true},
		{name: "label", since: 59},
	}},
	TypeExtlClntAppGlobalOauthSettings: {59, []flatField{
		{name: "fullName", since: 59},
		{name: "callbackUrl", since: 59},
		{name: "certificate", since: 60},
		{name: "consumerKey", since: 59},
		{name: "consumerSecret", since: 59},
		{name: "externalClientApplication", since: 59, required: true},
		{name: "isClientCredentialsFlowEnabled", since: 60, kind: flatBool},
		{name: "isConsumerSecretOptional", since: 59, kind: flatBool},
		{name: "isPkceRequired", since: 59, kind: flatBool},
		{name: "label", since: 59},
		{name: "shouldRotateConsumerKey", since: 59, kind: flatBool},
		{name: "shouldRotateConsumerSecret", since: 59, kind: flatBool},
	}},
	TypeExtlClntAppOauthConfigurablePols: {59, []flatField{
		{name: "fullName", since: 59},
		{name: "clientCredentialsFlowUser", since: 60},
		{name: "commaSeparatedPermissionSet", since: 59},
		{name: "commaSeparatedProfile", since: 59},
		{name: "externalClientApplication", since: 59, required: true},
		{name: "ipRelaxationPolicyType", since: 59, kind: flatEnum, enum: "ExtlClntAppOauthIpRelaxPolicyType", values: ECAIPRelaxValues},
		{name: "isClientCredentialsFlowEnabled", since: 60, kind: flatBool},
		{name: "label", since: 59},
		{name: "permittedUsersPolicyType", since: 59, kind: flatEnum, enum: "PermittedUsersPolicyType", values: PermittedUsersValues},
		{name: "refreshTokenPolicyType", since: 59},
	}},
	TypeExtlClntAppConfigurablePolicies: {60, []flatField{
		{name: "fullName", since: 60},
		{name: "externalClientApplication", since: 60, required: true},
		{name: "isEnabled", since: 60, kind: flatBool, required: true},
		{name: "isOauthPluginEnabled", since: 60, kind: flatBool},
		{name: "label", since: 60},
	}},
	TypeExternalClientAppSettings: {58, []flatField{
		{name: "fullName", since: 58},
		{name: "enableClientSecretInRestApiAccess", since: 62, kind: flatBool},
		{name: "enableConsumerSecretApiAccess", since: 58, kind: flatBool},
		{name: "enableExternalClientApps", since: 58, kind: flatBool},
	}},
}

func init() {
	for name, t := range ecaTypes {
		typeSince[name] = t.since
		spec := map[string]fieldSpec{}
		for _, f := range t.fields {
			spec[f.name] = fieldSpec{since: f.since}
		}
		fields[name] = spec
	}
}

// Flat is a component of one of the External Client App types. Values holds each element the
// component carries, by element name, as text ("true"/"false" for booleans); an absent element has
// no entry, which on an update of ExternalClientAppSettings leaves the stored value alone.
type Flat struct {
	Type     string
	FullName string
	Values   map[string]string
}

func (f *Flat) MetadataType() string { return f.Type }
func (f *Flat) Name() string         { return f.FullName }
func (*Flat) isComponent()           {}

// Bool reads a boolean element; ok is false when the component does not carry it.
func (f *Flat) Bool(name string) (value, ok bool) {
	s, ok := f.Values[name]
	return s == "true", ok
}

// IsFlatType reports whether metadataType is one of the External Client App types.
func IsFlatType(metadataType string) bool {
	_, ok := ecaTypes[metadataType]
	return ok
}

func decodeFlat(e *element, typ string, v Version) (*Flat, error) {
	spec := ecaTypes[typ]
	f := &Flat{Type: typ, Values: map[string]string{}}
	err := eachField(e, typ, v, func(c *element) error {
		s, err := leafText(c)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(spec.fields, func(ff flatField) bool { return ff.name == c.name.Local })
		field := spec.fields[i] // eachField admits only elements of the type
		switch field.kind {
		case flatBool:
			b, err := parseBool(s)
			if err != nil {
				return err
			}
			s = strconv.FormatBool(b)
		case flatEnum:
			s = strings.TrimSpace(s)
			if !slices.Contains(field.values, s) {
				return clientFault("'%s' is not a valid value for the enum '%s'", s, field.enum)
			}
		}
		if field.name == "fullName" {
			f.FullName = s
			return nil
		}
		f.Values[field.name] = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Validate checks what Salesforce requires of a saved component: its required fields.
func (f *Flat) Validate() []Error {
	var errs []Error
	if f.FullName == "" {
		errs = append(errs, Error{StatusCode: StatusRequiredFieldMissing, Message: "Required field is missing: fullName", Fields: []string{"fullName"}})
	}
	for _, field := range ecaTypes[f.Type].fields {
		if field.required && field.name != "fullName" && strings.TrimSpace(f.Values[field.name]) == "" {
			errs = append(errs, Error{StatusCode: StatusRequiredFieldMissing,
				Message: fmt.Sprintf("Required field is missing: %s", field.name), Fields: []string{field.name}})
		}
	}
	return errs
}

// flatFields writes a flat component's elements in the WSDL's order. consumerSecret is written only
// in a request: Salesforce never reads a secret back.
func (e *encoder) flatFields(f *Flat, withFullName bool) {
	for _, field := range ecaTypes[f.Type].fields {
		if field.name == "fullName" {
			if withFullName {
				e.str(f.Type, "fullName", f.FullName)
			}
			continue
		}
		if field.name == "consumerSecret" && !e.request {
			continue
		}
		if value, ok := f.Values[field.name]; ok && e.has(f.Type, field.name) {
			e.leaf(field.name, value)
		}
	}
}
