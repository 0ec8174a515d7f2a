package orgapi

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

// soapRequest is a received envelope, read strictly by namespace: it proves the client writes
// well-formed, correctly namespaced SOAP.
type soapRequest struct {
	XMLName xml.Name `xml:"http://schemas.xmlsoap.org/soap/envelope/ Envelope"`
	Header  struct {
		SessionID string `xml:"http://soap.sforce.com/2006/04/metadata SessionHeader>sessionId"`
	} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Header"`
	Body struct {
		Call struct {
			XMLName   xml.Name
			Type      string   `xml:"http://soap.sforce.com/2006/04/metadata type"`
			FullNames []string `xml:"http://soap.sforce.com/2006/04/metadata fullNames"`
			Metadata  struct {
				Type  string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
				Inner []byte `xml:",innerxml"`
			} `xml:"http://soap.sforce.com/2006/04/metadata metadata"`
		} `xml:",any"`
	} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
}

func readSOAP(t *testing.T, r *http.Request) (soapRequest, string) {
	t.Helper()
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	var req soapRequest
	if err := xml.Unmarshal(raw, &req); err != nil {
		t.Fatalf("request is not a valid envelope: %v\n%s", err, raw)
	}
	if req.Body.Call.XMLName.Space != nsMetadata {
		t.Errorf("call %v is not in the metadata namespace", req.Body.Call.XMLName)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		t.Errorf("Content-Type %q", ct)
	}
	if r.Header.Get("Authorization") != "" {
		t.Error("SOAP request carries an Authorization header; the session belongs in SessionHeader")
	}
	return req, string(raw)
}

func TestReadConnectedAppsBatchesTenPerCall(t *testing.T) {
	var batches [][]string
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		req, _ := readSOAP(t, r)
		if req.Header.SessionID != "00D5g00000000001!statictoken" || req.Body.Call.XMLName.Local != "readMetadata" || req.Body.Call.Type != "ConnectedApp" {
			t.Errorf("unexpected request %+v", req)
		}
		batches = append(batches, req.Body.Call.FullNames)
		var b strings.Builder
		for _, n := range req.Body.Call.FullNames {
			if strings.HasSuffix(n, "7") {
				b.WriteString(`<records xsi:nil="true"/>`)
				continue
			}
			b.WriteString(`<records xsi:type="ConnectedApp"><fullName>` + n + `</fullName><label>L ` + n + `</label></records>`)
		}
		soapAnswer(w, 200, `<readMetadataResponse><result>`+b.String()+`</result></readMetadataResponse>`)
	})
	c := newTestClient(t, ts.URL, Config{})
	var names []string
	for i := range 23 {
		names = append(names, "App_"+string(rune('a'+i)))
	}
	names = append(names, "App_7", "App_a") // a missing one and a duplicate
	apps, err := c.ReadConnectedApps(context.Background(), names)
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 3 || len(batches[0]) != 10 || len(batches[1]) != 10 || len(batches[2]) != 4 {
		t.Errorf("batches of %d, %d, %d; want 10, 10, 4", len(batches[0]), len(batches[1]), len(batches[2]))
	}
	if len(apps) != 23 || apps["App_c"].Label != "L App_c" || apps["App_7"] != nil {
		t.Errorf("got %d apps, App_c %+v", len(apps), apps["App_c"])
	}
}

