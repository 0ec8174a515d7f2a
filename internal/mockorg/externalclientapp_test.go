package mockorg

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
)

// decideECA asks /__mockorg/decide about a user through an ECA.
func (h *harness) decideECA(username, eca string) (allowed bool, rule string) {
	h.t.Helper()
	resp := h.control(http.MethodPost, "/__mockorg/decide", map[string]string{"username": username, "external_client_app": eca})
	var out struct {
		Allowed bool   `json:"allowed"`
		Rule    string `json:"rule"`
	}
	resp.json(h.t, &out)
	if resp.status != http.StatusOK {
		h.t.Fatalf("decide: %d %s", resp.status, resp.body)
	}
	return out.Allowed, out.Rule
}

func (h *harness) ecaSession(username, eca string) webServerTokens {
	h.t.Helper()
	resp := h.control(http.MethodPost, "/__mockorg/sessions", map[string]string{"username": username, "external_client_app": eca})
	var tok webServerTokens
	resp.json(h.t, &tok)
	if resp.status != http.StatusOK {
		h.t.Fatalf("session through %s: %d %s", eca, resp.status, resp.body)
	}
	return tok
}

func (h *harness) clientCredentials(key, secret string) response {
	h.t.Helper()
	return h.tokenRequest(url.Values{"grant_type": {"client_credentials"}, "client_id": {key}, "client_secret": {secret}})
}

func (h *harness) ecaID(name string) string {
	h.t.Helper()
	for _, e := range h.snapshot().ExternalClientApps {
		if e.Name == name {
			return e.ID
		}
	}
	h.t.Fatalf("no external client app %s", name)
	return ""
}

// giveUseAnyAPIClient assigns the user a new permission set holding Use Any API Client.
func (h *harness) giveUseAnyAPIClient(t *testing.T, username string) {
	t.Helper()
	admin := h.adminToken()
	resp := h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin,
		map[string]any{"Name": "Bypass", "Label": "Bypass", "PermissionsUseAnyApiClient": true})
	h.mustStatus(t, resp, http.StatusCreated)
	var created struct{ ID string }
	resp.json(t, &created)
	h.mustStatus(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSetAssignment", admin,
		map[string]string{"PermissionSetId": created.ID, "AssigneeId": h.userID(username)}), http.StatusCreated)
}

func TestEmbeddedECAsDecideByTheirOwnRules(t *testing.T) {
	h := newHarness(t, Config{})
	tests := []struct {
		user, eca string
		allowed   bool
		rule      string
	}{
		{"admin@acme.test", "Acme_Sync", true, access.RuleECABypassUseAnyAPIClient},
		{"employee@acme.test", "Acme_Sync", true, access.RuleECAAllowed},
		{"partner@acme.test", "Acme_Sync", false, access.RuleECANotAdminApproved},
		{"inactive@acme.test", "Acme_Sync", false, access.RuleUserInactive},
		{"admin@acme.test", "Partner_Self_Service", false, access.RuleECAOAuthPluginDisabled},
		{"customer@acme.test", "Partner_Self_Service", false, access.RuleECAOAuthPluginDisabled},
	}
	for _, tt := range tests {
		if allowed, rule := h.decideECA(tt.user, tt.eca); allowed != tt.allowed || rule != tt.rule {
			t.Errorf("%s through %s: allowed=%v rule=%s, want %v %s", tt.user, tt.eca, allowed, rule, tt.allowed, tt.rule)
		}
	}
	// The API Access Control limits do not govern ECAs.
	h.mustSOAPSuccess(t, h.adminToken(), updateSettings(map[string]bool{"enableAdminApprovedAppsOnly": true}))
	if allowed, rule := h.decideECA("employee@acme.test", "Acme_Sync"); !allowed || rule != access.RuleECAAllowed {
		t.Errorf("with the all-users limit on, employee through Acme_Sync: %v %s", allowed, rule)
	}
	h.giveUseAnyAPIClient(t, "partner@acme.test")
	if allowed, rule := h.decideECA("partner@acme.test", "Acme_Sync"); !allowed || rule != access.RuleECABypassUseAnyAPIClient {
		t.Errorf("partner with Use Any API Client through Acme_Sync, which grants them nothing: %v %s", allowed, rule)
	}
	if r := h.rest(http.MethodGet, "/services/data/v66.0/limits", h.ecaSession("partner@acme.test", "Acme_Sync").AccessToken, nil); r.status != http.StatusOK {
		t.Errorf("API call with the partner's Acme_Sync token: %d %s", r.status, r.body)
	}

	resp := h.clientCredentials("AcmeSyncKey0001", "AcmeSyncSecret0001")
	var tok tokenAnswer
	resp.json(t, &tok)
	if resp.status != http.StatusOK || tok.Scope != "api refresh_token" {
		t.Fatalf("client credentials through Acme_Sync: %d %s", resp.status, resp.body)
	}
	if r := h.rest(http.MethodGet, "/services/data/v66.0/limits", tok.AccessToken, nil); r.status != http.StatusOK {
		t.Errorf("API call with the ECA's token: %d %s", r.status, r.body)
	}
	if r := h.clientCredentials("AcmeSyncKey0001", "wrong"); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "invalid_client") {
		t.Errorf("wrong secret: %d %s", r.status, r.body)
	}
	if r := h.clientCredentials("PartnerSelfServiceKey01", "PartnerSelfServiceSecret01"); !strings.Contains(string(r.body), "no client credentials user enabled") {
		t.Errorf("client credentials through an ECA without the flow: %d %s", r.status, r.body)
	}
}

