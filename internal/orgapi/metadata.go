package orgapi

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// metadataBatch is the Metadata API's limit of components per CRUD call.
const metadataBatch = 10

// API versions from which fields exist (SALESFORCE.md, ConnectedApp metadata).
const (
	versionExternalUserFlag = 50
	versionOAuthPolicy      = 49
	versionRefreshSecret    = 51
	versionClientCredential = 56
	versionPkce             = 59
)

// Defaults Salesforce applies to oauthPolicy; both elements are required once oauthPolicy is sent,
// and an org that reports neither (below API 49.0) applies these.
const (
	DefaultIPRelaxation       = "ENFORCE"
	DefaultRefreshTokenPolicy = "infinite"
)

const (
	typeConnectedAppSettings = "ConnectedAppSettings"
	settingsFullName         = "ConnectedApp"
	typeConnectedApp         = "ConnectedApp"
)

// soapCall sends one Metadata API call and returns its <callResponse> element.
func (c *Client) soapCall(ctx context.Context, o op, call string, body func(w *xmlWriter)) (*xmlNode, int, error) {
	o.soap = call
	resp, err := c.call(ctx, o, apiRequest{
		method:      http.MethodPost,
		path:        "/services/Soap/m/" + c.apiVersion,
		contentType: "text/xml; charset=UTF-8",
		body:        func(tok string) []byte { return soapEnvelope(tok, call, body) },
		soap:        true,
		readOnly:    call == "readMetadata" || call == "listMetadata",
	})
	if err != nil {
		return nil, 0, err
	}
	if f := parseSOAPFault(resp.body); f != nil {
		return nil, resp.attempts, resp.annotate(c.redact.scrubError(classify(o, resp.status, f.code, f.message, nil)))
	}
	if resp.status != http.StatusOK {
		return nil, resp.attempts, c.restError(o, resp)
	}
	root, err := parseXML(resp.body)
	if err != nil {
		return nil, resp.attempts, o.fail(KindOther, "the Metadata API answered with XML that could not be read: %v", err)
	}
	answer := root.find(call + "Response")
	if answer == nil {
		return nil, resp.attempts, o.fail(KindOther, "the Metadata API answer has no %sResponse element", call)
	}
	return answer, resp.attempts, nil
}

// metadataFailure turns an unsuccessful result into an *Error.
func metadataFailure(o op, r metadataResult) *Error {
	if len(r.errors) == 0 {
		return o.fail(KindOther, "the Metadata API reported failure without an error")
	}
	codes := make([]string, 0, len(r.errors))
	msgs := make([]string, 0, len(r.errors))
	var fields []string
	for _, e := range r.errors {
		codes = append(codes, e.statusCode)
		msgs = append(msgs, e.message)
		fields = append(fields, e.fields...)
	}
	e := classify(o, 0, codes[0], strings.Join(msgs, "; "), fields)
	if isMissingComponent(codes[0], e.Message) {
		e.Kind = KindNotFound
	}
	return e
}

var missingComponentPattern = regexp.MustCompile(`(?i)\bno \w+ named .* found|not found|does not exist`)

func isMissingComponent(code, message string) bool {
	switch code {
	case "NOT_FOUND", "ENTITY_IS_DELETED":
		return true
	case "INVALID_CROSS_REFERENCE_KEY", "":
		return missingComponentPattern.MatchString(message)
	}
	return false
}

func isDuplicate(e *Error) bool {
	return e.Code == "DUPLICATE_VALUE" || e.Code == "DUPLICATE_DEVELOPER_NAME" ||
		strings.Contains(strings.ToLower(e.Message), "already exists")
}