func TestReadConnectedAppDecodesAndReportsMissing(t *testing.T) {
	secretElement := ""
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		req, _ := readSOAP(t, r)
		if req.Body.Call.FullNames[0] == "Missing" {
			// Prefixed answer with a nil placeholder: readers must go by local names.
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://soap.sforce.com/2006/04/metadata" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><s:Body><m:readMetadataResponse><m:result><m:records i:nil="true"/></m:result></m:readMetadataResponse></s:Body></s:Envelope>`)
			return
		}
		soapAnswer(w, 200, `<readMetadataResponse><result><records xsi:type="ConnectedApp">
			<fullName>Portal_Mobile</fullName><contactEmail>admin@example.com</contactEmail><label>Portal Mobile</label>
			<description>Fish &amp; chips</description>
			<oauthConfig><callbackUrl>https://app.example.com/cb
https://app.example.com/cb2</callbackUrl><consumerKey>KEY123</consumerKey><isAdminApproved>true</isAdminApproved>
			<isPkceRequired>true</isPkceRequired>`+secretElement+`<oauthClientCredentialUser>admin@acme.test</oauthClientCredentialUser><scopes>Api</scopes><scopes>RefreshToken</scopes></oauthConfig>
			<oauthPolicy><ipRelaxation>BYPASS</ipRelaxation><refreshTokenPolicy>specific_inactivity:7:DAYS</refreshTokenPolicy></oauthPolicy>
			<startUrl>https://start</startUrl></records></result></readMetadataResponse>`)
	})
	c := newTestClient(t, ts.URL, Config{})
	app, err := c.ReadConnectedApp(context.Background(), "Portal_Mobile")
	if err != nil {
		t.Fatal(err)
	}
	want := ConnectedApp{FullName: "Portal_Mobile", Label: "Portal Mobile", ContactEmail: "admin@example.com", Description: "Fish & chips",
		StartURL: "https://start", CallbackURLs: []string{"https://app.example.com/cb", "https://app.example.com/cb2"},
		Scopes: []string{"Api", "RefreshToken"}, IsAdminApproved: true, PkceRequired: true, ConsumerKey: "KEY123",
		ClientCredentialUser: "admin@acme.test", IPRelaxation: "BYPASS", RefreshTokenPolicy: "specific_inactivity:7:DAYS",
		// Absent from the answer: Salesforce's default.
		RefreshTokenRequiresSecret: ptr(true)}
	if !reflect.DeepEqual(*app, want) {
		t.Errorf("got %+v\nwant %+v", *app, want)
	}
	secretElement = "<isSecretRequiredForRefreshToken>false</isSecretRequiredForRefreshToken>"
	app, err = c.ReadConnectedApp(context.Background(), "Portal_Mobile")
	if err != nil || app.RefreshTokenRequiresSecret == nil || *app.RefreshTokenRequiresSecret {
		t.Errorf("isSecretRequiredForRefreshToken false read as %v (%v)", app.RefreshTokenRequiresSecret, err)
	}
	_, err = c.ReadConnectedApp(context.Background(), "Missing")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("missing app: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestCreateConnectedAppWritesTheComponent(t *testing.T) {
	var sent string
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		req, raw := readSOAP(t, r)
		sent = raw
		if req.Body.Call.XMLName.Local != "createMetadata" || req.Body.Call.Metadata.Type != "met:ConnectedApp" {
			t.Errorf("call %s with xsi:type %q", req.Body.Call.XMLName.Local, req.Body.Call.Metadata.Type)
		}
		soapAnswer(w, 200, `<createMetadataResponse><result><fullName>Portal_Mobile</fullName><success>true</success></result></createMetadataResponse>`)
	})
	c := newTestClient(t, ts.URL, Config{})
	app := &ConnectedApp{FullName: "Portal_Mobile", Label: "Portal <Mobile>", ContactEmail: "a@b.test",
		CallbackURLs: []string{"https://x/cb", "https://y/cb"}, Scopes: []string{"Api", "RefreshToken"},
		IsAdminApproved: true, ConsumerKey: "PortalKey000001", ConsumerSecret: "PortalSecret000001", RefreshTokenPolicy: "zero",
		RefreshTokenRequiresSecret: ptr(false)}
	if err := c.CreateConnectedApp(context.Background(), app); err != nil {
		t.Fatal(err)
	}
	order := []string{"<met:fullName>Portal_Mobile", "<met:contactEmail>", "<met:label>Portal &lt;Mobile&gt;", "<met:oauthConfig>",
		"<met:callbackUrl>https://x/cb&#xA;https://y/cb", "<met:consumerKey>PortalKey000001", "<met:consumerSecret>PortalSecret000001",
		"<met:isAdminApproved>true", "<met:isPkceRequired>false", "<met:isSecretRequiredForRefreshToken>false", "<met:scopes>Api", "<met:scopes>RefreshToken", "</met:oauthConfig>",
		"<met:oauthPolicy><met:ipRelaxation>ENFORCE</met:ipRelaxation><met:refreshTokenPolicy>zero"}
	pos := 0
	for _, frag := range order {
		i := strings.Index(sent[pos:], frag)
		if i < 0 {
			t.Fatalf("%q missing or out of order in\n%s", frag, sent)
		}
		pos += i
	}
}

