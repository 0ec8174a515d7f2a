package mockorg

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/metadata"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// What the Metadata API's calls do to connected apps and ConnectedAppSettings in the org: read,
// save and delete components, and the grants a save replaces. soap.go (the protocol) calls
// these on a connected-app type and store_eca_metadata.go's on an External Client App type.

// readComponent returns a component as Salesforce reads it back, or nil for a missing name.
func readComponent(st *state, typ, name string) metadata.Component {
	if metadata.IsFlatType(typ) {
		return readECAComponent(st, typ, name)
	}
	if typ == metadata.TypeConnectedAppSettings {
		if !strings.EqualFold(name, metadata.SettingsFullName) {
			return nil
		}
		return &metadata.ConnectedAppSettings{
			FullName:                    metadata.SettingsFullName,
			EnableAdminApprovedAppsOnly: ptr(st.settings.EnableAdminApprovedAppsOnly),
			EnableAdminApprovedAppsOnlyForExternalUser:  ptr(st.settings.EnableAdminApprovedAppsOnlyForExternalUser),
			EnableSkipUserProvisioningWizardWelcomePage: ptr(st.settings.EnableSkipUserProvisioningWizardWelcomePage),
		}
	}
	a := st.appByName(name)
	if a == nil {
		return nil
	}
	profiles, permSets := st.grantNames(a.ID)
	ma := &metadata.ConnectedApp{
		FullName: a.Name, Label: a.Label, ContactEmail: a.ContactEmail, ContactPhone: a.ContactPhone,
		Description: a.Description, InfoURL: a.InfoURL, StartURL: a.StartURL, MobileStartURL: a.MobileStartURL,
		LogoURL: a.LogoURL,
		OAuthConfig: &metadata.OAuthConfig{
			CallbackURL:                     metadata.JoinCallbackURLs(a.CallbackURLs),
			Certificate:                     a.Certificate,
			ConsumerKey:                     a.ConsumerKey,
			IsAdminApproved:                 ptr(a.AdminApproved),
			IsClientCredentialEnabled:       ptr(a.ClientCredentialsEnabled),
			OAuthClientCredentialUser:       a.ClientCredentialsUser,
			IsPkceRequired:                  ptr(a.PkceRequired),
			IsConsumerSecretOptional:        a.ConsumerSecretOptional,
			IsSecretRequiredForRefreshToken: a.SecretRequiredForRefreshToken,
			Scopes:                          metadata.FoldScopes(a.Scopes),
		},
		ProfileName:       profiles,
		PermissionSetName: permSets,
	}
	if a.IPRelaxation != "" || a.RefreshTokenPolicy != "" || a.SingleLogoutURL != "" {
		ma.OAuthPolicy = &metadata.OAuthPolicy{IPRelaxation: a.IPRelaxation, RefreshTokenPolicy: a.RefreshTokenPolicy, SingleLogoutURL: a.SingleLogoutURL}
	}
	return ma
}

func ptr[T any](v T) *T { return &v }

// grantNames lists the profiles and the permission sets an app is granted to, sorted.
func (st *state) grantNames(appID string) (profiles, permSets []string) {
	for _, g := range st.grantsOfApp(appID) {
		ps := st.permSets[g.ParentID]
		if ps.ProfileID != "" {
			profiles = append(profiles, st.profiles[ps.ProfileID].Name)
		} else {
			permSets = append(permSets, ps.Name)
		}
	}
	slices.Sort(profiles)
	slices.Sort(permSets)
	return profiles, permSets
}

// metadataCreator is the user metadata is reported as created and modified by: the first
// administrator, as a mock org keeps no history of who changed what.
func metadataCreator(st *state) *user {
	for _, cand := range sorted(st.users) {
		if st.holds(cand, "ModifyAllData") {
			return cand
		}
	}
	return nil
}

func fileProperties(creator *user, typ, fullName, fileName, id, manageable, created, modified string) metadata.FileProperties {
	fp := metadata.FileProperties{Type: typ, FullName: fullName, FileName: fileName, ID: id, ManageableState: manageable}
	fp.CreatedDate, _ = time.Parse(timeLayout, created)
	fp.LastModifiedDate, _ = time.Parse(timeLayout, modified)
	if creator != nil {
		fp.CreatedByID, fp.CreatedByName = creator.ID, creator.Name
		fp.LastModifiedByID, fp.LastModifiedByName = creator.ID, creator.Name
	}
	return fp
}

// componentOutcome is the result of one component of a create/update/upsert/delete call.
type componentOutcome struct {
	fullName string
	created  bool
	errors   []metadata.Error
	// deletedApp is the id of an app this component deleted, whose tokens die with it.
	deletedApp string
}

