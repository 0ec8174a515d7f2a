package metadata

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func decodeString(t *testing.T, s string, v Version) *Request {
	t.Helper()
	req, err := Decode(strings.NewReader(s), v)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return req
}

func TestDecodeFixtures(t *testing.T) {
	upsertApp := &ConnectedApp{
		FullName: "A", Label: "A", ContactEmail: "a@b.test",
		OAuthConfig: &OAuthConfig{CallbackURL: "https://x/cb", Scopes: []string{"Api", "RefreshToken"}, IsAdminApproved: ptr(true)},
	}
	portalMobile := &ConnectedApp{
		FullName: "Portal_Mobile", Label: "Portal Mobile", ContactEmail: "admin@example.com",
		OAuthConfig: &OAuthConfig{
			CallbackURL: "https://app.example.com/oauth/callback", IsAdminApproved: ptr(true),
			IsConsumerSecretOptional: ptr(false), Scopes: []string{"Api", "RefreshToken"},
		},
		OAuthPolicy:       &OAuthPolicy{IPRelaxation: "ENFORCE", RefreshTokenPolicy: "specific_inactivity:7:DAYS"},
		PermissionSetName: []string{"Portal_API_Access"},
		ProfileName:       []string{"Customer Community Plus User"},
	}
	tests := []struct {
		name string
		body string // default-namespace body, decoded both in the wire form and rewritten to met:
		want Request
	}{
		{"read", wireReadBody, Request{Operation: OpRead, Type: "ConnectedAppSettings", FullNames: []string{"ConnectedApp"}}},
		{"upsert", wireUpsertBody, Request{Operation: OpUpsert, Components: []Component{upsertApp}}},
		{"list", wireListBody, Request{Operation: OpList, Queries: []ListQuery{{Type: "ConnectedApp"}}, AsOfVersion: 60}},
		{"delete", wireDeleteBody, Request{Operation: OpDelete, Type: "ConnectedApp", FullNames: []string{"A"}}},
		{"create", portalMobileCreateBody, Request{Operation: OpCreate, Components: []Component{portalMobile}}},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/default-namespace", func(t *testing.T) {
			want := tt.want
			want.SessionID = "00D...!TOKEN"
			if got := decodeString(t, wireEnvelope(tt.body), 60); !reflect.DeepEqual(*got, want) {
				t.Errorf("got %#v\nwant %#v", *got, want)
			}
		})
		t.Run(tt.name+"/met-prefix", func(t *testing.T) {
			want := tt.want
			want.SessionID = "TOKEN"
			if got := decodeString(t, metEnvelope(toMet(tt.body)), 60); !reflect.DeepEqual(*got, want) {
				t.Errorf("got %#v\nwant %#v", *got, want)
			}
		})
	}
}

func TestDecodeReferenceEnvelopes(t *testing.T) {
	read := decodeString(t, metReadEnvelope, 60)
	if want := (Request{SessionID: "00Dxx0000001gPL!AQ0AQ...", Operation: OpRead, Type: "ConnectedAppSettings", FullNames: []string{"ConnectedApp"}}); !reflect.DeepEqual(*read, want) {
		t.Errorf("read: got %#v", *read)
	}
	update := decodeString(t, metUpdateEnvelope, 60)
	wantSettings := &ConnectedAppSettings{FullName: "ConnectedApp", EnableAdminApprovedAppsOnlyForExternalUser: ptr(true)}
	if update.Operation != OpUpdate || len(update.Components) != 1 || !reflect.DeepEqual(update.Components[0], wantSettings) {
		t.Errorf("update: got %#v", update)
	}
	del := decodeString(t, metEnvelope(metDeleteBody), 60)
	if del.Operation != OpDelete || del.Type != "ConnectedApp" || !reflect.DeepEqual(del.FullNames, []string{"Portal_Mobile"}) {
		t.Errorf("delete: got %#v", del)
	}
	list := decodeString(t, metEnvelope(metListBody), 60)
	if list.Operation != OpList || list.AsOfVersion != 62 || !reflect.DeepEqual(list.Queries, []ListQuery{{Type: "ConnectedApp"}}) {
		t.Errorf("list: got %#v", list)
	}
}

