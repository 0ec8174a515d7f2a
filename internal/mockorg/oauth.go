package mockorg

import (
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/metadata"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

const grantJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer" //nolint:gosec // a grant type name, not a credential

// oauthError is the token endpoint's {"error","error_description"}.
type oauthError struct {
	status      int
	code, descr string
}

func (e *oauthError) Error() string { return e.code + ": " + e.descr }

func badRequest(code, descr string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: code, descr: descr}
}

var (
	errUnknownClient     = badRequest("invalid_client_id", "client identifier invalid")
	errBadClientSecret   = badRequest("invalid_client", "invalid client credentials")
	errAuthFailure       = badRequest("invalid_grant", "authentication failure")
	errInvalidAssertion  = badRequest("invalid_grant", "invalid assertion")
	errExpiredAssertion  = badRequest("invalid_grant", "expired authorization code")
	errNotApproved       = badRequest("invalid_grant", "user hasn't approved this consumer")
	errExpiredRefresh    = badRequest("invalid_grant", "expired access/refresh token")
	errNoClientCredsUser = badRequest("invalid_grant", "no client credentials user enabled")
)

func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, e.status, map[string]string{"error": e.code, "error_description": e.descr})
}

// tokenAnswer is the token endpoint's success body.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	Signature   string `json:"signature"`
	Scope       string `json:"scope"`
	InstanceURL string `json:"instance_url"`
	ID          string `json:"id"`
	TokenType   string `json:"token_type"`
	IssuedAt    string `json:"issued_at"`
}

// tokenRequest is what a grant established: who, through which app and which flow. None of the
// grants served here issues a refresh token, as in Salesforce, where only the web server,
// user-agent and device flows do; POST /__mockorg/sessions stands in for those.
type tokenRequest struct {
	user    *user
	client  oauthClient
	flow    access.Flow
	refresh string // the refresh token a refresh_token grant presented
}

// oauthClient is what the token endpoint needs of the app a consumer key names: a connected app
// or an External Client App.
type oauthClient struct {
	id, name, secret string
	scopes           []string
}

func appClient(a *connectedApp) oauthClient {
	return oauthClient{id: a.ID, name: a.Name, secret: a.ConsumerSecret, scopes: a.Scopes}
}

func ecaClient(e *externalClientApp) oauthClient {
	return oauthClient{id: e.ID, name: e.Name, secret: e.consumerSecret(), scopes: e.scopes()}
}

// refuseTokenMethod answers /services/oauth2/token for a method other than POST.
func refuseTokenMethod(w http.ResponseWriter, r *http.Request) {
	note(r, "oauth:token", false)
	writeOAuthError(w, badRequest("invalid_request", "must use HTTP POST"))
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	note(r, "oauth:token", false)
	if oerr := parseOAuthForm(r); oerr != nil {
		writeOAuthError(w, oerr)
		return
	}
	form := r.Form
	clientID, clientSecret := form.Get("client_id"), form.Get("client_secret")
	if id, secret, ok := r.BasicAuth(); ok && clientID == "" {
		clientID, clientSecret = id, secret
	}
	instanceURL := instanceURLOf(r)

	var answer tokenAnswer
	err := s.issueTokens(func(st *state) error {
		var req tokenRequest
		var oerr *oauthError
		switch form.Get("grant_type") {
		case "client_credentials":
			req, oerr = clientCredentialsGrant(st, clientID, clientSecret)
		case "password":
			req, oerr = passwordGrant(st, clientID, clientSecret, form.Get("username"), form.Get("password"))
		case "refresh_token":
			req, oerr = s.refreshGrantLocked(clientID, clientSecret, form.Get("refresh_token"))
		case grantJWTBearer:
			req, oerr = jwtBearerGrant(st, form.Get("assertion"), instanceURL, s.now())
		default:
			oerr = badRequest("unsupported_grant_type", "grant type not supported")
		}
		if oerr != nil {
			return oerr
		}
		d := st.decide(req.user, req.client.id, req.flow)
		noteCaller(r, req.user.Username, req.client.name, refusedBy(d))
		if !d.Allowed {
			return badRequest(d.ErrorCode, d.Message)
		}
		token := s.issueLocked(req.user.ID, req.client.id, req.flow, req.refresh)
		issued := s.tokens.Access[token].IssuedAt
		st.touchApproval(req.user.ID, req.client.id, time.UnixMilli(issued).UTC().Format(timeLayout))
		issuedAt := strconv.FormatInt(issued, 10)
		answer = tokenAnswer{
			AccessToken: token,
			Scope:       oauthScopes(req.client.scopes),
			InstanceURL: instanceURL,
			ID:          instanceURL + "/id/" + st.org.ID + "/" + req.user.ID,
			TokenType:   "Bearer",
			IssuedAt:    issuedAt,
		}
		mac := hmac.New(sha256.New, []byte(req.client.secret))
		mac.Write([]byte(answer.ID + answer.IssuedAt))
		answer.Signature = base64.StdEncoding.EncodeToString(mac.Sum(nil))
		return nil
	})
	if err != nil {
		var oerr *oauthError
		if !errors.As(err, &oerr) {
			oerr = &oauthError{status: http.StatusInternalServerError, code: "server_error", descr: asAPIError(err).message}
		}
		s.log.Info("token request refused", "grant_type", form.Get("grant_type"), "error", oerr.code)
		writeOAuthError(w, oerr)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, answer)
}

