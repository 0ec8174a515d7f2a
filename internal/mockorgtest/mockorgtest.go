// Package mockorgtest holds what the tests of several packages need to run against mockorg, so
// that orgapi's, the provider's and the commands' tests set up an org the same way. Only tests
// import it.
package mockorgtest

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// CreationAllowedSeed is mockorg's default seed in an org that may still create connected apps
// (SALESFORCE.md, Connected app creation restriction), which tests of connected-app writes need.
func CreationAllowedSeed() *mockorg.Seed {
	seed := mockorg.DefaultSeed()
	seed.Organization.ConnectedAppCreationAllowed = true
	return seed
}

// SelfSignedCert returns a PEM certificate for key's public key, signed by key and valid from an
// hour ago for a day: what an app holds to verify the JWT assertions key signs.
func SelfSignedCert(t testing.TB, key crypto.Signer) string {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "sfaccess test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatalf("creating a self-signed certificate: %v", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