// saveDenial checks the permission matrix for every component of a write call or a deploy.
func saveDenial(st *state, u *user, req *metadata.Request) string {
	check := func(op operation) string { return st.denial(u, op) }
	if req.Operation == metadata.OpDelete {
		if metadata.IsFlatType(req.Type) {
			return check(ecaWriteOp(req.Type))
		}
		if req.Type == metadata.TypeConnectedAppSettings {
			return check(opUpdateSettings)
		}
		if msg := check(opWriteApps); msg != "" {
			return msg
		}
		for _, name := range req.FullNames {
			if a := st.appByName(name); a != nil {
				if p, ps := st.grantNames(a.ID); len(p)+len(ps) > 0 {
					if msg := check(opChangeAppGrants); msg != "" {
						return msg
					}
				}
			}
		}
		return ""
	}
	for _, comp := range req.Components {
		switch comp := comp.(type) {
		case *metadata.ConnectedAppSettings:
			if msg := check(opUpdateSettings); msg != "" {
				return msg
			}
		case *metadata.Flat:
			if msg := check(ecaWriteOp(comp.Type)); msg != "" {
				return msg
			}
		case *metadata.ConnectedApp:
			if msg := check(opWriteApps); msg != "" {
				return msg
			}
			if changesGrants(st, comp) {
				if msg := check(opChangeAppGrants); msg != "" {
					return msg
				}
			}
		}
	}
	return ""
}

// changesGrants reports whether saving comp would change the app's profile or permission set grants.
func changesGrants(st *state, comp *metadata.ConnectedApp) bool {
	var profiles, permSets []string
	if a := st.appByName(comp.FullName); a != nil {
		profiles, permSets = st.grantNames(a.ID)
	}
	differs := func(want, have []string) bool {
		if want == nil {
			return false
		}
		w := slices.Clone(want)
		slices.Sort(w)
		w = slices.Compact(w)
		return !slices.EqualFunc(w, have, strings.EqualFold)
	}
	return differs(comp.ProfileName, profiles) || differs(comp.PermissionSetName, permSets)
}

func componentError(status, message string, fields ...string) []metadata.Error {
	return []metadata.Error{{StatusCode: status, Message: message, Fields: fields}}
}

func notFoundComponent(typ, name string) []metadata.Error {
	return componentError(metadata.StatusInvalidCrossReferenceKey, fmt.Sprintf("In field: fullName - no %s named %s found", typ, name), "fullName")
}

// settingsWriteRefusal refuses what no write of an org-wide settings type may do: create it (every
// org has it already) or name another fullName than the type's one.
func settingsWriteRefusal(op metadata.Operation, typ, fullName, want string) []metadata.Error {
	switch {
	case op == metadata.OpCreate:
		return componentError(metadata.StatusInvalidType, typ+" already exists in every org; use updateMetadata or upsertMetadata")
	case !strings.EqualFold(fullName, want):
		return notFoundComponent(typ, fullName)
	}
	return nil
}

func deleteComponent(st *state, typ, name string) componentOutcome {
	if metadata.IsFlatType(typ) {
		return deleteECAComponent(st, typ, name)
	}
	o := componentOutcome{fullName: name}
	if typ == metadata.TypeConnectedAppSettings {
		o.errors = componentError(metadata.StatusInvalidType, "ConnectedAppSettings can't be deleted; update its fields to their defaults instead")
		return o
	}
	a := st.appByName(name)
	if a == nil {
		o.errors = notFoundComponent(typ, name)
		return o
	}
	for _, g := range st.grantsOfApp(a.ID) {
		st.removeGrant(g)
	}
	st.removeApp(a)
	o.deletedApp = a.ID
	return o
}

func saveComponent(st *state, op metadata.Operation, comp metadata.Component, now string) componentOutcome {
	switch comp := comp.(type) {
	case *metadata.ConnectedAppSettings:
		return saveSettings(st, op, comp)
	case *metadata.ConnectedApp:
		return saveApp(st, op, comp, now)
	case *metadata.Flat:
		return saveECAComponent(st, op, comp, now)
	}
	return componentOutcome{fullName: comp.Name(), errors: componentError(metadata.StatusInvalidType, "unsupported metadata type "+comp.MetadataType())}
}

