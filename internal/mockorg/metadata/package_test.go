package metadata

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
)

func filesOf(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

func TestWritePackageLaysOutFilesAsSalesforce(t *testing.T) {
	on, off := true, false
	settings := &ConnectedAppSettings{FullName: SettingsFullName, EnableAdminApprovedAppsOnly: &on, EnableAdminApprovedAppsOnlyForExternalUser: &off}
	app := &ConnectedApp{FullName: "Portal", Label: "Portal", ContactEmail: "a@b.test",
		OAuthConfig: &OAuthConfig{CallbackURL: "https://x.test/cb", Scopes: []string{"Api"}}}
	data, prefix, err := WritePackage([]PackageFile{{PackageTypeSettings, settings}, {PackageTypeConnectedApp, app}}, 66, false)
	if err != nil || prefix != "unpackaged/" {
		t.Fatalf("WritePackage: %q %v", prefix, err)
	}
	files := filesOf(t, data)
	wantSettings := `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedAppSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <enableAdminApprovedAppsOnly>true</enableAdminApprovedAppsOnly>
    <enableAdminApprovedAppsOnlyForExternalUser>false</enableAdminApprovedAppsOnlyForExternalUser>
</ConnectedAppSettings>
`
	if got := files["unpackaged/settings/ConnectedApp.settings"]; got != wantSettings {
		t.Errorf("settings file:\n%s\nwant\n%s", got, wantSettings)
	}
	if got := files["unpackaged/connectedApps/Portal.connectedApp"]; !strings.Contains(got, "\n    <oauthConfig>\n        <callbackUrl>https://x.test/cb</callbackUrl>") || strings.Contains(got, "fullName") {
		t.Errorf("connected app file (nested elements indented, no fullName):\n%s", got)
	}
	wantManifest := `<?xml version="1.0" encoding="UTF-8"?>
<Package xmlns="http://soap.sforce.com/2006/04/metadata">
    <types>
        <members>Portal</members>
        <name>ConnectedApp</name>
    </types>
    <types>
        <members>ConnectedApp</members>
        <name>Settings</name>
    </types>
    <version>66.0</version>
</Package>
`
	if got := files["unpackaged/package.xml"]; got != wantManifest {
		t.Errorf("package.xml:\n%s\nwant\n%s", got, wantManifest)
	}

	// What retrieve writes, deploy reads back, from the unpackaged/ folder.
	comps, err := ReadPackage(data, 66)
	if err != nil || len(comps) != 2 {
		t.Fatalf("ReadPackage: %+v %v", comps, err)
	}
	if s, ok := comps[1].Component.(*ConnectedAppSettings); !ok || s.FullName != SettingsFullName || !*s.EnableAdminApprovedAppsOnly || *s.EnableAdminApprovedAppsOnlyForExternalUser {
		t.Errorf("settings read back: %+v", comps[1])
	}
	if a, ok := comps[0].Component.(*ConnectedApp); !ok || a.FullName != "Portal" || a.OAuthConfig.CallbackURL != "https://x.test/cb" {
		t.Errorf("app read back: %+v", comps[0])
	}
}

func TestReadPackageReportsProblemsPerMember(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"package.xml": `<Package xmlns="` + Namespace + `"><types><members>*</members><name>ConnectedApp</name></types>` +
			`<types><members>Security</members><name>Settings</name></types><types><members>X</members><name>ApexClass</name></types></Package>`,
		"connectedApps/A.connectedApp": `<ConnectedApp xmlns="` + Namespace + `"><label>A</label></ConnectedApp>`,
		"connectedApps/B.connectedApp": `<ConnectedApp xmlns="` + Namespace + `"><nope>1</nope></ConnectedApp>`,
	} {
		w, _ := zw.Create(name)
		_, _ = io.WriteString(w, content)
	}
	_ = zw.Close()
	comps, err := ReadPackage(buf.Bytes(), 66)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range comps {
		got[c.Type+":"+c.FullName] = c.Problem
	}
	want := map[string]string{
		"ConnectedApp:A":    "",
		"ConnectedApp:B":    "invalid at this location in type ConnectedApp",
		"Settings:Security": "only the Settings member ConnectedApp",
		"ApexClass:X":       "Unknown type name 'ApexClass'",
	}
	for k, sub := range want {
		if p, ok := got[k]; !ok || (sub == "" && p != "") || !strings.Contains(p, sub) {
			t.Errorf("%s: problem %q, want one containing %q", k, p, sub)
		}
	}
	if len(got) != len(want) {
		t.Errorf("members %v", got)
	}
	if _, err := ReadPackage([]byte("not a zip"), 66); err == nil {
		t.Error("a file that is no zip was read")
	}
}