const ecaDefinition = `<createMetadata>
<metadata xsi:type="ExternalClientApplication"><fullName>Billing_Sync</fullName><contactEmail>admin@acme.test</contactEmail><distributionState>Local</distributionState><label>Billing Sync</label></metadata>
<metadata xsi:type="ExtlClntAppOauthSettings"><fullName>Billing_Sync_oauth</fullName><commaSeparatedOauthScopes>Api</commaSeparatedOauthScopes><externalClientApplication>Billing_Sync</externalClientApplication></metadata>
<metadata xsi:type="ExtlClntAppGlobalOauthSettings"><fullName>Billing_Sync_glbloauth</fullName><callbackUrl>https://localhost/cb</callbackUrl><externalClientApplication>Billing_Sync</externalClientApplication></metadata>
<metadata xsi:type="ExtlClntAppOauthConfigurablePolicies"><fullName>Billing_Sync_oauthPlcy</fullName><externalClientApplication>Billing_Sync</externalClientApplication></metadata>
</createMetadata>`

func TestECALifecycleThroughTheMetadataAPI(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	results := h.mustSOAPSuccess(t, admin, ecaDefinition)
	if len(results) != 4 {
		t.Fatalf("results: %+v", results)
	}
	read := h.soap(admin, `<readMetadata><type>ExtlClntAppGlobalOauthSettings</type><fullNames>Billing_Sync_glbloauth</fullNames></readMetadata>`)
	if !strings.Contains(string(read.body), "<consumerKey>3MVG9") || strings.Contains(string(read.body), "consumerSecret") {
		t.Fatalf("the generated consumer key is read back, the secret never: %s", read.body)
	}
	header := h.soap(admin, `<readMetadata><type>ExternalClientApplication</type><fullNames>Billing_Sync</fullNames></readMetadata>`)
	if !strings.Contains(string(header.body), "<orgScopedExternalApp>00D") {
		t.Errorf("orgScopedExternalApp is filled in: %s", header.body)
	}
	list := h.soap(admin, `<listMetadata><queries><type>ExternalClientApplication</type></queries></listMetadata>`)
	for _, name := range []string{"externalClientApps/Billing_Sync.eca", "externalClientApps/Acme_Sync.eca"} {
		if !strings.Contains(string(list.body), name) {
			t.Errorf("listMetadata lacks %s: %s", name, list.body)
		}
	}

	// A new ECA starts closed: a user's session through it is refused until a grant.
	session := h.ecaSession("employee@acme.test", "Billing_Sync")
	if r := h.rest(http.MethodGet, "/services/data/v66.0/limits", session.AccessToken, nil); r.status != http.StatusUnauthorized {
		t.Fatalf("a closed ECA's token: %d %s", r.status, r.body)
	}
	grant := `<updateMetadata><metadata xsi:type="ExtlClntAppOauthConfigurablePolicies"><fullName>Billing_Sync_oauthPlcy</fullName>
<commaSeparatedProfile>Standard User</commaSeparatedProfile><externalClientApplication>Billing_Sync</externalClientApplication>
<permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType></metadata></updateMetadata>`
	h.mustSOAPSuccess(t, admin, grant)
	if r := h.rest(http.MethodGet, "/services/data/v66.0/limits", session.AccessToken, nil); r.status != http.StatusOK {
		t.Fatalf("the grant admits the same token: %d %s", r.status, r.body)
	}

	// The OAuth plugin switch refuses everyone at once.
	h.mustSOAPSuccess(t, admin, `<createMetadata><metadata xsi:type="ExtlClntAppConfigurablePolicies"><fullName>Billing_Sync_plcy</fullName>
<externalClientApplication>Billing_Sync</externalClientApplication><isEnabled>true</isEnabled><isOauthPluginEnabled>false</isOauthPluginEnabled></metadata></createMetadata>`)
	r := h.rest(http.MethodGet, "/services/data/v66.0/limits", session.AccessToken, nil)
	if r.status != http.StatusUnauthorized || r.restError(t).Message != access.MessageAppBlocked {
		t.Fatalf("plugin off: %d %s", r.status, r.body)
	}

	// Refusals in Salesforce's shapes.
	dup := h.soap(admin, ecaDefinition).soapAnswer(t).Body.Response.Results
	if dup[0].Success || dup[0].Errors[0].StatusCode != "DUPLICATE_VALUE" {
		t.Errorf("creating an existing ECA: %+v", dup[0])
	}
	orphan := h.soap(admin, `<createMetadata><metadata xsi:type="ExtlClntAppOauthSettings"><fullName>X_oauth</fullName><externalClientApplication>Nope</externalClientApplication></metadata></createMetadata>`).soapAnswer(t).Body.Response.Results
	if orphan[0].Success || orphan[0].Errors[0].StatusCode != "INVALID_CROSS_REFERENCE_KEY" {
		t.Errorf("a plugin of a missing ECA: %+v", orphan[0])
	}
	rekey := h.soap(admin, `<updateMetadata><metadata xsi:type="ExtlClntAppGlobalOauthSettings"><fullName>Billing_Sync_glbloauth</fullName><consumerKey>Other</consumerKey><externalClientApplication>Billing_Sync</externalClientApplication></metadata></updateMetadata>`).soapAnswer(t).Body.Response.Results
	if rekey[0].Success || rekey[0].Errors[0].StatusCode != "FIELD_INTEGRITY_EXCEPTION" {
		t.Errorf("changing the consumer key: %+v", rekey[0])
	}
	badGrant := h.soap(admin, strings.Replace(grant, "Standard User", "No Such Profile", 1)).soapAnswer(t).Body.Response.Results
	if badGrant[0].Success || badGrant[0].Errors[0].Fields[0] != "commaSeparatedProfile" {
		t.Errorf("a grant to a missing profile: %+v", badGrant[0])
	}

	// Deleting the header takes the app, its plugins and its tokens.
	h.mustSOAPSuccess(t, admin, `<deleteMetadata><type>ExternalClientApplication</type><fullNames>Billing_Sync</fullNames></deleteMetadata>`)
	for _, e := range h.snapshot().ExternalClientApps {
		if e.Name == "Billing_Sync" {
			t.Fatal("the ECA survived deleting its header")
		}
	}
	if r := h.rest(http.MethodGet, "/services/data/v66.0/limits", session.AccessToken, nil); r.status != http.StatusUnauthorized {
		t.Errorf("a deleted ECA's token: %d", r.status)
	}
}

