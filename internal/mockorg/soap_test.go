package mockorg

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// soapEnvelope wraps an operation the way the widely used JavaScript client does: a default
// namespace on Header and Body, no prefix on the operation.
func soapEnvelope(token, operation string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata">
    <SessionHeader><sessionId>` + token + `</sessionId></SessionHeader>
  </soapenv:Header>
  <soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata">` + operation + `</soapenv:Body>
</soapenv:Envelope>`
}

// prefixedEnvelope is the other common form: a met: prefix everywhere.
func prefixedEnvelope(token, operation string) string {
	return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:met="http://soap.sforce.com/2006/04/metadata">
  <soapenv:Header><met:SessionHeader><met:sessionId>` + token + `</met:sessionId></met:SessionHeader></soapenv:Header>
  <soapenv:Body>` + operation + `</soapenv:Body></soapenv:Envelope>`
}

func (h *harness) soapRaw(version, envelope string) response {
	h.t.Helper()
	return h.send(http.MethodPost, "/services/Soap/m/"+version,
		http.Header{"Content-Type": {"text/xml"}, "Soapaction": {`""`}}, strings.NewReader(envelope))
}

func (h *harness) soap(token, operation string) response {
	h.t.Helper()
	return h.soapRaw("66.0", soapEnvelope(token, operation))
}

func updateSettings(flags map[string]bool) string {
	names := make([]string, 0, len(flags))
	for k := range flags {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(`<updateMetadata><metadata xsi:type="ConnectedAppSettings"><fullName>ConnectedApp</fullName>`)
	for _, n := range names {
		fmt.Fprintf(&b, "<%s>%t</%s>", n, flags[n], n)
	}
	b.WriteString(`</metadata></updateMetadata>`)
	return b.String()
}

// soapResult is the union of SaveResult, UpsertResult and DeleteResult, read by local name.
type soapResult struct {
	FullName string `xml:"fullName"`
	Success  bool   `xml:"success"`
	Created  bool   `xml:"created"`
	Errors   []struct {
		StatusCode string   `xml:"statusCode"`
		Message    string   `xml:"message"`
		Fields     []string `xml:"fields"`
	} `xml:"errors"`
}

type soapAnswer struct {
	Body struct {
		Fault *struct {
			Code   string `xml:"faultcode"`
			String string `xml:"faultstring"`
		} `xml:"Fault"`
		Response struct {
			Results []soapResult `xml:"result"`
		} `xml:",any"`
	} `xml:"Body"`
}

func (r response) soapAnswer(t *testing.T) soapAnswer {
	t.Helper()
	var a soapAnswer
	if err := xml.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("decoding SOAP answer %s: %v", r.body, err)
	}
	return a
}

// fault returns the faultcode of a fault answer, failing unless the answer is a fault with status.
func (r response) fault(t *testing.T, status int) (code, message string) {
	t.Helper()
	a := r.soapAnswer(t)
	if r.status != status || a.Body.Fault == nil {
		t.Fatalf("want a fault with status %d, got %d %s", status, r.status, r.body)
	}
	return a.Body.Fault.Code, a.Body.Fault.String
}

func (h *harness) mustSOAPSuccess(t *testing.T, token, operation string) []soapResult {
	t.Helper()
	resp := h.soap(token, operation)
	a := resp.soapAnswer(t)
	if resp.status != http.StatusOK || a.Body.Fault != nil {
		t.Fatalf("SOAP call failed: %d %s", resp.status, resp.body)
	}
	for _, r := range a.Body.Response.Results {
		if !r.Success {
			t.Fatalf("SOAP component %s failed: %s", r.FullName, resp.body)
		}
	}
	return a.Body.Response.Results
}

// creatingOrg is the embedded org as Support re-enabled it: it may still create connected apps.
func creatingOrg() *Seed {
	seed := DefaultSeed()
	seed.Organization.ConnectedAppCreationAllowed = true
	return seed
}

func readSettings() string {
	return `<readMetadata><type>ConnectedAppSettings</type><fullNames>ConnectedApp</fullNames></readMetadata>`
}