// Every decodable request encodes to an envelope that decodes to the same request.
func TestRequestRoundTrip(t *testing.T) {
	requests := []*Request{
		{SessionID: "tok", Operation: OpRead, Type: TypeConnectedApp, FullNames: []string{"A", "B & <C>"}},
		{SessionID: "tok", Operation: OpDelete, Type: TypeConnectedApp, FullNames: []string{"A"}},
		{SessionID: "tok", Operation: OpCreate, AllOrNone: true, Components: []Component{fullApp()}},
		{SessionID: "tok", Operation: OpUpdate, Components: []Component{&ConnectedAppSettings{FullName: "ConnectedApp", EnableAdminApprovedAppsOnly: ptr(false)}}},
		{SessionID: "tok", Operation: OpUpsert, Components: []Component{&ConnectedApp{FullName: "X", PermissionSetName: []string{}, ProfileName: []string{}}}},
		{SessionID: "tok", Operation: OpList, Queries: []ListQuery{{Type: TypeConnectedApp}, {Type: TypeConnectedAppSettings, Folder: "f"}}, AsOfVersion: 50},
		{Operation: OpList},
	}
	for _, want := range requests {
		t.Run(string(want.Operation), func(t *testing.T) {
			var buf bytes.Buffer
			if err := want.Encode(&buf, LatestVersion); err != nil {
				t.Fatal(err)
			}
			if got := decodeString(t, buf.String(), LatestVersion); !reflect.DeepEqual(got, want) {
				t.Errorf("round trip changed the request:\n got %#v\nwant %#v\nwire %s", got, want, buf.String())
			}
		})
	}
}

func TestDecodeAbsentVersusEmpty(t *testing.T) {
	settings := decodeString(t, metUpdateEnvelope, 60).Components[0].(*ConnectedAppSettings)
	if settings.EnableAdminApprovedAppsOnly != nil || settings.EnableSkipUserProvisioningWizardWelcomePage != nil {
		t.Errorf("flags absent from the request must stay nil: %+v", settings)
	}

	falseFlag := decodeString(t, wireEnvelope(`<updateMetadata><metadata xsi:type="ConnectedAppSettings"><fullName>ConnectedApp</fullName><enableAdminApprovedAppsOnly>false</enableAdminApprovedAppsOnly></metadata></updateMetadata>`), 60)
	if got := falseFlag.Components[0].(*ConnectedAppSettings).EnableAdminApprovedAppsOnly; got == nil || *got {
		t.Errorf("an explicit false must decode as non-nil false, got %v", got)
	}

	app := func(inner string) *ConnectedApp {
		t.Helper()
		return decodeString(t, wireEnvelope(`<updateMetadata><metadata xsi:type="ConnectedApp"><fullName>A</fullName>`+inner+`</metadata></updateMetadata>`), 60).Components[0].(*ConnectedApp)
	}
	absent := app(``)
	if absent.PermissionSetName != nil || absent.ProfileName != nil || absent.OAuthConfig != nil || absent.OAuthPolicy != nil {
		t.Errorf("absent grants and nested types must be nil: %+v", absent)
	}
	removeAll := app(`<permissionSetName></permissionSetName><profileName/>`)
	if removeAll.PermissionSetName == nil || len(removeAll.PermissionSetName) != 0 || removeAll.ProfileName == nil || len(removeAll.ProfileName) != 0 {
		t.Errorf("an empty grant element must decode as present and empty: %#v %#v", removeAll.PermissionSetName, removeAll.ProfileName)
	}
	emptyConfig := app(`<oauthConfig></oauthConfig>`)
	if emptyConfig.OAuthConfig == nil || emptyConfig.OAuthConfig.IsAdminApproved != nil || emptyConfig.OAuthConfig.Scopes != nil {
		t.Errorf("an empty oauthConfig is present with nothing set: %#v", emptyConfig.OAuthConfig)
	}
	nilField := app(`<description xsi:nil="true"/><oauthConfig><isAdminApproved xsi:nil="true"/></oauthConfig>`)
	if nilField.Description != "" || nilField.OAuthConfig.IsAdminApproved != nil {
		t.Errorf("xsi:nil fields must decode as absent: %#v", nilField)
	}
	secret := app(`<oauthConfig><consumerKey>K1234567</consumerKey><consumerSecret>S1234567</consumerSecret></oauthConfig>`)
	if secret.OAuthConfig.ConsumerKey != "K1234567" || secret.OAuthConfig.ConsumerSecret != "S1234567" {
		t.Errorf("consumer key and secret must be decoded from requests: %#v", secret.OAuthConfig)
	}
	bools := app(`<oauthConfig><isPkceRequired> 1 </isPkceRequired><isAdminApproved>0</isAdminApproved></oauthConfig>`)
	if p, a := bools.OAuthConfig.IsPkceRequired, bools.OAuthConfig.IsAdminApproved; p == nil || !*p || a == nil || *a {
		t.Errorf("xsd:boolean 1/0 with whitespace: got %v %v", p, a)
	}
}

