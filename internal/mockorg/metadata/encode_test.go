package metadata

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

const responseHead = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>`

const responseTail = `</soapenv:Body></soapenv:Envelope>`

// wellFormed fails the test unless doc is well-formed XML.
func wellFormed(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, doc)
		}
	}
}

func render(t *testing.T, write func(io.Writer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	wellFormed(t, buf.Bytes())
	return buf.String()
}

func TestWriteReadResponseSettings(t *testing.T) {
	got := render(t, func(w io.Writer) error {
		return WriteReadResponse(w, 60, []Component{&ConnectedAppSettings{
			FullName:                    "ConnectedApp",
			EnableAdminApprovedAppsOnly: ptr(false),
			EnableAdminApprovedAppsOnlyForExternalUser:  ptr(true),
			EnableSkipUserProvisioningWizardWelcomePage: ptr(false),
		}})
	})
	want := responseHead + `<readMetadataResponse><result><records xsi:type="ConnectedAppSettings"><fullName>ConnectedApp</fullName>` +
		`<enableAdminApprovedAppsOnly>false</enableAdminApprovedAppsOnly><enableAdminApprovedAppsOnlyForExternalUser>true</enableAdminApprovedAppsOnlyForExternalUser>` +
		`<enableSkipUserProvisioningWizardWelcomePage>false</enableSkipUserProvisioningWizardWelcomePage></records></result></readMetadataResponse>` + responseTail
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	at49 := render(t, func(w io.Writer) error {
		return WriteReadResponse(w, 49, []Component{&ConnectedAppSettings{FullName: "ConnectedApp", EnableAdminApprovedAppsOnlyForExternalUser: ptr(true)}})
	})
	if strings.Contains(at49, "ForExternalUser") {
		t.Errorf("the external-user flag exists from 50.0 and must not be written at 49.0:\n%s", at49)
	}
}

func TestWriteReadResponseMissingNames(t *testing.T) {
	var missingApp *ConnectedApp
	got := render(t, func(w io.Writer) error {
		return WriteReadResponse(w, 60, []Component{nil, missingApp, &ConnectedApp{FullName: "A"}})
	})
	want := responseHead + `<readMetadataResponse><result><records xsi:nil="true"/><records xsi:nil="true"/>` +
		`<records xsi:type="ConnectedApp"><fullName>A</fullName></records></result></readMetadataResponse>` + responseTail
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	empty := render(t, func(w io.Writer) error { return WriteReadResponse(w, 60, nil) })
	if !strings.Contains(empty, `<readMetadataResponse><result></result></readMetadataResponse>`) {
		t.Errorf("got %s", empty)
	}
}

// A read response, taken apart the way a client does it (records by local name, xsi:type
// resolved), gives back every field of the app except the secret.
func TestWriteReadResponseConnectedApp(t *testing.T) {
	app := fullApp()
	got := render(t, func(w io.Writer) error { return WriteReadResponse(w, LatestVersion, []Component{app}) })
	if strings.Contains(got, "consumerSecret") || strings.Contains(got, app.OAuthConfig.ConsumerSecret) {
		t.Fatalf("the consumer secret must never be in a response:\n%s", got)
	}
	// Re-read the record with this package's own decoder by turning it into an update request.
	record := got[strings.Index(got, "<records"):strings.LastIndex(got, "</records>")]
	record = strings.Replace(record, "<records", "<metadata", 1) + "</metadata>"
	req := decodeString(t, wireEnvelope(`<updateMetadata>`+record+`</updateMetadata>`), LatestVersion)
	want := fullApp()
	want.OAuthConfig.ConsumerSecret = ""
	if !reflect.DeepEqual(req.Components[0], want) {
		t.Errorf("got %#v\nwant %#v", req.Components[0], want)
	}
}

func TestEncodeVersionGating(t *testing.T) {
	tests := []struct {
		v       Version
		absent  []string
		present []string
	}{
		{48, []string{"<oauthPolicy>", "<isConsumerSecretOptional>", "<isSecretRequiredForRefreshToken>", "<isClientCredentialEnabled>", "<oauthClientCredentialUser>", "<isPkceRequired>", "<scopes>PwdlessLogin<"}, []string{"<isAdminApproved>", "<permissionSetName>", "<profileName>", "<scopes>Api<"}},
		{55, []string{"<isClientCredentialEnabled>", "<oauthClientCredentialUser>", "<isPkceRequired>"}, []string{"<oauthPolicy>", "<isConsumerSecretOptional>", "<isSecretRequiredForRefreshToken>"}},
		{58, []string{"<isPkceRequired>", "<scopes>PwdlessLogin<"}, []string{"<isClientCredentialEnabled>", "<oauthClientCredentialUser>"}},
		{59, nil, []string{"<isPkceRequired>", "<scopes>PwdlessLogin<"}},
	}
	for _, tt := range tests {
		got := render(t, func(w io.Writer) error { return WriteReadResponse(w, tt.v, []Component{fullApp()}) })
		for _, s := range tt.absent {
			if strings.Contains(got, s) {
				t.Errorf("at %s the response must not contain %s", tt.v, s)
			}
		}
		for _, s := range tt.present {
			if !strings.Contains(got, s) {
				t.Errorf("at %s the response must contain %s", tt.v, s)
			}
		}
		// What is written at a version decodes at that version.
		var buf bytes.Buffer
		if err := (&Request{Operation: OpCreate, Components: []Component{fullApp()}}).Encode(&buf, tt.v); err != nil {
			t.Fatal(err)
		}
		if _, err := Decode(&buf, tt.v); err != nil {
			t.Errorf("a request encoded at %s does not decode at %s: %v", tt.v, tt.v, err)
		}
	}
}

// Every field the version table lists is written by the encoder and read by the decoder, so the
// table, the encoder and the decoder cannot drift apart silently.
func TestEveryModelledFieldIsEncoded(t *testing.T) {
	var buf bytes.Buffer
	req := &Request{Operation: OpCreate, Components: []Component{fullApp(), &ConnectedAppSettings{
		FullName: "ConnectedApp", EnableAdminApprovedAppsOnly: ptr(true),
		EnableAdminApprovedAppsOnlyForExternalUser: ptr(true), EnableSkipUserProvisioningWizardWelcomePage: ptr(true),
	}}}
	req.Components = append(req.Components, everyECAComponent()...)
	if err := req.Encode(&buf, LatestVersion); err != nil {
		t.Fatal(err)
	}
	for complexType, elements := range fields {
		for element := range elements {
			if !strings.Contains(buf.String(), "<met:"+element+">") {
				t.Errorf("%s.%s is in the version table but not encoded", complexType, element)
			}
		}
	}
	if got := decodeString(t, buf.String(), LatestVersion); !reflect.DeepEqual(got.Components, req.Components) {
		t.Errorf("decoded %#v", got.Components)
	}
}

func TestWriteReadResponseGrantLists(t *testing.T) {
	got := render(t, func(w io.Writer) error {
		return WriteReadResponse(w, 60, []Component{&ConnectedApp{FullName: "A", ProfileName: []string{}, PermissionSetName: []string{"P1", "P2"}}})
	})
	if strings.Contains(got, "profileName") || !strings.Contains(got, "<permissionSetName>P1</permissionSetName><permissionSetName>P2</permissionSetName>") {
		t.Errorf("got %s", got)
	}
	var req bytes.Buffer
	if err := (&Request{Operation: OpUpdate, Components: []Component{&ConnectedApp{FullName: "A", PermissionSetName: []string{}}}}).Encode(&req, 60); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(req.String(), "<met:permissionSetName></met:permissionSetName>") || strings.Contains(req.String(), "profileName") {
		t.Errorf("a request says 'remove all' with one empty element and omits absent lists: %s", req.String())
	}
}

func TestEscaping(t *testing.T) {
	const nasty = `<&>"' ]]> x`
	app := &ConnectedApp{FullName: "A", Description: nasty, OAuthConfig: &OAuthConfig{CallbackURL: "https://a/cb?x=1&y=2\r\nhttps://b/cb"}}
	got := render(t, func(w io.Writer) error { return WriteReadResponse(w, 60, []Component{app}) })
	if strings.Contains(got, nasty) {
		t.Errorf("text must be escaped: %s", got)
	}
	var buf bytes.Buffer
	if err := (&Request{Operation: OpCreate, Components: []Component{app}}).Encode(&buf, 60); err != nil {
		t.Fatal(err)
	}
	back := decodeString(t, buf.String(), 60).Components[0].(*ConnectedApp)
	if back.Description != nasty || back.OAuthConfig.CallbackURL != app.OAuthConfig.CallbackURL {
		t.Errorf("escaped text must read back unchanged: %q %q", back.Description, back.OAuthConfig.CallbackURL)
	}

	fault := render(t, func(w io.Writer) error { return WriteFault(w, NewFault(CodeInsufficientAccess, nasty)) })
	results := render(t, func(w io.Writer) error {
		return WriteSaveResponse(w, OpCreate, []SaveResult{{FullName: nasty, Errors: []Error{{StatusCode: "X", Message: nasty, Fields: []string{nasty}}}}})
	})
	for _, doc := range []string{fault, results} {
		if strings.Contains(doc, nasty) {
			t.Errorf("text must be escaped: %s", doc)
		}
	}
}