func TestMetadataSettingsRoundTrip(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	read := h.soap(admin, readSettings())
	if read.status != http.StatusOK || !strings.Contains(string(read.body), `<records xsi:type="ConnectedAppSettings">`) ||
		!strings.Contains(string(read.body), "<enableAdminApprovedAppsOnlyForExternalUser>false</enableAdminApprovedAppsOnlyForExternalUser>") {
		t.Fatalf("read: %d %s", read.status, read.body)
	}
	// An update carrying one field leaves the others alone.
	h.mustSOAPSuccess(t, admin, updateSettings(map[string]bool{"enableSkipUserProvisioningWizardWelcomePage": true}))
	h.mustSOAPSuccess(t, admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnlyForExternalUser": true}))
	s := h.snapshot().Settings
	if !s.EnableSkipUserProvisioningWizardWelcomePage || !s.EnableAdminApprovedAppsOnlyForExternalUser || s.EnableAdminApprovedAppsOnly {
		t.Errorf("settings after two partial updates: %+v", s)
	}
	// Upsert of settings is an update.
	res := h.mustSOAPSuccess(t, admin, strings.Replace(strings.Replace(updateSettings(map[string]bool{"enableAdminApprovedAppsOnly": true}),
		"updateMetadata>", "upsertMetadata>", 2), "<updateMetadata>", "<upsertMetadata>", 1))
	if len(res) != 1 || res[0].Created {
		t.Errorf("upsert of settings: %+v", res)
	}
	// The external-user flag exists from 50.0: at 49.0 it is not read, and sending it is a fault.
	old := h.soapRaw("49.0", soapEnvelope(admin, readSettings()))
	if old.status != http.StatusOK || strings.Contains(string(old.body), "ForExternalUser") {
		t.Errorf("read at 49.0: %d %s", old.status, old.body)
	}
	oldWrite := h.soapRaw("49.0", soapEnvelope(admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnlyForExternalUser": false})))
	oldWrite.fault(t, http.StatusInternalServerError)
	if !h.snapshot().Settings.EnableAdminApprovedAppsOnlyForExternalUser {
		t.Error("a refused 49.0 update changed the flag")
	}
	// Winter '27 (68.0) reads and writes the same fields as the version before it.
	if r := h.soapRaw("68.0", soapEnvelope(admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnlyForExternalUser": true}))); r.status != http.StatusOK {
		t.Errorf("update at 68.0: %d %s", r.status, r.body)
	}
	if r := h.soapRaw("68.0", soapEnvelope(admin, readSettings())); r.status != http.StatusOK || !strings.Contains(string(r.body), "ForExternalUser>true<") {
		t.Errorf("read at 68.0: %d %s", r.status, r.body)
	}
	missing := h.soap(admin, `<readMetadata><type>ConnectedAppSettings</type><fullNames>Nope</fullNames></readMetadata>`)
	if !strings.Contains(string(missing.body), `<records xsi:nil="true"/>`) {
		t.Errorf("read of a missing name: %s", missing.body)
	}
}

func TestMetadataRefusesTheFlagsWhenNotProvisioned(t *testing.T) {
	seed := DefaultSeed()
	seed.Organization.APIAccessControlProvisioned = false
	h := newHarness(t, Config{Seed: seed})
	admin := h.adminToken()
	resp := h.soap(admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnlyForExternalUser": true}))
	res := resp.soapAnswer(t).Body.Response.Results
	if len(res) != 1 || res[0].Success || len(res[0].Errors) != 1 || res[0].Errors[0].StatusCode != "FEATURE_NOT_ENABLED" ||
		res[0].Errors[0].Message != featureNotProvisionedMessage || strings.Join(res[0].Errors[0].Fields, ",") != "enableAdminApprovedAppsOnlyForExternalUser" {
		t.Fatalf("got %s", resp.body)
	}
	// Switching a flag off is fine, and the bypass permission does not exist.
	h.mustSOAPSuccess(t, admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnly": false}))
	q := h.rest(http.MethodGet, apiBase+"/sobjects/PermissionSet/"+h.snapshot().Profiles[0].PermissionSetID, admin, nil)
	if strings.Contains(string(q.body), "UseAnyApiClient") {
		t.Errorf("PermissionSet shows PermissionsUseAnyApiClient in an org without API Access Control: %s", q.body)
	}
	vf := h.rest(http.MethodPatch, apiBase+"/sfaccess/api-access-control", admin, map[string]bool{"allowVisualforceApiAccess": true})
	if vf.status != http.StatusBadRequest || vf.restError(t).ErrorCode != "FEATURE_NOT_ENABLED" {
		t.Errorf("Visualforce option in an unprovisioned org: %d %s", vf.status, vf.body)
	}
}

const portalApp = `<fullName>Portal_Mobile</fullName><contactEmail>admin@example.com</contactEmail><label>Portal Mobile</label>
<oauthConfig><callbackUrl>https://app.example.com/oauth/callback</callbackUrl><consumerKey>PortalMobileKey001</consumerKey>
<consumerSecret>PortalMobileSecret001</consumerSecret><isAdminApproved>true</isAdminApproved>
<scopes>Api</scopes><scopes>OfflineAccess</scopes><scopes>Email</scopes><scopes>Profile</scopes></oauthConfig>
<oauthPolicy><ipRelaxation>ENFORCE</ipRelaxation><refreshTokenPolicy>specific_inactivity:7:DAYS</refreshTokenPolicy></oauthPolicy>
<profileName>Customer Community Plus User</profileName>`

func TestMetadataConnectedAppLifecycle(t *testing.T) {
	h := newHarness(t, Config{Seed: creatingOrg()})
	admin := h.adminToken()
	created := h.mustSOAPSuccess(t, admin, `<createMetadata><metadata xsi:type="ConnectedApp">`+portalApp+`</metadata></createMetadata>`)
	if len(created) != 1 || created[0].FullName != "Portal_Mobile" {
		t.Fatalf("create: %+v", created)
	}
	read := h.soap(admin, `<readMetadata><type>ConnectedApp</type><fullNames>Portal_Mobile</fullNames><fullNames>Missing</fullNames></readMetadata>`)
	body := string(read.body)
	for _, want := range []string{`<records xsi:type="ConnectedApp">`, "<consumerKey>PortalMobileKey001</consumerKey>",
		"<scopes>Api</scopes><scopes>RefreshToken</scopes><scopes>Basic</scopes>", "<profileName>Customer Community Plus User</profileName>",
		`<records xsi:nil="true"/>`, "<refreshTokenPolicy>specific_inactivity:7:DAYS</refreshTokenPolicy>"} {
		if !strings.Contains(body, want) {
			t.Errorf("read lacks %s: %s", want, body)
		}
	}
	if strings.Contains(body, "PortalMobileSecret001") || strings.Contains(body, "consumerSecret") {
		t.Errorf("read returns the consumer secret: %s", body)
	}
	// The new app is local and installed, admin approved, and usable with its credentials.
	var app SeedConnectedApp
	for _, a := range h.snapshot().ConnectedApps {
		if a.Name == "Portal_Mobile" {
			app = a
		}
	}
	if !app.Local || !app.Installed || !app.AdminApproved {
		t.Errorf("created app: %+v", app)
	}
	appCredentials["Portal_Mobile"] = [2]string{"PortalMobileKey001", "PortalMobileSecret001"}
	defer delete(appCredentials, "Portal_Mobile")
	if resp := h.passwordGrant("customerplus@acme.test", "Portal_Mobile"); resp.status != http.StatusOK {
		t.Errorf("granted profile's user: %d %s", resp.status, resp.body)
	}
	if resp := h.passwordGrant("partner@acme.test", "Portal_Mobile"); resp.status != http.StatusBadRequest {
		t.Errorf("ungranted user: %d %s", resp.status, resp.body)
	}

	// Update: the consumer key cannot change; absent grant lists keep the grants; other fields are replaced.
	changedKey := strings.Replace(portalApp, "PortalMobileKey001", "OtherKey0000001", 1)
	res := h.soap(admin, `<updateMetadata><metadata xsi:type="ConnectedApp">`+changedKey+`</metadata></updateMetadata>`).soapAnswer(t).Body.Response.Results
	if len(res) != 1 || res[0].Success || res[0].Errors[0].StatusCode != "FIELD_INTEGRITY_EXCEPTION" || res[0].Errors[0].Message != "consumerKey can't be changed" {
		t.Errorf("changing the key: %+v", res)
	}
	noGrants := `<fullName>Portal_Mobile</fullName><contactEmail>new@example.com</contactEmail><label>Portal Mobile 2</label>
<oauthConfig><callbackUrl>https://app.example.com/cb</callbackUrl><isAdminApproved>true</isAdminApproved><scopes>Api</scopes></oauthConfig>`
	h.mustSOAPSuccess(t, admin, `<updateMetadata><metadata xsi:type="ConnectedApp">`+noGrants+`</metadata></updateMetadata>`)
	body = string(h.soap(admin, `<readMetadata><type>ConnectedApp</type><fullNames>Portal_Mobile</fullNames></readMetadata>`).body)
	if !strings.Contains(body, "<profileName>Customer Community Plus User</profileName>") || strings.Contains(body, "oauthPolicy") ||
		!strings.Contains(body, "<label>Portal Mobile 2</label>") {
		t.Errorf("after an update without grant lists: %s", body)
	}
	// An empty element removes the grants.
	h.mustSOAPSuccess(t, admin, `<updateMetadata><metadata xsi:type="ConnectedApp">`+noGrants+`<profileName></profileName></metadata></updateMetadata>`)
	if strings.Contains(string(h.soap(admin, `<readMetadata><type>ConnectedApp</type><fullNames>Portal_Mobile</fullNames></readMetadata>`).body), "profileName") {
		t.Error("an empty profileName element did not remove the grant")
	}
	// A duplicate consumer key is refused.
	dup := strings.NewReplacer("Portal_Mobile", "Portal_Copy", "PortalMobileKey001", "MockorgAdminKey0001").Replace(portalApp)
	res = h.soap(admin, `<createMetadata><metadata xsi:type="ConnectedApp">`+dup+`</metadata></createMetadata>`).soapAnswer(t).Body.Response.Results
	if len(res) != 1 || res[0].Success || res[0].Errors[0].StatusCode != "DUPLICATE_VALUE" || res[0].Errors[0].Message != "The consumer key is already taken" {
		t.Errorf("duplicate consumer key: %+v", res)
	}
	// listMetadata lists every app.
	list := string(h.soap(admin, `<listMetadata><queries><type>ConnectedApp</type></queries><asOfVersion>60.0</asOfVersion></listMetadata>`).body)
	for _, name := range append(seededApps, "Portal_Mobile") {
		if !strings.Contains(list, "<fullName>"+name+"</fullName>") {
			t.Errorf("listMetadata lacks %s: %s", name, list)
		}
	}
	// Upsert creates then updates; delete removes, and a second delete fails.
	up := h.mustSOAPSuccess(t, admin, `<upsertMetadata><metadata xsi:type="ConnectedApp"><fullName>A</fullName><label>A</label>
  <contactEmail>a@b.test</contactEmail><oauthConfig><callbackUrl>https://x/cb</callbackUrl>
  <scopes>Api</scopes><scopes>RefreshToken</scopes><isAdminApproved>true</isAdminApproved>
  </oauthConfig></metadata></upsertMetadata>`)
	if !up[0].Created {
		t.Errorf("first upsert did not create: %+v", up)
	}
	del := h.mustSOAPSuccess(t, admin, `<deleteMetadata><type>ConnectedApp</type><fullNames>A</fullNames></deleteMetadata>`)
	if del[0].FullName != "A" {
		t.Errorf("delete: %+v", del)
	}
	res = h.soap(admin, `<deleteMetadata><type>ConnectedApp</type><fullNames>A</fullNames></deleteMetadata>`).soapAnswer(t).Body.Response.Results
	if len(res) != 1 || res[0].Success || res[0].Errors[0].StatusCode != "INVALID_CROSS_REFERENCE_KEY" {
		t.Errorf("second delete: %+v", res)
	}
}

func TestMetadataAllOrNoneSavesNothingOnFailure(t *testing.T) {
	h := newHarness(t, Config{Seed: creatingOrg()})
	admin := h.adminToken()
	before := h.snapshot()
	good := `<metadata xsi:type="ConnectedApp"><fullName>Good</fullName><label>G</label><contactEmail>g@x.test</contactEmail></metadata>`
	bad := `<metadata xsi:type="ConnectedApp"><fullName>Bad</fullName><contactEmail>b@x.test</contactEmail></metadata>`
	env := strings.Replace(soapEnvelope(admin, `<createMetadata>`+good+bad+`</createMetadata>`),
		"</SessionHeader>", "</SessionHeader><AllOrNoneHeader><allOrNone>true</allOrNone></AllOrNoneHeader>", 1)
	res := h.soapRaw("66.0", env).soapAnswer(t).Body.Response.Results
	if len(res) != 2 || res[0].Success || res[1].Success || res[1].Errors[0].StatusCode != "REQUIRED_FIELD_MISSING" {
		t.Fatalf("all-or-none results: %+v", res)
	}
	if mustJSON(t, h.snapshot()) != mustJSON(t, before) {
		t.Error("an all-or-none call with a failing component changed the org")
	}
	// Without the header the good component is saved.
	res = h.soap(admin, `<createMetadata>`+good+bad+`</createMetadata>`).soapAnswer(t).Body.Response.Results
	if len(res) != 2 || !res[0].Success || res[1].Success {
		t.Fatalf("partial save results: %+v", res)
	}
}

func TestMetadataFaults(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	before := h.snapshot()
	eleven := `<readMetadata><type>ConnectedApp</type>` + strings.Repeat(`<fullNames>A</fullNames>`, 11) + `</readMetadata>`
	cases := []struct {
		name     string
		version  string
		envelope string
		status   int
		code     string
	}{
		{"no session", "66.0", soapEnvelope("", readSettings()), 500, "sf:INVALID_SESSION_ID"},
		{"bad session", "66.0", soapEnvelope("00D000000000001!nope", readSettings()), 500, "sf:INVALID_SESSION_ID"},
		{"malformed XML", "66.0", "<soapenv:Envelope", 500, "soapenv:Client"},
		{"not an envelope", "66.0", "<x/>", 500, "soapenv:Client"},
		{"unknown operation", "66.0", soapEnvelope(admin, "<deploy/>"), 500, "soapenv:Client"},
		{"unknown type", "66.0", soapEnvelope(admin, `<readMetadata><type>ApexClass</type><fullNames>A</fullNames></readMetadata>`), 500, "sf:INVALID_TYPE"},
		{"more than ten components", "66.0", soapEnvelope(admin, eleven), 500, "sf:EXCEEDED_ID_LIMIT"},
		{"unsupported version", "46.0", soapEnvelope(admin, readSettings()), 500, "sf:UNSUPPORTED_API_VERSION"},
		{"unreleased version", "69.0", soapEnvelope(admin, readSettings()), 500, "sf:UNSUPPORTED_API_VERSION"},
		{"prefixed form with a bad session", "66.0", prefixedEnvelope("x", `<met:readMetadata><met:type>ConnectedAppSettings</met:type><met:fullNames>ConnectedApp</met:fullNames></met:readMetadata>`), 500, "sf:INVALID_SESSION_ID"},
		{"oversize", "66.0", soapEnvelope(admin, "<readMetadata>"+strings.Repeat(" ", maxBodyBytes)+"</readMetadata>"), 413, "sf:EXCEEDED_MAX_SIZE_REQUEST"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _ := h.soapRaw(tc.version, tc.envelope).fault(t, tc.status)
			if code != tc.code {
				t.Errorf("faultcode %s, want %s", code, tc.code)
			}
		})
	}
	if mustJSON(t, h.snapshot()) != mustJSON(t, before) {
		t.Error("faulted calls changed the org")
	}
	// The prefixed form works with a good session.
	ok := h.soapRaw("66.0", prefixedEnvelope(admin, `<met:readMetadata><met:type>ConnectedAppSettings</met:type><met:fullNames>ConnectedApp</met:fullNames></met:readMetadata>`))
	if ok.status != http.StatusOK || !strings.Contains(string(ok.body), "enableAdminApprovedAppsOnly") {
		t.Errorf("prefixed read: %d %s", ok.status, ok.body)
	}
	// The metadataServerUrl form with the org id appended works too.
	withOrg := h.send(http.MethodPost, "/services/Soap/m/66.0/"+before.Organization.ID[:15], http.Header{"Content-Type": {"text/xml"}},
		strings.NewReader(soapEnvelope(admin, readSettings())))
	if withOrg.status != http.StatusOK {
		t.Errorf("metadataServerUrl form: %d %s", withOrg.status, withOrg.body)
	}
}

func TestMetadataConnectedAppValidation(t *testing.T) {
	h := newHarness(t, Config{Seed: creatingOrg()})
	admin := h.adminToken()
	before := h.snapshot()
	cases := []struct{ name, component, status, field string }{
		{"grants without admin approval", `<fullName>X1</fullName><label>X</label><contactEmail>x@acme.test</contactEmail>
<oauthConfig><callbackUrl>https://x.test/cb</callbackUrl><isAdminApproved>false</isAdminApproved></oauthConfig><profileName>Standard User</profileName>`,
			"FIELD_INTEGRITY_EXCEPTION", "profileName"},
		{"unknown profile", `<fullName>X2</fullName><label>X</label><contactEmail>x@acme.test</contactEmail>
<oauthConfig><callbackUrl>https://x.test/cb</callbackUrl><isAdminApproved>true</isAdminApproved></oauthConfig><profileName>Nope</profileName>`,
			"INVALID_CROSS_REFERENCE_KEY", "profileName"},
		{"bad API name", `<fullName>X__Y</fullName><label>X</label><contactEmail>x@acme.test</contactEmail>`, "FIELD_INTEGRITY_EXCEPTION", "fullName"},
		{"missing contact email", `<fullName>X3</fullName><label>X</label>`, "REQUIRED_FIELD_MISSING", "contactEmail"},
		{"bad refresh token policy", `<fullName>X4</fullName><label>X</label><contactEmail>x@acme.test</contactEmail>
<oauthPolicy><ipRelaxation>ENFORCE</ipRelaxation><refreshTokenPolicy>specific_lifetime:2:WEEKS</refreshTokenPolicy></oauthPolicy>`,
			"FIELD_INTEGRITY_EXCEPTION", "refreshTokenPolicy"},
		{"unknown client credentials user", `<fullName>X5</fullName><label>X</label><contactEmail>x@acme.test</contactEmail>
<oauthConfig><callbackUrl>https://x.test/cb</callbackUrl><isClientCredentialEnabled>true</isClientCredentialEnabled><oauthClientCredentialUser>nobody@acme.test</oauthClientCredentialUser></oauthConfig>`,
			"INVALID_CROSS_REFERENCE_KEY", "oauthClientCredentialUser"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := h.soap(admin, `<createMetadata><metadata xsi:type="ConnectedApp">`+tc.component+`</metadata></createMetadata>`)
			res := resp.soapAnswer(t).Body.Response.Results
			if len(res) != 1 || res[0].Success || len(res[0].Errors) == 0 || res[0].Errors[0].StatusCode != tc.status ||
				strings.Join(res[0].Errors[0].Fields, ",") != tc.field {
				t.Errorf("got %s", resp.body)
			}
		})
	}
	if mustJSON(t, h.snapshot()) != mustJSON(t, before) {
		t.Error("refused components changed the org")
	}
}

// TestMetadataSelfAuthorizeKeepsGrants: an update that turns admin approval off without grant lists
// is accepted and leaves the stored grants alone, as Salesforce does.
func TestMetadataSelfAuthorizeKeepsGrants(t *testing.T) {
	h := newHarness(t, Config{Seed: creatingOrg()})
	admin := h.adminToken()
	h.mustSOAPSuccess(t, admin, `<createMetadata>`+appXML("Gated", "<profileName>Standard User</profileName>")+`</createMetadata>`)
	selfAuthorize := strings.Replace(appXML("Gated", ""), "<isAdminApproved>true</isAdminApproved>", "<isAdminApproved>false</isAdminApproved>", 1)
	h.mustSOAPSuccess(t, admin, `<updateMetadata>`+selfAuthorize+`</updateMetadata>`)
	body := string(h.soap(admin, `<readMetadata><type>ConnectedApp</type><fullNames>Gated</fullNames></readMetadata>`).body)
	if !strings.Contains(body, "<isAdminApproved>false</isAdminApproved>") || !strings.Contains(body, "<profileName>Standard User</profileName>") {
		t.Errorf("after switching to self-authorize: %s", body)
	}
}