func TestDecodeAllOrNoneHeader(t *testing.T) {
	env := `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:met="http://soap.sforce.com/2006/04/metadata">
<soapenv:Header><met:CallOptions><met:client>x</met:client></met:CallOptions><met:AllOrNoneHeader><met:allOrNone>true</met:allOrNone></met:AllOrNoneHeader><met:SessionHeader><met:sessionId>T</met:sessionId></met:SessionHeader></soapenv:Header>
<soapenv:Body><met:createMetadata/></soapenv:Body></soapenv:Envelope>`
	req := decodeString(t, env, 60)
	if !req.AllOrNone || req.SessionID != "T" || req.Operation != OpCreate || req.Components != nil {
		t.Errorf("got %#v", req)
	}
}

func TestDecodeWithoutSessionHeader(t *testing.T) {
	req := decodeString(t, `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><readMetadata xmlns="http://soap.sforce.com/2006/04/metadata"><type>ConnectedApp</type></readMetadata></e:Body></e:Envelope>`, 60)
	if req.SessionID != "" || req.FullNames != nil {
		t.Errorf("got %#v", req)
	}
}

// Elements newer than the request's version are invalid at their location; from their version on
// they decode.
func TestDecodeVersionGating(t *testing.T) {
	tests := []struct {
		since   Version
		inner   string // inside <metadata xsi:type="ConnectedApp"> unless settings
		typ     string
		element string
	}{
		{49, `<oauthPolicy><ipRelaxation>ENFORCE</ipRelaxation></oauthPolicy>`, TypeConnectedApp, "oauthPolicy"},
		{49, `<oauthConfig><isConsumerSecretOptional>true</isConsumerSecretOptional></oauthConfig>`, typeOauthConfig, "isConsumerSecretOptional"},
		{51, `<oauthConfig><isSecretRequiredForRefreshToken>true</isSecretRequiredForRefreshToken></oauthConfig>`, typeOauthConfig, "isSecretRequiredForRefreshToken"},
		{56, `<oauthConfig><isClientCredentialEnabled>true</isClientCredentialEnabled></oauthConfig>`, typeOauthConfig, "isClientCredentialEnabled"},
		{56, `<oauthConfig><oauthClientCredentialUser>u@x.test</oauthClientCredentialUser></oauthConfig>`, typeOauthConfig, "oauthClientCredentialUser"},
		{59, `<oauthConfig><isPkceRequired>true</isPkceRequired></oauthConfig>`, typeOauthConfig, "isPkceRequired"},
		{50, `<enableAdminApprovedAppsOnlyForExternalUser>true</enableAdminApprovedAppsOnlyForExternalUser>`, TypeConnectedAppSettings, "enableAdminApprovedAppsOnlyForExternalUser"},
	}
	for _, tt := range tests {
		t.Run(tt.element, func(t *testing.T) {
			xsiType := TypeConnectedApp
			if tt.typ == TypeConnectedAppSettings {
				xsiType = TypeConnectedAppSettings
			}
			env := wireEnvelope(`<updateMetadata><metadata xsi:type="` + xsiType + `">` + tt.inner + `</metadata></updateMetadata>`)
			_, err := Decode(strings.NewReader(env), tt.since-1)
			wantMsg := "Element {" + Namespace + "}" + tt.element + " invalid at this location in type " + tt.typ
			var f *Fault
			if !errors.As(err, &f) || !f.IsClient() || f.Message != wantMsg {
				t.Errorf("at %s: got %v, want client fault %q", tt.since-1, err, wantMsg)
			}
			if _, err := Decode(strings.NewReader(env), tt.since); err != nil {
				t.Errorf("at %s: %v", tt.since, err)
			}
		})
	}
}