// readMetadata reads components of one type, up to metadataBatch names per call. Missing names are
// absent from the result.
func (c *Client) readMetadata(ctx context.Context, o op, typ string, names []string) (map[string]*xmlNode, error) {
	out := map[string]*xmlNode{}
	for chunk := range slices.Chunk(names, metadataBatch) {
		answer, _, err := c.soapCall(ctx, o, "readMetadata", func(w *xmlWriter) {
			w.leaf("type", typ)
			for _, n := range chunk {
				w.leaf("fullNames", n)
			}
		})
		if err != nil {
			return nil, err
		}
		for _, result := range answer.children("result") {
			for _, rec := range result.children("records") {
				if rec.isNil() {
					continue
				}
				if name := rec.str("fullName"); name != "" {
					out[name] = rec
				}
			}
		}
	}
	return out, nil
}

// ReadConnectedAppSettings reads the two API Access Control switches.
func (c *Client) ReadConnectedAppSettings(ctx context.Context) (ConnectedAppSettings, error) {
	o := op{name: "reading ConnectedAppSettings", perm: NeedSettings}
	recs, err := c.readMetadata(ctx, o, typeConnectedAppSettings, []string{settingsFullName})
	if err != nil {
		return ConnectedAppSettings{}, err
	}
	rec := recs[settingsFullName]
	f := false
	s := ConnectedAppSettings{EnableAdminApprovedAppsOnly: &f}
	if c.apiMajor >= versionExternalUserFlag {
		s.EnableAdminApprovedAppsOnlyForExternalUser = &f
	}
	if rec == nil {
		// Settings always exist; an org that has never saved them answers nil and means the defaults.
		return s, nil
	}
	if v := rec.boolPtr("enableAdminApprovedAppsOnly"); v != nil {
		s.EnableAdminApprovedAppsOnly = v
	}
	if v := rec.boolPtr("enableAdminApprovedAppsOnlyForExternalUser"); v != nil {
		s.EnableAdminApprovedAppsOnlyForExternalUser = v
	}
	return s, nil
}

// UpdateConnectedAppSettings writes only the non-nil fields, so that the settings the provider
// does not own keep their values (Salesforce updates settings field by field).
func (c *Client) UpdateConnectedAppSettings(ctx context.Context, s ConnectedAppSettings) error {
	o := op{name: "updating ConnectedAppSettings", perm: NeedSettings}
	if s.EnableAdminApprovedAppsOnly == nil && s.EnableAdminApprovedAppsOnlyForExternalUser == nil {
		return nil
	}
	if s.EnableAdminApprovedAppsOnlyForExternalUser != nil && c.apiMajor < versionExternalUserFlag {
		e := o.fail(KindInvalidInput, "enableAdminApprovedAppsOnlyForExternalUser needs API version %d.0 or later; api_version is %s", versionExternalUserFlag, c.apiVersion)
		e.Fields = []string{"enableAdminApprovedAppsOnlyForExternalUser"}
		return e
	}
	answer, _, err := c.soapCall(ctx, o, "updateMetadata", func(w *xmlWriter) {
		w.open("metadata", "xsi:type", "met:"+typeConnectedAppSettings)
		w.leaf("fullName", settingsFullName)
		if v := s.EnableAdminApprovedAppsOnly; v != nil {
			w.bool("enableAdminApprovedAppsOnly", *v)
		}
		if v := s.EnableAdminApprovedAppsOnlyForExternalUser; v != nil {
			w.bool("enableAdminApprovedAppsOnlyForExternalUser", *v)
		}
		w.close("metadata")
	})
	if err != nil {
		return err
	}
	return c.firstFailure(o, readMetadataResults(answer))
}

func (c *Client) firstFailure(o op, results []metadataResult) error {
	if len(results) == 0 {
		return o.fail(KindOther, "the Metadata API answer has no result")
	}
	for _, r := range results {
		if !r.success {
			return c.redact.scrubError(metadataFailure(o, r))
		}
	}
	return nil
}

