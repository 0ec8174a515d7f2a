package orgapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// AppCredentials are an OAuth client app's credentials for a token of its own, apart from the
// credentials the Client itself acts with: the consumer key with either the consumer secret
// (client credentials flow) or a username and the private key whose certificate the app holds
// (JWT bearer flow). Connected apps and External Client Apps take the same grants.
type AppCredentials struct {
	// LoginURL is the host of the token endpoint; "" means the Client's login URL.
	LoginURL string
	// JWTAudience is the aud claim of a JWT bearer assertion; "" means the Client's audience when
	// LoginURL is the Client's, else DefaultJWTAudience(LoginURL).
	JWTAudience string

	ClientID      string
	ClientSecret  string
	Username      string
	PrivateKeyPEM string
}

// AppToken is an access token issued through an app's credentials, and what the token endpoint
// said about it.
type AppToken struct {
	AccessToken string
	// InstanceURL is the org's URL as the token endpoint gave it.
	InstanceURL string
	// UserID is the user the token acts as (18 characters), from the identity URL; "" when the
	// endpoint gave none.
	UserID string
	// LoginURL is the host that issued the token, where RevokeToken sends it back.
	LoginURL string
	// Flow is "client credentials" or "JWT bearer".
	Flow string
}

// IssueAppToken obtains an access token through the app's credentials, with the Client's
// transport, retries and redaction: the token, the secret, the key and the assertion never
// reach a log line. The org applies its access rules to the token request, so a user the rules
// refuse gets the org's own error (KindAuth, the OAuth error code and its description).
func (c *Client) IssueAppToken(ctx context.Context, cred AppCredentials) (*AppToken, error) {
	c.redact.add(cred.ClientSecret, cred.PrivateKeyPEM)
	loginURL, audience, err := c.appTokenURLs(cred)
	if err != nil {
		return nil, err
	}
	method, problems := chooseAuth(Config{ClientID: cred.ClientID, ClientSecret: cred.ClientSecret, Username: cred.Username, PrivateKeyPEM: cred.PrivateKeyPEM})
	if len(problems) > 0 {
		return nil, &Error{Kind: KindInvalidInput, Op: "checking the app's credentials", Message: errors.Join(problems...).Error()}
	}
	var src tokenSource
	flow := "client credentials"
	switch method {
	case authClientCredentials:
		src = &clientCredentials{c: c, loginURL: loginURL, clientID: cred.ClientID, clientSecret: cred.ClientSecret}
	default: // chooseAuth admits no access token here, so the one other method is JWT bearer
		key, err := parsePrivateKey(cred.PrivateKeyPEM)
		if err != nil {
			return nil, &Error{Kind: KindInvalidInput, Op: "checking the app's credentials", Message: err.Error()}
		}
		src = &jwtBearer{c: c, loginURL: loginURL, audience: audience, clientID: cred.ClientID, username: cred.Username, key: key, now: time.Now}
		flow = "JWT bearer"
	}
	tok, err := src.fetch(ctx)
	var e *Error
	if errors.As(err, &e) && e.Kind == KindAuth {
		e.authHint = "Check the app's credentials (client_id with client_secret, or with username and private_key) and login_url; " +
			"when the org names an access rule, the user may not use this app."
	}
	if err != nil {
		return nil, err
	}
	issued := &AppToken{AccessToken: tok.value, InstanceURL: tok.instanceURL, LoginURL: loginURL, Flow: flow}
	if _, userID, ok := parseIdentityURL(tok.identity); ok {
		issued.UserID = userID
	}
	return issued, nil
}

// appTokenURLs checks the credentials' login URL and JWT audience, filling in the defaults.
func (c *Client) appTokenURLs(cred AppCredentials) (loginURL, audience string, err error) {
	loginURL, audience = c.loginURL, c.jwtAudience
	if strings.TrimSpace(cred.LoginURL) != "" {
		if loginURL, err = checkBaseURL("login_url", cred.LoginURL); err != nil {
			return "", "", &Error{Kind: KindInvalidInput, Op: "checking the app's login URL", Message: err.Error()}
		}
		audience = DefaultJWTAudience(loginURL)
	}
	if strings.TrimSpace(cred.JWTAudience) != "" {
		if audience, err = CheckJWTAudience(cred.JWTAudience); err != nil {
			return "", "", &Error{Kind: KindInvalidInput, Op: "checking the app's JWT audience", Message: err.Error()}
		}
	}
	return loginURL, audience, nil
}

// RevokeToken revokes an access token, a refresh token or an OauthToken DeleteToken at the
// revocation endpoint of loginURL (POST /services/oauth2/revoke, token in the form). A token the
// endpoint no longer knows (an OAuth error answer such as unsupported_token_type or invalid_token)
// is dead already, and revoking it succeeds.
func (c *Client) RevokeToken(ctx context.Context, loginURL, token string) error {
	c.redact.add(token)
	o := op{name: "revoking an OAuth token"}
	resp, err := c.send(ctx, o, http.MethodPost, strings.TrimRight(loginURL, "/")+"/services/oauth2/revoke",
		"application/x-www-form-urlencoded", []byte(url.Values{"token": {token}}.Encode()), nil, false)
	if err != nil {
		return err
	}
	if resp.status == http.StatusOK {
		return nil
	}
	var oe oauthError
	if resp.status == http.StatusBadRequest && json.Unmarshal(resp.body, &oe) == nil && oe.Error != "" {
		c.log(ctx, LevelDebug, "the token was no longer valid", map[string]any{"error": oe.Error})
		return nil
	}
	return c.tokenError(o, resp)
}

// ProveClientCredentials asks the token endpoint for a client credentials token with the given
// key and secret, and reports the org's refusal as a KindAuth error. The token proved its point
// and is revoked at once.
func (c *Client) ProveClientCredentials(ctx context.Context, key, secret string) error {
	tok, err := c.IssueAppToken(ctx, AppCredentials{ClientID: key, ClientSecret: secret})
	if err != nil {
		return err
	}
	return c.RevokeToken(ctx, tok.LoginURL, tok.AccessToken)
}
