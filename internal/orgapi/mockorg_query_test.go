package orgapi

// Tests against in-process mockorg that need its SOQL endpoint.

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// TestMockorgFullRun drives every call of the client against an in-process org, with logging at
// the most verbose level, and then checks that no secret, token or key reached the logs.
func TestMockorgFullRun(t *testing.T) {
	o := startOrg(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed(), QueryBatchSize: 3})
	logs := &captureLogger{}
	c := o.client(t, func(cfg *Config) { cfg.Logger = logs; cfg.UserAgent = "terraform-provider-sfaccess/test" })
	ctx := context.Background()
	secrets := []string{mockorgtest.AdminClientSecret, mockorg.DefaultPassword}

	id := must[Identity](t, "Identity")(c.Identity(ctx))
	if id.Username != "admin@acme.test" || !strings.HasPrefix(id.OrgID, "00D") || len(id.OrgID) != 18 || !strings.HasPrefix(id.UserID, "005") {
		t.Errorf("Identity = %+v", id)
	}
	secrets = append(secrets, c.tokens.cur.value)

	if !must[bool](t, "FeatureProvisioned")(c.FeatureProvisioned(ctx)) {
		t.Error("the default org has API Access Control provisioned")
	}

	// API Access Control settings: the update carries one field and leaves the other alone.
	tr, fa := true, false
	ok(t, "UpdateConnectedAppSettings", c.UpdateConnectedAppSettings(ctx, ConnectedAppSettings{EnableAdminApprovedAppsOnlyForExternalUser: &tr}))
	settings := must[ConnectedAppSettings](t, "ReadConnectedAppSettings")(c.ReadConnectedAppSettings(ctx))
	if !*settings.EnableAdminApprovedAppsOnlyForExternalUser || *settings.EnableAdminApprovedAppsOnly {
		t.Errorf("settings after update: external %v all %v", *settings.EnableAdminApprovedAppsOnlyForExternalUser, *settings.EnableAdminApprovedAppsOnly)
	}
	ok(t, "reset settings", c.UpdateConnectedAppSettings(ctx, ConnectedAppSettings{EnableAdminApprovedAppsOnlyForExternalUser: &fa}))

	// Visualforce option through the setup extension.
	if !must[bool](t, "ExtensionAvailable")(c.ExtensionAvailable(ctx)) {
		t.Fatal("the mock org serves the setup extension")
	}
	ok(t, "SetAllowVisualforceAPIAccess", c.SetAllowVisualforceAPIAccess(ctx, true))
	if !must[bool](t, "AllowVisualforceAPIAccess")(c.AllowVisualforceAPIAccess(ctx)) {
		t.Error("Visualforce option not set")
	}
	ok(t, "reset Visualforce option", c.SetAllowVisualforceAPIAccess(ctx, false))

	// A connected app whose certificate lets the JWT bearer flow in.
	key := testKey()
	app := &ConnectedApp{
		FullName: "Orgapi_JWT", Label: "Orgapi JWT", ContactEmail: "admin@acme.test", Description: "made by the orgapi tests",
		CallbackURLs: []string{"https://localhost/cb", "https://localhost/cb2"}, Scopes: []string{"Api", "RefreshToken"},
		Certificate: mockorgtest.SelfSignedCert(t, key), ConsumerKey: "OrgapiJwtKey0000000000000000000000000001", ConsumerSecret: "OrgapiJwtSecret000000001",
		IPRelaxation: "BYPASS", RefreshTokenPolicy: "infinite", StartURL: "https://localhost/start",
	}
	secrets = append(secrets, app.ConsumerSecret)
	ok(t, "CreateConnectedApp", c.CreateConnectedApp(ctx, app))
	got := must[*ConnectedApp](t, "ReadConnectedApp")(c.ReadConnectedApp(ctx, app.FullName))
	if got.Label != app.Label || !slices.Equal(got.CallbackURLs, app.CallbackURLs) || !slices.Equal(got.Scopes, app.Scopes) ||
		got.ConsumerKey != app.ConsumerKey || got.ConsumerSecret != "" || got.IPRelaxation != "BYPASS" || got.Certificate == "" || got.StartURL != app.StartURL {
		t.Errorf("read back %+v", got)
	}
	app.Label = "Orgapi JWT v2"
	app.IsAdminApproved = false
	ok(t, "UpdateConnectedApp", c.UpdateConnectedApp(ctx, app))
	apps := must[map[string]*ConnectedApp](t, "ReadConnectedApps")(c.ReadConnectedApps(ctx, []string{"Orgapi_JWT", "Terraform_Admin", "No_Such_App"}))
	if len(apps) != 2 || apps["Orgapi_JWT"].Label != "Orgapi JWT v2" || apps["Terraform_Admin"].ClientCredentialUser != "admin@acme.test" {
		t.Errorf("ReadConnectedApps = %v", apps)
	}
	files := must[[]MetadataFile](t, "ListConnectedApps")(c.ListConnectedApps(ctx))
	if !slices.ContainsFunc(files, func(f MetadataFile) bool { return f.FullName == "Orgapi_JWT" && strings.HasPrefix(f.ID, "0H4") }) {
		t.Errorf("ListConnectedApps = %+v", files)
	}

	// The app lets users self-authorize: the JWT bearer flow needs the admin's prior approval,
	// which the web server flow records.
	o.Session(t, map[string]string{"username": "admin@acme.test", "connected_app": app.FullName})
	jc, err := New(Config{InstanceURL: o.URL, ClientID: app.ConsumerKey, Username: "admin@acme.test", PrivateKeyPEM: pkcs1PEM(key), Logger: logs})
	ok(t, "New (JWT)", err)
	jid := must[Identity](t, "Identity (JWT)")(jc.Identity(ctx))
	if jid.Username != "admin@acme.test" || jid.OrgID != id.OrgID {
		t.Errorf("JWT identity %+v", jid)
	}
	secrets = append(secrets, jc.tokens.cur.value)

	// ConnectedApplication records and the OAuth Usage page.
	capp := must[*ConnectedApplication](t, "ConnectedApplicationByName")(c.ConnectedApplicationByName(ctx, "Orgapi_JWT"))
	if !strings.HasPrefix(capp.ID, "0H4") || capp.Name != "Orgapi_JWT" || capp.Label != "Orgapi JWT v2" {
		t.Errorf("ConnectedApplication %+v", capp)
	}
	all := must[[]ConnectedApplication](t, "ConnectedApplications")(c.ConnectedApplications(ctx))
	if len(all) != 5 {
		t.Errorf("%d ConnectedApplications, want the 4 seeded and the new one", len(all))
	}
	usage := must[[]OAuthUsageApp](t, "OAuthUsage")(c.OAuthUsage(ctx))
	if i := slices.IndexFunc(usage, func(a OAuthUsageApp) bool { return a.ID == capp.ID }); i < 0 || !usage[i].Local || !usage[i].Installed {
		t.Errorf("OAuth usage %+v", usage)
	}
	inst := must[*Installation](t, "SetBlocked")(c.SetBlocked(ctx, capp.ID, true))
	if !inst.Blocked || !inst.Installed {
		t.Errorf("after blocking %+v", inst)
	}
	ok(t, "Uninstall", c.Uninstall(ctx, capp.ID))
	if _, err := c.Installation(ctx, capp.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Installation after uninstall: %v", err)
	}
	if err := c.Uninstall(ctx, capp.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Uninstall: %v", err)
	}
	inst = must[*Installation](t, "Install")(c.Install(ctx, capp.ID, false))
	if !inst.Installed || inst.Blocked || inst.ConnectedAppID != capp.ID {
		t.Errorf("after install %+v", inst)
	}
	inst = must[*Installation](t, "Installation")(c.Installation(ctx, capp.ID))
	if !inst.Installed {
		t.Errorf("Installation %+v", inst)
	}

	// Users and profiles.
	users := must[[]User](t, "Users")(c.Users(ctx))
	if len(users) != 9 {
		t.Errorf("%d users over pages of 3, want 9", len(users))
	}
	partner := must[*User](t, "UserByUsername")(c.UserByUsername(ctx, "partner@acme.test"))
	if partner.UserType != "PowerPartner" || partner.ProfileName != "Partner Community User" || !partner.IsActive || !strings.HasPrefix(partner.ID, "005") {
		t.Errorf("partner %+v", partner)
	}
	if _, err := c.UserByUsername(ctx, "x' OR Username != '"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an injection attempt must find nothing: %v", err)
	}
	profiles := must[[]Profile](t, "Profiles")(c.Profiles(ctx))
	if len(profiles) != 8 {
		t.Errorf("%d profiles, want 8", len(profiles))
	}
	profile := must[*Profile](t, "ProfileByName")(c.ProfileByName(ctx, "Partner Community User"))
	if !strings.HasPrefix(profile.PermissionSetID, "0PS") || profile.UserType != "PowerPartner" {
		t.Errorf("profile %+v", profile)
	}

	// Permission sets, assignments and grants.
	psID := must[string](t, "CreatePermissionSet")(c.CreatePermissionSet(ctx, PermissionSet{Name: "Orgapi_PS", Label: "Orgapi PS", Description: "d", Permissions: []string{"UseAnyApiClient", "ApiEnabled"}}))
	ps := must[*PermissionSet](t, "PermissionSetByName")(c.PermissionSetByName(ctx, "Orgapi_PS"))
	if ps.ID != psID || !slices.Equal(ps.Permissions, []string{"ApiEnabled", "UseAnyApiClient"}) || ps.IsOwnedByProfile {
		t.Errorf("permission set %+v", ps)
	}
	ok(t, "UpdatePermissionSet", c.UpdatePermissionSet(ctx, PermissionSet{ID: psID, Label: "Orgapi PS 2", Permissions: []string{"ApiEnabled"}}))
	ps = must[*PermissionSet](t, "PermissionSetByID")(c.PermissionSetByID(ctx, psID))
	if ps.Label != "Orgapi PS 2" || !slices.Equal(ps.Permissions, []string{"ApiEnabled"}) {
		t.Errorf("after update %+v", ps)
	}
	sets := must[[]PermissionSet](t, "PermissionSets")(c.PermissionSets(ctx))
	if !slices.ContainsFunc(sets, func(p PermissionSet) bool { return p.IsOwnedByProfile && p.ProfileID == profile.ID }) {
		t.Error("PermissionSets lacks the profile-owned ones")
	}
	asgID := must[string](t, "AssignPermissionSet")(c.AssignPermissionSet(ctx, psID, partner.ID))
	asgs := must[[]PermissionSetAssignment](t, "PermissionSetAssignments")(c.PermissionSetAssignments(ctx))
	if !slices.Contains(asgs, PermissionSetAssignment{ID: asgID, PermissionSetID: psID, PermissionSetName: "Orgapi_PS", AssigneeID: partner.ID, Username: "partner@acme.test"}) {
		t.Errorf("assignments %+v", asgs)
	}
	ok(t, "DeletePermissionSetAssignment", c.DeletePermissionSetAssignment(ctx, asgID))
	grantID := must[string](t, "GrantConnectedApp")(c.GrantConnectedApp(ctx, psID, capp.ID))
	profileGrant := must[string](t, "GrantConnectedApp to a profile")(c.GrantConnectedApp(ctx, profile.PermissionSetID, capp.ID))
	grants := must[[]SetupEntityAccess](t, "SetupEntityAccesses")(c.SetupEntityAccesses(ctx))
	for _, g := range []SetupEntityAccess{{grantID, psID, capp.ID}, {profileGrant, profile.PermissionSetID, capp.ID}} {
		if !slices.Contains(grants, g) {
			t.Errorf("grant %+v missing from %+v", g, grants)
		}
	}
	ok(t, "RevokeConnectedAppGrant", c.RevokeConnectedAppGrant(ctx, grantID))
	ok(t, "RevokeConnectedAppGrant (profile)", c.RevokeConnectedAppGrant(ctx, profileGrant))
	ok(t, "DeletePermissionSet", c.DeletePermissionSet(ctx, psID))
	if _, err := c.PermissionSetByID(ctx, psID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted permission set: %v", err)
	}

	// Plain sObject calls.
	genID := must[string](t, "CreateRecord")(c.CreateRecord(ctx, "PermissionSet", map[string]any{"Name": "Orgapi_Generic", "Label": "Generic"}))
	ok(t, "UpdateRecord", c.UpdateRecord(ctx, "PermissionSet", genID, map[string]any{"Label": "Generic 2"}))
	var rec struct{ Label string }
	ok(t, "GetRecord", c.GetRecord(ctx, "PermissionSet", genID, &rec))
	if rec.Label != "Generic 2" {
		t.Errorf("GetRecord label %q", rec.Label)
	}
	ok(t, "DeleteRecord", c.DeleteRecord(ctx, "PermissionSet", genID))
	if err := c.GetRecord(ctx, "PermissionSet", genID, &rec); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetRecord after delete: %v", err)
	}

	limits := must[map[string]Limit](t, "Limits")(c.Limits(ctx))
	if limits["DailyApiRequests"].Max == 0 {
		t.Errorf("limits %v", limits)
	}
	if used, limit, ok := c.APIUsage(); !ok || used == 0 || limit != limits["DailyApiRequests"].Max {
		t.Errorf("APIUsage %d/%d %v", used, limit, ok)
	}

	ok(t, "DeleteConnectedApp", c.DeleteConnectedApp(ctx, app.FullName))
	if _, err := c.ReadConnectedApp(ctx, app.FullName); !errors.Is(err, ErrNotFound) {
		t.Errorf("read after delete: %v", err)
	}
	if err := c.DeleteConnectedApp(ctx, app.FullName); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}

	text := logs.text()
	if !strings.Contains(text, "TRACE answer body") || !strings.Contains(text, "readMetadataResponse") {
		t.Fatal("trace logging did not record answer bodies; the check below would prove nothing")
	}
	secrets = append(secrets, strings.Split(strings.TrimSpace(pkcs1PEM(key)), "\n")[1:4]...)
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("the logs contain a secret (%d characters, starting %.4s…)", len(s), s)
		}
	}
	for _, marker := range []string{"Bearer 00D", "<met:sessionId>00D", "PRIVATE KEY-----\n"} {
		if strings.Contains(text, marker) {
			t.Errorf("the logs contain %q", marker)
		}
	}
}