// TestConnectedAppCreationRestricted pins how the refusal of a 2026 org is recognised: the code
// INSUFFICIENT_ACCESS with the message prefix, and nothing else.
func TestConnectedAppCreationRestricted(t *testing.T) {
	message := "Connected app creation is restricted in this org as of Spring '26. Create an External Client App instead, or contact Salesforce Support to re-enable connected app creation."
	code := "INSUFFICIENT_ACCESS"
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		soapAnswer(w, 200, `<createMetadataResponse><result><fullName>New_App</fullName><success>false</success><errors><message>`+message+`</message><statusCode>`+code+`</statusCode></errors></result></createMetadataResponse>`)
	})
	c := newTestClient(t, ts.URL, Config{})
	app := &ConnectedApp{FullName: "New_App", Label: "New App", ContactEmail: "a@b.test", CallbackURLs: []string{"https://x/cb"}}
	err := c.CreateConnectedApp(context.Background(), app)
	e := mustKind(t, err, KindConnectedAppCreationRestricted)
	if !errors.Is(err, ErrConnectedAppCreationRestricted) || errors.Is(err, ErrInsufficientAccess) || e.Permission != "" {
		t.Errorf("classified as %v (permission %q)", e.Kind, e.Permission)
	}
	for _, want := range []string{"creating ConnectedApp New_App", "Spring '26", "005228017", "External Client App", "can still be imported, updated and deleted"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	// Another INSUFFICIENT_ACCESS stays a missing permission.
	message = "insufficient access rights on object id"
	requireKind(t, c.CreateConnectedApp(context.Background(), app), KindInsufficientAccess)
	// The prefix alone, under another code, is not the restriction.
	message, code = "Connected app creation is restricted in this org as of Spring '26.", "UNKNOWN_EXCEPTION"
	if KindOf(c.CreateConnectedApp(context.Background(), app)) == KindConnectedAppCreationRestricted {
		t.Error("UNKNOWN_EXCEPTION classified as the creation restriction")
	}
}

func TestUpdateConnectedAppNeverSendsTheSecret(t *testing.T) {
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, raw := readSOAP(t, r)
		if strings.Contains(raw, "consumerSecret") {
			t.Error("update sent consumerSecret")
		}
		soapAnswer(w, 200, `<updateMetadataResponse><result><fullName>A</fullName><success>false</success><errors><message>In field: fullName - no ConnectedApp named A found</message><statusCode>INVALID_CROSS_REFERENCE_KEY</statusCode></errors></result></updateMetadataResponse>`)
	})
	c := newTestClient(t, ts.URL, Config{})
	err := c.UpdateConnectedApp(context.Background(), &ConnectedApp{FullName: "A", Label: "A", ContactEmail: "a@b.test", CallbackURLs: []string{"https://x"}, ConsumerSecret: "S3cretS3cret"})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("update of a missing app: %v", err)
	}
}