// saveSettings changes only the fields the component carries, as Salesforce does for settings.
func saveSettings(st *state, op metadata.Operation, s *metadata.ConnectedAppSettings) componentOutcome {
	o := componentOutcome{fullName: s.FullName}
	if o.errors = settingsWriteRefusal(op, metadata.TypeConnectedAppSettings, s.FullName, metadata.SettingsFullName); o.errors != nil {
		return o
	}
	if !st.org.Provisioned {
		for _, f := range []struct {
			name string
			v    *bool
		}{{"enableAdminApprovedAppsOnly", s.EnableAdminApprovedAppsOnly}, {"enableAdminApprovedAppsOnlyForExternalUser", s.EnableAdminApprovedAppsOnlyForExternalUser}} {
			if f.v != nil && *f.v {
				o.errors = componentError(metadata.StatusFeatureNotEnabled, featureNotProvisionedMessage, f.name)
				return o
			}
		}
	}
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&st.settings.EnableAdminApprovedAppsOnly, s.EnableAdminApprovedAppsOnly)
	set(&st.settings.EnableAdminApprovedAppsOnlyForExternalUser, s.EnableAdminApprovedAppsOnlyForExternalUser)
	set(&st.settings.EnableSkipUserProvisioningWizardWelcomePage, s.EnableSkipUserProvisioningWizardWelcomePage)
	return o
}

// connectedAppCreationRestricted refuses a new connected app in an org that may no longer create
// them (Spring '26, help 005228017: "Connected App creation via APIs (including the Metadata API)
// is blocked in the same way as the UI"). Salesforce's exact status code and text are not
// published, so both are unverified; clients recognise INSUFFICIENT_ACCESS with this prefix.
const connectedAppCreationRestricted = "Connected app creation is restricted in this org as of Spring '26. " +
	"Create an External Client App instead, or contact Salesforce Support to re-enable connected app creation."

// saveApp creates or replaces a connected app. Every field is replaced as sent except the grant
// lists, which an absent element leaves alone, and the create-only consumer key and secret.
func saveApp(st *state, op metadata.Operation, m *metadata.ConnectedApp, now string) componentOutcome {
	o := componentOutcome{fullName: m.FullName}
	existing := st.appByName(m.FullName)
	create := op == metadata.OpCreate || op == metadata.OpUpsert && existing == nil
	if o.errors = checkAppOperation(st, op, m.FullName, existing, create); o.errors != nil {
		return o
	}
	// Validate the component as sent. Grants stored earlier (through SetupEntityAccess or an earlier
	// deploy) are not merged in: switching an app to "All users may self-authorize" keeps its
	// profile and permission set assignments in Salesforce, it only stops them mattering.
	if errs := m.Validate(); len(errs) > 0 {
		o.errors = errs
		return o
	}
	cfg := m.OAuthConfig
	if cfg == nil {
		cfg = &metadata.OAuthConfig{}
	}
	if o.errors = checkAppCredentials(st, cfg, existing); o.errors != nil {
		return o
	}
	parents, gerrs := grantParents(st, m)
	if gerrs != nil {
		o.errors = gerrs
		return o
	}
	a := existing
	if a == nil {
		a = newApp(st, cfg, now)
		o.created = true
	}
	st.changeApp(a, func() { applyAppFields(a, m, cfg, now) })
	if parents != nil {
		replaceGrants(st, a.ID, parents)
	}
	return o
}

// checkAppOperation refuses what the operation cannot do whatever the component says: create an
// app that exists, update one that does not, or create any in an org that may no longer.
func checkAppOperation(st *state, op metadata.Operation, fullName string, existing *connectedApp, create bool) []metadata.Error {
	switch {
	case op == metadata.OpCreate && existing != nil:
		return componentError(metadata.StatusDuplicateValue, "There is already a ConnectedApp named "+fullName, "fullName")
	case !create && existing == nil:
		return notFoundComponent(metadata.TypeConnectedApp, fullName)
	case create && !st.org.ConnectedAppCreationAllowed:
		return componentError(metadata.StatusInsufficientAccess, connectedAppCreationRestricted)
	}
	return nil
}

// checkAppCredentials keeps consumer keys unique across apps, the key and secret fixed once an app
// exists, and the client-credentials user a user of this org.
func checkAppCredentials(st *state, cfg *metadata.OAuthConfig, existing *connectedApp) []metadata.Error {
	if cfg.ConsumerKey != "" {
		if other := st.appByConsumerKey(cfg.ConsumerKey); other != nil && (existing == nil || other.ID != existing.ID) {
			return componentError(metadata.StatusDuplicateValue, "The consumer key is already taken", "consumerKey")
		}
	}
	if existing != nil {
		if cfg.ConsumerKey != "" && cfg.ConsumerKey != existing.ConsumerKey {
			return componentError(metadata.StatusFieldIntegrityException, "consumerKey can't be changed", "consumerKey")
		}
		if cfg.ConsumerSecret != "" && cfg.ConsumerSecret != existing.ConsumerSecret {
			return componentError(metadata.StatusFieldIntegrityException, "consumerSecret can't be changed", "consumerSecret")
		}
	}
	if cfg.OAuthClientCredentialUser != "" && st.userByUsername(cfg.OAuthClientCredentialUser) == nil {
		return componentError(metadata.StatusInvalidCrossReferenceKey, "oauthClientCredentialUser: no user "+cfg.OAuthClientCredentialUser, "oauthClientCredentialUser")
	}
	return nil
}