func TestWriteSaveAndDeleteResponses(t *testing.T) {
	update := render(t, func(w io.Writer) error {
		return WriteSaveResponse(w, OpUpdate, []SaveResult{{FullName: "ConnectedApp", Success: true}})
	})
	if want := responseHead + `<updateMetadataResponse><result><fullName>ConnectedApp</fullName><success>true</success></result></updateMetadataResponse>` + responseTail; update != want {
		t.Errorf("got\n%s\nwant\n%s", update, want)
	}
	create := render(t, func(w io.Writer) error {
		return WriteSaveResponse(w, OpCreate, []SaveResult{
			{FullName: "A", Success: true},
			{FullName: "B", Errors: []Error{{StatusCode: StatusDuplicateValue, Message: "The consumer key is already taken", Fields: []string{"consumerKey"}}}},
		})
	})
	if want := responseHead + `<createMetadataResponse><result><fullName>A</fullName><success>true</success></result>` +
		`<result><errors><fields>consumerKey</fields><message>The consumer key is already taken</message><statusCode>DUPLICATE_VALUE</statusCode></errors>` +
		`<fullName>B</fullName><success>false</success></result></createMetadataResponse>` + responseTail; create != want {
		t.Errorf("got\n%s\nwant\n%s", create, want)
	}
	del := render(t, func(w io.Writer) error {
		return WriteSaveResponse(w, OpDelete, []DeleteResult{{FullName: "X", Errors: []Error{{StatusCode: StatusInvalidCrossReferenceKey, Message: "In field: fullName - no ConnectedApp named X found"}}}})
	})
	if want := responseHead + `<deleteMetadataResponse><result><errors><message>In field: fullName - no ConnectedApp named X found</message>` +
		`<statusCode>INVALID_CROSS_REFERENCE_KEY</statusCode></errors><fullName>X</fullName><success>false</success></result></deleteMetadataResponse>` + responseTail; del != want {
		t.Errorf("got\n%s\nwant\n%s", del, want)
	}
	if err := WriteSaveResponse(io.Discard, OpUpsert, nil); err == nil {
		t.Error("upsert has its own result type; WriteSaveResponse must refuse it")
	}
}