func TestConnectedAppInputIsCheckedBeforeSending(t *testing.T) {
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) { t.Error("request sent for invalid input") })
	c := newTestClient(t, ts.URL, Config{APIVersion: "48.0"})
	err := c.CreateConnectedApp(context.Background(), &ConnectedApp{FullName: "bad__name", Scopes: []string{"Api"}, IPRelaxation: "BYPASS", PkceRequired: true,
		RefreshTokenRequiresSecret: ptr(false)})
	e := mustKind(t, err, KindInvalidInput)
	for _, f := range []string{"fullName", "label", "contactEmail", "callbackUrl", "oauthPolicy", "isPkceRequired", "isSecretRequiredForRefreshToken"} {
		if !strings.Contains(strings.Join(e.Fields, ","), f) {
			t.Errorf("fields %v lack %s", e.Fields, f)
		}
	}
}

func TestCreateConnectedAppRetriedAfterCommitResolvesToTheApp(t *testing.T) {
	var creates atomic.Int32
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		req, _ := readSOAP(t, r)
		switch req.Body.Call.XMLName.Local {
		case "createMetadata":
			if creates.Add(1) == 1 {
				restErr(w, 503, "SERVER_UNAVAILABLE", "committed, then the answer was lost")
				return
			}
			soapAnswer(w, 200, `<createMetadataResponse><result><errors><message>The consumer key is already taken</message><statusCode>DUPLICATE_VALUE</statusCode></errors><fullName>Portal_Mobile</fullName><success>false</success></result></createMetadataResponse>`)
		case "readMetadata":
			soapAnswer(w, 200, `<readMetadataResponse><result><records xsi:type="ConnectedApp"><fullName>Portal_Mobile</fullName><label>P</label></records></result></readMetadataResponse>`)
		}
	})
	c := newTestClient(t, ts.URL, Config{MaxRetries: 2})
	app := &ConnectedApp{FullName: "Portal_Mobile", Label: "P", ContactEmail: "a@b.test"}
	if err := c.CreateConnectedApp(context.Background(), app); err != nil {
		t.Fatalf("retried create: %v", err)
	}
	if creates.Load() != 2 {
		t.Errorf("%d creates", creates.Load())
	}

	// Without a retry, an existing app is a real conflict the caller must hear about.
	creates.Store(1)
	err := c.CreateConnectedApp(context.Background(), app)
	if e := mustKind(t, err, KindInvalidInput); e.Code != "DUPLICATE_VALUE" {
		t.Errorf("code %q", e.Code)
	}
}

func TestConnectedAppSettings(t *testing.T) {
	var lastUpdate string
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		req, raw := readSOAP(t, r)
		switch req.Body.Call.XMLName.Local {
		case "readMetadata":
			soapAnswer(w, 200, `<readMetadataResponse><result><records xsi:type="ConnectedAppSettings"><fullName>ConnectedApp</fullName><enableAdminApprovedAppsOnly>false</enableAdminApprovedAppsOnly><enableAdminApprovedAppsOnlyForExternalUser>true</enableAdminApprovedAppsOnlyForExternalUser></records></result></readMetadataResponse>`)
		case "updateMetadata":
			lastUpdate = raw
			if req.Body.Call.Metadata.Type != "met:ConnectedAppSettings" {
				t.Errorf("xsi:type %q", req.Body.Call.Metadata.Type)
			}
			if strings.Contains(raw, "<met:enableAdminApprovedAppsOnly>true") {
				soapAnswer(w, 200, `<updateMetadataResponse><result><errors><fields>enableAdminApprovedAppsOnly</fields><message>API Access Control isn't enabled for this org. Contact Salesforce Customer Support to enable it.</message><statusCode>FEATURE_NOT_ENABLED</statusCode></errors><fullName>ConnectedApp</fullName><success>false</success></result></updateMetadataResponse>`)
				return
			}
			soapAnswer(w, 200, `<updateMetadataResponse><result><fullName>ConnectedApp</fullName><success>true</success></result></updateMetadataResponse>`)
		}
	})
	c := newTestClient(t, ts.URL, Config{})
	s, err := c.ReadConnectedAppSettings(context.Background())
	if err != nil || *s.EnableAdminApprovedAppsOnly || !*s.EnableAdminApprovedAppsOnlyForExternalUser {
		t.Fatalf("read %+v %v", s, err)
	}
	f, tr := false, true
	if err := c.UpdateConnectedAppSettings(context.Background(), ConnectedAppSettings{EnableAdminApprovedAppsOnlyForExternalUser: &f}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(lastUpdate, "<met:enableAdminApprovedAppsOnly>") || !strings.Contains(lastUpdate, "<met:enableAdminApprovedAppsOnlyForExternalUser>false") {
		t.Errorf("update must carry only the field given:\n%s", lastUpdate)
	}
	err = c.UpdateConnectedAppSettings(context.Background(), ConnectedAppSettings{EnableAdminApprovedAppsOnly: &tr})
	e := mustKind(t, err, KindFeatureNotProvisioned)
	if !errors.Is(err, ErrFeatureNotProvisioned) || !strings.Contains(err.Error(), "Salesforce Customer Support") || e.Fields[0] != "enableAdminApprovedAppsOnly" {
		t.Errorf("error %v", err)
	}
	old := newTestClient(t, ts.URL, Config{APIVersion: "49.0"})
	err = old.UpdateConnectedAppSettings(context.Background(), ConnectedAppSettings{EnableAdminApprovedAppsOnlyForExternalUser: &tr})
	requireKind(t, err, KindInvalidInput)
}

