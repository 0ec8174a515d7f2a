package provider

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

func nullModel() providerModel {
	return providerModel{
		InstanceURL: types.StringNull(), APIVersion: types.StringNull(), LoginURL: types.StringNull(), JWTAudience: types.StringNull(),
		AccessToken: types.StringNull(), ClientID: types.StringNull(), ClientSecret: types.StringNull(),
		Username: types.StringNull(), PrivateKey: types.StringNull(), MaxRetries: types.Int64Null(),
		RequestTimeout: types.StringNull(), FirstContact: types.StringNull(),
	}
}

func envFrom(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func problemAttributes(problems []configProblem) []string {
	var names []string
	for _, p := range problems {
		names = append(names, p.attribute)
	}
	sort.Strings(names)
	return names
}

func TestResolveConfig(t *testing.T) {
	const pem = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----"
	tests := []struct {
		name         string
		model        func(*providerModel)
		env          map[string]string
		wantProblems []string // attributes, sorted
		check        func(t *testing.T, rc resolvedConfig)
	}{
		{
			name: "client credentials from config with defaults",
			model: func(m *providerModel) {
				m.InstanceURL = types.StringValue("https://acme.my.salesforce.com")
				m.ClientID = types.StringValue("key")
				m.ClientSecret = types.StringValue("secret")
			},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.APIVersion != orgapi.DefaultAPIVersion || rc.MaxRetries != defaultMaxRetries || rc.RequestTimeout != defaultRequestTimeout {
					t.Errorf("defaults not applied: %q %d %s", rc.APIVersion, rc.MaxRetries, rc.RequestTimeout)
				}
				if len(rc.secrets) != 1 || rc.secrets[0] != "secret" {
					t.Errorf("secrets = %d values, want the client secret only", len(rc.secrets))
				}
			},
		},
		{
			name: "everything from the environment",
			env: map[string]string{envInstanceURL: "https://acme.my.salesforce.com", envAccessToken: "00D!tok",
				envAPIVersion: "60.0", envLoginURL: "https://login.salesforce.com"},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.InstanceURL != "https://acme.my.salesforce.com" || rc.AccessToken != "00D!tok" ||
					rc.APIVersion != "60.0" || rc.LoginURL != "https://login.salesforce.com" {
					t.Errorf("environment not used: %+v", rc.Config)
				}
			},
		},
		{
			name: "config wins over the environment",
			model: func(m *providerModel) {
				m.InstanceURL = types.StringValue("http://127.0.0.1:8080")
				m.AccessToken = types.StringValue("from-config")
				m.MaxRetries = types.Int64Value(0)
				m.RequestTimeout = types.StringValue("2m")
			},
			env: map[string]string{envInstanceURL: "https://elsewhere.my.salesforce.com", envAccessToken: "from-env"},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.InstanceURL != "http://127.0.0.1:8080" || rc.AccessToken != "from-config" {
					t.Errorf("config did not win: %s", rc.InstanceURL)
				}
				if rc.MaxRetries != 0 || rc.RequestTimeout != 2*time.Minute {
					t.Errorf("max_retries/request_timeout = %d/%s", rc.MaxRetries, rc.RequestTimeout)
				}
			},
		},
		{
			name: "jwt bearer",
			env: map[string]string{envInstanceURL: "https://[::1]:8443", envClientID: "key",
				envUsername: "admin@acme.test", envPrivateKey: pem},
		},
		{
			name: "jwt audience from the environment",
			env: map[string]string{envInstanceURL: "https://acme.my.salesforce.com", envClientID: "key",
				envUsername: "admin@acme.test", envPrivateKey: pem, envJWTAudience: "https://test.salesforce.com"},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.JWTAudience != "https://test.salesforce.com" {
					t.Errorf("jwt_audience = %q", rc.JWTAudience)
				}
			},
		},
		{
			name: "a jwt audience that is not a URL says what is allowed",
			model: func(m *providerModel) {
				m.JWTAudience = types.StringValue("login.salesforce.com")
			},
			env: map[string]string{envInstanceURL: "https://acme.my.salesforce.com", envClientID: "key",
				envUsername: "admin@acme.test", envPrivateKey: pem},
			wantProblems: []string{"jwt_audience"},
			check: func(t *testing.T, rc resolvedConfig) {
				_, problems := resolveConfig(providerModel{JWTAudience: types.StringValue("http://login.salesforce.com")}, envFrom(nil))
				for _, p := range problems {
					if p.attribute == "jwt_audience" && strings.Contains(p.detail, "https://login.salesforce.com") &&
						strings.Contains(p.detail, "https://test.salesforce.com") && strings.Contains(p.detail, "Experience Cloud") {
						return
					}
				}
				t.Errorf("no jwt_audience problem that lists what is allowed: %+v", problems)
			},
		},
		{
			name:         "nothing configured reports instance_url and authentication together",
			wantProblems: []string{"access_token", "instance_url"},
		},
		{
			name: "plain http to a remote host is refused",
			env: map[string]string{envInstanceURL: "http://acme.my.salesforce.com", envAccessToken: "t",
				envLoginURL: "http://login.salesforce.com"},
			wantProblems: []string{"instance_url", "login_url"},
		},
		{
			name: "http on localhost is accepted",
			env:  map[string]string{envInstanceURL: "http://localhost:4444", envAccessToken: "t"},
		},
		{
			name:         "retired and malformed api versions",
			env:          map[string]string{envInstanceURL: "https://a.my.salesforce.com", envAccessToken: "t", envAPIVersion: "46.0"},
			wantProblems: []string{"api_version"},
		},
		{
			name: "access token conflicts with every other method",
			env: map[string]string{envInstanceURL: "https://a.my.salesforce.com", envAccessToken: "t",
				envClientID: "k", envClientSecret: "s", envUsername: "u@a.test", envPrivateKey: pem},
			wantProblems: []string{"client_id", "client_secret", "private_key", "username"},
		},
		{
			name:         "client credentials and jwt together",
			env:          map[string]string{envInstanceURL: "https://a.my.salesforce.com", envClientID: "k", envClientSecret: "s", envPrivateKey: pem},
			wantProblems: []string{"private_key"},
		},
		{
			name:         "incomplete jwt names each missing attribute",
			env:          map[string]string{envInstanceURL: "https://a.my.salesforce.com", envPrivateKey: pem},
			wantProblems: []string{"client_id", "username"},
		},
		{
			name:         "client id alone",
			env:          map[string]string{envInstanceURL: "https://a.my.salesforce.com", envClientID: "k"},
			wantProblems: []string{"client_secret"},
		},
		{
			name: "retries and timeout out of range",
			model: func(m *providerModel) {
				m.MaxRetries = types.Int64Value(maxMaxRetries + 1)
				m.RequestTimeout = types.StringValue("0s")
			},
			env:          map[string]string{envInstanceURL: "https://a.my.salesforce.com", envAccessToken: "t"},
			wantProblems: []string{"max_retries", "request_timeout"},
		},
		{
			name: "retries and timeout from the environment",
			env: map[string]string{envInstanceURL: "https://a.my.salesforce.com", envAccessToken: "t",
				envMaxRetries: " 7 ", envTimeout: "90s"},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.MaxRetries != 7 || rc.RequestTimeout != 90*time.Second {
					t.Errorf("max_retries/request_timeout = %d/%s, want 7/1m30s", rc.MaxRetries, rc.RequestTimeout)
				}
			},
		},
		{
			name: "retries and timeout in the block win over the environment",
			model: func(m *providerModel) {
				m.MaxRetries = types.Int64Value(1)
				m.RequestTimeout = types.StringValue("5s")
			},
			env: map[string]string{envInstanceURL: "https://a.my.salesforce.com", envAccessToken: "t",
				envMaxRetries: "not a number", envTimeout: "never"},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.MaxRetries != 1 || rc.RequestTimeout != 5*time.Second {
					t.Errorf("max_retries/request_timeout = %d/%s, want 1/5s", rc.MaxRetries, rc.RequestTimeout)
				}
			},
		},
		{
			name: "bad retries and timeout in the environment name the variable",
			env: map[string]string{envInstanceURL: "https://a.my.salesforce.com", envAccessToken: "t",
				envMaxRetries: "three", envTimeout: "-1s"},
			wantProblems: []string{"max_retries", "request_timeout"},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.MaxRetries != defaultMaxRetries || rc.RequestTimeout != defaultRequestTimeout {
					t.Errorf("a bad value replaced the default: %d/%s", rc.MaxRetries, rc.RequestTimeout)
				}
			},
		},
		{
			name: "a colon without a port, a port out of range, and a bad first_contact_timeout are reported together",
			model: func(m *providerModel) {
				m.InstanceURL = types.StringValue("http://127.0.0.1:")
				m.LoginURL = types.StringValue("https://login.salesforce.com:70000")
			},
			env:          map[string]string{envAccessToken: "t", envFirstContactTimeout: "soon"},
			wantProblems: []string{"first_contact_timeout", "instance_url", "login_url"},
			check: func(t *testing.T, _ resolvedConfig) {
				m := nullModel()
				m.InstanceURL = types.StringValue("http://127.0.0.1:")
				_, problems := resolveConfig(m, envFrom(map[string]string{envAccessToken: "t"}))
				if len(problems) != 1 || !strings.Contains(problems[0].detail, `"http://127.0.0.1:" has a colon after the host but no port`) {
					t.Errorf("the problem does not say what is wrong with the port: %+v", problems)
				}
			},
		},
		{
			name: "first_contact_timeout defaults to 30s and comes from the block or the environment",
			env:  map[string]string{envInstanceURL: "https://a.my.salesforce.com", envAccessToken: "t", envFirstContactTimeout: "2m"},
			check: func(t *testing.T, rc resolvedConfig) {
				if rc.FirstContactTimeout != 2*time.Minute {
					t.Errorf("first_contact_timeout from the environment = %s, want 2m", rc.FirstContactTimeout)
				}
				m := nullModel()
				m.FirstContact = types.StringValue("5s")
				if rc, _ := resolveConfig(m, envFrom(map[string]string{envFirstContactTimeout: "2m"})); rc.FirstContactTimeout != 5*time.Second {
					t.Errorf("first_contact_timeout in the block = %s, want 5s", rc.FirstContactTimeout)
				}
				if rc, _ := resolveConfig(nullModel(), envFrom(nil)); rc.FirstContactTimeout != orgapi.DefaultFirstContactTimeout ||
					orgapi.DefaultFirstContactTimeout > 30*time.Second {
					t.Errorf("default first_contact_timeout = %s, want at most 30s", rc.FirstContactTimeout)
				}
			},
		},
		{
			name: "unknown values are not problems",
			model: func(m *providerModel) {
				m.InstanceURL = types.StringUnknown()
				m.AccessToken = types.StringUnknown()
			},
			check: func(t *testing.T, rc resolvedConfig) {
				if strings.Join(rc.unknown, ",") != "instance_url,access_token" {
					t.Errorf("unknown = %v", rc.unknown)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := nullModel()
			if tc.model != nil {
				tc.model(&m)
			}
			rc, problems := resolveConfig(m, envFrom(tc.env))
			if got, want := strings.Join(problemAttributes(problems), ","), strings.Join(tc.wantProblems, ","); got != want {
				t.Fatalf("problems on %q, want %q: %+v", got, want, problems)
			}
			for _, p := range problems {
				if !strings.Contains(p.detail, p.attribute) && !strings.Contains(p.detail, p.env) {
					t.Errorf("problem %q names neither its attribute nor %s: %s", p.summary, p.env, p.detail)
				}
			}
			if tc.check != nil {
				tc.check(t, rc)
			}
		})
	}
}

