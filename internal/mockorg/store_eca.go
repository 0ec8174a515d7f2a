package mockorg

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/metadata"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// External Client Apps (ARCHITECTURE.md, "mockorg model"; SALESFORCE.md, External Client Apps).
// An ECA is its header component (ExternalClientApplication) and at most one of each plugin
// component that names it in externalClientApplication. mockorg keeps every component as the
// Metadata API carries it, so what a client writes is what it reads back, and derives the access
// inputs, the credentials and the token flows from them.

// Key prefixes of the ECA records mockorg mints. Salesforce does not document them (assumed).
const (
	prefixExternalClientApp = sfid.PrefixExternalClientApp
	prefixECAConsumer       = sfid.PrefixECAConsumer
	prefixECAStaged         = sfid.PrefixECAStaged
)

const globalOAuthType = metadata.TypeExtlClntAppGlobalOauthSettings

// ecaPluginTypes are the component types that belong to an ECA besides its header.
var ecaPluginTypes = []string{
	metadata.TypeExtlClntAppOauthSettings, metadata.TypeExtlClntAppGlobalOauthSettings,
	metadata.TypeExtlClntAppOauthConfigurablePols, metadata.TypeExtlClntAppConfigurablePolicies,
}

// SeedExternalClientApp is an External Client App: its metadata components as the Metadata API
// spells them, and the credentials that are not metadata (the consumer's id, staged credentials).
type SeedExternalClientApp struct {
	ID               string             `json:"id,omitempty"`
	Name             string             `json:"name"`
	CreatedDate      string             `json:"createdDate,omitempty"`
	LastModifiedDate string             `json:"lastModifiedDate,omitempty"`
	Components       []SeedECAComponent `json:"components"`
	ConsumerID       string             `json:"consumerId,omitempty"`
	Staged           *SeedECAStaged     `json:"staged,omitempty"`
}

// SeedECAComponent is one metadata component of an ECA: its type, fullName and element values.
type SeedECAComponent struct {
	Type     string            `json:"type"`
	FullName string            `json:"fullName"`
	Values   map[string]string `json:"values"`
}

// SeedECAStaged is a staged consumer key and secret, waiting to be promoted or discarded.
type SeedECAStaged struct {
	ID             string `json:"id"`
	ConsumerKey    string `json:"consumerKey"`
	ConsumerSecret string `json:"consumerSecret"`
	CreatedDate    string `json:"createdDate"`
}

// SeedECASettings is the org's ExternalClientAppSettings. EnableExternalClientApps absent means
// on: orgs have the feature unless they opted out (assumed).
type SeedECASettings struct {
	EnableExternalClientApps          *bool `json:"enableExternalClientApps,omitempty"`
	EnableConsumerSecretAPIAccess     bool  `json:"enableConsumerSecretApiAccess"`
	EnableClientSecretInRestAPIAccess bool  `json:"enableClientSecretInRestApiAccess"`
}

func (s SeedECASettings) enabled() bool {
	return s.EnableExternalClientApps == nil || *s.EnableExternalClientApps
}

// externalClientApp is an ECA in the store.
type externalClientApp struct {
	ID, Name                      string
	CreatedDate, LastModifiedDate string
	// Components holds the header and the plugin components by type.
	Components map[string]*metadata.Flat
	ConsumerID string
	Staged     *SeedECAStaged
}

func (e *externalClientApp) value(typ, name string) (string, bool) {
	c := e.Components[typ]
	if c == nil {
		return "", false
	}
	v, ok := c.Values[name]
	return v, ok
}

func (e *externalClientApp) flag(typ, name string, absent bool) bool {
	v, ok := e.value(typ, name)
	if !ok {
		return absent
	}
	return v == "true"
}

func (e *externalClientApp) consumerKey() string {
	key, _ := e.value(metadata.TypeExtlClntAppGlobalOauthSettings, "consumerKey")
	return key
}

func (e *externalClientApp) consumerSecret() string {
	secret, _ := e.value(metadata.TypeExtlClntAppGlobalOauthSettings, "consumerSecret")
	return secret
}

func (e *externalClientApp) label() string {
	label, _ := e.value(metadata.TypeExternalClientApplication, "label")
	return cmp.Or(label, e.Name)
}

// clientCredentialsUser is the run-as user of the client credentials flow, when both the
// developer's global OAuth settings and the admin's OAuth policies enable the flow.
func (e *externalClientApp) clientCredentialsUser() string {
	if !e.flag(metadata.TypeExtlClntAppGlobalOauthSettings, "isClientCredentialsFlowEnabled", false) ||
		!e.flag(metadata.TypeExtlClntAppOauthConfigurablePols, "isClientCredentialsFlowEnabled", false) {
		return ""
	}
	u, _ := e.value(metadata.TypeExtlClntAppOauthConfigurablePols, "clientCredentialsFlowUser")
	return u
}

