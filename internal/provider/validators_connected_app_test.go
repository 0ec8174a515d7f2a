package provider

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// validationProblem runs v on value and returns the error detail, or "" when it passes.
func validationProblem(t *testing.T, v validator.String, value string) string {
	t.Helper()
	req := validator.StringRequest{Path: path.Root("attr"), ConfigValue: types.StringValue(value)}
	var resp validator.StringResponse
	v.ValidateString(context.Background(), req, &resp)
	if !resp.Diagnostics.HasError() {
		return ""
	}
	return resp.Diagnostics.Errors()[0].Detail()
}

type validatorCase struct {
	value string
	want  string // "" means valid; otherwise a fragment of the message
}

func runValidatorCases(t *testing.T, v validator.String, cases []validatorCase) {
	t.Helper()
	for _, tc := range cases {
		got := validationProblem(t, v, tc.value)
		switch {
		case tc.want == "" && got != "":
			t.Errorf("%q: unexpected error %q", tc.value, got)
		case tc.want != "" && got == "":
			t.Errorf("%q: accepted, want an error containing %q", tc.value, tc.want)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("%q: error %q does not contain %q", tc.value, got, tc.want)
		}
	}
}

func TestValidScope(t *testing.T) {
	t.Parallel()
	cases := []validatorCase{
		{"Api", ""}, {"Basic", ""}, {"RefreshToken", ""}, {"OpenID", ""}, {"Full", ""},
		{"Email", "Use Basic instead of Email: Salesforce stores Email as Basic"},
		{"Profile", "Use Basic instead of Profile"},
		{"Address", "Use Basic instead of Address"},
		{"Phone", "Use Basic instead of Phone"},
		{"OfflineAccess", "Use RefreshToken instead of OfflineAccess"},
		{"api", "case-sensitive: write Api instead of api"},
		{"refresh_token", "is not a connected app OAuth scope"},
		{"", "is not a connected app OAuth scope"},
	}
	runValidatorCases(t, validScope(), cases)

	// Every scope the org returns unchanged is accepted, and none of the folded ones is.
	for _, s := range connectedAppScopes {
		if _, folded := foldedScopes[s]; folded {
			t.Errorf("%s is both allowed and folded", s)
		}
		if msg := validationProblem(t, validScope(), s); msg != "" {
			t.Errorf("%s rejected: %s", s, msg)
		}
	}
	for s, into := range foldedScopes {
		if !slices.Contains(connectedAppScopes, into) {
			t.Errorf("%s folds into %s, which is not an allowed scope", s, into)
		}
	}
}

func TestValidURLs(t *testing.T) {
	t.Parallel()
	runValidatorCases(t, validCallbackURL(), []validatorCase{
		{"https://app.example.com/oauth/callback", ""},
		{"https://app.example.com:8443/cb?x=1", ""},
		{"http://localhost:1717/OauthRedirect", ""},
		{"http://127.0.0.1/cb", ""},
		{"http://[::1]:8080/cb", ""},
		{"http://app.example.com/cb", "only https:// is allowed, except for localhost or a loopback address"},
		{"ftp://example.com/cb", `uses the scheme "ftp", which cannot receive an OAuth redirect`},
		{"javascript:alert(1)", `uses the scheme "javascript", which cannot receive`},
		{"acmemobile://oauth/callback", ""},
		{"com.acme.mobile:/oauth2redirect", ""},
		{"com.acme.mobile:", "cannot receive an OAuth redirect"},
		{"app.example.com/cb", "is not an absolute URL"},
		{"/oauth/callback", "is not an absolute URL"},
		{"https://app.example.com/cb#done", "has a fragment"},
		{"https:///cb", "has no host"},
	})
	runValidatorCases(t, validWebURL("info URL"), []validatorCase{
		{"https://example.com/about", ""},
		{"acmemobile://about", `uses the scheme "acmemobile"; only https:// is allowed`},
		{"http://localhost/about", "uses http://; only https:// is allowed."},
		{"http://example.com/about", "uses http://; only https:// is allowed."},
	})
}