// TestAccProvider_configurationProblemsReportedTogether proves that one plan names every problem,
// each with its attribute and environment variable.
func TestProviderValueValidators(t *testing.T) {
	runValidatorCases(t, stringCheck{check: checkOrgURL}, []validatorCase{
		{"https://acme.my.salesforce.com", ""},
		{"https://acme.my.salesforce.com/", ""},
		{"http://127.0.0.1:8080", ""},
		{"http://[::1]:8080", ""},
		{"http://localhost", ""},
		{"http://acme.my.salesforce.com", "plain http"},
		{"https://acme.my.salesforce.com/services", "has a path"},
		{"acme.my.salesforce.com", "not an absolute http(s) URL"},
		{"ftp://acme", "not an absolute http(s) URL"},
	})
	runValidatorCases(t, stringCheck{check: checkAPIVersion}, []validatorCase{
		{"66.0", ""},
		{"47.0", ""},
		{"46.0", "retired"},
		{"66", "not an API version"},
		{"v66.0", "not an API version"},
	})
	runValidatorCases(t, stringCheck{check: checkDuration}, []validatorCase{
		{"30s", ""},
		{"1m30s", ""},
		{"0s", "not a positive duration"},
		{"-5s", "not a positive duration"},
		{"30", "not a positive duration"},
	})
}
