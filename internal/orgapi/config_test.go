package orgapi

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewValidatesConfig(t *testing.T) {
	key := pkcs1PEM(testKey())
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	base := func(mod func(*Config)) Config {
		c := Config{InstanceURL: "https://acme.my.salesforce.com", AccessToken: "00Dx!tok"}
		mod(&c)
		return c
	}
	tests := []struct {
		name    string
		cfg     Config
		wantErr []string // substrings that must all appear; none means success
	}{
		{"access token", base(func(*Config) {}), nil},
		{"client credentials", base(func(c *Config) { c.AccessToken, c.ClientID, c.ClientSecret = "", "K", "S" }), nil},
		{"jwt pkcs1", base(func(c *Config) { c.AccessToken, c.ClientID, c.Username, c.PrivateKeyPEM = "", "K", "u@x", key }), nil},
		{"jwt pkcs8", base(func(c *Config) {
			c.AccessToken, c.ClientID, c.Username, c.PrivateKeyPEM = "", "K", "u@x", pkcs8PEM(t, testKey())
		}), nil},
		{"http loopback", base(func(c *Config) { c.InstanceURL = "http://127.0.0.1:8080" }), nil},
		{"http localhost", base(func(c *Config) { c.InstanceURL = "http://localhost:8080/" }), nil},
		{"http ipv6 loopback", base(func(c *Config) { c.InstanceURL = "http://[::1]:8080" }), nil},
		{"missing instance", base(func(c *Config) { c.InstanceURL = "" }), []string{"instance_url is required"}},
		{"plain http remote", base(func(c *Config) { c.InstanceURL = "http://acme.my.salesforce.com" }), []string{"plain http"}},
		{"plain http login url", base(func(c *Config) { c.LoginURL = "http://login.salesforce.com" }), []string{"login_url", "plain http"}},
		{"ftp", base(func(c *Config) { c.InstanceURL = "ftp://x" }), []string{"must use https"}},
		{"relative", base(func(c *Config) { c.InstanceURL = "acme.my.salesforce.com" }), []string{"not an absolute URL"}},
		{"credentials in url", base(func(c *Config) { c.InstanceURL = "https://u:p@acme.test" }), []string{"must not carry credentials"}},
		{"no auth", base(func(c *Config) { c.AccessToken = "" }), []string{"no authentication method"}},
		{"two auth", base(func(c *Config) { c.ClientID, c.ClientSecret = "K", "S" }), []string{"more than one authentication method"}},
		{"client id only", base(func(c *Config) { c.AccessToken, c.ClientID = "", "K" }), []string{"neither client_secret"}},
		{"secret only", base(func(c *Config) { c.AccessToken, c.ClientSecret = "", "S" }), []string{"client_id is not"}},
		{"jwt without key", base(func(c *Config) { c.AccessToken, c.ClientID, c.Username = "", "K", "u@x" }), []string{"private_key is not"}},
		{"jwt without client id", base(func(c *Config) { c.AccessToken, c.Username, c.PrivateKeyPEM = "", "u@x", key }), []string{"needs client_id"}},
		{"jwt bad pem", base(func(c *Config) { c.AccessToken, c.ClientID, c.Username, c.PrivateKeyPEM = "", "K", "u@x", "not a key" }), []string{"private_key is not PEM"}},
		{"jwt ec key", base(func(c *Config) {
			c.AccessToken, c.ClientID, c.Username, c.PrivateKeyPEM = "", "K", "u@x", pkcs8PEM(t, ecKey)
		}), []string{"needs an RSA key"}},
		{"jwt corrupt pkcs1", base(func(c *Config) {
			c.AccessToken, c.ClientID, c.Username = "", "K", "u@x"
			c.PrivateKeyPEM = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"
		}), []string{"not a valid PKCS#1 key"}},
		{"jwt audience of an Experience Cloud site", base(func(c *Config) { c.JWTAudience = "https://acme.my.site.com/partners/" }), nil},
		{"jwt audience of a loopback mockorg", base(func(c *Config) { c.JWTAudience = "http://127.0.0.1:8080" }), nil},
		{"jwt audience not a url", base(func(c *Config) { c.JWTAudience = "login.salesforce.com" }), []string{"jwt_audience", "not an absolute URL", "https://login.salesforce.com", "https://test.salesforce.com"}},
		{"jwt audience plain http", base(func(c *Config) { c.JWTAudience = "http://login.salesforce.com" }), []string{"jwt_audience", "plain http"}},
		{"jwt audience with a query", base(func(c *Config) { c.JWTAudience = "https://login.salesforce.com?x=1" }), []string{"jwt_audience", "query"}},
		{"bad version", base(func(c *Config) { c.APIVersion = "v66" }), []string{"not a Salesforce API version"}},
		{"old version", base(func(c *Config) { c.APIVersion = "46.0" }), []string{"too old"}},
		{"negative retries", base(func(c *Config) { c.MaxRetries = -1 }), []string{"max_retries"}},
		{"negative timeout", base(func(c *Config) { c.RequestTimeout = -time.Second }), []string{"request_timeout"}},
		{"insecure client", base(func(c *Config) {
			c.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // the point of the test
		}), []string{"skips TLS certificate verification"}},
		{"every problem at once", Config{InstanceURL: "http://example.com", APIVersion: "x", MaxRetries: -2},
			[]string{"plain http", "not a Salesforce API version", "no authentication method", "max_retries"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if len(tt.wantErr) == 0 {
				if err != nil || c == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("New succeeded, want error with %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			keyLine := strings.Split(key, "\n")[2]
			if strings.Contains(err.Error(), keyLine) || strings.Contains(err.Error(), "00Dx!tok") {
				t.Errorf("error quotes a secret: %q", err)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := New(Config{InstanceURL: "https://acme.my.salesforce.com/", AccessToken: "t0ken"})
	if err != nil {
		t.Fatal(err)
	}
	if c.apiVersion != DefaultAPIVersion || c.loginURL != "https://acme.my.salesforce.com" || c.userAgent != DefaultUserAgent {
		t.Errorf("defaults: version %q login %q agent %q", c.apiVersion, c.loginURL, c.userAgent)
	}
	if _, _, ok := c.APIUsage(); ok {
		t.Error("APIUsage reports figures before any call")
	}
}
