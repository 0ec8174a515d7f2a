package mockorg

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// deployResult and retrieveResult decode the status answers by local name.
type deployResult struct {
	ID              string `xml:"id"`
	Done            bool   `xml:"done"`
	Status          string `xml:"status"`
	Success         bool   `xml:"success"`
	CheckOnly       bool   `xml:"checkOnly"`
	RollbackOnError bool   `xml:"rollbackOnError"`
	Deployed        int    `xml:"numberComponentsDeployed"`
	Errors          int    `xml:"numberComponentErrors"`
	Total           int    `xml:"numberComponentsTotal"`
	ErrorMessage    string `xml:"errorMessage"`
	Failures        []struct {
		FullName string `xml:"fullName"`
		Type     string `xml:"componentType"`
		Problem  string `xml:"problem"`
	} `xml:"details>componentFailures"`
	Successes []struct {
		FullName string `xml:"fullName"`
		Type     string `xml:"componentType"`
		Created  bool   `xml:"created"`
		ID       string `xml:"id"`
	} `xml:"details>componentSuccesses"`
}

type retrieveResult struct {
	Done     bool   `xml:"done"`
	Status   string `xml:"status"`
	ZipFile  string `xml:"zipFile"`
	Messages []struct {
		Problem string `xml:"problem"`
	} `xml:"messages"`
	Files []struct {
		FileName string `xml:"fileName"`
		FullName string `xml:"fullName"`
		Type     string `xml:"type"`
		ID       string `xml:"id"`
	} `xml:"fileProperties"`
}

// asyncCall starts a deploy or retrieve and checks its status once, which must be final.
func (h *harness) asyncCall(token, start, check string, into any) {
	h.t.Helper()
	r := h.soap(token, start)
	var started struct {
		ID   string `xml:"Body>Response>result>id"`
		Done bool   `xml:"Body>Response>result>done"`
	}
	if err := xml.Unmarshal(bytesReplaceResponse(r.body), &started); err != nil || r.status != http.StatusOK || started.ID == "" {
		h.t.Fatalf("starting the job: %d %s", r.status, r.body)
	}
	r = h.soap(token, "<"+check+"><asyncProcessId>"+started.ID+"</asyncProcessId><includeDetails>true</includeDetails></"+check+">")
	var answer struct {
		Result []byte `xml:",innerxml"`
	}
	if err := xml.Unmarshal(bytesReplaceResponse(r.body), &struct {
		R *struct {
			Result []byte `xml:",innerxml"`
		} `xml:"Body>Response>result"`
	}{R: &answer}); err != nil || r.status != http.StatusOK {
		h.t.Fatalf("%s: %d %s", check, r.status, r.body)
	}
	if err := xml.Unmarshal(append(append([]byte("<r>"), answer.Result...), "</r>"...), into); err != nil {
		h.t.Fatal(err)
	}
}

// bytesReplaceResponse names every operation's response element "Response" for decoding.
func bytesReplaceResponse(body []byte) []byte {
	s := string(body)
	for _, op := range []string{"deploy", "retrieve", "checkDeployStatus", "checkRetrieveStatus"} {
		s = strings.ReplaceAll(s, "<"+op+"Response>", "<Response>")
		s = strings.ReplaceAll(s, "</"+op+"Response>", "</Response>")
	}
	return []byte(s)
}