func TestWriteUpsertResponse(t *testing.T) {
	got := render(t, func(w io.Writer) error {
		return WriteUpsertResponse(w, []UpsertResult{
			{FullName: "Portal_Mobile", Created: true, Success: true},
			{FullName: "Portal_Mobile", Errors: []Error{{StatusCode: StatusFieldIntegrityException, Message: "Callback URL: Invalid URL", Fields: []string{"callbackUrl"}}}},
		})
	})
	want := responseHead + `<upsertMetadataResponse><result><created>true</created><fullName>Portal_Mobile</fullName><success>true</success></result>` +
		`<result><created>false</created><errors><fields>callbackUrl</fields><message>Callback URL: Invalid URL</message><statusCode>FIELD_INTEGRITY_EXCEPTION</statusCode></errors>` +
		`<fullName>Portal_Mobile</fullName><success>false</success></result></upsertMetadataResponse>` + responseTail
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWriteListResponse(t *testing.T) {
	created := time.Date(2024, 3, 1, 11, 0, 0, 0, time.FixedZone("CET", 3600))
	got := render(t, func(w io.Writer) error {
		return WriteListResponse(w, []FileProperties{{
			CreatedByID: "005xx000001Sv6AAAS", CreatedByName: "Admin User", CreatedDate: created,
			FileName: "connectedApps/Portal_Mobile.connectedApp", FullName: "Portal_Mobile", ID: "0H4xx0000004CAbCAM",
			LastModifiedByID: "005xx000001Sv6AAAS", LastModifiedByName: "Admin User", LastModifiedDate: created.Add(24 * time.Hour),
			ManageableState: "unmanaged", Type: "ConnectedApp",
		}})
	})
	want := responseHead + `<listMetadataResponse>
  <result><createdById>005xx000001Sv6AAAS</createdById><createdByName>Admin User</createdByName>
    <createdDate>2024-03-01T10:00:00.000Z</createdDate><fileName>connectedApps/Portal_Mobile.connectedApp</fileName>
    <fullName>Portal_Mobile</fullName><id>0H4xx0000004CAbCAM</id><lastModifiedById>005xx000001Sv6AAAS</lastModifiedById>
    <lastModifiedByName>Admin User</lastModifiedByName><lastModifiedDate>2024-03-02T10:00:00.000Z</lastModifiedDate>
    <manageableState>unmanaged</manageableState><type>ConnectedApp</type></result>
</listMetadataResponse>` + responseTail
	// The reference capture is pretty-printed; compare without the layout whitespace.
	want = strings.NewReplacer("\n    ", "", "\n  ", "", "\n", "").Replace(want[len(responseHead):])
	if got[len(responseHead):] != want {
		t.Errorf("got\n%s\nwant\n%s", got[len(responseHead):], want)
	}
	empty := render(t, func(w io.Writer) error { return WriteListResponse(w, nil) })
	if empty != responseHead+`<listMetadataResponse></listMetadataResponse>`+responseTail {
		t.Errorf("got %s", empty)
	}
}

func TestWriteFault(t *testing.T) {
	const head = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>`
	tests := []struct {
		fault *Fault
		want  string
	}{
		{
			NewFault(CodeInsufficientAccess, "use of the Metadata API requires a user with the ModifyAllData permission"),
			`<faultcode>sf:INSUFFICIENT_ACCESS</faultcode><faultstring>INSUFFICIENT_ACCESS: use of the Metadata API requires a user with the ModifyAllData permission</faultstring>`,
		},
		{
			NewFault(CodeInvalidSessionID, "Invalid Session ID found in SessionHeader: Illegal Session"),
			`<faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring>` +
				`<detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault"><sf:exceptionCode>INVALID_SESSION_ID</sf:exceptionCode>` +
				`<sf:exceptionMessage>Invalid Session ID found in SessionHeader: Illegal Session</sf:exceptionMessage></sf:UnexpectedErrorFault></detail>`,
		},
		{
			clientFault("No operation available for request {%s}retrieve, please check the WSDL for the service.", Namespace),
			`<faultcode>soapenv:Client</faultcode><faultstring>No operation available for request {http://soap.sforce.com/2006/04/metadata}retrieve, please check the WSDL for the service.</faultstring>`,
		},
	}
	for _, tt := range tests {
		got := render(t, func(w io.Writer) error { return WriteFault(w, tt.fault) })
		if want := head + tt.want + `</soapenv:Fault></soapenv:Body></soapenv:Envelope>`; got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	}
}

func TestAsFault(t *testing.T) {
	f := NewFault(CodeInvalidType, "Unknown type: X")
	if AsFault(f) != f {
		t.Error("a *Fault must come back as itself")
	}
	other := AsFault(errors.New("disk full at /var/lib/secret"))
	if other.Code != CodeUnknownException || strings.Contains(other.Message, "disk") {
		t.Errorf("a foreign error must become UNKNOWN_EXCEPTION without its text: %+v", other)
	}
	if got := f.Error(); got != "sf:INVALID_TYPE: INVALID_TYPE: Unknown type: X" {
		t.Errorf("Error() = %q", got)
	}
}

func TestRequestEncodeRefusesWhatItCannotWrite(t *testing.T) {
	if err := (&Request{Operation: "retrieve"}).Encode(io.Discard, 60); err == nil {
		t.Error("an unknown operation must not encode")
	}
	if err := (&Request{Operation: OpCreate, Components: []Component{nil}}).Encode(io.Discard, 60); err == nil {
		t.Error("a nil component must not encode")
	}
}
