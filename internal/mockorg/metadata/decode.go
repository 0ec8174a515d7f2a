package metadata

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Decode reads a Metadata API request envelope sent to /services/Soap/m/{v}.
//
// It checks what Salesforce's SOAP layer checks before any org data is looked at: well-formed XML, a
// SOAP 1.1 Envelope with one operation in its Body, elements valid at their location for version v
// (fields newer than v are invalid), values of the right type (xsd:boolean, the scope and
// ipRelaxation enums), supported metadata types and the per-call limits. Semantic checks that
// Salesforce reports per component (required fields, duplicate consumer keys, …) are the handler's.
//
// The error is always a *Fault:
//   - a client fault (faultcode soapenv:Client) for XML that cannot be deserialized, including an
//     unknown operation ("No operation available for request {ns}op, …");
//   - INVALID_TYPE for a metadata type other than ConnectedAppSettings and ConnectedApp, in every
//     operation, including an unsupported xsi:type in create/update/upsert: such a request cannot be
//     deserialized into a component, so no per-component result could name it;
//   - EXCEEDED_ID_LIMIT for more than MaxComponents components or fullNames, or more than
//     MaxListQueries list queries;
//   - EXCEEDED_MAX_SIZE_REQUEST for a body over MaxRequestBytes;
//   - UNSUPPORTED_API_VERSION when v is outside MinVersion..LatestVersion.
func Decode(r io.Reader, v Version) (*Request, error) {
	if v < MinVersion || v > LatestVersion {
		return nil, NewFault(CodeUnsupportedAPIVersion, fmt.Sprintf("API version %s is not supported by this org", v))
	}
	root, err := readTree(r)
	if err != nil {
		return nil, err
	}
	return decodeEnvelope(root, v)
}

func decodeEnvelope(root *element, v Version) (*Request, error) {
	if root.name.Space != SOAPEnvelopeNS || root.name.Local != "Envelope" {
		return nil, clientFault("The root element must be {%s}Envelope, not %s", SOAPEnvelopeNS, qname(root.name))
	}
	var header, body *element
	for _, c := range root.children {
		switch {
		case c.name.Space == SOAPEnvelopeNS && c.name.Local == "Header" && header == nil && body == nil:
			header = c
		case c.name.Space == SOAPEnvelopeNS && c.name.Local == "Body" && body == nil:
			body = c
		default:
			return nil, invalidAt(c, "Envelope")
		}
	}
	if body == nil {
		return nil, clientFault("The SOAP message has no {%s}Body", SOAPEnvelopeNS)
	}
	req := &Request{}
	if header != nil {
		if err := decodeHeader(header, req); err != nil {
			return nil, err
		}
	}
	if len(body.children) != 1 {
		return nil, clientFault("The SOAP Body must hold exactly one operation, not %d elements", len(body.children))
	}
	op := body.children[0]
	if op.name.Space != Namespace {
		return nil, noOperation(op)
	}
	var err error
	switch req.Operation = Operation(op.name.Local); req.Operation {
	case OpRead, OpDelete:
		req.Type, req.FullNames, err = decodeTypeAndNames(op, v)
	case OpCreate, OpUpdate, OpUpsert:
		req.Components, err = decodeComponents(op, v)
	case OpList:
		req.Queries, req.AsOfVersion, err = decodeList(op, v)
	case OpDescribe, OpRetrieve, OpCheckRetrieveStatus, OpDeploy, OpCheckDeployStatus:
		err = decodeFileOperation(op, req)
	default:
		return nil, noOperation(op)
	}
	if err != nil {
		return nil, err
	}
	return req, nil
}

func noOperation(op *element) *Fault {
	return clientFault("No operation available for request %s, please check the WSDL for the service.", qname(op.name))
}