func zipOf(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, _ := zw.Create(name)
		_, _ = io.WriteString(w, content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

func deployOf(zip string, checkOnly, rollbackOnError bool) string {
	b := func(v bool) string {
		if v {
			return "true"
		}
		return "false"
	}
	return `<deploy><ZipFile>` + zip + `</ZipFile><DeployOptions><checkOnly>` + b(checkOnly) +
		`</checkOnly><rollbackOnError>` + b(rollbackOnError) + `</rollbackOnError><singlePackage>true</singlePackage></DeployOptions></deploy>`
}

const nsMeta = `xmlns="http://soap.sforce.com/2006/04/metadata"`

// mixedPackage turns the first API Access Control flag on, relabels Terraform_Admin and names an
// app the zip does not hold.
func mixedPackage(t *testing.T) string {
	return zipOf(t, map[string]string{
		"package.xml": `<Package ` + nsMeta + `><types><members>ConnectedApp</members><name>Settings</name></types>` +
			`<types><members>Terraform_Admin</members><members>Missing_App</members><name>ConnectedApp</name></types><version>66.0</version></Package>`,
		"settings/ConnectedApp.settings": `<ConnectedAppSettings ` + nsMeta + `><enableAdminApprovedAppsOnly>true</enableAdminApprovedAppsOnly></ConnectedAppSettings>`,
		"connectedApps/Terraform_Admin.connectedApp": `<ConnectedApp ` + nsMeta + `><contactEmail>admin@acme.test</contactEmail><label>Relabelled</label>` +
			`<oauthConfig><callbackUrl>https://localhost/cb</callbackUrl><consumerKey>MockorgAdminKey0001</consumerKey><isAdminApproved>true</isAdminApproved>` +
			`<isClientCredentialEnabled>true</isClientCredentialEnabled><oauthClientCredentialUser>admin@acme.test</oauthClientCredentialUser><scopes>Api</scopes></oauthConfig></ConnectedApp>`,
	})
}

func TestDeployRollsBackOnErrorInProduction(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	var got deployResult
	h.asyncCall(admin, deployOf(mixedPackage(t), false, false), "checkDeployStatus", &got)
	if !strings.HasPrefix(got.ID, "0Af") || got.Status != "Failed" || got.Success || !got.RollbackOnError || got.Deployed != 0 || got.Errors != 1 || got.Total != 3 {
		t.Errorf("deploy in a production org: %+v; want Failed, rolled back although rollbackOnError was false", got)
	}
	if len(got.Failures) != 1 || got.Failures[0].FullName != "Missing_App" || !strings.Contains(got.Failures[0].Problem, "not found in zipped directory") {
		t.Errorf("failures: %+v", got.Failures)
	}
	snap := h.snapshot()
	if snap.Settings.EnableAdminApprovedAppsOnly {
		t.Error("a rolled-back deploy changed the settings")
	}
}

func TestDeployPartialSaveAndCheckOnly(t *testing.T) {
	seed := DefaultSeed()
	seed.Organization.OrganizationType = "Developer Edition"
	h := newHarness(t, Config{Seed: seed})
	admin := h.adminToken()

	var check deployResult
	h.asyncCall(admin, deployOf(mixedPackage(t), true, false), "checkDeployStatus", &check)
	if !check.CheckOnly || check.Status != "SucceededPartial" || check.Deployed != 2 {
		t.Errorf("checkOnly deploy: %+v", check)
	}
	if h.snapshot().Settings.EnableAdminApprovedAppsOnly {
		t.Fatal("a checkOnly deploy changed the org")
	}

	var got deployResult
	h.asyncCall(admin, deployOf(mixedPackage(t), false, false), "checkDeployStatus", &got)
	if got.Status != "SucceededPartial" || !got.Success || got.RollbackOnError || got.Deployed != 2 || got.Errors != 1 {
		t.Errorf("partial deploy: %+v", got)
	}
	var names []string
	for _, s := range got.Successes {
		names = append(names, s.Type+":"+s.FullName)
		if s.FullName == "Terraform_Admin" && (s.ID != h.appID("Terraform_Admin") || s.Created) {
			t.Errorf("the app's success: %+v, want its id and created=false", s)
		}
	}
	if !slices.Equal(names, []string{":package.xml", "Settings:ConnectedApp", "ConnectedApp:Terraform_Admin"}) {
		t.Errorf("componentSuccesses %v", names)
	}
	snap := h.snapshot()
	if !snap.Settings.EnableAdminApprovedAppsOnly {
		t.Error("the settings change did not take effect")
	}
	for _, a := range snap.ConnectedApps {
		if a.Name == "Terraform_Admin" && a.Label != "Relabelled" {
			t.Errorf("the app was not updated: %+v", a)
		}
	}
}

func TestRetrieveThenDeployBack(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	var got retrieveResult
	h.asyncCall(admin, `<retrieve><request><apiVersion>66.0</apiVersion><singlePackage>true</singlePackage><unpackaged>`+
		`<types><members>*</members><name>ConnectedApp</name></types><types><members>ConnectedApp</members><name>Settings</name></types>`+
		`<types><members>Nope</members><name>ApexClass</name></types><version>66.0</version></unpackaged></request></retrieve>`, "checkRetrieveStatus", &got)
	if !got.Done || got.Status != "Succeeded" || len(got.Messages) != 1 || !strings.Contains(got.Messages[0].Problem, "ApexClass") {
		t.Errorf("retrieve: done %t status %s messages %+v", got.Done, got.Status, got.Messages)
	}
	data, err := base64.StdEncoding.DecodeString(got.ZipFile)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	want := []string{"connectedApps/DataLoader.connectedApp", "connectedApps/Partner_Portal_Mobile.connectedApp",
		"connectedApps/Terraform_Admin.connectedApp", "connectedApps/Workbench.connectedApp", "package.xml", "settings/ConnectedApp.settings"}
	if !slices.Equal(names, want) {
		t.Errorf("zip holds %v, want %v", names, want)
	}
	for _, f := range got.Files {
		if f.FullName == "Terraform_Admin" && (f.Type != "ConnectedApp" || f.ID != h.appID("Terraform_Admin") || f.FileName != "connectedApps/Terraform_Admin.connectedApp") {
			t.Errorf("file properties %+v", f)
		}
	}
	var back deployResult
	h.asyncCall(admin, deployOf(got.ZipFile, false, true), "checkDeployStatus", &back)
	if back.Status != "Succeeded" || back.Deployed != 5 || back.Errors != 0 {
		t.Errorf("deploying the retrieved zip back: %+v", back)
	}
}

// Who may deploy and retrieve is TestPermissionMatrix's; here, what else the file operations answer.
func TestFileOperationFaultsAndDescribe(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	for _, check := range []string{"checkDeployStatus", "checkRetrieveStatus"} {
		op := "<" + check + "><asyncProcessId>0Af5g0000000099CAA</asyncProcessId></" + check + ">"
		if code, _ := h.soap(admin, op).fault(t, http.StatusInternalServerError); code != "sf:INVALID_CROSS_REFERENCE_KEY" {
			t.Errorf("%s of an unknown job: %s", check, code)
		}
	}
	var bad deployResult
	h.asyncCall(admin, deployOf(base64.StdEncoding.EncodeToString([]byte("not a zip")), false, true), "checkDeployStatus", &bad)
	if bad.Status != "Failed" || bad.Success || !strings.Contains(bad.ErrorMessage, "zip") {
		t.Errorf("deploying a file that is no zip: %+v", bad)
	}
	r := h.soap(admin, `<describeMetadata><asOfVersion>66.0</asOfVersion></describeMetadata>`)
	for _, want := range []string{"<xmlName>ConnectedApp</xmlName>", "<directoryName>settings</directoryName>", "<partialSaveAllowed>false</partialSaveAllowed>", "<testRequired>true</testRequired>"} {
		if r.status != http.StatusOK || !strings.Contains(string(r.body), want) {
			t.Errorf("describeMetadata lacks %s: %s", want, r.body)
		}
	}
}