// scopes are the OAuth settings' comma-separated scopes.
func (e *externalClientApp) scopes() []string {
	s, _ := e.value(metadata.TypeExtlClntAppOauthSettings, "commaSeparatedOauthScopes")
	return splitComma(s)
}

func splitComma(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func cloneECA(e *externalClientApp) *externalClientApp {
	c := *e
	c.Components = make(map[string]*metadata.Flat, len(e.Components))
	for typ, comp := range e.Components {
		cp := *comp
		cp.Values = maps.Clone(comp.Values)
		c.Components[typ] = &cp
	}
	if e.Staged != nil {
		staged := *e.Staged
		c.Staged = &staged
	}
	return &c
}

func (st *state) ecaByName(name string) *externalClientApp {
	for _, e := range st.ecas {
		if strings.EqualFold(e.Name, name) {
			return e
		}
	}
	return nil
}

// ecaByConsumerKey finds the ECA whose current or staged consumer key is key: staged credentials
// work before they are promoted, so that a client can switch to them first (SALESFORCE.md,
// External Client Apps).
func (st *state) ecaByConsumerKey(key string) *externalClientApp {
	if key == "" {
		return nil
	}
	for _, e := range st.ecas {
		if e.consumerKey() == key || e.Staged != nil && e.Staged.ConsumerKey == key {
			return e
		}
	}
	return nil
}

// secretFor is the consumer secret that goes with key: the staged one for the staged key.
func (e *externalClientApp) secretFor(key string) string {
	if e.Staged != nil && key == e.Staged.ConsumerKey {
		return e.Staged.ConsumerSecret
	}
	return e.consumerSecret()
}

// consumerKeyInUse reports whether a connected app or another ECA already uses key.
func (st *state) consumerKeyInUse(key string, except *externalClientApp) bool {
	if st.appByConsumerKey(key) != nil {
		return true
	}
	for _, e := range st.ecas {
		if e != except && (e.consumerKey() == key || e.Staged != nil && e.Staged.ConsumerKey == key) {
			return true
		}
	}
	return false
}

// ecaComponent finds a component by type and fullName across every ECA.
func (st *state) ecaComponent(typ, fullName string) (*externalClientApp, *metadata.Flat) {
	for _, e := range sorted(st.ecas) {
		if c := e.Components[typ]; c != nil && strings.EqualFold(c.FullName, fullName) {
			return e, c
		}
	}
	return nil, nil
}

// resolveGrantee finds the permission set a name or id in an ECA's OAuth policies stands for: a
// permission set by id or API name, or a profile (whose owned permission set holds its grants)
// by id or name.
func (st *state) resolveGrantee(entry string, profile bool) string {
	if id, err := sfid.Normalize(entry); err == nil {
		if profile {
			if p := st.profiles[id]; p != nil {
				return p.PermissionSetID
			}
			return ""
		}
		if ps := st.permSets[id]; ps != nil && ps.ProfileID == "" {
			return ps.ID
		}
		return ""
	}
	if profile {
		if p := st.profileByName(entry); p != nil {
			return p.PermissionSetID
		}
		return ""
	}
	if ps := st.permSetByName(entry); ps != nil && ps.ProfileID == "" {
		return ps.ID
	}
	return ""
}

// accessECA builds the rules' view of an ECA. Absent policies take their documented defaults:
// plugins on, and Permitted Users admin approved with nobody granted — a new ECA starts closed.
func (st *state) accessECA(e *externalClientApp) access.ExternalClientApp {
	const pols = metadata.TypeExtlClntAppOauthConfigurablePols
	permitted, _ := e.value(pols, "permittedUsersPolicyType")
	eca := access.ExternalClientApp{
		Name:                   e.Name,
		Enabled:                e.flag(metadata.TypeExtlClntAppConfigurablePolicies, "isEnabled", true),
		OAuthPluginEnabled:     e.flag(metadata.TypeExtlClntAppConfigurablePolicies, "isOauthPluginEnabled", true),
		AdminApprovedUsersOnly: permitted != "AllSelfAuthorized",
	}
	for _, g := range []struct {
		element string
		profile bool
	}{{"commaSeparatedPermissionSet", false}, {"commaSeparatedProfile", true}} {
		list, _ := e.value(pols, g.element)
		for _, entry := range splitComma(list) {
			if id := st.resolveGrantee(entry, g.profile); id != "" {
				eca.GrantedTo = append(eca.GrantedTo, id)
			}
		}
	}
	return eca
}

// loadExternalClientApps builds the seed's ECAs, checking each as the Metadata API would.
func (st *state) loadExternalClientApps(seed *Seed) error {
	for i, se := range seed.ExternalClientApps {
		if msg := developerNameProblem(se.Name); msg != "" {
			return fmt.Errorf("seed: external client app %q: %s", se.Name, msg)
		}
		if st.ecaByName(se.Name) != nil {
			return fmt.Errorf("seed: external client app %q is defined twice", se.Name)
		}
		e := &externalClientApp{Name: se.Name, CreatedDate: cmp.Or(se.CreatedDate, "2026-01-01T00:00:00.000Z"),
			Components: map[string]*metadata.Flat{}, ConsumerID: se.ConsumerID}
		e.LastModifiedDate = cmp.Or(se.LastModifiedDate, e.CreatedDate)
		for _, c := range se.Components {
			if !metadata.IsFlatType(c.Type) || c.Type == metadata.TypeExternalClientAppSettings {
				return fmt.Errorf("seed: external client app %q: %q is not a component type of an external client app", se.Name, c.Type)
			}
			if e.Components[c.Type] != nil {
				return fmt.Errorf("seed: external client app %q: two %s components", se.Name, c.Type)
			}
			comp := &metadata.Flat{Type: c.Type, FullName: c.FullName, Values: maps.Clone(c.Values)}
			if comp.Values == nil {
				comp.Values = map[string]string{}
			}
			if errs := comp.Validate(); len(errs) > 0 {
				return fmt.Errorf("seed: external client app %q: %s: %s", se.Name, c.Type, errs[0].Message)
			}
			if c.Type != metadata.TypeExternalClientApplication && !strings.EqualFold(comp.Values["externalClientApplication"], se.Name) {
				return fmt.Errorf("seed: external client app %q: its %s names %q in externalClientApplication", se.Name, c.Type, comp.Values["externalClientApplication"])
			}
			e.Components[c.Type] = comp
		}
		if header := e.Components[metadata.TypeExternalClientApplication]; header == nil || !strings.EqualFold(header.FullName, se.Name) {
			return fmt.Errorf("seed: external client app %q needs an ExternalClientApplication component of that fullName", se.Name)
		}
		if key := e.consumerKey(); key != "" && (st.consumerKeyInUse(key, nil) || e.consumerSecret() == "") {
			return fmt.Errorf("seed: external client app %q: its consumerKey is already used, or it has no consumerSecret", se.Name)
		}
		var err error
		r := seedIDReserver{st: st, seen: map[string]string{}}
		if e.ID, err = r.claim("external client app "+se.Name, se.ID, prefixExternalClientApp); err != nil {
			return err
		}
		if e.ConsumerID, err = r.claim("consumer of external client app "+se.Name, se.ConsumerID, prefixECAConsumer); err != nil {
			return err
		}
		e.ID = st.orElse(e.ID, prefixExternalClientApp)
		if e.Components[metadata.TypeExtlClntAppGlobalOauthSettings] != nil {
			e.ConsumerID = st.orElse(e.ConsumerID, prefixECAConsumer)
		}
		if se.Staged != nil {
			staged := *se.Staged
			if staged.ID, err = r.claim("staged credentials of "+se.Name, staged.ID, prefixECAStaged); err != nil {
				return err
			}
			staged.ID = st.orElse(staged.ID, prefixECAStaged)
			e.Staged = &staged
		}
		if st.ecas[e.ID] != nil {
			return fmt.Errorf("seed: externalClientApps[%d]: id %s is used twice", i, e.ID)
		}
		st.ecas[e.ID] = e
	}
	return nil
}

// ecaSeeds renders the ECAs in the seed's shape, ids included.
func (st *state) ecaSeeds() []SeedExternalClientApp {
	out := []SeedExternalClientApp{}
	for _, e := range sorted(st.ecas) {
		se := SeedExternalClientApp{ID: e.ID, Name: e.Name, CreatedDate: e.CreatedDate, LastModifiedDate: e.LastModifiedDate, ConsumerID: e.ConsumerID}
		for _, typ := range append([]string{metadata.TypeExternalClientApplication}, ecaPluginTypes...) {
			if c := e.Components[typ]; c != nil {
				se.Components = append(se.Components, SeedECAComponent{Type: typ, FullName: c.FullName, Values: maps.Clone(c.Values)})
			}
		}
		if e.Staged != nil {
			staged := *e.Staged
			se.Staged = &staged
		}
		out = append(out, se)
	}
	return out
}

// ecaComponentsOf lists every component of a type, by fullName, for listMetadata.
func (st *state) ecaComponentsOf(typ string) []*metadata.Flat {
	var out []*metadata.Flat
	for _, e := range sorted(st.ecas) {
		if c := e.Components[typ]; c != nil {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *metadata.Flat) int { return strings.Compare(a.FullName, b.FullName) })
	return out
}

// ecaByID resolves an app id of the path to an ECA.
func (st *state) ecaByID(raw string) (*externalClientApp, *apiError) {
	id, err := sfid.Normalize(raw)
	if err != nil || st.ecas[id] == nil {
		return nil, errNotFound
	}
	return st.ecas[id], nil
}