// decodeHeader reads the headers the mock acts on. Other headers (CallOptions, DebuggingHeader, …)
// change nothing a mock org could honour, so they are accepted and ignored, as Salesforce ignores
// headers an operation does not use.
func decodeHeader(header *element, req *Request) error {
	for _, h := range header.children {
		if h.name.Space != Namespace {
			continue
		}
		switch h.name.Local {
		case "SessionHeader":
			for _, c := range h.children {
				if c.name.Space != Namespace || c.name.Local != "sessionId" {
					return invalidAt(c, "SessionHeader")
				}
				s, err := leafText(c)
				if err != nil {
					return err
				}
				req.SessionID = strings.TrimSpace(s)
			}
		case "AllOrNoneHeader":
			for _, c := range h.children {
				if c.name.Space != Namespace || c.name.Local != "allOrNone" {
					return invalidAt(c, "AllOrNoneHeader")
				}
				b, err := leafBool(c)
				if err != nil {
					return err
				}
				req.AllOrNone = b != nil && *b
			}
		}
	}
	return nil
}

func decodeTypeAndNames(op *element, v Version) (string, []string, error) {
	var typ *string
	var names []string
	for _, c := range op.children {
		if c.name.Space != Namespace {
			return "", nil, invalidAt(c, op.name.Local)
		}
		switch c.name.Local {
		case "type":
			if typ != nil {
				return "", nil, invalidAt(c, op.name.Local)
			}
			s, err := leafText(c)
			if err != nil {
				return "", nil, err
			}
			s = strings.TrimSpace(s)
			typ = &s
		case "fullNames":
			s, err := leafText(c)
			if err != nil {
				return "", nil, err
			}
			names = append(names, s)
		default:
			return "", nil, invalidAt(c, op.name.Local)
		}
	}
	if typ == nil {
		return "", nil, NewFault(CodeInvalidType, "Unknown type: the request names no metadata type")
	}
	if err := checkType(*typ, v); err != nil {
		return "", nil, err
	}
	if len(names) > MaxComponents {
		return "", nil, exceededLimit(MaxComponents, "records")
	}
	return *typ, names, nil
}

func checkType(typ string, v Version) error {
	since, ok := typeSince[typ]
	if !ok {
		return NewFault(CodeInvalidType, fmt.Sprintf("Unknown type: %s", typ))
	}
	if since > v {
		return NewFault(CodeInvalidType, fmt.Sprintf("Cannot use: %s in this version", typ))
	}
	return nil
}

func exceededLimit(limit int, what string) *Fault {
	return NewFault(CodeExceededIDLimit, fmt.Sprintf("record limit reached. cannot submit more than %d %s in this operation", limit, what))
}

func decodeComponents(op *element, v Version) ([]Component, error) {
	for _, c := range op.children {
		if c.name.Space != Namespace || c.name.Local != "metadata" {
			return nil, invalidAt(c, op.name.Local)
		}
	}
	if len(op.children) > MaxComponents {
		return nil, exceededLimit(MaxComponents, "records")
	}
	var components []Component
	for _, c := range op.children {
		component, err := decodeComponent(c, v)
		if err != nil {
			return nil, err
		}
		components = append(components, component)
	}
	return components, nil
}

func decodeComponent(e *element, v Version) (Component, error) {
	if e.isNil() {
		return nil, clientFault("Element %s of an operation must not be nil", qname(e.name))
	}
	raw, ok := e.attr(XSINamespace, "type")
	if !ok {
		return nil, clientFault("Element %s needs an xsi:type naming its metadata type", qname(e.name))
	}
	typ, ok := e.resolveQName(raw)
	if !ok {
		return nil, clientFault("The xsi:type %q uses an undeclared namespace prefix", raw)
	}
	if typ.Space != Namespace {
		return nil, NewFault(CodeInvalidType, fmt.Sprintf("Unknown type: %s", qname(typ)))
	}
	if err := checkType(typ.Local, v); err != nil {
		return nil, err
	}
	switch typ.Local {
	case TypeConnectedAppSettings:
		return decodeSettings(e, v)
	case TypeConnectedApp:
		return decodeConnectedApp(e, v)
	default: // an External Client App type: checkType admits no other
		return decodeFlat(e, typ.Local, v)
	}
}

