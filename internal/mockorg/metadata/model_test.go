package metadata

import (
	"reflect"
	"testing"
)

func TestFoldScopes(t *testing.T) {
	tests := []struct {
		in, want []string
	}{
		{nil, nil},
		{[]string{}, []string{}},
		{[]string{"Api", "RefreshToken"}, []string{"Api", "RefreshToken"}},
		{[]string{"Profile", "Email", "Address", "Phone"}, []string{"Basic"}},
		{[]string{"OfflineAccess", "Api"}, []string{"RefreshToken", "Api"}},
		{[]string{"Api", "OfflineAccess", "RefreshToken", "Email", "Basic", "Web"}, []string{"Api", "RefreshToken", "Basic", "Web"}},
		{[]string{"Api", "Api"}, []string{"Api"}},
	}
	for _, tt := range tests {
		if got := FoldScopes(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("FoldScopes(%v) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
	in := []string{"Email", "Api"}
	FoldScopes(in)
	if in[0] != "Email" {
		t.Error("FoldScopes must not modify its argument")
	}
}

func TestCallbackURLs(t *testing.T) {
	if got := CallbackURLs("https://a/cb\r\n  https://b/cb \n\nhttps://c/cb\n"); !reflect.DeepEqual(got, []string{"https://a/cb", "https://b/cb", "https://c/cb"}) {
		t.Errorf("got %#v", got)
	}
	if got := CallbackURLs(""); got != nil {
		t.Errorf("got %#v", got)
	}
	urls := []string{"https://a/cb", "https://b/cb"}
	if joined := JoinCallbackURLs(urls); joined != "https://a/cb\nhttps://b/cb" || !reflect.DeepEqual(CallbackURLs(joined), urls) {
		t.Errorf("JoinCallbackURLs = %q", joined)
	}
}

func TestFieldAndTypeSince(t *testing.T) {
	for _, tt := range []struct {
		typ, field string
		want       Version
	}{
		{TypeConnectedApp, "oauthPolicy", 49},
		{TypeConnectedApp, "permissionSetName", 46},
		{TypeConnectedApp, "profileName", 46},
		{typeOauthConfig, "isAdminApproved", 46},
		{typeOauthConfig, "isPkceRequired", 59},
		{typeOauthConfig, "isClientCredentialEnabled", 56},
		{typeOauthConfig, "oauthClientCredentialUser", 56},
		{typeOauthConfig, "isConsumerSecretOptional", 49},
		{typeOauthConfig, "isSecretRequiredForRefreshToken", 51},
		{TypeConnectedAppSettings, "enableAdminApprovedAppsOnlyForExternalUser", 50},
	} {
		if got, ok := FieldSince(tt.typ, tt.field); !ok || got != tt.want {
			t.Errorf("FieldSince(%s, %s) = %v, %v; want %v", tt.typ, tt.field, got, ok, tt.want)
		}
	}
	if _, ok := FieldSince(TypeConnectedApp, "samlConfig"); ok {
		t.Error("samlConfig is not modelled")
	}
	if v, ok := TypeSince(TypeConnectedAppSettings); !ok || v != 47 {
		t.Errorf("TypeSince(ConnectedAppSettings) = %v, %v", v, ok)
	}
	if _, ok := TypeSince("CustomObject"); ok {
		t.Error("CustomObject is not supported")
	}
	if v, ok := ScopeSince("PwdlessLogin"); !ok || v != 59 {
		t.Errorf("ScopeSince(PwdlessLogin) = %v, %v", v, ok)
	}
}