func clientApp(st *state, clientID, clientSecret string, secretRequired bool) (*connectedApp, *oauthError) {
	if clientID == "" {
		return nil, errUnknownClient
	}
	app := st.appByConsumerKey(clientID)
	if app == nil {
		return nil, errUnknownClient
	}
	if clientSecret == "" && !secretRequired {
		return app, nil
	}
	if subtle.ConstantTimeCompare([]byte(clientSecret), []byte(app.ConsumerSecret)) != 1 {
		return nil, errBadClientSecret
	}
	return app, nil
}

func clientCredentialsGrant(st *state, clientID, clientSecret string) (tokenRequest, *oauthError) {
	if e := st.ecaByConsumerKey(clientID); e != nil {
		return ecaClientCredentialsGrant(st, e, clientID, clientSecret)
	}
	app, oerr := clientApp(st, clientID, clientSecret, true)
	if oerr != nil {
		return tokenRequest{}, oerr
	}
	if !app.ClientCredentialsEnabled || app.ClientCredentialsUser == "" {
		return tokenRequest{}, errNoClientCredsUser
	}
	u := st.userByUsername(app.ClientCredentialsUser)
	if u == nil {
		return tokenRequest{}, errNoClientCredsUser
	}
	return tokenRequest{user: u, client: appClient(app), flow: access.FlowClientCredentials}, nil
}

func passwordGrant(st *state, clientID, clientSecret, username, password string) (tokenRequest, *oauthError) {
	app, oerr := clientApp(st, clientID, clientSecret, true)
	if oerr != nil {
		return tokenRequest{}, oerr
	}
	u := st.userByUsername(username)
	if u == nil || subtle.ConstantTimeCompare([]byte(password), []byte(u.Password)) != 1 {
		return tokenRequest{}, errAuthFailure
	}
	return tokenRequest{user: u, client: appClient(app), flow: access.FlowPassword}, nil
}