func TestMockorgQueryPagesAcrossBatches(t *testing.T) {
	o := startOrg(t, mockorg.Config{QueryBatchSize: 2})
	c := o.client(t, nil)
	ctx := context.Background()
	_ = must[Identity](t, "Identity")(c.Identity(ctx)) // authenticate before counting
	o.ResetStats(t)
	var names []string
	ok(t, "Query", c.Query(ctx, "SELECT Id, Username FROM User", func(raw json.RawMessage) error {
		var u struct{ Username string }
		if err := json.Unmarshal(raw, &u); err != nil {
			return err
		}
		names = append(names, u.Username)
		return nil
	}))
	slices.Sort(names)
	if len(names) != 9 || len(slices.Compact(slices.Clone(names))) != 9 {
		t.Errorf("usernames %v", names)
	}
	if st := o.Stats(t); st.Requests != 5 {
		t.Errorf("%d requests for 9 records in pages of 2, want 5", st.Requests)
	}
}

func TestMockorgFailAfterCommitDoesNotDuplicate(t *testing.T) {
	o := startOrg(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	c := o.client(t, nil)
	ctx := context.Background()
	partner := must[*User](t, "UserByUsername")(c.UserByUsername(ctx, "partner@acme.test"))
	o.Faults(t, map[string]any{"after_commit_rate": 1})
	o.ResetStats(t)

	app := &ConnectedApp{FullName: "Orgapi_Commit", Label: "Commit", ContactEmail: "admin@acme.test", CallbackURLs: []string{"https://localhost/cb"}, Scopes: []string{"Api"}}
	ok(t, "CreateConnectedApp", c.CreateConnectedApp(ctx, app))
	psID := must[string](t, "CreatePermissionSet")(c.CreatePermissionSet(ctx, PermissionSet{Name: "Orgapi_Commit", Label: "Commit"}))
	asgID := must[string](t, "AssignPermissionSet")(c.AssignPermissionSet(ctx, psID, partner.ID))
	capp := must[*ConnectedApplication](t, "ConnectedApplicationByName")(c.ConnectedApplicationByName(ctx, "Orgapi_Commit"))
	grantID := must[string](t, "GrantConnectedApp")(c.GrantConnectedApp(ctx, psID, capp.ID))
	if st := o.Stats(t); st.Requests <= 8 {
		t.Fatalf("%d requests: the writes were not retried, so the faults did not fire", st.Requests)
	}

	o.Faults(t, map[string]any{"rate": 0})
	files := must[[]MetadataFile](t, "ListConnectedApps")(c.ListConnectedApps(ctx))
	if n := countFunc(files, func(f MetadataFile) bool { return f.FullName == "Orgapi_Commit" }); n != 1 {
		t.Errorf("%d apps named Orgapi_Commit", n)
	}
	sets := must[[]PermissionSet](t, "PermissionSets")(c.PermissionSets(ctx))
	if n := countFunc(sets, func(p PermissionSet) bool { return p.Name == "Orgapi_Commit" }); n != 1 {
		t.Errorf("%d permission sets named Orgapi_Commit", n)
	}
	asgs := must[[]PermissionSetAssignment](t, "PermissionSetAssignments")(c.PermissionSetAssignments(ctx))
	if n := countFunc(asgs, func(a PermissionSetAssignment) bool { return a.PermissionSetID == psID }); n != 1 || asgs[slices.IndexFunc(asgs, func(a PermissionSetAssignment) bool { return a.PermissionSetID == psID })].ID != asgID {
		t.Errorf("%d assignments of the permission set", n)
	}
	grants := must[[]SetupEntityAccess](t, "SetupEntityAccesses")(c.SetupEntityAccesses(ctx))
	if n := countFunc(grants, func(g SetupEntityAccess) bool { return g.ParentID == psID }); n != 1 || !slices.Contains(grants, SetupEntityAccess{grantID, psID, capp.ID}) {
		t.Errorf("%d grants to the permission set", n)
	}

	// Deletes answered 503 after they happened: the retry finds nothing and that is success.
	o.Faults(t, map[string]any{"after_commit_rate": 1})
	ok(t, "RevokeConnectedAppGrant", c.RevokeConnectedAppGrant(ctx, grantID))
	ok(t, "DeletePermissionSetAssignment", c.DeletePermissionSetAssignment(ctx, asgID))
	ok(t, "DeletePermissionSet", c.DeletePermissionSet(ctx, psID))
	ok(t, "DeleteConnectedApp", c.DeleteConnectedApp(ctx, app.FullName))
}

func countFunc[T any](s []T, f func(T) bool) int {
	n := 0
	for _, v := range s {
		if f(v) {
			n++
		}
	}
	return n
}

func TestMockorgConcurrentUse(t *testing.T) {
	o := startOrg(t, mockorg.Config{QueryBatchSize: 4})
	c := o.client(t, nil)
	ctx := context.Background()
	o.Faults(t, map[string]any{"rate": 0.2, "statuses": []int{503}, "seed": 3})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 16 {
		wg.Go(func() {
			var err error
			switch i % 4 {
			case 0:
				_, err = c.Users(ctx)
			case 1:
				_, err = c.ReadConnectedAppSettings(ctx)
			case 2:
				_, err = c.OAuthUsage(ctx)
			case 3:
				var id string
				if id, err = c.CreatePermissionSet(ctx, PermissionSet{Name: "Orgapi_C" + string(rune('a'+i)), Label: "C"}); err == nil {
					err = c.DeletePermissionSet(ctx, id)
				}
			}
			if err != nil {
				errs <- err
			}
			_, _, _ = c.APIUsage()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if st := o.Stats(t); st.ByOperation["oauth:token"] != 1 {
		t.Errorf("%d token requests from 16 concurrent callers, want 1", st.ByOperation["oauth:token"])
	}
}

func TestMockorgWithoutAPIAccessControlProvisioned(t *testing.T) {
	seed := mockorg.DefaultSeed()
	seed.Organization.APIAccessControlProvisioned = false
	o := startOrg(t, mockorg.Config{Seed: seed})
	c := o.client(t, nil)
	ctx := context.Background()
	if prov, err := c.FeatureProvisioned(ctx); err != nil || prov {
		t.Fatalf("FeatureProvisioned = %v %v", prov, err)
	}
	tr, fa := true, false
	err := c.UpdateConnectedAppSettings(ctx, ConnectedAppSettings{EnableAdminApprovedAppsOnlyForExternalUser: &tr})
	e := mustKind(t, err, KindFeatureNotProvisioned)
	if !slices.Equal(e.Fields, []string{"enableAdminApprovedAppsOnlyForExternalUser"}) || !strings.Contains(err.Error(), "Customer Support") {
		t.Errorf("%v fields %v", err, e.Fields)
	}
	// Switching a flag off, or reading, works in any org.
	ok(t, "switching off", c.UpdateConnectedAppSettings(ctx, ConnectedAppSettings{EnableAdminApprovedAppsOnly: &fa}))
	// Permission sets are read and written without the column the org lacks.
	sets := must[[]PermissionSet](t, "PermissionSets")(c.PermissionSets(ctx))
	if len(sets) == 0 {
		t.Fatal("no permission sets")
	}
	id := must[string](t, "CreatePermissionSet")(c.CreatePermissionSet(ctx, PermissionSet{Name: "Orgapi_NoAAC", Label: "x", Permissions: []string{"ApiEnabled"}}))
	ok(t, "UpdatePermissionSet", c.UpdatePermissionSet(ctx, PermissionSet{ID: id, Label: "y"}))
	_, err = c.CreatePermissionSet(ctx, PermissionSet{Name: "Orgapi_Bypass", Label: "x", Permissions: []string{"UseAnyApiClient"}})
	requireKind(t, err, KindFeatureNotProvisioned)
}

func TestMockorgIdentityOfAPreIssuedToken(t *testing.T) {
	o := startOrg(t, mockorg.Config{})
	admin := o.client(t, nil)
	want := must[Identity](t, "Identity")(admin.Identity(context.Background()))
	tok := o.MustToken(t, "admin@acme.test", "Terraform_Admin")
	c := o.client(t, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret, cfg.AccessToken = "", "", tok })
	got := must[Identity](t, "Identity")(c.Identity(context.Background()))
	if got.OrgID != want.OrgID {
		t.Errorf("org %q, want %q", got.OrgID, want.OrgID)
	}
}

// Permission set reads do not probe the org for its permission columns: the first read asks for
// all of them and learns from the answer, so an org with API Access Control pays no extra call
// and round trip, and one without it pays one call, once.
func TestPermissionSetReadsLearnTheColumnsFromTheirAnswer(t *testing.T) {
	for _, provisioned := range []bool{true, false} {
		seed := mockorg.DefaultSeed()
		seed.Organization.APIAccessControlProvisioned = provisioned
		o := startOrg(t, mockorg.Config{Seed: seed})
		c := o.client(t, nil)
		ctx := context.Background()
		ok(t, "authenticating", c.Authenticate(ctx))
		o.ResetStats(t)
		if _, err := c.PermissionSets(ctx); err != nil {
			t.Fatalf("provisioned %v: PermissionSets: %v", provisioned, err)
		}
		if _, err := c.PermissionSetByName(ctx, "No_Such_Set"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("provisioned %v: PermissionSetByName: %v", provisioned, err)
		}
		want := 2 // one query each
		if !provisioned {
			want = 3 // and the first asked again without UseAnyApiClient
		}
		if got := o.Stats(t).ByOperation["rest:query"]; got != want {
			t.Errorf("provisioned %v: %d queries, want %d", provisioned, got, want)
		}
	}
}

func normalized(t *testing.T, id string) string {
	t.Helper()
	if id == "" {
		return ""
	}
	n, err := sfid.Normalize(id)
	if err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return n
}

// A grant read is one query whatever holds the grant: the names of its permission set, or of the
// profile whose own permission set it is, come with it (Parent.Profile.Name).
func TestReadConnectedAppGrantIsOneQuery(t *testing.T) {
	o := startOrg(t, mockorg.Config{})
	ctx := context.Background()
	setup := o.client(t, nil)
	profile := must[*Profile](t, "ProfileByName")(setup.ProfileByName(ctx, "Partner Community User"))
	appID := must[string](t, "ConnectedAppID")(setup.ConnectedAppID(ctx, "Workbench"))
	psID := must[string](t, "CreatePermissionSet")(setup.CreatePermissionSet(ctx, PermissionSet{Name: "Orgapi_Grant_Holder", Label: "x"}))
	for _, tc := range []struct {
		parent, profileName, permissionSetName string
	}{
		{profile.PermissionSetID, "Partner Community User", ""},
		{psID, "", "Orgapi_Grant_Holder"},
	} {
		grantID := must[string](t, "GrantConnectedApp")(setup.GrantConnectedApp(ctx, tc.parent, appID))
		c := o.client(t, nil) // nothing kept from another read
		ok(t, "authenticating", c.Authenticate(ctx))
		o.ResetStats(t)
		g, err := c.ReadConnectedAppGrant(ctx, grantID)
		if err != nil || g.ProfileName != tc.profileName || g.PermissionSetName != tc.permissionSetName || g.ConnectedAppName != "Workbench" {
			t.Fatalf("grant of %s: %+v %v", tc.parent, g, err)
		}
		if got, want := normalized(t, g.ProfileID), normalized(t, profile.ID); tc.profileName != "" && got != want {
			t.Errorf("grant of the profile: ProfileID %q, want %q", got, want)
		}
		if got := o.Stats(t).ByOperation["rest:query"]; got != 1 {
			t.Errorf("grant of %s: %d queries, want 1", tc.parent, got)
		}
	}
}

// The whole profile list answers later look-ups of one profile by name without a query, until the
// client writes something that could change profiles.
func TestProfileListServesLookUpsUntilAWrite(t *testing.T) {
	o := startOrg(t, mockorg.Config{})
	ctx := context.Background()
	c := o.client(t, nil)
	ok(t, "authenticating", c.Authenticate(ctx))
	profiles := must[[]Profile](t, "Profiles")(c.Profiles(ctx))
	o.ResetStats(t)
	byName := must[*Profile](t, "ProfileByName")(c.ProfileByName(ctx, "Partner Community User"))
	if !slices.Contains(profiles, *byName) || byName.PermissionSetID == "" {
		t.Errorf("by name %+v, want the listed profile with its own permission set", byName)
	}
	if n := o.Stats(t).ByOperation["rest:query"]; n != 0 {
		t.Errorf("%d queries after the profile list was read, want 0", n)
	}
	must[string](t, "CreatePermissionSet")(c.CreatePermissionSet(ctx, PermissionSet{Name: "Orgapi_After_List", Label: "x"}))
	o.ResetStats(t)
	must[*Profile](t, "ProfileByName after a write")(c.ProfileByName(ctx, "Partner Community User"))
	if n := o.Stats(t).ByOperation["rest:query"]; n == 0 {
		t.Error("a look-up after a write was answered from the list read before it")
	}
}