func TestECACredentialsRotateThroughStagedCredentials(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	appID := h.ecaID("Acme_Sync")
	base := "/services/data/v66.0/apps/oauth/credentials/" + appID
	var consumers struct {
		Consumers []ecaConsumer `json:"consumers"`
	}
	h.rest(http.MethodGet, base, admin, nil).json(t, &consumers)
	if len(consumers.Consumers) != 1 || consumers.Consumers[0].Key != "AcmeSyncKey0001" {
		t.Fatalf("consumers: %+v", consumers)
	}
	consumer := base + "/" + consumers.Consumers[0].ID
	var both ecaCredentials
	h.rest(http.MethodGet, consumer+"?part=keyandsecret", admin, nil).json(t, &both)
	if both.Key != "AcmeSyncKey0001" || both.Secret != "AcmeSyncSecret0001" {
		t.Fatalf("key and secret: %+v", both)
	}

	stage := h.rest(http.MethodPost, consumer+"/staged", admin, nil)
	var staged ecaCredentials
	stage.json(t, &staged)
	if stage.status != http.StatusCreated || staged.Secret == "" || staged.Key == both.Key {
		t.Fatalf("stage: %d %s", stage.status, stage.body)
	}
	if r := h.clientCredentials(staged.Key, staged.Secret); r.status != http.StatusOK {
		t.Fatalf("staged credentials before promotion: %d %s", r.status, r.body)
	}
	if r := h.clientCredentials(both.Key, both.Secret); r.status != http.StatusOK {
		t.Fatalf("current credentials while others are staged: %d %s", r.status, r.body)
	}
	if r := h.rest(http.MethodPost, consumer+"/staged", admin, nil); r.status != http.StatusBadRequest {
		t.Errorf("staging twice: %d %s", r.status, r.body)
	}
	if r := h.rest(http.MethodPatch, consumer+"/staged/"+staged.ID, admin, `{"command":"promote"}`); r.status != http.StatusBadRequest {
		t.Errorf("an unknown command: %d %s", r.status, r.body)
	}
	if r := h.rest(http.MethodPatch, consumer+"/staged/"+staged.ID, admin, `{"command":"rotate"}`); r.status != http.StatusOK {
		t.Fatalf("rotate: %d %s", r.status, r.body)
	}
	if r := h.clientCredentials(both.Key, both.Secret); r.status != http.StatusBadRequest {
		t.Errorf("the old credentials after promotion: %d %s", r.status, r.body)
	}
	if r := h.clientCredentials(staged.Key, staged.Secret); r.status != http.StatusOK {
		t.Errorf("the promoted credentials: %d %s", r.status, r.body)
	}

	// Discarding leaves the current credentials alone.
	h.rest(http.MethodPost, consumer+"/staged", admin, nil).json(t, &staged)
	if r := h.rest(http.MethodDelete, consumer+"/staged/"+staged.ID, admin, nil); r.status != http.StatusNoContent {
		t.Fatalf("discard: %d %s", r.status, r.body)
	}
	if r := h.clientCredentials(staged.Key, staged.Secret); r.status != http.StatusBadRequest {
		t.Errorf("discarded credentials: %d %s", r.status, r.body)
	}

	// The org setting and the permissions guard the secrets.
	h.mustSOAPSuccess(t, admin, `<updateMetadata><metadata xsi:type="ExternalClientAppSettings"><fullName>ExternalClientApp</fullName><enableClientSecretInRestApiAccess>false</enableClientSecretInRestApiAccess></metadata></updateMetadata>`)
	if r := h.rest(http.MethodGet, consumer+"?part=secret", admin, nil); r.status != http.StatusForbidden || r.restError(t).ErrorCode != "FUNCTIONALITY_NOT_ENABLED" {
		t.Errorf("secret with REST access off: %d %s", r.status, r.body)
	}
	if r := h.rest(http.MethodGet, consumer+"?part=key", admin, nil); r.status != http.StatusOK {
		t.Errorf("key with REST access off: %d %s", r.status, r.body)
	}
	manager := h.login("appmanager@acme.test", "Partner_Portal_Mobile")
	if r := h.rest(http.MethodGet, base, manager, nil); r.status != http.StatusForbidden || !strings.Contains(r.restError(t).Message, "ExternalClientAppDeveloper") {
		t.Errorf("credentials without the ECA permissions: %d %s", r.status, r.body)
	}
	if r := h.rest(http.MethodGet, "/services/data/v59.0/apps/oauth/credentials/"+appID, admin, nil); r.status != http.StatusNotFound {
		t.Errorf("credentials before API 60.0: %d", r.status)
	}
}

