package orgapi

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// External Client Apps through the Metadata API (ARCHITECTURE.md, Wire protocols; SALESFORCE.md,
// External Client Apps). The client manages an ECA as one object: its header and the four OAuth
// plugin components, named as Setup names them (name, name_oauth, name_glbloauth,
// name_oauthPlcy, name_plcy) and written in one call.

// versionExternalClientApps is the first API version with every ECA type the client writes
// (ExtlClntAppConfigurablePolicies and the client credentials fields are 60.0+).
const versionExternalClientApps = 60

const (
	typeECA                  = "ExternalClientApplication"
	typeECAOAuthSettings     = "ExtlClntAppOauthSettings"
	typeECAGlobalOAuth       = "ExtlClntAppGlobalOauthSettings"
	typeECAOAuthPolicies     = "ExtlClntAppOauthConfigurablePolicies"
	typeECAPolicies          = "ExtlClntAppConfigurablePolicies"
	typeECASettings          = "ExternalClientAppSettings"
	ecaSettingsFullName      = "ExternalClientApp"
	PermittedUsersAdmin      = "AdminApprovedPreAuthorized"
	PermittedUsersSelf       = "AllSelfAuthorized"
	DefaultECAIPRelaxation   = "Enforce"
	DistributionStateLocal   = "Local"
	DistributionStatePackage = "Packaged"
)

// ecaLocks serialises the read-modify-write of one ECA's policies (grants added or removed by
// several resources of one run), keyed by API name.
type ecaLocks struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func (l *ecaLocks) lock(name string) func() {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[string]*sync.Mutex{}
	}
	m := l.locks[strings.ToLower(name)]
	if m == nil {
		m = &sync.Mutex{}
		l.locks[strings.ToLower(name)] = m
	}
	l.mu.Unlock()
	m.Lock()
	return m.Unlock
}

func (c *Client) ecaVersionCheck(o op) *Error {
	if c.apiMajor < versionExternalClientApps {
		return o.fail(KindInvalidInput, "External Client Apps need API version %d.0 or later; api_version is %s", versionExternalClientApps, c.apiVersion)
	}
	return nil
}

// SupportsExternalClientApps reports whether the client's API version reaches External Client Apps.
func (c *Client) SupportsExternalClientApps() bool { return c.apiMajor >= versionExternalClientApps }

// ReadExternalClientApp reads an ECA and its plugin components; ErrNotFound when there is none.
// Concurrent calls share their readMetadata calls (ecaMetadata), as connected app reads do.
func (c *Client) ReadExternalClientApp(ctx context.Context, name string) (*ExternalClientApp, error) {
	o := op{name: "reading ExternalClientApplication " + name, perm: NeedReadExternalClientApps}
	if e := c.ecaVersionCheck(o); e != nil {
		return nil, e
	}
	app, found, err := c.batch.ecaMetadata.get(ctx, name)
	if err != nil {
		return nil, memberError(o, err)
	}
	if !found {
		return nil, o.fail(KindNotFound, "no External Client App named %s", name)
	}
	return app.clone(), nil
}

// ReadExternalClientApps reads many ECAs with their plugin components, ten per call and
// component type, every call at once; names that do not exist are absent from the map, which is
// keyed by the org's spelling of each name. What it reads answers later reads of those ECAs as
// a shared read's answer would (coalescer.remember).
func (c *Client) ReadExternalClientApps(ctx context.Context, names []string) (map[string]*ExternalClientApp, error) {
	o := op{name: "reading ExternalClientApplications", perm: NeedReadExternalClientApps}
	if e := c.ecaVersionCheck(o); e != nil {
		return nil, e
	}
	gen := c.generation()
	apps, err := c.fetchECAs(ctx, o, slices.Compact(slices.Sorted(slices.Values(names))))
	if err != nil {
		return nil, err
	}
	c.batch.ecaMetadata.remember(apps, gen)
	out := make(map[string]*ExternalClientApp, len(apps))
	for _, app := range apps {
		out[app.Name] = app.clone()
	}
	return out, nil
}

// ecaPart is one of the four plugin components of an ECA, named by the app's name and suffix.
type ecaPart struct {
	typ, suffix string
	decode      func(*ExternalClientApp, *xmlNode)
}