func TestDecodeScopeAvailability(t *testing.T) {
	for scope, since := range map[string]Version{
		"Pardot": 49, "Lightning": 51, "Content": 51, "CDPIngest": 52, "Chatbot": 54,
		"ForgotPassword": 57, "UserRegistration": 58, "PwdlessLogin": 59,
	} {
		env := wireEnvelope(`<createMetadata><metadata xsi:type="ConnectedApp"><oauthConfig><scopes>` + scope + `</scopes></oauthConfig></metadata></createMetadata>`)
		if _, err := Decode(strings.NewReader(env), since-1); err == nil || !strings.Contains(err.Error(), "'"+scope+"' is not a valid value for the enum 'ConnectedAppOauthAccessScope'") {
			t.Errorf("%s at %s: got %v", scope, since-1, err)
		}
		if _, err := Decode(strings.NewReader(env), since); err != nil {
			t.Errorf("%s at %s: %v", scope, since, err)
		}
	}
	for _, scope := range []string{"Wave", "Eclair", "Basic", "OfflineAccess", "CustomPermissions"} {
		if !ValidScope(scope, MinVersion) {
			t.Errorf("%s must be valid at %s", scope, MinVersion)
		}
	}
	if ValidScope("Everything", LatestVersion) || ValidScope("api", LatestVersion) {
		t.Error("scope names are case-sensitive enum values")
	}
}