func TestValidRefreshTokenPolicy(t *testing.T) {
	t.Parallel()
	runValidatorCases(t, validRefreshTokenPolicy(), []validatorCase{
		{"zero", ""}, {"infinite", ""},
		{"specific_lifetime:1:DAYS", ""}, {"specific_lifetime:24:HOURS", ""},
		{"specific_inactivity:6:MONTHS", ""}, {"specific_inactivity:90:DAYS", ""},
		{"specific_lifetime:0:DAYS", "n is a positive whole number"},
		{"specific_lifetime:1:WEEKS", "unit is HOURS, DAYS or MONTHS"},
		{"specific_lifetime:1:days", "is not a refresh token policy"},
		{"specific_lifetime:DAYS", "is not a refresh token policy"},
		{"Infinite", "is not a refresh token policy"},
		{"specific_expiry:1:DAYS", "is not a refresh token policy"},
		{"specific_lifetime:-1:DAYS", "is not a refresh token policy"},
	})
}

func TestValidIPRelaxation(t *testing.T) {
	t.Parallel()
	cases := []validatorCase{{"enforce", "is not an IP relaxation policy"}, {"RELAX", "Allowed: ENFORCE, BYPASS_2FACTOR, BYPASS, ENFORCE_RELAXREFRESH"}}
	for _, v := range ipRelaxationValues {
		cases = append(cases, validatorCase{v, ""})
	}
	runValidatorCases(t, validIPRelaxation(), cases)
}

func TestValidCertificate(t *testing.T) {
	t.Parallel()
	cert, key := testCertificatePEM(t)
	corrupt := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")}))
	runValidatorCases(t, validCertificate(), []validatorCase{
		{cert, ""},
		{cert + "\n\n", ""},
		{"MIIB...", "is not PEM-encoded"},
		{key, `is a "EC PRIVATE KEY", not a CERTIFICATE`},
		{corrupt, "cannot be parsed as X.509"},
		{cert + cert, "more than one PEM block"},
	})
}

func TestValidContactEmail(t *testing.T) {
	t.Parallel()
	runValidatorCases(t, validContactEmail(), []validatorCase{
		{"admin@example.com", ""}, {"first.last+tf@sub.example.co.uk", ""},
		{"Admin <admin@example.com>", "without a display name"},
		{"admin", "is not a valid email address"},
		{"admin@localhost", "is not a valid email address"},
		{" admin@example.com", "is not a valid email address"},
	})
}

func TestValidLabelAndLengths(t *testing.T) {
	t.Parallel()
	runValidatorCases(t, validLabel(), []validatorCase{
		{"Partner Portal (Mobile)", ""},
		{strings.Repeat("é", connectedAppLabelMaxLength), ""},
		{"", "must not be empty"},
		{"   ", "must not be empty"},
		{strings.Repeat("x", connectedAppLabelMaxLength+1), "has 81 characters; Salesforce allows at most 80"},
	})
	runValidatorCases(t, validMaxLength("contact phone", contactPhoneMaxLength), []validatorCase{
		{"+1 415 555 0100", ""},
		{"", "must not be an empty string"},
		{strings.Repeat("1", 41), "has 41 characters; Salesforce allows at most 40"},
	})
}

func TestValidConsumerCredential(t *testing.T) {
	t.Parallel()
	runValidatorCases(t, validConsumerCredential("consumer secret"), []validatorCase{
		{"Abc12345", ""}, {strings.Repeat("a", 256), ""},
		{"Abc1234", "has 7 characters; Salesforce requires 8 to 256"},
		{strings.Repeat("a", 257), "has 257 characters"},
		{"secret-with-dash", "may contain only letters and digits"},
	})
	// A rejected secret must not be echoed into plan output or logs.
	const secret = "TopSecret!!Value"
	if msg := validationProblem(t, validConsumerCredential("consumer secret"), secret); strings.Contains(msg, secret) {
		t.Errorf("message repeats the secret: %s", msg)
	}
}

// testCertificatePEM returns a fresh self-signed certificate and its private key, both PEM.
func testCertificatePEM(t *testing.T) (cert, key string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return mockorgtest.SelfSignedCert(t, priv), string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
}
