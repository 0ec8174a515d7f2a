package mockorg

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Over HTTPS every URL the org hands out names https and the address the client used.
func TestURLsFollowTheServedScheme(t *testing.T) {
	org, err := New(Config{QueryBatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(org)
	t.Cleanup(func() {
		ts.Close()
		_ = org.Close()
	})
	h := &harness{t: t, org: org, ts: ts}
	var tok tokenAnswer
	h.passwordGrant("admin@acme.test", "Terraform_Admin").json(t, &tok)
	if tok.InstanceURL != ts.URL || !strings.HasPrefix(tok.ID, ts.URL+"/id/") {
		t.Errorf("token answer: instance_url %q, id %q; want both under %s", tok.InstanceURL, tok.ID, ts.URL)
	}
	var info userInfo
	h.rest(http.MethodGet, strings.TrimPrefix(tok.ID, ts.URL), tok.AccessToken, nil).json(t, &info)
	if info.Sub != tok.ID {
		t.Errorf("identity sub %q, want %q", info.Sub, tok.ID)
	}
	var page queryAnswer
	h.query(tok.AccessToken, "SELECT Id FROM User").json(t, &page)
	if !strings.HasPrefix(page.NextRecordsURL, apiBase+"/query/") {
		t.Errorf("nextRecordsUrl %q, want a path on this server", page.NextRecordsURL)
	}
}

func TestSelfSignedCertificateIsTrustedForLoopbackAndKept(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	cert, certFile, err := SelfSignedCertificate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(filepath.Join(dir, SelfSignedKeyFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v, want mode 0600", info, err)
	}
	pemBytes, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("the certificate file holds no PEM certificate")
	}
	ts := httptest.NewUnstartedServer(http.NotFoundHandler())
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	ts.StartTLS()
	defer ts.Close()
	for _, host := range []string{"127.0.0.1", "localhost"} {
		url := strings.Replace(ts.URL, "127.0.0.1", host, 1)
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
		resp, err := client.Get(url)
		if err != nil {
			t.Errorf("GET %s trusting only %s: %v", url, certFile, err)
			continue
		}
		resp.Body.Close()
	}
	again, _, err := SelfSignedCertificate(dir)
	if err != nil || !again.Leaf.Equal(cert.Leaf) {
		t.Errorf("a second start made a new certificate (%v); clients that trust the first would fail", err)
	}
	// One about to expire is replaced rather than served.
	certPEM, keyPEM, err := newSelfSigned(time.Now().Add(-selfSignedLifetime + time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(certFile, certPEM, 0o600)
	_ = os.WriteFile(filepath.Join(dir, SelfSignedKeyFile), keyPEM, 0o600)
	renewed, _, err := SelfSignedCertificate(dir)
	if err != nil || time.Until(renewed.Leaf.NotAfter) < selfSignedLifetime-time.Hour {
		t.Errorf("an expiring certificate was kept: %v %v", renewed.Leaf.NotAfter, err)
	}
}