// newApp adds an app created in this org: local and installed, with the consumer key and secret
// sent or, as Salesforce does, generated.
func newApp(st *state, cfg *metadata.OAuthConfig, now string) *connectedApp {
	a := &connectedApp{ID: st.ids.next(sfid.PrefixConnectedApplication), Local: true, Installed: true, CreatedDate: now}
	a.ConsumerKey, a.ConsumerSecret = cfg.ConsumerKey, cfg.ConsumerSecret
	if a.ConsumerKey == "" {
		a.ConsumerKey = "3MVG9" + randomString(80)
	}
	if a.ConsumerSecret == "" {
		a.ConsumerSecret = randomString(64)
	}
	st.putApp(a)
	return a
}

// applyAppFields replaces every field the component carries; an absent element clears its field,
// as a Metadata deploy does.
func applyAppFields(a *connectedApp, m *metadata.ConnectedApp, cfg *metadata.OAuthConfig, now string) {
	a.Name, a.Label, a.ContactEmail, a.ContactPhone = m.FullName, m.Label, m.ContactEmail, m.ContactPhone
	a.Description, a.InfoURL, a.StartURL, a.MobileStartURL, a.LogoURL = m.Description, m.InfoURL, m.StartURL, m.MobileStartURL, m.LogoURL
	a.CallbackURLs = metadata.CallbackURLs(cfg.CallbackURL)
	a.Scopes = slices.Clone(cfg.Scopes)
	a.AdminApproved = cfg.IsAdminApproved != nil && *cfg.IsAdminApproved
	a.PkceRequired = cfg.IsPkceRequired != nil && *cfg.IsPkceRequired
	a.Certificate = cfg.Certificate
	a.ClientCredentialsEnabled = cfg.IsClientCredentialEnabled != nil && *cfg.IsClientCredentialEnabled
	a.ClientCredentialsUser = cfg.OAuthClientCredentialUser
	a.ConsumerSecretOptional, a.SecretRequiredForRefreshToken = cfg.IsConsumerSecretOptional, cfg.IsSecretRequiredForRefreshToken
	a.IPRelaxation, a.RefreshTokenPolicy, a.SingleLogoutURL = "", "", ""
	if p := m.OAuthPolicy; p != nil {
		a.IPRelaxation, a.RefreshTokenPolicy, a.SingleLogoutURL = p.IPRelaxation, p.RefreshTokenPolicy, p.SingleLogoutURL
	}
	a.LastModifiedDate = now
}

// replaceGrants drops the app's grants of the kinds the component lists and adds the listed ones.
func replaceGrants(st *state, appID string, parents *grantChange) {
	for _, g := range st.grantsOfApp(appID) {
		if parents.replaces(st.permSets[g.ParentID]) {
			st.removeGrant(g)
		}
	}
	for _, parent := range parents.ids {
		if st.grantOf(parent, appID) == nil {
			st.putGrant(&grant{ID: st.ids.next(sfid.PrefixSetupEntityAccess), ParentID: parent, AppID: appID})
		}
	}
}

// grantChange is the set of grants a component asks for: which kinds it replaces and the parents.
type grantChange struct {
	profiles, permSets bool
	ids                []string
}

func (g *grantChange) replaces(ps *permSet) bool {
	if ps.ProfileID != "" {
		return g.profiles
	}
	return g.permSets
}

// grantParents resolves the profileName and permissionSetName lists; nil means no change.
func grantParents(st *state, m *metadata.ConnectedApp) (*grantChange, []metadata.Error) {
	if m.ProfileName == nil && m.PermissionSetName == nil {
		return nil, nil
	}
	change := &grantChange{profiles: m.ProfileName != nil, permSets: m.PermissionSetName != nil}
	for _, name := range m.ProfileName {
		p := st.profileByName(name)
		if p == nil {
			return nil, componentError(metadata.StatusInvalidCrossReferenceKey, "profileName: no Profile named "+name+" found", "profileName")
		}
		change.ids = append(change.ids, p.PermissionSetID)
	}
	for _, name := range m.PermissionSetName {
		ps := st.permSetByName(name)
		if ps == nil || ps.ProfileID != "" {
			return nil, componentError(metadata.StatusInvalidCrossReferenceKey, "permissionSetName: no PermissionSet named "+name+" found", "permissionSetName")
		}
		change.ids = append(change.ids, ps.ID)
	}
	return change, nil
}
