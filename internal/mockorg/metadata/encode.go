package metadata

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Error is one per-component error of a SaveResult, UpsertResult or DeleteResult.
type Error struct {
	StatusCode string   // StatusCode enum, e.g. FIELD_INTEGRITY_EXCEPTION; see the Status* constants
	Message    string   // e.g. "consumerKey can't be changed"
	Fields     []string // the fields at fault, if any
}

// SaveResult is the result of one component of createMetadata or updateMetadata.
type SaveResult struct {
	FullName string
	Success  bool
	Errors   []Error
}

// DeleteResult is the result of one component of deleteMetadata; it has SaveResult's shape.
type DeleteResult = SaveResult

// UpsertResult is the result of one component of upsertMetadata.
type UpsertResult struct {
	FullName string
	Created  bool
	Success  bool
	Errors   []Error
}

// FileProperties is one listMetadata result.
type FileProperties struct {
	CreatedByID        string
	CreatedByName      string
	CreatedDate        time.Time
	FileName           string // e.g. "connectedApps/Portal_Mobile.connectedApp"
	FullName           string
	ID                 string
	LastModifiedByID   string
	LastModifiedByName string
	LastModifiedDate   time.Time
	ManageableState    string // e.g. "unmanaged"
	NamespacePrefix    string // omitted when empty
	Type               string
}

// WriteReadResponse writes a readMetadataResponse with one records element per entry, in order: a
// nil entry (or a nil *ConnectedApp / *ConnectedAppSettings) is a name that was not found, written
// <records xsi:nil="true"/> as Salesforce does. Fields newer than v are omitted; consumerSecret is
// never written; an empty (non-nil) profileName/permissionSetName list is written as no element.
func WriteReadResponse(w io.Writer, v Version, records []Component) error {
	e := newEncoder(v, "", false)
	e.openEnvelope()
	e.open("readMetadataResponse")
	e.open("result")
	for _, r := range records {
		if isNilComponent(r) {
			e.raw(`<records xsi:nil="true"/>`)
			continue
		}
		e.component("records", r)
	}
	e.close("result")
	e.close("readMetadataResponse")
	e.closeEnvelope()
	return e.finish(w)
}

// WriteSaveResponse writes the response of createMetadata, updateMetadata or deleteMetadata (op),
// one result element per entry, in order.
func WriteSaveResponse(w io.Writer, op Operation, results []SaveResult) error {
	if op != OpCreate && op != OpUpdate && op != OpDelete {
		return fmt.Errorf("metadata: %s has no SaveResult response", op)
	}
	e := newEncoder(LatestVersion, "", false)
	e.openEnvelope()
	e.open(string(op) + "Response")
	for _, r := range results {
		e.open("result")
		e.errors(r.Errors)
		e.leaf("fullName", r.FullName)
		e.leaf("success", strconv.FormatBool(r.Success))
		e.close("result")
	}
	e.close(string(op) + "Response")
	e.closeEnvelope()
	return e.finish(w)
}

// WriteUpsertResponse writes an upsertMetadataResponse, one result element per entry, in order.
func WriteUpsertResponse(w io.Writer, results []UpsertResult) error {
	e := newEncoder(LatestVersion, "", false)
	e.openEnvelope()
	e.open("upsertMetadataResponse")
	for _, r := range results {
		e.open("result")
		e.leaf("created", strconv.FormatBool(r.Created))
		e.errors(r.Errors)
		e.leaf("fullName", r.FullName)
		e.leaf("success", strconv.FormatBool(r.Success))
		e.close("result")
	}
	e.close("upsertMetadataResponse")
	e.closeEnvelope()
	return e.finish(w)
}

// WriteListResponse writes a listMetadataResponse with one result element per file; with none it
// is an empty listMetadataResponse element.
func WriteListResponse(w io.Writer, files []FileProperties) error {
	e := newEncoder(LatestVersion, "", false)
	e.openEnvelope()
	e.open("listMetadataResponse")
	for _, f := range files {
		e.fileProperties("result", f)
	}
	e.close("listMetadataResponse")
	e.closeEnvelope()
	return e.finish(w)
}