// ReadConnectedApp reads one connected app by API name; ErrNotFound when there is none.
func (c *Client) ReadConnectedApp(ctx context.Context, name string) (*ConnectedApp, error) {
	o := op{name: "reading ConnectedApp " + name, perm: NeedConnectedApps}
	if strings.TrimSpace(name) == "" {
		return nil, o.fail(KindInvalidInput, "the connected app name is empty")
	}
	rec, _, err := c.batch.appMetadata.get(ctx, name)
	if err != nil {
		return nil, memberError(o, err)
	}
	if rec == nil {
		return nil, o.fail(KindNotFound, "no connected app named %q exists in the org", name)
	}
	return decodeConnectedApp(rec), nil
}

// ReadConnectedApps reads many connected apps, ten per call; names that do not exist are absent
// from the map.
func (c *Client) ReadConnectedApps(ctx context.Context, names []string) (map[string]*ConnectedApp, error) {
	o := op{name: "reading ConnectedApps", perm: NeedConnectedApps}
	unique := slices.Compact(slices.Sorted(slices.Values(names)))
	recs, err := c.readMetadata(ctx, o, typeConnectedApp, unique)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*ConnectedApp, len(recs))
	for name, rec := range recs {
		out[name] = decodeConnectedApp(rec)
	}
	return out, nil
}

func decodeConnectedApp(rec *xmlNode) *ConnectedApp {
	app := &ConnectedApp{
		FullName:     rec.str("fullName"),
		Label:        rec.str("label"),
		ContactEmail: rec.str("contactEmail"),
		ContactPhone: rec.str("contactPhone"),
		Description:  rec.str("description"),
		InfoURL:      rec.str("infoUrl"),
		StartURL:     rec.str("startUrl"),
	}
	if oc := rec.child("oauthConfig"); oc != nil {
		for _, cb := range oc.strs("callbackUrl") {
			// Salesforce keeps several callback URLs in one element, separated by line breaks.
			for _, line := range strings.FieldsFunc(cb, func(r rune) bool { return r == '\n' || r == '\r' }) {
				if line = strings.TrimSpace(line); line != "" {
					app.CallbackURLs = append(app.CallbackURLs, line)
				}
			}
		}
		app.Scopes = oc.strs("scopes")
		app.Certificate = oc.str("certificate")
		app.ConsumerKey = oc.str("consumerKey")
		app.ClientCredentialUser = oc.str("oauthClientCredentialUser")
		if v := oc.boolPtr("isAdminApproved"); v != nil {
			app.IsAdminApproved = *v
		}
		if v := oc.boolPtr("isPkceRequired"); v != nil {
			app.PkceRequired = *v
		}
		app.RefreshTokenRequiresSecret = oc.boolPtr("isSecretRequiredForRefreshToken")
	}
	if app.RefreshTokenRequiresSecret == nil {
		// Absent (an app saved before API 51.0, or without OAuth) means Salesforce's default.
		required := true
		app.RefreshTokenRequiresSecret = &required
	}
	if pol := rec.child("oauthPolicy"); pol != nil {
		app.IPRelaxation = pol.str("ipRelaxation")
		app.RefreshTokenPolicy = pol.str("refreshTokenPolicy")
	}
	return app
}

var apiNamePattern = regexp.MustCompile(`^[A-Za-z](?:[A-Za-z0-9]|_[A-Za-z0-9])*$`)