func TestDecodeErrors(t *testing.T) {
	const ns = "{" + Namespace + "}"
	app := func(inner string) string {
		return wireEnvelope(`<createMetadata><metadata xsi:type="ConnectedApp">` + inner + `</metadata></createMetadata>`)
	}
	many := func(n int, item string) string { return strings.Repeat(item, n) }
	tests := []struct {
		name      string
		body      string
		faultCode string
		message   string // substring of the faultstring
	}{
		{"empty", ``, "soapenv:Client", "premature end of file"},
		{"malformed", `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>`, "soapenv:Client", "not well-formed"},
		{"mismatched tags", `<a><b></a></b>`, "soapenv:Client", "not well-formed"},
		{"not xml", `{"json": true}`, "soapenv:Client", ""},
		{"wrong root", `<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"><Body/></Envelope>`, "soapenv:Client", "root element must be"},
		{"missing body", `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/></soapenv:Envelope>`, "soapenv:Client", "has no {http://schemas.xmlsoap.org/soap/envelope/}Body"},
		{"empty body", wireEnvelope(``), "soapenv:Client", "exactly one operation, not 0"},
		{"two operations", wireEnvelope(wireReadBody + wireReadBody), "soapenv:Client", "exactly one operation, not 2"},
		{"unknown operation", wireEnvelope(`<renameMetadata><type>X</type></renameMetadata>`), "soapenv:Client", "No operation available for request " + ns + "renameMetadata, please check the WSDL for the service."},
		{"operation outside the namespace", `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><readMetadata/></e:Body></e:Envelope>`, "soapenv:Client", "No operation available for request readMetadata"},
		{"element after body", `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/><e:Header/></e:Envelope>`, "soapenv:Client", "invalid at this location in type Envelope"},
		{"unknown element", app(`<fullName>A</fullName><foo>1</foo>`), "soapenv:Client", "Element " + ns + "foo invalid at this location in type ConnectedApp"},
		{"unknown oauthConfig element", app(`<oauthConfig><isNamedUserJwtEnabled>true</isNamedUserJwtEnabled></oauthConfig>`), "soapenv:Client", "Element " + ns + "isNamedUserJwtEnabled invalid at this location in type ConnectedAppOauthConfig"},
		{"element in no namespace", metEnvelope(`<met:createMetadata><met:metadata xsi:type="met:ConnectedApp"><label>A</label></met:metadata></met:createMetadata>`), "soapenv:Client", "Element label invalid at this location in type ConnectedApp"},
		{"duplicate single field", app(`<label>A</label><label>B</label>`), "soapenv:Client", "Element " + ns + "label invalid at this location in type ConnectedApp"},
		{"bad boolean", app(`<oauthConfig><isAdminApproved>maybe</isAdminApproved></oauthConfig>`), "soapenv:Client", "'maybe' is not a valid value for the type xsd:boolean"},
		{"element inside a string", app(`<label><b>x</b></label>`), "soapenv:Client", "Unexpected element " + ns + "b during simple type deserialization"},
		{"text inside a complex type", app(`hello<label>A</label>`), "soapenv:Client", "Unexpected text"},
		{"bad scope", app(`<oauthConfig><scopes>Everything</scopes></oauthConfig>`), "soapenv:Client", "'Everything' is not a valid value for the enum 'ConnectedAppOauthAccessScope'"},
		{"bad ipRelaxation", app(`<oauthPolicy><ipRelaxation>RELAX</ipRelaxation></oauthPolicy>`), "soapenv:Client", "'RELAX' is not a valid value for the enum 'ConnectedAppOauthIpRelaxation'"},
		{"missing xsi:type", wireEnvelope(`<createMetadata><metadata><fullName>A</fullName></metadata></createMetadata>`), "soapenv:Client", "needs an xsi:type"},
		{"undeclared xsi:type prefix", wireEnvelope(`<createMetadata><metadata xsi:type="zz:ConnectedApp"/></createMetadata>`), "soapenv:Client", "undeclared namespace prefix"},
		{"nil metadata", wireEnvelope(`<createMetadata><metadata xsi:nil="true"/></createMetadata>`), "soapenv:Client", "must not be nil"},
		{"unsupported xsi:type", wireEnvelope(`<createMetadata><metadata xsi:type="CustomObject"/></createMetadata>`), "sf:INVALID_TYPE", "INVALID_TYPE: Unknown type: CustomObject"},
		{"xsi:type in another namespace", `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:o="urn:other"><e:Body><createMetadata xmlns="http://soap.sforce.com/2006/04/metadata"><metadata xsi:type="o:ConnectedApp"/></createMetadata></e:Body></e:Envelope>`, "sf:INVALID_TYPE", "Unknown type: {urn:other}ConnectedApp"},
		{"unsupported read type", wireEnvelope(`<readMetadata><type>Profile</type><fullNames>Admin</fullNames></readMetadata>`), "sf:INVALID_TYPE", "INVALID_TYPE: Unknown type: Profile"},
		{"read without type", wireEnvelope(`<readMetadata><fullNames>A</fullNames></readMetadata>`), "sf:INVALID_TYPE", "names no metadata type"},
		{"unsupported list type", wireEnvelope(`<listMetadata><queries><type>ApexClass</type></queries></listMetadata>`), "sf:INVALID_TYPE", "Unknown type: ApexClass"},
		{"type too new for asOfVersion", wireEnvelope(`<listMetadata><queries><type>ConnectedAppSettings</type></queries><asOfVersion>46.0</asOfVersion></listMetadata>`), "sf:INVALID_TYPE", "Cannot use: ConnectedAppSettings in this version"},
		{"bad asOfVersion", wireEnvelope(`<listMetadata><asOfVersion>sixty</asOfVersion></listMetadata>`), "soapenv:Client", "'sixty' is not a valid value for the type xsd:double"},
		{"unknown query element", wireEnvelope(`<listMetadata><queries><name>x</name></queries></listMetadata>`), "soapenv:Client", "Element " + ns + "name invalid at this location in type ListMetadataQuery"},
		{"11 components", wireEnvelope(`<upsertMetadata>` + many(11, `<metadata xsi:type="ConnectedApp"><fullName>A</fullName></metadata>`) + `</upsertMetadata>`), "sf:EXCEEDED_ID_LIMIT", "cannot submit more than 10 records in this operation"},
		{"11 fullNames", wireEnvelope(`<readMetadata><type>ConnectedApp</type>` + many(11, `<fullNames>A</fullNames>`) + `</readMetadata>`), "sf:EXCEEDED_ID_LIMIT", "cannot submit more than 10 records"},
		{"11 deletes", wireEnvelope(`<deleteMetadata><type>ConnectedApp</type>` + many(11, `<fullNames>A</fullNames>`) + `</deleteMetadata>`), "sf:EXCEEDED_ID_LIMIT", "more than 10"},
		{"4 list queries", wireEnvelope(`<listMetadata>` + many(4, `<queries><type>ConnectedApp</type></queries>`) + `</listMetadata>`), "sf:EXCEEDED_ID_LIMIT", "cannot submit more than 3 queries"},
		{"doctype", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>&lol2;</soapenv:Body></soapenv:Envelope>`, "soapenv:Client", "DOCTYPE is not allowed"},
		{"undefined entity", wireEnvelope(`<readMetadata><type>&xxe;</type></readMetadata>`), "soapenv:Client", "not well-formed"},
		{"deep nesting", wireEnvelope(strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100)), "soapenv:Client", "deeper than 32 levels"},
		{"content after root", wireEnvelope(wireReadBody) + `<x/>`, "soapenv:Client", "content after the root element"},
		{"text after root", wireEnvelope(wireReadBody) + `garbage`, "soapenv:Client", "text outside the root element"},
		{"non-UTF-8 declaration", `<?xml version="1.0" encoding="ISO-8859-1"?>` + wireEnvelope(wireReadBody)[38:], "soapenv:Client", "not well-formed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := Decode(strings.NewReader(tt.body), 60)
			if err == nil {
				t.Fatalf("Decode succeeded: %#v", req)
			}
			var f *Fault
			if !errors.As(err, &f) {
				t.Fatalf("error is %T, want *Fault: %v", err, err)
			}
			if f.FaultCode() != tt.faultCode || !strings.Contains(f.FaultString(), tt.message) {
				t.Errorf("got %s %q, want %s containing %q", f.FaultCode(), f.FaultString(), tt.faultCode, tt.message)
			}
		})
	}
}

func TestDecodeBounds(t *testing.T) {
	t.Run("10 MB of garbage", func(t *testing.T) {
		garbage := bytes.Repeat([]byte{0xde, 0xad, '<', 0xbe, 0xef, '&'}, 10<<20/6)
		_, err := Decode(bytes.NewReader(garbage), 60)
		if f := AsFault(err); err == nil || !f.IsClient() {
			t.Errorf("got %v", err)
		}
	})
	t.Run("oversized well-formed body", func(t *testing.T) {
		body := wireEnvelope(`<readMetadata><type>ConnectedApp</type><fullNames>` + strings.Repeat("x", MaxRequestBytes) + `</fullNames></readMetadata>`)
		_, err := Decode(strings.NewReader(body), 60)
		if f := AsFault(err); err == nil || f.Code != CodeExceededMaxSizeRequest {
			t.Errorf("got %v", err)
		}
	})
	t.Run("too many elements", func(t *testing.T) {
		body := wireEnvelope(`<readMetadata>` + strings.Repeat("<x/>", maxElements+1) + `</readMetadata>`)
		_, err := Decode(strings.NewReader(body), 60)
		if err == nil || !strings.Contains(err.Error(), "more than 20000 elements") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("version outside the served range", func(t *testing.T) {
		for _, v := range []Version{0, 46, LatestVersion + 1} {
			if _, err := Decode(strings.NewReader(wireEnvelope(wireReadBody)), v); AsFault(err).Code != CodeUnsupportedAPIVersion {
				t.Errorf("version %d: got %v", v, err)
			}
		}
	})
	t.Run("exactly 10 components and 3 queries", func(t *testing.T) {
		ten := decodeString(t, wireEnvelope(`<upsertMetadata>`+strings.Repeat(`<metadata xsi:type="ConnectedApp"/>`, 10)+`</upsertMetadata>`), 60)
		three := decodeString(t, wireEnvelope(`<listMetadata>`+strings.Repeat(`<queries><type>ConnectedApp</type></queries>`, 3)+`</listMetadata>`), 60)
		if len(ten.Components) != 10 || len(three.Queries) != 3 {
			t.Errorf("got %d components, %d queries", len(ten.Components), len(three.Queries))
		}
	})
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]Version{"47.0": 47, "60.0": 60, "66.0": 66, "67.0": 67, "68.0": 68} {
		if got, err := ParseVersion(in); err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "60", "60.1", "v60.0", "46.0", "29.0", "69.0", "-60.0", "60.0.0", "6O.0", "0060.0", " 60.0"} {
		_, err := ParseVersion(in)
		if f := AsFault(err); err == nil || f.Code != CodeUnsupportedAPIVersion {
			t.Errorf("ParseVersion(%q): got %v, want UNSUPPORTED_API_VERSION", in, err)
		}
	}
	if s := Version(60).String(); s != "60.0" {
		t.Errorf("String() = %q", s)
	}
}