var ecaParts = []ecaPart{
	{typeECAOAuthSettings, "_oauth", func(app *ExternalClientApp, n *xmlNode) {
		app.Scopes = splitList(n.str("commaSeparatedOauthScopes"))
	}},
	{typeECAGlobalOAuth, "_glbloauth", func(app *ExternalClientApp, n *xmlNode) {
		app.CallbackURL, app.Certificate, app.ConsumerKey = n.str("callbackUrl"), n.str("certificate"), n.str("consumerKey")
		app.PkceRequired = n.str("isPkceRequired") == "true"
		app.ClientCredentialsFlowEnabled = n.str("isClientCredentialsFlowEnabled") == "true"
	}},
	{typeECAOAuthPolicies, "_oauthPlcy", func(app *ExternalClientApp, n *xmlNode) {
		app.PermittedUsers = cmpOr(n.str("permittedUsersPolicyType"), PermittedUsersAdmin)
		app.PermissionSets = splitList(n.str("commaSeparatedPermissionSet"))
		app.Profiles = splitList(n.str("commaSeparatedProfile"))
		app.ClientCredentialsUser = n.str("clientCredentialsFlowUser")
		app.IPRelaxation = n.str("ipRelaxationPolicyType")
		app.RefreshTokenPolicy = n.str("refreshTokenPolicyType")
	}},
	{typeECAPolicies, "_plcy", func(app *ExternalClientApp, n *xmlNode) {
		app.OAuthPluginEnabled = n.str("isEnabled") != "false" && n.str("isOauthPluginEnabled") != "false"
	}},
}

