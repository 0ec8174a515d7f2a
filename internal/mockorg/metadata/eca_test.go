package metadata

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// everyECAComponent sets every element of every External Client App type.
func everyECAComponent() []Component {
	values := func(typ string) map[string]string {
		out := map[string]string{}
		for _, f := range ecaTypes[typ].fields {
			switch {
			case f.name == "fullName":
			case f.kind == flatBool:
				out[f.name] = "true"
			case f.kind == flatEnum:
				out[f.name] = f.values[len(f.values)-1]
			default:
				out[f.name] = "x_" + f.name
			}
		}
		return out
	}
	var out []Component
	for _, typ := range []string{TypeExternalClientApplication, TypeExtlClntAppOauthSettings, TypeExtlClntAppGlobalOauthSettings,
		TypeExtlClntAppOauthConfigurablePols, TypeExtlClntAppConfigurablePolicies, TypeExternalClientAppSettings} {
		out = append(out, &Flat{Type: typ, FullName: "Acme_" + typ, Values: values(typ)})
	}
	return out
}

const ecaCreateBody = `<createMetadata>
  <metadata xsi:type="ExtlClntAppOauthConfigurablePolicies">
    <fullName>Acme_Sync_oauthPlcy</fullName>
    <commaSeparatedPermissionSet>Sync_Users,Admins</commaSeparatedPermissionSet>
    <externalClientApplication>Acme_Sync</externalClientApplication>
    <isClientCredentialsFlowEnabled>1</isClientCredentialsFlowEnabled>
    <permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>
  </metadata>
</createMetadata>`

func TestDecodeECAComponent(t *testing.T) {
	want := &Flat{Type: TypeExtlClntAppOauthConfigurablePols, FullName: "Acme_Sync_oauthPlcy", Values: map[string]string{
		"commaSeparatedPermissionSet": "Sync_Users,Admins", "externalClientApplication": "Acme_Sync",
		"isClientCredentialsFlowEnabled": "true", "permittedUsersPolicyType": "AdminApprovedPreAuthorized",
	}}
	for name, body := range map[string]string{"default-namespace": wireEnvelope(ecaCreateBody), "met-prefix": metEnvelope(toMet(ecaCreateBody))} {
		got := decodeString(t, body, 66)
		if len(got.Components) != 1 || !reflect.DeepEqual(got.Components[0], want) {
			t.Errorf("%s: decoded %#v", name, got.Components)
		}
	}
}

func TestDecodeECARefusals(t *testing.T) {
	tests := []struct {
		name string
		body string
		v    Version
		want string
	}{
		{"enum value", strings.Replace(ecaCreateBody, "AdminApprovedPreAuthorized", "Everyone", 1), 66,
			"'Everyone' is not a valid value for the enum 'PermittedUsersPolicyType'"},
		{"field newer than the version", ecaCreateBody, 59,
			"Element {http://soap.sforce.com/2006/04/metadata}isClientCredentialsFlowEnabled invalid at this location in type ExtlClntAppOauthConfigurablePolicies"},
		{"type newer than the version", `<readMetadata><type>ExtlClntAppConfigurablePolicies</type><fullNames>A</fullNames></readMetadata>`, 59,
			"INVALID_TYPE: Cannot use: ExtlClntAppConfigurablePolicies in this version"},
		{"custom attributes are not modelled", strings.Replace(ecaCreateBody, "<permittedUsersPolicyType>", "<customAttributes/><permittedUsersPolicyType>", 1), 66,
			"Element {http://soap.sforce.com/2006/04/metadata}customAttributes invalid at this location in type ExtlClntAppOauthConfigurablePolicies"},
	}
	for _, tt := range tests {
		_, err := Decode(strings.NewReader(wireEnvelope(tt.body)), tt.v)
		var f *Fault
		if !errors.As(err, &f) || !strings.Contains(f.Error(), tt.want) {
			t.Errorf("%s: got %v, want a fault saying %q", tt.name, err, tt.want)
		}
	}
}

func TestECAReadResponseNeverCarriesTheSecret(t *testing.T) {
	global := &Flat{Type: TypeExtlClntAppGlobalOauthSettings, FullName: "Acme_Sync_glbloauth", Values: map[string]string{
		"consumerKey": "KEY", "consumerSecret": "SECRET", "externalClientApplication": "Acme_Sync", "certificate": "CERT",
	}}
	got := render(t, func(w io.Writer) error { return WriteReadResponse(w, 59, []Component{global}) })
	if strings.Contains(got, "SECRET") || !strings.Contains(got, "<consumerKey>KEY</consumerKey>") {
		t.Errorf("read response: %s", got)
	}
	if strings.Contains(got, "CERT") {
		t.Errorf("certificate exists from 60.0 but was written at 59.0: %s", got)
	}
}

func TestECAValidateRequiredFields(t *testing.T) {
	app := &Flat{Type: TypeExternalClientApplication, FullName: "Acme_Sync", Values: map[string]string{"label": "Acme Sync"}}
	var fields []string
	for _, e := range app.Validate() {
		if e.StatusCode != StatusRequiredFieldMissing {
			t.Errorf("status %s", e.StatusCode)
		}
		fields = append(fields, e.Fields...)
	}
	if !reflect.DeepEqual(fields, []string{"contactEmail", "distributionState"}) {
		t.Errorf("missing fields reported: %v", fields)
	}
}
