package orgapi

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// token is one access token and what the token endpoint said about it.
type token struct {
	value       string
	identity    string // the identity URL {instance}/id/{orgId}/{userId}, when the endpoint gave one
	instanceURL string // the instance_url of the token answer, when the endpoint gave one
}

// tokenSource obtains a fresh token. renewable reports whether asking again can help after the
// org rejects a session (a pre-issued token cannot be renewed).
type tokenSource interface {
	fetch(ctx context.Context) (*token, error)
	renewable() bool
}

// tokenCache shares one token among concurrent callers and makes sure that only one of them
// fetches a new one at a time; the others wait for it (or for their context). A failed login is
// shared as well: once a fetch has run its retries and failed, every later caller gets that
// failure instead of starting a retry sequence of its own, so that N resources against a dead
// token endpoint cost one sequence of attempts, not N. A Client lives for one Terraform run, and
// the next run logs in afresh.
type tokenCache struct {
	source tokenSource
	mu     ctxLock // held while reading or replacing cur
	cur    *token
	failed error
}

func (t *tokenCache) get(ctx context.Context) (*token, error) {
	if err := t.mu.lock(ctx); err != nil {
		return nil, err
	}
	defer t.mu.unlock()
	if t.cur != nil {
		return t.cur, nil
	}
	if t.failed != nil {
		return nil, t.failed
	}
	tok, err := t.source.fetch(ctx)
	if err != nil {
		// A caller that gave up (its own timeout, an interrupt) says nothing about the endpoint;
		// the next caller tries again.
		if ctx.Err() == nil {
			t.failed = err
		}
		return nil, err
	}
	t.cur = tok
	return tok, nil
}

// invalidate drops stale, unless another caller has already replaced it: a burst of callers that
// all saw the same expired session then causes one re-authentication, not one each.
func (t *tokenCache) invalidate(ctx context.Context, stale *token) error {
	if err := t.mu.lock(ctx); err != nil {
		return err
	}
	defer t.mu.unlock()
	if t.cur == stale {
		t.cur = nil
	}
	return nil
}

type staticToken string

func (s staticToken) fetch(context.Context) (*token, error) { return &token{value: string(s)}, nil }
func (staticToken) renewable() bool                         { return false }

// clientCredentials is the OAuth 2.0 client credentials flow; the org runs it as the connected
// app's configured execution user. loginURL is the host of the token endpoint.
type clientCredentials struct {
	c                      *Client
	loginURL               string
	clientID, clientSecret string
}

func (s *clientCredentials) renewable() bool { return true }

func (s *clientCredentials) fetch(ctx context.Context) (*token, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {s.clientID},
		"client_secret": {s.clientSecret},
	}
	return s.c.requestToken(ctx, s.loginURL, "client credentials", form)
}

// jwtBearer is the OAuth 2.0 JWT bearer flow: an RS256 assertion signed with the private key whose
// certificate is on the connected app, iss = consumer key, sub = username, aud = the configured
// audience (Salesforce's login host, not the My Domain URL the assertion is posted to).
type jwtBearer struct {
	c                  *Client
	loginURL, audience string
	clientID, username string
	key                *rsa.PrivateKey
	now                func() time.Time
}

// jwtLifetime is short: the assertion is used at once, and a captured one soon becomes useless.
const jwtLifetime = 3 * time.Minute

func (s *jwtBearer) renewable() bool { return true }

func (s *jwtBearer) fetch(ctx context.Context) (*token, error) {
	assertion, err := s.assertion()
	if err != nil {
		return nil, &Error{Kind: KindAuth, Op: "signing the JWT bearer assertion", Message: err.Error(), cause: err}
	}
	s.c.redact.add(assertion)
	form := url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"assertion":  {assertion},
	}
	return s.c.requestToken(ctx, s.loginURL, "JWT bearer", form)
}