func (s *Server) refreshGrantLocked(clientID, clientSecret, refresh string) (tokenRequest, *oauthError) {
	if e := s.st.ecaByConsumerKey(clientID); e != nil {
		return s.ecaRefreshGrantLocked(e, clientID, clientSecret, refresh)
	}
	app, oerr := clientApp(s.st, clientID, clientSecret, false)
	if oerr != nil {
		return tokenRequest{}, oerr
	}
	// Salesforce's text for a missing secret is unverified; mockorg answers as for a wrong one.
	if clientSecret == "" && (app.SecretRequiredForRefreshToken == nil || *app.SecretRequiredForRefreshToken) {
		return tokenRequest{}, errBadClientSecret
	}
	g := s.tokens.Refresh[refresh]
	if g == nil || g.AppID != app.ID || s.refreshExpiredLocked(g, s.now()) {
		return tokenRequest{}, errExpiredRefresh
	}
	u := s.st.users[g.UserID]
	if u == nil {
		return tokenRequest{}, errExpiredRefresh
	}
	return tokenRequest{user: u, client: appClient(app), flow: g.Flow, refresh: refresh}, nil
}

// jwtClaims are the claims Salesforce's JWT bearer flow checks.
type jwtClaims struct {
	Iss string          `json:"iss"`
	Sub string          `json:"sub"`
	Aud json.RawMessage `json:"aud"`
	Exp json.Number     `json:"exp"`
	Nbf json.Number     `json:"nbf"`
}

// nbfLeeway is how far ahead of mockorg's clock an assertion's nbf may be: a client sets nbf to
// its own clock's now, rounded, and RFC 7519 allows "a few minutes" at most for clock skew.
const nbfLeeway = time.Minute

// checkValidity applies the assertion's time claims (SALESFORCE.md, JWT lifetime): exp is
// required and must not have passed; nbf, when present, must have come. An exp far ahead is
// accepted, as real orgs accept it: Salesforce's documented "within 3 minutes" binds the client,
// and the Salesforce CLI's own assertions carry an exp in milliseconds.
func (c jwtClaims) checkValidity(now time.Time) *oauthError {
	exp, err := c.Exp.Float64()
	if err != nil {
		return errInvalidAssertion
	}
	seconds := float64(now.UnixNano()) / float64(time.Second)
	if exp < seconds {
		return errExpiredAssertion
	}
	if c.Nbf == "" {
		return nil
	}
	nbf, err := c.Nbf.Float64()
	if err != nil {
		return errInvalidAssertion
	}
	if nbf > seconds+nbfLeeway.Seconds() {
		return errExpiredAssertion
	}
	return nil
}

// jwtBearerGrant verifies an RS256 assertion against the certificate of the app named by iss.
func jwtBearerGrant(st *state, assertion, instanceURL string, now time.Time) (tokenRequest, *oauthError) {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return tokenRequest{}, errInvalidAssertion
	}
	var header struct {
		Alg string `json:"alg"`
	}
	var claims jwtClaims
	if decodeJWTPart(parts[0], &header) != nil || decodeJWTPart(parts[1], &claims) != nil || header.Alg != "RS256" {
		return tokenRequest{}, errInvalidAssertion
	}
	sig, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[2], "="))
	if err != nil {
		return tokenRequest{}, errInvalidAssertion
	}
	var client oauthClient
	var certificate string
	var adminApproved bool
	if app := st.appByConsumerKey(claims.Iss); app != nil {
		client, certificate, adminApproved = appClient(app), app.Certificate, app.AdminApproved
	} else if e := st.ecaByConsumerKey(claims.Iss); e != nil {
		certificate, _ = e.value(metadata.TypeExtlClntAppGlobalOauthSettings, "certificate")
		client, adminApproved = ecaClient(e), st.accessECA(e).AdminApprovedUsersOnly
	} else {
		return tokenRequest{}, errUnknownClient
	}
	key := certificateKey(certificate)
	if key == nil {
		return tokenRequest{}, errInvalidAssertion
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) != nil {
		return tokenRequest{}, errInvalidAssertion
	}
	if !audienceAccepted(claims.Aud, instanceURL, st.org.IsSandbox) {
		return tokenRequest{}, badRequest("invalid_grant", "Audience validation failed")
	}
	if oerr := claims.checkValidity(now); oerr != nil {
		return tokenRequest{}, oerr
	}
	u := st.userByUsername(claims.Sub)
	if u == nil {
		return tokenRequest{}, errInvalidAssertion
	}
	// The JWT bearer flow has no consent screen: an app whose users self-authorize serves only
	// users who approved it through an interactive flow before. An admin-approved app needs no
	// approval; the rules refuse users it is not granted to.
	if !adminApproved && st.approvalOf(u.ID, client.id) == nil {
		return tokenRequest{}, errNotApproved
	}
	return tokenRequest{user: u, client: client, flow: access.FlowJWTBearer}, nil
}