func (e *encoder) fileProperties(elem string, f FileProperties) {
	e.open(elem)
	e.optLeaf("createdById", f.CreatedByID)
	e.optLeaf("createdByName", f.CreatedByName)
	e.leaf("createdDate", formatDateTime(f.CreatedDate))
	e.optLeaf("fileName", f.FileName)
	e.leaf("fullName", f.FullName)
	e.optLeaf("id", f.ID)
	e.optLeaf("lastModifiedById", f.LastModifiedByID)
	e.optLeaf("lastModifiedByName", f.LastModifiedByName)
	e.leaf("lastModifiedDate", formatDateTime(f.LastModifiedDate))
	e.optLeaf("manageableState", f.ManageableState)
	e.optLeaf("namespacePrefix", f.NamespacePrefix)
	e.leaf("type", f.Type)
	e.close(elem)
}

// WriteFault writes a SOAP fault envelope; the handler sends it with HTTP status 500. An
// INVALID_SESSION_ID fault carries the <detail><sf:UnexpectedErrorFault> block clients look for to
// tell an expired session from other failures.
func WriteFault(w io.Writer, f *Fault) error {
	e := newEncoder(LatestVersion, "", false)
	e.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	e.raw(`<soapenv:Envelope xmlns:soapenv="` + SOAPEnvelopeNS + `" xmlns:sf="` + Namespace + `" xmlns:xsi="` + XSINamespace + `">`)
	e.raw(`<soapenv:Body><soapenv:Fault>`)
	e.leaf("faultcode", f.FaultCode())
	e.leaf("faultstring", f.FaultString())
	if f.Code == CodeInvalidSessionID {
		e.raw(`<detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault">`)
		e.leaf("sf:exceptionCode", f.Code)
		e.leaf("sf:exceptionMessage", f.Message)
		e.raw(`</sf:UnexpectedErrorFault></detail>`)
	}
	e.raw(`</soapenv:Fault></soapenv:Body></soapenv:Envelope>`)
	return e.finish(w)
}

// Encode writes r as a client would send it to /services/Soap/m/{v}, with the met: prefix and
// prefixed xsi:type values. Fields newer than v are omitted. It exists for tests of the handler and
// of this package: Decode(Encode(r)) gives r back.
func (r *Request) Encode(w io.Writer, v Version) error {
	e := newEncoder(v, "met:", true)
	e.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	e.raw(`<soapenv:Envelope xmlns:soapenv="` + SOAPEnvelopeNS + `" xmlns:xsi="` + XSINamespace + `" xmlns:met="` + Namespace + `">`)
	e.raw(`<soapenv:Header>`)
	if r.SessionID != "" {
		e.open("SessionHeader")
		e.leaf("sessionId", r.SessionID)
		e.close("SessionHeader")
	}
	if r.AllOrNone {
		e.open("AllOrNoneHeader")
		e.leaf("allOrNone", "true")
		e.close("AllOrNoneHeader")
	}
	e.raw(`</soapenv:Header><soapenv:Body>`)
	e.open(string(r.Operation))
	switch r.Operation {
	case OpRead, OpDelete:
		e.leaf("type", r.Type)
		for _, n := range r.FullNames {
			e.leaf("fullNames", n)
		}
	case OpCreate, OpUpdate, OpUpsert:
		for _, c := range r.Components {
			if isNilComponent(c) {
				return fmt.Errorf("metadata: %s request has a nil component", r.Operation)
			}
			e.component("metadata", c)
		}
	case OpList:
		for _, q := range r.Queries {
			e.open("queries")
			e.optLeaf("folder", q.Folder)
			e.leaf("type", q.Type)
			e.close("queries")
		}
		if r.AsOfVersion != 0 {
			e.leaf("asOfVersion", r.AsOfVersion.String())
		}
	default:
		return fmt.Errorf("metadata: cannot encode operation %q", r.Operation)
	}
	e.close(string(r.Operation))
	e.raw(`</soapenv:Body></soapenv:Envelope>`)
	return e.finish(w)
}