func TestECAUsageListsAndRevokesTokens(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	session := h.ecaSession("employee@acme.test", "Acme_Sync")
	var usage struct {
		Apps []ecaUsageApp `json:"apps"`
	}
	h.rest(http.MethodGet, "/services/data/v66.0/apps/oauth/usage", admin, nil).json(t, &usage)
	if len(usage.Apps) != 2 || usage.Apps[0].Name != "Acme_Sync" || usage.Apps[0].UserCount != 1 || usage.Apps[1].UserCount != 0 {
		t.Fatalf("usage: %+v", usage)
	}
	if r := h.rest(http.MethodDelete, "/services/data/v66.0/apps/oauth/usage/"+usage.Apps[0].ID+"/tokens", admin, nil); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if r := h.rest(http.MethodGet, "/services/data/v66.0/limits", session.AccessToken, nil); r.status != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d", r.status)
	}
	if r := h.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {session.RefreshToken},
		"client_id": {"AcmeSyncKey0001"}, "client_secret": {"AcmeSyncSecret0001"}}); r.status != http.StatusBadRequest {
		t.Errorf("a revoked refresh token: %d %s", r.status, r.body)
	}
	readonly := h.login("readonly@acme.test", "Partner_Portal_Mobile")
	if r := h.rest(http.MethodGet, "/services/data/v66.0/apps/oauth/usage", readonly, nil); r.status != http.StatusForbidden {
		t.Errorf("usage without an ECA permission: %d", r.status)
	}
}

