package mockorg

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Files SelfSignedCertificate keeps in its directory.
const (
	SelfSignedCertFile = "mockorg-cert.pem"
	SelfSignedKeyFile  = "mockorg-key.pem"
)

// selfSignedLifetime is long enough that a developer's trust setup (NODE_EXTRA_CA_CERTS,
// SSL_CERT_FILE) outlives many restarts, short enough that no client rejects it as too long-lived.
const selfSignedLifetime = 365 * 24 * time.Hour

// SelfSignedCertificate returns a certificate for localhost, 127.0.0.1 and ::1 kept in dir, and the
// absolute path of its PEM file for clients to trust. A pair already in dir that is valid for at least a day
// more is reused, so a client configured to trust it keeps working across restarts; otherwise a new
// pair is written (the key with mode 0600).
func SelfSignedCertificate(dir string) (cert tls.Certificate, certFile string, err error) {
	// Absolute, so that the path the banner prints can be exported and used from anywhere.
	if dir, err = filepath.Abs(dir); err != nil {
		return tls.Certificate{}, "", err
	}
	certFile, keyFile := filepath.Join(dir, SelfSignedCertFile), filepath.Join(dir, SelfSignedKeyFile)
	if cert, err := tls.LoadX509KeyPair(certFile, keyFile); err == nil && time.Until(cert.Leaf.NotAfter) > 24*time.Hour {
		return cert, certFile, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tls.Certificate{}, "", err
	}
	certPEM, keyPEM, err := newSelfSigned(time.Now())
	if err != nil {
		return tls.Certificate{}, "", err
	}
	// The key goes first: a certificate on disk without its key would be reused by nobody, but a
	// client could be told to trust it.
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		return tls.Certificate{}, "", err
	}
	if err := os.WriteFile(certFile, certPEM, 0o644); err != nil { //nolint:gosec // a certificate is public: clients read it to trust the server
		return tls.Certificate{}, "", err
	}
	cert, err = tls.X509KeyPair(certPEM, keyPEM)
	return cert, certFile, err
}

// newSelfSigned makes a P-256 certificate that is its own CA: OpenSSL, which Node uses, accepts a
// self-signed leaf from NODE_EXTRA_CA_CERTS only when it may sign certificates.
func newSelfSigned(now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"sfaccess-mockorg"}, CommonName: "localhost"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(selfSignedLifetime),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}