// encoder builds one envelope in memory, so a response is written whole or not at all.
type encoder struct {
	buf     bytes.Buffer
	v       Version
	prefix  string // element prefix: "" in responses (default namespace), "met:" in requests
	request bool   // requests carry consumerSecret and empty grant lists; responses never do
	// indent > 0 puts each element on a line of its own, indented four spaces a level, as
	// Salesforce writes the files of a package; people diff them. It is the current depth.
	indent int
}

func newEncoder(v Version, prefix string, request bool) *encoder {
	return &encoder{v: v, prefix: prefix, request: request}
}

func (e *encoder) openEnvelope() {
	e.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	e.raw(`<soapenv:Envelope xmlns:soapenv="` + SOAPEnvelopeNS + `" xmlns="` + Namespace + `" xmlns:xsi="` + XSINamespace + `">`)
	e.raw(`<soapenv:Body>`)
}

func (e *encoder) closeEnvelope() { e.raw(`</soapenv:Body></soapenv:Envelope>`) }

func (e *encoder) finish(w io.Writer) error {
	_, err := w.Write(e.buf.Bytes())
	return err
}

func (e *encoder) raw(s string) { e.buf.WriteString(s) }

// newline starts a line at the current depth of an indented encoder.
func (e *encoder) newline() {
	if e.indent > 0 {
		e.buf.WriteString("\n" + strings.Repeat("    ", e.indent-1))
	}
}

func (e *encoder) open(name string, attrs ...string) {
	e.newline()
	if e.indent > 0 {
		e.indent++
	}
	e.buf.WriteString("<" + e.prefix + name)
	for _, a := range attrs {
		e.buf.WriteString(" " + a)
	}
	e.buf.WriteString(">")
}

func (e *encoder) close(name string) {
	if e.indent > 0 {
		e.indent--
	}
	e.newline()
	e.buf.WriteString("</" + e.prefix + name + ">")
}

// leaf writes an element with escaped text. A name already carrying a prefix (sf:…) is written as
// given.
func (e *encoder) leaf(name, text string) {
	prefix := e.prefix
	if strings.Contains(name, ":") {
		prefix = ""
	}
	e.newline()
	e.buf.WriteString("<" + prefix + name + ">")
	_ = xml.EscapeText(&e.buf, []byte(text)) // writing to a bytes.Buffer cannot fail
	e.buf.WriteString("</" + prefix + name + ">")
}

func (e *encoder) optLeaf(name, text string) {
	if text != "" {
		e.leaf(name, text)
	}
}

func (e *encoder) errors(errs []Error) {
	for _, er := range errs {
		e.open("errors")
		for _, f := range er.Fields {
			e.leaf("fields", f)
		}
		e.leaf("message", er.Message)
		e.leaf("statusCode", er.StatusCode)
		e.close("errors")
	}
}

// has reports whether complexType has element at the encoder's version.
func (e *encoder) has(complexType, element string) bool {
	since, ok := FieldSince(complexType, element)
	return ok && since <= e.v
}

func (e *encoder) str(complexType, name, value string) {
	if value != "" && e.has(complexType, name) {
		e.leaf(name, value)
	}
}

func (e *encoder) boolean(complexType, name string, value *bool) {
	if value != nil && e.has(complexType, name) {
		e.leaf(name, strconv.FormatBool(*value))
	}
}

// names writes a repeated string element. A present but empty list is written as one empty element
// in a request (that is how a client says "none"); a response simply has no element.
func (e *encoder) names(complexType, name string, values []string) {
	if values == nil || !e.has(complexType, name) {
		return
	}
	if len(values) == 0 && e.request {
		e.leaf(name, "")
	}
	for _, s := range values {
		e.leaf(name, s)
	}
}