// checkConnectedApp reports what the org would reject, or what this API version cannot carry,
// before anything is sent.
func (c *Client) checkConnectedApp(o op, app *ConnectedApp) *Error {
	var fields, problems []string
	add := func(field, problem string) {
		fields = append(fields, field)
		problems = append(problems, problem)
	}
	if app == nil {
		return o.fail(KindInvalidInput, "no connected app given")
	}
	if !apiNamePattern.MatchString(app.FullName) {
		add("fullName", "the API name must start with a letter and contain only letters, digits and single underscores, not ending in one")
	}
	if strings.TrimSpace(app.Label) == "" {
		add("label", "label is required")
	}
	if strings.TrimSpace(app.ContactEmail) == "" {
		add("contactEmail", "contactEmail is required")
	}
	if needsOAuthConfig(app) && len(app.CallbackURLs) == 0 {
		add("callbackUrl", "an OAuth-enabled connected app needs at least one callback URL")
	}
	if (app.IPRelaxation != "" || app.RefreshTokenPolicy != "") && c.apiMajor < versionOAuthPolicy {
		add("oauthPolicy", "ip_relaxation and refresh_token_policy need API version 49.0 or later")
	}
	if app.ClientCredentialUser != "" && c.apiMajor < versionClientCredential {
		add("oauthClientCredentialUser", "the client credentials user needs API version 56.0 or later")
	}
	if v := app.RefreshTokenRequiresSecret; v != nil && !*v && c.apiMajor < versionRefreshSecret {
		add("isSecretRequiredForRefreshToken", "letting the refresh token flow go without the client secret needs API version 51.0 or later")
	}
	if app.PkceRequired && c.apiMajor < versionPkce {
		add("isPkceRequired", "requiring PKCE needs API version 59.0 or later")
	}
	if len(problems) == 0 {
		return nil
	}
	e := o.fail(KindInvalidInput, "%s", strings.Join(problems, "; "))
	e.Fields = fields
	return e
}

// CheckConnectedApp reports, without a call, what CreateConnectedApp and UpdateConnectedApp would
// refuse before sending app (a field this API version cannot carry, say), so that a plan can
// refuse it before anything is written; nil when they would send it.
func (c *Client) CheckConnectedApp(app *ConnectedApp) error {
	if e := c.checkConnectedApp(op{name: "checking ConnectedApp " + nameOf(app)}, app); e != nil {
		return e
	}
	return nil
}

func needsOAuthConfig(app *ConnectedApp) bool {
	return len(app.CallbackURLs) > 0 || len(app.Scopes) > 0 || app.IsAdminApproved || app.PkceRequired ||
		app.Certificate != "" || app.ConsumerKey != "" || app.ConsumerSecret != "" || app.ClientCredentialUser != ""
}

// writeConnectedApp writes the component in the WSDL's element order. The consumer secret is only
// ever sent on create: Salesforce does not accept it later.
func (c *Client) writeConnectedApp(w *xmlWriter, app *ConnectedApp, create bool) {
	w.open("metadata", "xsi:type", "met:"+typeConnectedApp)
	w.leaf("fullName", app.FullName)
	w.leaf("contactEmail", app.ContactEmail)
	w.leafIf("contactPhone", app.ContactPhone)
	w.leafIf("description", app.Description)
	w.leafIf("infoUrl", app.InfoURL)
	w.leaf("label", app.Label)
	if needsOAuthConfig(app) {
		w.open("oauthConfig")
		w.leaf("callbackUrl", strings.Join(app.CallbackURLs, "\n"))
		w.leafIf("certificate", app.Certificate)
		w.leafIf("consumerKey", app.ConsumerKey)
		if create {
			w.leafIf("consumerSecret", app.ConsumerSecret)
		}
		w.bool("isAdminApproved", app.IsAdminApproved)
		if app.ClientCredentialUser != "" {
			w.bool("isClientCredentialEnabled", true)
		}
		if c.apiMajor >= versionPkce {
			w.bool("isPkceRequired", app.PkceRequired)
		}
		if v := app.RefreshTokenRequiresSecret; v != nil && c.apiMajor >= versionRefreshSecret {
			w.bool("isSecretRequiredForRefreshToken", *v)
		}
		w.leafIf("oauthClientCredentialUser", app.ClientCredentialUser)
		for _, s := range app.Scopes {
			w.leaf("scopes", s)
		}
		w.close("oauthConfig")
	}
	if app.IPRelaxation != "" || app.RefreshTokenPolicy != "" {
		w.open("oauthPolicy")
		w.leaf("ipRelaxation", cmpOr(app.IPRelaxation, DefaultIPRelaxation))
		w.leaf("refreshTokenPolicy", cmpOr(app.RefreshTokenPolicy, DefaultRefreshTokenPolicy))
		w.close("oauthPolicy")
	}
	w.leafIf("startUrl", app.StartURL)
	w.close("metadata")
}

