package metadata

import (
	"reflect"
	"strings"
	"testing"
)

func TestValidateConnectedApp(t *testing.T) {
	if errs := fullApp().Validate(); errs != nil {
		t.Fatalf("a complete app must be valid: %+v", errs)
	}
	tests := []struct {
		name   string
		mutate func(*ConnectedApp)
		want   []string // "STATUS field" per error, in order
	}{
		{"missing required fields", func(a *ConnectedApp) { a.FullName, a.Label, a.ContactEmail = "", "", "" },
			[]string{"REQUIRED_FIELD_MISSING contactEmail", "REQUIRED_FIELD_MISSING fullName", "REQUIRED_FIELD_MISSING label"}},
		{"bad API name", func(a *ConnectedApp) { a.FullName = "Portal__Mobile" }, []string{"FIELD_INTEGRITY_EXCEPTION fullName"}},
		{"API name ending in underscore", func(a *ConnectedApp) { a.FullName = "Portal_" }, []string{"FIELD_INTEGRITY_EXCEPTION fullName"}},
		{"bad email", func(a *ConnectedApp) { a.ContactEmail = "admin" }, []string{"FIELD_INTEGRITY_EXCEPTION contactEmail"}},
		{"no callback URL", func(a *ConnectedApp) { a.OAuthConfig.CallbackURL = " \n " }, []string{"REQUIRED_FIELD_MISSING callbackUrl"}},
		{"relative callback URL", func(a *ConnectedApp) { a.OAuthConfig.CallbackURL = "https://ok/cb\n/relative" }, []string{"FIELD_INTEGRITY_EXCEPTION callbackUrl"}},
		{"custom-scheme callback URL", func(a *ConnectedApp) { a.OAuthConfig.CallbackURL = "myapp://oauth/done" }, nil},
		{"short consumer key", func(a *ConnectedApp) { a.OAuthConfig.ConsumerKey = "abc" }, []string{"FIELD_INTEGRITY_EXCEPTION consumerKey"}},
		{"generated-style consumer key", func(a *ConnectedApp) { a.OAuthConfig.ConsumerKey = "3MVG9A2kN3Bn17hue.OTBLV6_amupuq" }, nil},
		{"secret with symbols", func(a *ConnectedApp) { a.OAuthConfig.ConsumerSecret = "s3cr3t!!s3cr3t" }, []string{"FIELD_INTEGRITY_EXCEPTION consumerSecret"}},
		{"client credentials without user", func(a *ConnectedApp) {
			a.OAuthConfig.IsClientCredentialEnabled = ptr(true)
			a.OAuthConfig.OAuthClientCredentialUser = ""
		}, []string{"FIELD_INTEGRITY_EXCEPTION oauthClientCredentialUser"}},
		{"policy without required values", func(a *ConnectedApp) { a.OAuthPolicy = &OAuthPolicy{} },
			[]string{"REQUIRED_FIELD_MISSING ipRelaxation", "REQUIRED_FIELD_MISSING refreshTokenPolicy"}},
		{"bad refresh token policy", func(a *ConnectedApp) { a.OAuthPolicy.RefreshTokenPolicy = "specific_lifetime:0:WEEKS" }, []string{"FIELD_INTEGRITY_EXCEPTION refreshTokenPolicy"}},
		{"http single logout", func(a *ConnectedApp) { a.OAuthPolicy.SingleLogoutURL = "http://example.com/logout" }, []string{"FIELD_INTEGRITY_EXCEPTION singleLogoutUrl"}},
		{"grants without admin approval", func(a *ConnectedApp) { a.OAuthConfig.IsAdminApproved = ptr(false) },
			[]string{"FIELD_INTEGRITY_EXCEPTION permissionSetName", "FIELD_INTEGRITY_EXCEPTION profileName"}},
		{"empty grants without admin approval", func(a *ConnectedApp) {
			a.OAuthConfig.IsAdminApproved = nil
			a.ProfileName, a.PermissionSetName = []string{}, nil
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := fullApp()
			tt.mutate(app)
			var got []string
			for _, e := range app.Validate() {
				got = append(got, e.StatusCode+" "+strings.Join(e.Fields, ","))
				if strings.Contains(e.Message, app.OAuthConfig.ConsumerSecret) {
					t.Errorf("an error message must not echo the consumer secret: %q", e.Message)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidRefreshTokenPolicy(t *testing.T) {
	for _, ok := range []string{"zero", "infinite", "specific_lifetime:1:DAYS", "specific_inactivity:7:DAYS", "specific_lifetime:12:HOURS", "specific_inactivity:3:MONTHS"} {
		if !ValidRefreshTokenPolicy(ok) {
			t.Errorf("%q must be valid", ok)
		}
	}
	for _, bad := range []string{"", "Zero", "specific_lifetime", "specific_lifetime:1:WEEKS", "specific_lifetime:-1:DAYS", "specific_lifetime:0:DAYS", "infinite "} {
		if ValidRefreshTokenPolicy(bad) {
			t.Errorf("%q must be invalid", bad)
		}
	}
}