// component writes a metadata component as element elem ("records" or "metadata") with its
// xsi:type, fields in the WSDL's order (fullName, then alphabetical).
func (e *encoder) component(elem string, c Component) {
	e.open(elem, `xsi:type="`+e.prefix+c.MetadataType()+`"`)
	e.componentFields(c, true)
	e.close(elem)
}

// componentFields writes c's fields; a file in a package has no fullName, its file name is it.
func (e *encoder) componentFields(c Component, withFullName bool) {
	switch c := c.(type) {
	case *ConnectedAppSettings:
		const t = TypeConnectedAppSettings
		if withFullName {
			e.str(t, "fullName", c.FullName)
		}
		e.boolean(t, "enableAdminApprovedAppsOnly", c.EnableAdminApprovedAppsOnly)
		e.boolean(t, "enableAdminApprovedAppsOnlyForExternalUser", c.EnableAdminApprovedAppsOnlyForExternalUser)
		e.boolean(t, "enableSkipUserProvisioningWizardWelcomePage", c.EnableSkipUserProvisioningWizardWelcomePage)
	case *ConnectedApp:
		const t = TypeConnectedApp
		if withFullName {
			e.str(t, "fullName", c.FullName)
		}
		e.str(t, "contactEmail", c.ContactEmail)
		e.str(t, "contactPhone", c.ContactPhone)
		e.str(t, "description", c.Description)
		e.str(t, "infoUrl", c.InfoURL)
		e.str(t, "label", c.Label)
		e.str(t, "logoUrl", c.LogoURL)
		e.str(t, "mobileStartUrl", c.MobileStartURL)
		if c.OAuthConfig != nil && e.has(t, "oauthConfig") {
			e.oauthConfig(c.OAuthConfig)
		}
		if c.OAuthPolicy != nil && e.has(t, "oauthPolicy") {
			e.oauthPolicy(c.OAuthPolicy)
		}
		e.names(t, "permissionSetName", c.PermissionSetName)
		e.names(t, "profileName", c.ProfileName)
		e.str(t, "startUrl", c.StartURL)
	case *Flat:
		e.flatFields(c, withFullName)
	}
}

func (e *encoder) oauthConfig(o *OAuthConfig) {
	const t = typeOauthConfig
	e.open("oauthConfig")
	e.str(t, "callbackUrl", o.CallbackURL)
	e.str(t, "certificate", o.Certificate)
	e.str(t, "consumerKey", o.ConsumerKey)
	if e.request {
		e.str(t, "consumerSecret", o.ConsumerSecret)
	}
	e.boolean(t, "isAdminApproved", o.IsAdminApproved)
	e.boolean(t, "isClientCredentialEnabled", o.IsClientCredentialEnabled)
	e.boolean(t, "isConsumerSecretOptional", o.IsConsumerSecretOptional)
	e.boolean(t, "isPkceRequired", o.IsPkceRequired)
	e.boolean(t, "isSecretRequiredForRefreshToken", o.IsSecretRequiredForRefreshToken)
	e.str(t, "oauthClientCredentialUser", o.OAuthClientCredentialUser)
	for _, s := range o.Scopes {
		if since, ok := ScopeSince(s); !ok || since <= e.v {
			e.leaf("scopes", s)
		}
	}
	e.close("oauthConfig")
}

func (e *encoder) oauthPolicy(p *OAuthPolicy) {
	const t = typeOauthPolicy
	e.open("oauthPolicy")
	e.str(t, "ipRelaxation", p.IPRelaxation)
	e.str(t, "refreshTokenPolicy", p.RefreshTokenPolicy)
	e.str(t, "singleLogoutUrl", p.SingleLogoutURL)
	e.close("oauthPolicy")
}

func isNilComponent(c Component) bool {
	if c == nil {
		return true
	}
	switch c := c.(type) {
	case *ConnectedApp:
		return c == nil
	case *ConnectedAppSettings:
		return c == nil
	case *Flat:
		return c == nil
	}
	return false
}

// formatDateTime writes an xsd:dateTime as Salesforce does: UTC, milliseconds, "Z".
func formatDateTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
