package mockorg

import (
	"fmt"
	"maps"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/metadata"
)

// What the Metadata API's calls do to External Client Apps and ExternalClientAppSettings in the
// org (ARCHITECTURE.md, "mockorg model"): soap.go (the protocol) routes every call on a type
// metadata.IsFlatType admits here, as store_connectedapp_metadata.go serves the connected-app types.

// ecaReadOp is the permission matrix's operation for reading a type.
func ecaReadOp(typ string) operation {
	if typ == metadata.TypeExternalClientAppSettings {
		return opReadSettings
	}
	return opReadECAs
}

// ecaWriteOp is the permission matrix's operation for writing a type: developers own the app and
// its settings, admins its policies.
func ecaWriteOp(typ string) operation {
	switch typ {
	case metadata.TypeExternalClientAppSettings:
		return opUpdateSettings
	case metadata.TypeExtlClntAppGlobalOauthSettings:
		return opWriteECAGlobalOAuth
	case metadata.TypeExtlClntAppOauthConfigurablePols, metadata.TypeExtlClntAppConfigurablePolicies:
		return opWriteECAPolicies
	}
	return opWriteECAs
}

// readECAComponent returns a component as Salesforce reads it back (never its consumer secret:
// the encoder leaves it out), or nil for a missing name.
func readECAComponent(st *state, typ, name string) metadata.Component {
	if typ == metadata.TypeExternalClientAppSettings {
		if !strings.EqualFold(name, metadata.ExternalClientAppSettingsFullName) {
			return nil
		}
		s := st.ecaSettings
		return &metadata.Flat{Type: typ, FullName: metadata.ExternalClientAppSettingsFullName, Values: map[string]string{
			"enableExternalClientApps":          fmt.Sprint(s.enabled()),
			"enableConsumerSecretApiAccess":     fmt.Sprint(s.EnableConsumerSecretAPIAccess),
			"enableClientSecretInRestApiAccess": fmt.Sprint(s.EnableClientSecretInRestAPIAccess),
		}}
	}
	_, c := st.ecaComponent(typ, name)
	if c == nil {
		return nil
	}
	cp := *c
	cp.Values = maps.Clone(c.Values)
	return &cp
}

// ecaFiles are the listMetadata folder and suffix of each type.
var ecaFiles = map[string][2]string{
	metadata.TypeExternalClientApplication:        {"externalClientApps", "eca"},
	metadata.TypeExtlClntAppOauthSettings:         {"extlClntAppOauthSettings", "ecaOauth"},
	metadata.TypeExtlClntAppGlobalOauthSettings:   {"extlClntAppGlobalOauthSets", "ecaGlblOauth"},
	metadata.TypeExtlClntAppOauthConfigurablePols: {"extlClntAppOauthPolicies", "ecaOauthPlcy"},
	metadata.TypeExtlClntAppConfigurablePolicies:  {"extlClntAppPolicies", "ecaPlcy"},
}

