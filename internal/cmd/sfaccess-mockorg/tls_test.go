package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// trusting is a client that trusts only the PEM certificate in caFile, as NODE_EXTRA_CA_CERTS or
// SSL_CERT_FILE makes a client do.
func trusting(t *testing.T, caFile string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatalf("the banner's certificate: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no PEM certificate", caFile)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

// instanceURLFrom logs in with client credentials and returns the token answer's instance_url.
func instanceURLFrom(t *testing.T, client *http.Client, base string) string {
	t.Helper()
	status, tok := mockorgtest.Remote{URL: base, HTTP: client}.Grant(t, mockorgtest.AdminClientCredentials())
	if status != http.StatusOK {
		t.Fatalf("client credentials over HTTPS: %d %s", status, tok.Error)
	}
	if !strings.HasPrefix(tok.ID, base+"/id/") {
		t.Errorf("identity URL %q does not use the served scheme and address %s", tok.ID, base)
	}
	return tok.InstanceURL
}

func TestSelfSignedTLS(t *testing.T) {
	dir := t.TempDir()
	serve := func() (base, caFile string, stop func()) {
		ctx, cancel := context.WithCancel(t.Context())
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--tls-self-signed", dir}, pw, io.Discard)
			pw.Close()
		}()
		banner, _ := mockorgtest.ReadBanner(pr)
		base, caFile = banner["instance URL"], strings.Fields(banner["certificate"] + " ")[0]
		return base, caFile, func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
		}
	}
	base, caFile, stop := serve()
	if !strings.HasPrefix(base, "https://127.0.0.1:") || filepath.Dir(caFile) != dir {
		t.Fatalf("banner: instance URL %q, certificate %q; want https and a file in %s", base, caFile, dir)
	}
	client := trusting(t, caFile)
	if got := instanceURLFrom(t, client, base); got != base {
		t.Errorf("instance_url %q, want %q", got, base)
	}
	if resp, err := http.Get(base + "/services/data"); err == nil {
		resp.Body.Close()
		t.Error("a client that does not trust the certificate connected")
	}
	first, _ := os.ReadFile(caFile)
	stop()

	// A restart keeps the certificate, so the trust a developer set up still holds.
	base, _, stop = serve()
	defer stop()
	if again, _ := os.ReadFile(caFile); string(again) != string(first) {
		t.Error("a restart replaced the self-signed certificate")
	}
	instanceURLFrom(t, client, base)
}

func TestTLSCertificateFlags(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := tlsConfig("", "", dir); err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "mockorg-cert.pem"), filepath.Join(dir, "mockorg-key.pem")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	base, _, done := start(t, ctx, "--listen", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile)
	if got := instanceURLFrom(t, trusting(t, certFile), base); got != base || !strings.HasPrefix(got, "https://") {
		t.Errorf("instance_url %q, want %q over https", got, base)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--tls-cert", certFile},
		{"--tls-key", keyFile},
		{"--tls-cert", certFile, "--tls-key", keyFile, "--tls-self-signed", dir},
		{"--tls-cert", keyFile, "--tls-key", certFile},
	} {
		if err := run(t.Context(), append([]string{"--listen", "127.0.0.1:0"}, args...), io.Discard, io.Discard); err == nil {
			t.Errorf("%v was accepted", args)
		}
	}
}