func decodeSettings(e *element, v Version) (*ConnectedAppSettings, error) {
	s := &ConnectedAppSettings{}
	err := eachField(e, TypeConnectedAppSettings, v, func(c *element) (err error) {
		switch c.name.Local {
		case "fullName":
			s.FullName, err = leafText(c)
		case "enableAdminApprovedAppsOnly":
			s.EnableAdminApprovedAppsOnly, err = leafBool(c)
		case "enableAdminApprovedAppsOnlyForExternalUser":
			s.EnableAdminApprovedAppsOnlyForExternalUser, err = leafBool(c)
		case "enableSkipUserProvisioningWizardWelcomePage":
			s.EnableSkipUserProvisioningWizardWelcomePage, err = leafBool(c)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

func decodeConnectedApp(e *element, v Version) (*ConnectedApp, error) {
	a := &ConnectedApp{}
	err := eachField(e, TypeConnectedApp, v, func(c *element) (err error) {
		switch c.name.Local {
		case "fullName":
			a.FullName, err = leafText(c)
		case "label":
			a.Label, err = leafText(c)
		case "contactEmail":
			a.ContactEmail, err = leafText(c)
		case "contactPhone":
			a.ContactPhone, err = leafText(c)
		case "description":
			a.Description, err = leafText(c)
		case "infoUrl":
			a.InfoURL, err = leafText(c)
		case "startUrl":
			a.StartURL, err = leafText(c)
		case "mobileStartUrl":
			a.MobileStartURL, err = leafText(c)
		case "logoUrl":
			a.LogoURL, err = leafText(c)
		case "oauthConfig":
			a.OAuthConfig, err = decodeOAuthConfig(c, v)
		case "oauthPolicy":
			a.OAuthPolicy, err = decodeOAuthPolicy(c, v)
		case "profileName":
			a.ProfileName, err = appendName(a.ProfileName, c)
		case "permissionSetName":
			a.PermissionSetName, err = appendName(a.PermissionSetName, c)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func decodeOAuthConfig(e *element, v Version) (*OAuthConfig, error) {
	o := &OAuthConfig{}
	err := eachField(e, typeOauthConfig, v, func(c *element) (err error) {
		switch c.name.Local {
		case "callbackUrl":
			o.CallbackURL, err = leafText(c)
		case "certificate":
			o.Certificate, err = leafText(c)
		case "consumerKey":
			o.ConsumerKey, err = leafText(c)
		case "consumerSecret":
			o.ConsumerSecret, err = leafText(c)
		case "isAdminApproved":
			o.IsAdminApproved, err = leafBool(c)
		case "isClientCredentialEnabled":
			o.IsClientCredentialEnabled, err = leafBool(c)
		case "isConsumerSecretOptional":
			o.IsConsumerSecretOptional, err = leafBool(c)
		case "isPkceRequired":
			o.IsPkceRequired, err = leafBool(c)
		case "isSecretRequiredForRefreshToken":
			o.IsSecretRequiredForRefreshToken, err = leafBool(c)
		case "oauthClientCredentialUser":
			o.OAuthClientCredentialUser, err = leafText(c)
		case "scopes":
			var s string
			if s, err = leafText(c); err == nil {
				s = strings.TrimSpace(s)
				if !ValidScope(s, v) {
					return clientFault("'%s' is not a valid value for the enum 'ConnectedAppOauthAccessScope'", s)
				}
				o.Scopes = append(o.Scopes, s)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

func decodeOAuthPolicy(e *element, v Version) (*OAuthPolicy, error) {
	p := &OAuthPolicy{}
	err := eachField(e, typeOauthPolicy, v, func(c *element) (err error) {
		switch c.name.Local {
		case "ipRelaxation":
			var s string
			if s, err = leafText(c); err == nil {
				s = strings.TrimSpace(s)
				if !slices.Contains(IPRelaxationValues, s) {
					return clientFault("'%s' is not a valid value for the enum 'ConnectedAppOauthIpRelaxation'", s)
				}
				p.IPRelaxation = s
			}
		case "refreshTokenPolicy":
			p.RefreshTokenPolicy, err = leafText(c)
		case "singleLogoutUrl":
			p.SingleLogoutURL, err = leafText(c)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func decodeList(op *element, v Version) ([]ListQuery, Version, error) {
	var queries []ListQuery
	var asOf *Version
	for _, c := range op.children {
		if c.name.Space != Namespace {
			return nil, 0, invalidAt(c, string(OpList))
		}
		switch c.name.Local {
		case "queries":
			q, err := decodeQuery(c)
			if err != nil {
				return nil, 0, err
			}
			queries = append(queries, q)
		case "asOfVersion":
			if asOf != nil {
				return nil, 0, invalidAt(c, string(OpList))
			}
			s, err := leafText(c)
			if err != nil {
				return nil, 0, err
			}
			parsed, ok := parseDoubleVersion(s)
			if !ok {
				return nil, 0, clientFault("'%s' is not a valid value for the type xsd:double", strings.TrimSpace(s))
			}
			asOf = &parsed
		default:
			return nil, 0, invalidAt(c, string(OpList))
		}
	}
	if len(queries) > MaxListQueries {
		return nil, 0, exceededLimit(MaxListQueries, "queries")
	}
	effective := v
	if asOf != nil {
		effective = *asOf
	}
	for _, q := range queries {
		if err := checkType(q.Type, effective); err != nil {
			return nil, 0, err
		}
	}
	if asOf == nil {
		return queries, 0, nil
	}
	return queries, *asOf, nil
}

func decodeQuery(e *element) (ListQuery, error) {
	const typeName = "ListMetadataQuery"
	var q ListQuery
	seen := map[string]bool{}
	for _, c := range e.children {
		if c.name.Space != Namespace || (c.name.Local != "type" && c.name.Local != "folder") || seen[c.name.Local] {
			return q, invalidAt(c, typeName)
		}
		seen[c.name.Local] = true
		s, err := leafText(c)
		if err != nil {
			return q, err
		}
		if c.name.Local == "type" {
			q.Type = strings.TrimSpace(s)
		} else {
			q.Folder = s
		}
	}
	return q, nil
}

// eachField calls fn for each child of e, after checking that complexType has that element at v
// and that a single-valued element is not repeated. Text between child elements other than
// whitespace is refused, as in any complex type without mixed content. Children with xsi:nil="true"
// are skipped: Salesforce treats them as absent.
func eachField(e *element, complexType string, v Version, fn func(c *element) error) error {
	if len(bytes.TrimSpace(e.text)) > 0 {
		return clientFault("Unexpected text in element %s of type %s", qname(e.name), complexType)
	}
	spec := fields[complexType]
	seen := map[string]bool{}
	for _, c := range e.children {
		f, ok := spec[c.name.Local]
		if c.name.Space != Namespace || !ok || f.since > v || (!f.repeated && seen[c.name.Local]) {
			return invalidAt(c, complexType)
		}
		seen[c.name.Local] = true
		if c.isNil() {
			continue
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

func invalidAt(e *element, typeName string) *Fault {
	return clientFault("Element %s invalid at this location in type %s", qname(e.name), typeName)
}

func leafText(e *element) (string, error) {
	if len(e.children) > 0 {
		return "", clientFault("Unexpected element %s during simple type deserialization", qname(e.children[0].name))
	}
	return string(e.text), nil
}

func leafBool(e *element) (*bool, error) {
	s, err := leafText(e)
	if err != nil {
		return nil, err
	}
	b, err := parseBool(s)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// parseBool reads an xsd:boolean: "true", "false", "1" or "0", surrounding whitespace collapsed.
func parseBool(s string) (bool, error) {
	switch strings.TrimSpace(s) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, clientFault("'%s' is not a valid value for the type xsd:boolean", strings.TrimSpace(s))
}

// appendName adds a profileName/permissionSetName value. An empty element still makes the list
// present (non-nil): it is how a request says "none".
func appendName(list []string, e *element) ([]string, error) {
	s, err := leafText(e)
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []string{}
	}
	if s = strings.TrimSpace(s); s != "" {
		list = append(list, s)
	}
	return list, nil
}