func listECAFiles(st *state, creator *user, typ string) []metadata.FileProperties {
	if typ == metadata.TypeExternalClientAppSettings {
		return []metadata.FileProperties{fileProperties(creator, typ, metadata.ExternalClientAppSettingsFullName,
			"settings/ExternalClientApp.settings", "", "unmanaged", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z")}
	}
	var out []metadata.FileProperties
	folder := ecaFiles[typ]
	for _, c := range st.ecaComponentsOf(typ) {
		e, _ := st.ecaComponent(typ, c.FullName)
		id := ""
		if typ == metadata.TypeExternalClientApplication {
			id = e.ID
		}
		out = append(out, fileProperties(creator, typ, c.FullName, folder[0]+"/"+c.FullName+"."+folder[1], id,
			"unmanaged", e.CreatedDate, e.LastModifiedDate))
	}
	return out
}

func deleteECAComponent(st *state, typ, name string) componentOutcome {
	o := componentOutcome{fullName: name}
	if typ == metadata.TypeExternalClientAppSettings {
		o.errors = componentError(metadata.StatusInvalidType, "ExternalClientAppSettings can't be deleted; update its fields to their defaults instead")
		return o
	}
	e, c := st.ecaComponent(typ, name)
	if c == nil {
		o.errors = notFoundComponent(typ, name)
		return o
	}
	// Deleting the header takes the app with it, plugins and tokens included; deleting the global
	// OAuth settings takes its consumer, whose tokens end with it (both assumed).
	switch typ {
	case metadata.TypeExternalClientApplication:
		delete(st.ecas, e.ID)
		o.deletedApp = e.ID
	case metadata.TypeExtlClntAppGlobalOauthSettings:
		delete(e.Components, typ)
		e.ConsumerID, e.Staged = "", nil
		o.deletedApp = e.ID
	default:
		delete(e.Components, typ)
	}
	return o
}

// saveECAComponent creates, updates or upserts one External Client App component.
func saveECAComponent(st *state, op metadata.Operation, comp *metadata.Flat, now string) componentOutcome {
	if comp.Type == metadata.TypeExternalClientAppSettings {
		return saveECASettings(st, op, comp)
	}
	o := componentOutcome{fullName: comp.FullName}
	if o.errors = comp.Validate(); o.errors != nil {
		return o
	}
	owner, existing := st.ecaComponent(comp.Type, comp.FullName)
	create := op == metadata.OpCreate || op == metadata.OpUpsert && existing == nil
	switch {
	case op == metadata.OpCreate && existing != nil:
		o.errors = componentError(metadata.StatusDuplicateValue, fmt.Sprintf("There is already a %s named %s", comp.Type, comp.FullName), "fullName")
		return o
	case !create && existing == nil:
		o.errors = notFoundComponent(comp.Type, comp.FullName)
		return o
	}
	if comp.Type == metadata.TypeExternalClientApplication {
		return saveECAHeader(st, comp, owner, now, o)
	}
	appName := comp.Values["externalClientApplication"]
	e := st.ecaByName(appName)
	switch {
	case e == nil:
		o.errors = componentError(metadata.StatusInvalidCrossReferenceKey,
			"In field: externalClientApplication - no ExternalClientApplication named "+appName+" found", "externalClientApplication")
		return o
	case owner != nil && owner != e:
		o.errors = componentError(metadata.StatusFieldIntegrityException, "externalClientApplication can't be changed", "externalClientApplication")
		return o
	case e.Components[comp.Type] != nil && existing == nil:
		o.errors = componentError(metadata.StatusDuplicateValue, fmt.Sprintf("External Client App %s already has a %s named %s",
			e.Name, comp.Type, e.Components[comp.Type].FullName), "externalClientApplication")
		return o
	}
	values := maps.Clone(comp.Values)
	var errs []metadata.Error
	switch comp.Type {
	case metadata.TypeExtlClntAppGlobalOauthSettings:
		errs = applyECACredentials(st, e, values)
	case metadata.TypeExtlClntAppOauthConfigurablePols:
		errs = checkECAPolicyReferences(st, values)
	}
	if errs != nil {
		o.errors = errs
		return o
	}
	if comp.Type == metadata.TypeExtlClntAppGlobalOauthSettings && e.ConsumerID == "" {
		e.ConsumerID = st.ids.next(prefixECAConsumer)
	}
	e.Components[comp.Type] = &metadata.Flat{Type: comp.Type, FullName: comp.FullName, Values: values}
	e.LastModifiedDate = now
	o.created = create
	return o
}

// saveECAHeader creates or replaces an ExternalClientApplication.
func saveECAHeader(st *state, comp *metadata.Flat, existing *externalClientApp, now string, o componentOutcome) componentOutcome {
	if msg := developerNameProblem(comp.FullName); msg != "" {
		o.errors = componentError(metadata.StatusFieldIntegrityException, "fullName: "+msg, "fullName")
		return o
	}
	values := maps.Clone(comp.Values)
	if existing == nil {
		if !st.ecaSettings.enabled() {
			o.errors = componentError(metadata.StatusFeatureNotEnabled,
				"External Client Apps aren't enabled in this org: set ExternalClientAppSettings.enableExternalClientApps", "fullName")
			return o
		}
		existing = &externalClientApp{ID: st.ids.next(prefixExternalClientApp), Name: comp.FullName, CreatedDate: now,
			Components: map[string]*metadata.Flat{}}
		st.ecas[existing.ID] = existing
		o.created = true
	}
	// Salesforce fills orgScopedExternalApp in on the first deploy as "[org id]:[app name]".
	if values["orgScopedExternalApp"] == "" {
		if old, ok := existing.value(metadata.TypeExternalClientApplication, "orgScopedExternalApp"); ok {
			values["orgScopedExternalApp"] = old
		} else {
			values["orgScopedExternalApp"] = st.org.ID + ":" + comp.FullName
		}
	}
	existing.Components[metadata.TypeExternalClientApplication] = &metadata.Flat{Type: comp.Type, FullName: existing.Name, Values: values}
	existing.LastModifiedDate = now
	return o
}

// applyECACredentials keeps the consumer key and secret an update leaves out, refuses changing
// them (rotation goes through staged credentials or the shouldRotate flags), generates them on
// create as Salesforce does, and carries out a requested rotation. The shouldRotate flags are
// actions, so they are not stored.
func applyECACredentials(st *state, e *externalClientApp, values map[string]string) []metadata.Error {
	oldKey, oldSecret := e.consumerKey(), e.consumerSecret()
	rotateKey, rotateSecret := values["shouldRotateConsumerKey"] == "true", values["shouldRotateConsumerSecret"] == "true"
	delete(values, "shouldRotateConsumerKey")
	delete(values, "shouldRotateConsumerSecret")
	key, secret := values["consumerKey"], values["consumerSecret"]
	if oldKey != "" {
		switch {
		case key != "" && key != oldKey:
			return componentError(metadata.StatusFieldIntegrityException, "consumerKey can't be changed", "consumerKey")
		case secret != "" && secret != oldSecret:
			return componentError(metadata.StatusFieldIntegrityException, "consumerSecret can't be changed", "consumerSecret")
		}
		key, secret = oldKey, oldSecret
	}
	if key != "" && key != oldKey && st.consumerKeyInUse(key, e) {
		return componentError(metadata.StatusDuplicateValue, "The consumer key is already taken", "consumerKey")
	}
	if key == "" || rotateKey {
		key = "3MVG9" + randomString(80)
	}
	if secret == "" || rotateSecret {
		secret = randomString(64)
	}
	if cert := values["certificate"]; cert != "" && certificateKey(cert) == nil {
		return componentError(metadata.StatusFieldIntegrityException, "certificate: not a PEM or base64 X.509 certificate with an RSA key", "certificate")
	}
	values["consumerKey"], values["consumerSecret"] = key, secret
	return nil
}

// checkECAPolicyReferences checks that the policies' run-as user, permission sets and profiles
// exist.
func checkECAPolicyReferences(st *state, values map[string]string) []metadata.Error {
	if u := values["clientCredentialsFlowUser"]; u != "" && st.userByUsername(u) == nil {
		return componentError(metadata.StatusInvalidCrossReferenceKey, "clientCredentialsFlowUser: no user "+u, "clientCredentialsFlowUser")
	}
	for _, g := range []struct {
		element, what string
		profile       bool
	}{{"commaSeparatedPermissionSet", "permission set", false}, {"commaSeparatedProfile", "profile", true}} {
		for _, entry := range splitComma(values[g.element]) {
			if st.resolveGrantee(entry, g.profile) == "" {
				return componentError(metadata.StatusInvalidCrossReferenceKey, fmt.Sprintf("%s: no %s %s", g.element, g.what, entry), g.element)
			}
		}
	}
	return nil
}

// saveECASettings changes only the fields the component carries, as for every settings type.
func saveECASettings(st *state, op metadata.Operation, s *metadata.Flat) componentOutcome {
	o := componentOutcome{fullName: s.FullName}
	if o.errors = settingsWriteRefusal(op, metadata.TypeExternalClientAppSettings, s.FullName, metadata.ExternalClientAppSettingsFullName); o.errors != nil {
		return o
	}
	if v, ok := s.Bool("enableExternalClientApps"); ok {
		st.ecaSettings.EnableExternalClientApps = &v
	}
	if v, ok := s.Bool("enableConsumerSecretApiAccess"); ok {
		st.ecaSettings.EnableConsumerSecretAPIAccess = v
	}
	if v, ok := s.Bool("enableClientSecretInRestApiAccess"); ok {
		st.ecaSettings.EnableClientSecretInRestAPIAccess = v
	}
	return o
}