func decodeJWTPart(part string, into any) error {
	data, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(part, "="))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	return dec.Decode(into)
}

// certificateKey returns the RSA key of an app's certificate, PEM or bare base64 DER.
func certificateKey(certificate string) *rsa.PublicKey {
	der := []byte(nil)
	if block, _ := pem.Decode([]byte(certificate)); block != nil {
		der = block.Bytes
	} else if b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(certificate), "")); err == nil {
		der = b
	}
	if der == nil {
		return nil
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil
	}
	key, _ := cert.PublicKey.(*rsa.PublicKey)
	return key
}

// audienceAccepted accepts the audiences Salesforce documents for connected apps:
// https://login.salesforce.com, https://test.salesforce.com in a sandbox, and the org's own URL
// (the host the client reached, as a My Domain).
func audienceAccepted(raw json.RawMessage, instanceURL string, sandbox bool) bool {
	var auds []string
	var one string
	if json.Unmarshal(raw, &one) == nil {
		auds = []string{one}
	} else if json.Unmarshal(raw, &auds) != nil {
		return false
	}
	for _, aud := range auds {
		aud = strings.TrimSuffix(aud, "/")
		if aud == "https://login.salesforce.com" || aud == instanceURL || sandbox && aud == "https://test.salesforce.com" {
			return true
		}
	}
	return false
}

// oauthScopeNames maps metadata scope names to the names the token endpoint reports.
var oauthScopeNames = map[string]string{ //nolint:gosec // scope names, not credentials
	"Api": "api", "Web": "web", "Full": "full", "Chatter": "chatter_api", "CustomApplications": "visualforce",
	"RefreshToken": "refresh_token", "OfflineAccess": "refresh_token", "OpenID": "openid", "Basic": "id",
	"Profile": "profile", "Email": "email", "Address": "address", "Phone": "phone",
	"CustomPermissions": "custom_permissions", "Wave": "wave_api", "Eclair": "eclair_api", "Pardot": "pardot_api",
	"Lightning": "lightning", "Content": "content", "CDPIngest": "cdp_ingest_api", "Chatbot": "chatbot_api",
	"ForgotPassword": "forgot_password", "UserRegistration": "user_registration_api", "PwdlessLogin": "pwdless_login_api",
}