func (s *jwtBearer) assertion() (string, error) {
	header, err := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	if err != nil {
		return "", err
	}
	claims, err := json.Marshal(map[string]any{
		"iss": s.clientID,
		"sub": s.username,
		"aud": s.audience,
		"exp": s.now().Add(jwtLifetime).Unix(),
	})
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signingInput := enc.EncodeToString(header) + "." + enc.EncodeToString(claims)
	digest := sha256.Sum256([]byte(signingInput))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return signingInput + "." + enc.EncodeToString(sig), nil
}

// parsePrivateKey reads an RSA private key in PKCS#1 ("RSA PRIVATE KEY") or PKCS#8 ("PRIVATE KEY")
// PEM form. Errors never quote the key.
func parsePrivateKey(pemText string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(pemText)))
	if block == nil {
		return nil, errors.New("private_key is not PEM: expected a PEM block of type RSA PRIVATE KEY (PKCS#1) or PRIVATE KEY (PKCS#8)")
	}
	if x509.IsEncryptedPEMBlock(block) { //nolint:staticcheck // detecting legacy encryption to explain it, not decrypting
		return nil, errors.New("private_key is encrypted; provide it unencrypted (e.g. openssl pkey -in key.pem -out plain.pem)")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("private_key: the RSA PRIVATE KEY block is not a valid PKCS#1 key")
		}
		return key, nil
	case "PRIVATE KEY":
		parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("private_key: the PRIVATE KEY block is not a valid PKCS#8 key")
		}
		key, ok := parsed.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("private_key holds a %T key; JWT bearer with Salesforce needs an RSA key (RS256)", parsed)
		}
		return key, nil
	case "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("private_key is encrypted; provide it unencrypted (e.g. openssl pkey -in key.pem -out plain.pem)")
	default:
		return nil, fmt.Errorf("private_key is a PEM %q block; expected RSA PRIVATE KEY or PRIVATE KEY", block.Type)
	}
}

// tokenAnswer is the token endpoint's success body.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	InstanceURL string `json:"instance_url"`
	ID          string `json:"id"`
	TokenType   string `json:"token_type"`
	IssuedAt    string `json:"issued_at"`
}

// oauthError is the token endpoint's error body.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func (c *Client) requestToken(ctx context.Context, loginURL, flow string, form url.Values) (*token, error) {
	o := op{name: "authenticating with OAuth " + flow}
	c.log(ctx, LevelDebug, "requesting an access token", map[string]any{"flow": flow, "login_url": loginURL})
	resp, err := c.send(ctx, o, http.MethodPost, loginURL+"/services/oauth2/token",
		"application/x-www-form-urlencoded", []byte(form.Encode()), nil, false)
	if err != nil {
		return nil, err
	}
	if resp.status != http.StatusOK {
		return nil, c.tokenError(o, resp)
	}
	var ans tokenAnswer
	if err := json.Unmarshal(resp.body, &ans); err != nil || ans.AccessToken == "" {
		return nil, &Error{Kind: KindAuth, Op: o.name, Message: "the token endpoint answered 200 without an access_token", StatusCode: resp.status}
	}
	c.redact.add(ans.AccessToken)
	c.log(ctx, LevelDebug, "obtained an access token", map[string]any{"flow": flow})
	return &token{value: ans.AccessToken, identity: ans.ID, instanceURL: ans.InstanceURL}, nil
}

// tokenError classifies a refused token request: the org's verdict on the credentials is an auth
// failure; an overloaded or failing token endpoint is not.
func (c *Client) tokenError(o op, resp *response) *Error {
	var e *Error
	var oe oauthError
	if json.Unmarshal(resp.body, &oe) == nil && oe.Error != "" {
		e = &Error{Kind: KindAuth, Op: o.name, Code: oe.Error, Message: c.redact.scrub(oe.Description), StatusCode: resp.status}
		if e.Message == "" {
			e.Message = "the token endpoint refused the request"
		}
	} else {
		e = c.restError(o, resp)
	}
	switch {
	case oe.Error == "rate_limit_exceeded" || resp.status == http.StatusTooManyRequests:
		e.Kind = KindRateLimited
	case resp.status >= http.StatusInternalServerError:
		e.Kind = KindOther
	default:
		e.Kind = KindAuth
	}
	return resp.annotate(e)
}