// fetchECAs reads the ECAs names gives, keyed by the name asked for: the headers and the four
// component types at once, since a component's fullName follows from the app's name, ten names
// a readMetadata call and every call at once. A component of an app that does not exist reads
// as absent.
func (c *Client) fetchECAs(ctx context.Context, o op, names []string) (map[string]*ExternalClientApp, error) {
	types := []ecaPart{{typ: typeECA}}
	types = append(types, ecaParts...)
	recs := make([]map[string]*xmlNode, len(types))
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for i, p := range types {
		recs[i] = map[string]*xmlNode{}
		for chunk := range slices.Chunk(names, metadataBatch) {
			wg.Go(func() {
				fullNames := make([]string, len(chunk))
				for j, n := range chunk {
					fullNames[j] = n + p.suffix
				}
				got, err := c.readMetadata(ctx, o, p.typ, fullNames)
				mu.Lock()
				defer mu.Unlock()
				firstErr = cmp.Or(firstErr, err)
				maps.Copy(recs[i], underRequestedNames(fullNames, got))
			})
		}
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	apps := make(map[string]*ExternalClientApp, len(names))
	for _, n := range names {
		h := recs[0][n]
		if h == nil {
			continue
		}
		app := &ExternalClientApp{Name: h.str("fullName"), Label: h.str("label"), ContactEmail: h.str("contactEmail"),
			Description: h.str("description"), DistributionState: h.str("distributionState"), OAuthPluginEnabled: true,
			PermittedUsers: PermittedUsersAdmin}
		for i, p := range ecaParts {
			if rec := recs[i+1][n+p.suffix]; rec != nil {
				p.decode(app, rec)
			}
		}
		apps[n] = app
	}
	return apps, nil
}

// clone is a copy of app that shares no slice with it: a shared read's answer goes to every
// caller, and SetExternalClientAppGrant changes the lists of its copy.
func (app *ExternalClientApp) clone() *ExternalClientApp {
	out := *app
	out.Scopes, out.PermissionSets, out.Profiles = slices.Clone(app.Scopes), slices.Clone(app.PermissionSets), slices.Clone(app.Profiles)
	return &out
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// writeECA writes the five components of an ECA. The consumer secret goes only into a create.
func writeECA(w *xmlWriter, app *ExternalClientApp, create bool) {
	component := func(typ, fullName string, fields func()) {
		w.open("metadata", "xsi:type", "met:"+typ)
		w.leaf("fullName", fullName)
		fields()
		w.close("metadata")
	}
	component(typeECA, app.Name, func() {
		w.leaf("contactEmail", app.ContactEmail)
		w.leafIf("description", app.Description)
		w.leaf("distributionState", cmpOr(app.DistributionState, DistributionStateLocal))
		w.leaf("label", cmpOr(app.Label, app.Name))
	})
	component(typeECAOAuthSettings, app.Name+"_oauth", func() {
		w.leaf("commaSeparatedOauthScopes", strings.Join(app.Scopes, ","))
		w.leaf("externalClientApplication", app.Name)
	})
	component(typeECAGlobalOAuth, app.Name+"_glbloauth", func() {
		w.leafIf("callbackUrl", app.CallbackURL)
		w.leafIf("certificate", app.Certificate)
		w.leafIf("consumerKey", app.ConsumerKey)
		if create {
			w.leafIf("consumerSecret", app.ConsumerSecret)
		}
		w.leaf("externalClientApplication", app.Name)
		w.bool("isClientCredentialsFlowEnabled", app.ClientCredentialsFlowEnabled)
		w.bool("isPkceRequired", app.PkceRequired)
	})
	writeECAOAuthPolicies(w, app)
	component(typeECAPolicies, app.Name+"_plcy", func() {
		w.leaf("externalClientApplication", app.Name)
		w.bool("isEnabled", app.OAuthPluginEnabled)
		w.bool("isOauthPluginEnabled", app.OAuthPluginEnabled)
	})
}

// writeECAOAuthPolicies writes the admin's OAuth policies component, grants included.
func writeECAOAuthPolicies(w *xmlWriter, app *ExternalClientApp) {
	w.open("metadata", "xsi:type", "met:"+typeECAOAuthPolicies)
	w.leaf("fullName", app.Name+"_oauthPlcy")
	w.leafIf("clientCredentialsFlowUser", app.ClientCredentialsUser)
	w.leafIf("commaSeparatedPermissionSet", strings.Join(app.PermissionSets, ","))
	w.leafIf("commaSeparatedProfile", strings.Join(app.Profiles, ","))
	w.leaf("externalClientApplication", app.Name)
	w.leaf("ipRelaxationPolicyType", cmpOr(app.IPRelaxation, DefaultECAIPRelaxation))
	w.bool("isClientCredentialsFlowEnabled", app.ClientCredentialsFlowEnabled)
	w.leaf("permittedUsersPolicyType", cmpOr(app.PermittedUsers, PermittedUsersAdmin))
	w.leafIf("refreshTokenPolicyType", app.RefreshTokenPolicy)
	w.close("metadata")
}

// CreateExternalClientApp creates an ECA with its plugin components in one createMetadata call.
func (c *Client) CreateExternalClientApp(ctx context.Context, app *ExternalClientApp) error {
	o := op{name: "creating ExternalClientApplication " + app.Name, perm: NeedDevelopExternalClientApps}
	if e := c.ecaVersionCheck(o); e != nil {
		return e
	}
	c.redact.add(app.ConsumerSecret)
	defer c.beginAppWrite(app.Name)()
	answer, attempts, err := c.soapCall(ctx, o, "createMetadata", func(w *xmlWriter) { writeECA(w, app, true) })
	if err == nil {
		err = c.firstFailure(o, readMetadataResults(answer))
	}
	var e *Error
	if err != nil && attempts > 1 && asError(err, &e) && isDuplicate(e) {
		if _, readErr := c.ReadExternalClientApp(ctx, app.Name); readErr == nil {
			return nil
		}
	}
	return err
}

// UpdateExternalClientApp replaces the ECA's definition, settings and policies (upsert, so that
// a plugin component deleted outside Terraform comes back).
func (c *Client) UpdateExternalClientApp(ctx context.Context, app *ExternalClientApp) error {
	o := op{name: "updating ExternalClientApplication " + app.Name, perm: NeedDevelopExternalClientApps}
	if e := c.ecaVersionCheck(o); e != nil {
		return e
	}
	defer c.beginAppWrite(app.Name)()
	answer, _, err := c.soapCall(ctx, o, "upsertMetadata", func(w *xmlWriter) { writeECA(w, app, false) })
	if err != nil {
		return err
	}
	return c.firstFailure(o, readMetadataResults(answer))
}

// DeleteExternalClientApp deletes an ECA; its plugin components and tokens go with it.
func (c *Client) DeleteExternalClientApp(ctx context.Context, name string) error {
	o := op{name: "deleting ExternalClientApplication " + name, perm: NeedDevelopExternalClientApps}
	defer c.beginAppWrite(name)()
	answer, attempts, err := c.soapCall(ctx, o, "deleteMetadata", func(w *xmlWriter) {
		w.leaf("type", typeECA)
		w.leaf("fullNames", name)
	})
	if err == nil {
		err = c.firstFailure(o, readMetadataResults(answer))
	}
	if err != nil && attempts > 1 && KindOf(err) == KindNotFound {
		return nil
	}
	return err
}

// SetExternalClientAppGrant adds (grant) or removes a permission set or profile (by name) from
// the ECA's OAuth policies, leaving the other policies as they are. Changes to one ECA are
// serialised within the client.
func (c *Client) SetExternalClientAppGrant(ctx context.Context, appName, permissionSet, profile string, grant bool) error {
	o := op{name: "changing the grants of ExternalClientApplication " + appName, perm: NeedAdministerExternalClientApps}
	if e := c.ecaVersionCheck(o); e != nil {
		return e
	}
	defer c.ecaLocks.lock(appName)()
	defer c.beginAppWrite(appName)()
	app, err := c.ReadExternalClientApp(ctx, appName)
	if err != nil {
		return err
	}
	change := func(list []string, name string) []string {
		if name == "" {
			return list
		}
		list = slices.DeleteFunc(list, func(s string) bool { return strings.EqualFold(s, name) })
		if grant {
			list = append(list, name)
		}
		return list
	}
	app.PermissionSets = change(app.PermissionSets, permissionSet)
	app.Profiles = change(app.Profiles, profile)
	answer, _, err := c.soapCall(ctx, o, "upsertMetadata", func(w *xmlWriter) { writeECAOAuthPolicies(w, app) })
	if err != nil {
		return err
	}
	return c.firstFailure(o, readMetadataResults(answer))
}

// ReadExternalClientAppSettings reads the org-wide ECA settings.
func (c *Client) ReadExternalClientAppSettings(ctx context.Context) (ExternalClientAppSettings, error) {
	o := op{name: "reading ExternalClientAppSettings", perm: NeedSettings}
	recs, err := c.readMetadata(ctx, o, typeECASettings, []string{ecaSettingsFullName})
	if err != nil {
		return ExternalClientAppSettings{}, err
	}
	t, f := true, false
	s := ExternalClientAppSettings{EnableExternalClientApps: &t, EnableClientSecretInRestAPIAccess: &f}
	if rec := recs[ecaSettingsFullName]; rec != nil {
		if v := rec.boolPtr("enableExternalClientApps"); v != nil {
			s.EnableExternalClientApps = v
		}
		if v := rec.boolPtr("enableClientSecretInRestApiAccess"); v != nil {
			s.EnableClientSecretInRestAPIAccess = v
		}
	}
	return s, nil
}

// UpdateExternalClientAppSettings writes the non-nil fields only.
func (c *Client) UpdateExternalClientAppSettings(ctx context.Context, s ExternalClientAppSettings) error {
	o := op{name: "updating ExternalClientAppSettings", perm: NeedSettings}
	answer, _, err := c.soapCall(ctx, o, "updateMetadata", func(w *xmlWriter) {
		w.open("metadata", "xsi:type", "met:"+typeECASettings)
		w.leaf("fullName", ecaSettingsFullName)
		if v := s.EnableClientSecretInRestAPIAccess; v != nil {
			w.leaf("enableClientSecretInRestApiAccess", strconv.FormatBool(*v))
		}
		if v := s.EnableExternalClientApps; v != nil {
			w.leaf("enableExternalClientApps", strconv.FormatBool(*v))
		}
		w.close("metadata")
	})
	if err != nil {
		return err
	}
	return c.firstFailure(o, readMetadataResults(answer))
}