func cmpOr(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}

// CreateConnectedApp creates a connected app. If the call had to be retried and the org then says
// the app already exists, the earlier attempt created it and the create has succeeded.
func (c *Client) CreateConnectedApp(ctx context.Context, app *ConnectedApp) error {
	o := op{name: "creating ConnectedApp " + nameOf(app), perm: NeedConnectedApps}
	if e := c.checkConnectedApp(o, app); e != nil {
		return e
	}
	c.redact.add(app.ConsumerSecret)
	defer c.beginAppWrite(app.FullName)()
	attempts, err := c.metadataWrite(ctx, c.batch.appCreates, "createMetadata", &metadataReq{o: o, app: app},
		func(w *xmlWriter) { c.writeConnectedApp(w, app, true) })
	var e *Error
	if err != nil && attempts > 1 && asError(err, &e) && isDuplicate(e) {
		if _, readErr := c.ReadConnectedApp(ctx, app.FullName); readErr == nil {
			c.log(ctx, LevelInfo, "a retried create found the connected app already created by an earlier attempt", map[string]any{"name": app.FullName})
			return nil
		}
	}
	return err
}

// UpdateConnectedApp replaces the connected app's definition (Salesforce replaces a component on
// update; grants by profileName/permissionSetName are left alone because they are not sent).
func (c *Client) UpdateConnectedApp(ctx context.Context, app *ConnectedApp) error {
	o := op{name: "updating ConnectedApp " + nameOf(app), perm: NeedConnectedApps}
	if e := c.checkConnectedApp(o, app); e != nil {
		return e
	}
	defer c.beginAppWrite(app.FullName)()
	answer, _, err := c.soapCall(ctx, o, "updateMetadata", func(w *xmlWriter) { c.writeConnectedApp(w, app, false) })
	if err != nil {
		return err
	}
	return c.firstFailure(o, readMetadataResults(answer))
}

// DeleteConnectedApp deletes a connected app; ErrNotFound when there is none. A retried delete
// that finds the app gone has succeeded.
func (c *Client) DeleteConnectedApp(ctx context.Context, name string) error {
	o := op{name: "deleting ConnectedApp " + name, perm: NeedConnectedApps}
	if strings.TrimSpace(name) == "" {
		return o.fail(KindInvalidInput, "the connected app name is empty")
	}
	defer c.beginAppWrite(name)()
	attempts, err := c.metadataWrite(ctx, c.batch.appDeletes, "deleteMetadata", &metadataReq{o: o, name: name}, func(w *xmlWriter) {
		w.leaf("type", typeConnectedApp)
		w.leaf("fullNames", name)
	})
	if err != nil && attempts > 1 && KindOf(err) == KindNotFound {
		return nil
	}
	return err
}

// listConnectedApps lists every connected app the Metadata API knows (ListConnectedApps shares it).
func (c *Client) listConnectedApps(ctx context.Context) ([]MetadataFile, error) {
	o := op{name: "listing ConnectedApps", perm: NeedConnectedApps}
	answer, _, err := c.soapCall(ctx, o, "listMetadata", func(w *xmlWriter) {
		w.open("queries")
		w.leaf("type", typeConnectedApp)
		w.close("queries")
		w.leaf("asOfVersion", c.apiVersion)
	})
	if err != nil {
		return nil, err
	}
	var out []MetadataFile
	for _, r := range answer.children("result") {
		out = append(out, MetadataFile{
			FullName:        r.str("fullName"),
			ID:              r.str("id"),
			NamespacePrefix: r.str("namespacePrefix"),
			ManageableState: r.str("manageableState"),
		})
	}
	slices.SortFunc(out, func(a, b MetadataFile) int { return strings.Compare(a.FullName, b.FullName) })
	return out, nil
}

func nameOf(app *ConnectedApp) string {
	if app == nil {
		return ""
	}
	return app.FullName
}