func TestMetadataInsufficientAccessNamesThePermission(t *testing.T) {
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		req, _ := readSOAP(t, r)
		if req.Body.Call.XMLName.Local == "deleteMetadata" {
			soapFaultAnswer(w, "INSUFFICIENT_ACCESS", "this operation requires CustomizeApplication and (ModifyAllData or ManageRemoteAccess)")
			return
		}
		soapFaultAnswer(w, "INSUFFICIENT_ACCESS", "insufficient access rights")
	})
	c := newTestClient(t, ts.URL, Config{})
	err := c.DeleteConnectedApp(context.Background(), "Portal_Mobile")
	e := mustKind(t, err, KindInsufficientAccess)
	if e.Permission != "CustomizeApplication and (ModifyAllData or ManageRemoteAccess)" {
		t.Errorf("permission from the message: %q", e.Permission)
	}
	_, err = c.ReadConnectedAppSettings(context.Background())
	e = mustKind(t, err, KindInsufficientAccess)
	if e.Permission != "CustomizeApplication and ModifyAllData" || !strings.Contains(err.Error(), `needs CustomizeApplication ("Customize Application") and ModifyAllData ("Modify All Data")`) || !strings.HasPrefix(err.Error(), "reading ConnectedAppSettings: INSUFFICIENT_ACCESS") {
		t.Errorf("permission from the operation: %q; message %q", e.Permission, err)
	}
}

func TestListConnectedApps(t *testing.T) {
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		req, raw := readSOAP(t, r)
		if req.Body.Call.XMLName.Local != "listMetadata" || !strings.Contains(raw, "<met:queries><met:type>ConnectedApp</met:type></met:queries><met:asOfVersion>66.0</met:asOfVersion>") {
			t.Errorf("request %s", raw)
		}
		soapAnswer(w, 200, `<listMetadataResponse><result><fullName>Zeta</fullName><id>0H45g0000000001CAA</id><manageableState>unmanaged</manageableState></result><result><fullName>Alpha</fullName><id>0H45g0000000002CAA</id><namespacePrefix>ns</namespacePrefix><manageableState>installed</manageableState></result></listMetadataResponse>`)
	})
	c := newTestClient(t, ts.URL, Config{})
	files, err := c.ListConnectedApps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0] != (MetadataFile{FullName: "Alpha", ID: "0H45g0000000002CAA", NamespacePrefix: "ns", ManageableState: "installed"}) {
		t.Errorf("files %+v", files)
	}
}