func oauthScopes(scopes []string) string {
	var out []string
	seen := map[string]bool{}
	for _, s := range scopes {
		name, ok := oauthScopeNames[s]
		if !ok {
			name = strings.ToLower(s)
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return strings.Join(out, " ")
}

// parseOAuthForm reads the form of a token or revoke request; an oversize or malformed body is an
// OAuth invalid_request, as Salesforce answers it.
func parseOAuthForm(r *http.Request) *oauthError {
	err := r.ParseForm()
	switch {
	case err == nil:
		return nil
	case tooLarge(err):
		return &oauthError{status: http.StatusRequestEntityTooLarge, code: "invalid_request", descr: "request body too large"}
	default:
		return badRequest("invalid_request", "malformed request body")
	}
}

// instanceURLOf is the base URL the client reached this server at.
func instanceURLOf(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	note(r, "oauth:revoke", false)
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		writeOAuthError(w, badRequest("invalid_request", "must use HTTP POST"))
		return
	}
	if oerr := parseOAuthForm(r); oerr != nil {
		writeOAuthError(w, oerr)
		return
	}
	token := r.Form.Get("token")
	err := s.mutate(func(*state) error {
		if !s.revokeLocked(token) {
			return badRequest("unsupported_token_type", "this token type is not supported")
		}
		return nil
	})
	if err != nil {
		var oerr *oauthError
		if !errors.As(err, &oerr) {
			oerr = &oauthError{status: http.StatusInternalServerError, code: "server_error", descr: "revocation failed"}
		}
		writeOAuthError(w, oerr)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// userInfo is the OpenID Connect userinfo answer (and the identity URL's), with the fields clients
// use to learn who a pre-issued token belongs to.
type userInfo struct {
	Sub               string `json:"sub"`
	UserID            string `json:"user_id"`
	OrganizationID    string `json:"organization_id"`
	PreferredUsername string `json:"preferred_username"`
	Name              string `json:"name"`
	Email             string `json:"email"`
	UserType          string `json:"user_type"`
	Active            bool   `json:"active"`
}

// handleUserInfo serves GET /services/oauth2/userinfo and the identity URL /id/{orgId}/{userId}
// that token answers carry in "id".
func (s *Server) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	note(r, "oauth:userinfo", false)
	c, aerr := s.authenticate(r, bearerToken(r))
	var info userInfo
	if aerr == nil {
		aerr = s.viewAs(c, func(st *state, u *user) *apiError {
			if orgID, userID := r.PathValue("org"), r.PathValue("user"); orgID != "" {
				if o, err := sfid.Normalize(orgID); err != nil || o != st.org.ID {
					return errNotFound
				}
				if id, err := sfid.Normalize(userID); err != nil || id != u.ID {
					return errNotFound
				}
			}
			info = userInfo{Sub: instanceURLOf(r) + "/id/" + st.org.ID + "/" + u.ID, UserID: u.ID, OrganizationID: st.org.ID,
				PreferredUsername: u.Username, Name: u.Name, Email: u.Email, UserType: strings.ToUpper(st.userType(u)), Active: u.Active}
			return nil
		})
	}
	if aerr != nil {
		// Salesforce answers a token it does not accept here with a bare 403.
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("Bad_OAuth_Token"))
		return
	}
	writeJSON(w, http.StatusOK, info)
}

// ecaClientCredentialsGrant runs the client credentials flow through an ECA: the consumer secret
// (the current one, or the staged one with the staged key) and the run-as user of its policies.
func ecaClientCredentialsGrant(st *state, e *externalClientApp, clientID, clientSecret string) (tokenRequest, *oauthError) {
	if subtle.ConstantTimeCompare([]byte(clientSecret), []byte(e.secretFor(clientID))) != 1 {
		return tokenRequest{}, errBadClientSecret
	}
	u := st.userByUsername(e.clientCredentialsUser())
	if u == nil {
		return tokenRequest{}, errNoClientCredsUser
	}
	return tokenRequest{user: u, client: ecaClient(e), flow: access.FlowClientCredentials}, nil
}

// ecaRefreshGrantLocked runs the refresh token grant through an ECA. ECAs require the consumer
// secret with a refresh token unless isConsumerSecretOptional (assumed; SALESFORCE.md).
func (s *Server) ecaRefreshGrantLocked(e *externalClientApp, clientID, clientSecret, refresh string) (tokenRequest, *oauthError) {
	optional := e.flag(metadata.TypeExtlClntAppGlobalOauthSettings, "isConsumerSecretOptional", false)
	if (clientSecret != "" || !optional) && subtle.ConstantTimeCompare([]byte(clientSecret), []byte(e.secretFor(clientID))) != 1 {
		return tokenRequest{}, errBadClientSecret
	}
	g := s.tokens.Refresh[refresh]
	if g == nil || g.AppID != e.ID {
		return tokenRequest{}, errExpiredRefresh
	}
	u := s.st.users[g.UserID]
	if u == nil {
		return tokenRequest{}, errExpiredRefresh
	}
	return tokenRequest{user: u, client: ecaClient(e), flow: g.Flow, refresh: refresh}, nil
}