func TestECARefreshTokenGrant(t *testing.T) {
	h := newHarness(t, Config{})
	session := h.ecaSession("employee@acme.test", "Acme_Sync")
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {session.RefreshToken}, "client_id": {"AcmeSyncKey0001"}}
	if r := h.tokenRequest(form); r.status != http.StatusBadRequest {
		t.Errorf("refresh without the secret: %d %s", r.status, r.body)
	}
	form.Set("client_secret", "AcmeSyncSecret0001")
	if r := h.tokenRequest(form); r.status != http.StatusOK {
		t.Errorf("refresh: %d %s", r.status, r.body)
	}
}

func TestECAMetadataNeedsTheECAPermissions(t *testing.T) {
	h := newHarness(t, Config{})
	manager := h.login("appmanager@acme.test", "Partner_Portal_Mobile")
	code, msg := h.soap(manager, `<readMetadata><type>ExternalClientApplication</type><fullNames>Acme_Sync</fullNames></readMetadata>`).fault(t, http.StatusInternalServerError)
	if code != "sf:INSUFFICIENT_ACCESS" || !strings.Contains(msg, "ExternalClientAppViewer") {
		t.Errorf("read without ECA permissions: %s %s", code, msg)
	}
	code, msg = h.soap(manager, ecaDefinition).fault(t, http.StatusInternalServerError)
	if code != "sf:INSUFFICIENT_ACCESS" || !strings.Contains(msg, "ExternalClientAppDeveloper") {
		t.Errorf("create without ECA permissions: %s %s", code, msg)
	}
}

func TestECAsSurviveASnapshot(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	h.mustSOAPSuccess(t, admin, ecaDefinition)
	h.ecaSession("employee@acme.test", "Acme_Sync")
	before := h.snapshot()
	approved := false
	for _, a := range before.OAuthTokens {
		approved = approved || a.ExternalClientApp == "Acme_Sync" && a.Username == "employee@acme.test"
	}
	if !approved {
		t.Errorf("the ECA approval is not in the snapshot: %+v", before.OAuthTokens)
	}
	q := h.rest(http.MethodGet, "/services/data/v66.0/query?q="+url.QueryEscape("SELECT AppName FROM OauthToken WHERE AppName = 'Acme Sync'"), admin, nil)
	if q.status != http.StatusOK || !strings.Contains(string(q.body), `"totalSize":1`) {
		t.Errorf("OauthToken of an ECA: %d %s", q.status, q.body)
	}
	if r := h.control(http.MethodPut, "/__mockorg/snapshot", before); r.status != http.StatusNoContent {
		t.Fatalf("PUT snapshot: %d %s", r.status, r.body)
	}
	after := h.snapshot()
	if !reflect.DeepEqual(before.ExternalClientApps, after.ExternalClientApps) || !reflect.DeepEqual(before.ExternalClientAppSettings, after.ExternalClientAppSettings) ||
		!reflect.DeepEqual(before.OAuthTokens, after.OAuthTokens) {
		t.Errorf("ECAs changed through a snapshot:\n%+v\n%+v", before.ExternalClientApps, after.ExternalClientApps)
	}
	if len(after.ExternalClientApps) != 3 {
		t.Errorf("ECAs in the snapshot: %d", len(after.ExternalClientApps))
	}
}
