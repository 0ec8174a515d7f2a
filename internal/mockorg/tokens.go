package mockorg

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
)

// session is an access token: who it is for and through which channel. Nothing about access is
// cached in it; every API call re-runs the access rules on the org's current state.
type session struct {
	UserID string `json:"userId"`
	// AppID is the connected app the token was issued through; "" is a Visualforce session.
	AppID    string `json:"appId,omitempty"`
	IssuedAt int64  `json:"issuedAt"`
	// Refresh is the refresh token this access token came from, so revoking it revokes both.
	Refresh string `json:"refresh,omitempty"`
	// Flow is the OAuth flow the token came from; "" (state files of older versions) counts as
	// not the device flow.
	Flow access.Flow `json:"flow,omitempty"`
}

type refreshGrant struct {
	UserID string `json:"userId"`
	AppID  string `json:"appId"`
	// IssuedAt (Unix milliseconds) dates the grant for the app's refreshTokenPolicy; state files
	// of older versions have none, and their grants count from the start that loads them.
	IssuedAt int64 `json:"issuedAt,omitempty"`
	// Flow is the flow the user authorized the app through. Access tokens refreshed from it keep
	// it, so that refreshing does not lift the device flow's restriction on uninstalled apps
	// (unverified: Salesforce does not say how it treats refreshed device-flow tokens).
	Flow access.Flow `json:"flow,omitempty"`
}

// tokenTable holds the live access and refresh tokens; guarded by Server.mu.
type tokenTable struct {
	Access  map[string]*session      `json:"access"`
	Refresh map[string]*refreshGrant `json:"refresh"`
}

func newTokenTable() tokenTable {
	return tokenTable{Access: map[string]*session{}, Refresh: map[string]*refreshGrant{}}
}

// clone copies the table deeply: handlers change sessions in place (a session gains its refresh
// token).
func (t tokenTable) clone() tokenTable {
	c := tokenTable{Access: make(map[string]*session, len(t.Access)), Refresh: make(map[string]*refreshGrant, len(t.Refresh))}
	for k, v := range t.Access {
		sess := *v
		c.Access[k] = &sess
	}
	for k, v := range t.Refresh {
		g := *v
		c.Refresh[k] = &g
	}
	return c
}

const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newToken returns "{orgId15}!{random}", the shape of a Salesforce access token or session id.
func newToken(orgID string) string {
	return orgID[:15] + "!AQ" + randomString(94)
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("mockorg: crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = tokenAlphabet[int(b[i])%len(tokenAlphabet)]
	}
	return string(b)
}

// issueLocked creates an access token for a user through a channel; the caller holds s.mu.
func (s *Server) issueLocked(userID, appID string, flow access.Flow, refresh string) string {
	if len(s.tokens.Access)+len(s.tokens.Refresh) >= s.pruneAt {
		s.pruneLocked()
	}
	token := newToken(s.st.org.ID)
	s.tokens.Access[token] = &session{UserID: userID, AppID: appID, IssuedAt: s.now().UnixMilli(), Refresh: refresh, Flow: flow}
	return token
}

// minPruneAt is the table size below which expired tokens are left alone.
const minPruneAt = 256

// pruneLocked forgets expired tokens. issueLocked calls it whenever the table has doubled since
// the last pruning, so that the table never holds more than twice the live tokens (plus
// minPruneAt) at an amortised constant cost per token.
func (s *Server) pruneLocked() {
	now := s.now()
	for t, sess := range s.tokens.Access {
		if s.expiredLocked(sess, now) {
			delete(s.tokens.Access, t)
		}
	}
	for t, g := range s.tokens.Refresh {
		if s.refreshExpiredLocked(g, now) {
			delete(s.tokens.Refresh, t)
		}
	}
	s.pruneAt = max(2*(len(s.tokens.Access)+len(s.tokens.Refresh)), minPruneAt)
}

// expiredLocked reports whether an access token has outlived the org's session timeout, counted
// from its issue (unverified: Salesforce may extend a session that is in use; mockorg does not).
func (s *Server) expiredLocked(sess *session, now time.Time) bool {
	return !now.Before(time.UnixMilli(sess.IssuedAt).Add(s.st.org.sessionTimeout()))
}

// refreshExpiredLocked applies the app's refreshTokenPolicy: "zero" ends a refresh token at once,
// "specific_lifetime:N:UNIT" N hours, days or months after its issue. "infinite" and
// "specific_inactivity:…" (not enforced) keep it.
func (s *Server) refreshExpiredLocked(g *refreshGrant, now time.Time) bool {
	if s.st.ecas[g.AppID] != nil { // an ECA's refreshTokenPolicyType is stored, not enforced
		return false
	}
	app := s.st.apps[g.AppID]
	if app == nil {
		return true
	}
	if app.RefreshTokenPolicy == "zero" {
		return true
	}
	spec, ok := strings.CutPrefix(app.RefreshTokenPolicy, "specific_lifetime:")
	if !ok {
		return false
	}
	count, unit, _ := strings.Cut(spec, ":")
	n, err := strconv.Atoi(count)
	if err != nil { // metadata validation admits only digits
		return false
	}
	issued := time.UnixMilli(g.IssuedAt)
	var end time.Time
	switch unit {
	case "HOURS":
		end = issued.Add(time.Duration(n) * time.Hour)
	case "DAYS":
		end = issued.AddDate(0, 0, n)
	default: // MONTHS
		end = issued.AddDate(0, n, 0)
	}
	return !now.Before(end)
}

// issueRefreshLocked gives the access token a refresh token of its own, as the web server flow
// does when a user approves an app; the caller holds s.mu.
func (s *Server) issueRefreshLocked(token string) string {
	sess := s.tokens.Access[token]
	refresh := s.st.org.ID[:15] + "!" + randomString(86)
	s.tokens.Refresh[refresh] = &refreshGrant{UserID: sess.UserID, AppID: sess.AppID, Flow: sess.Flow, IssuedAt: s.now().UnixMilli()}
	sess.Refresh = refresh
	return refresh
}

// caller is the authenticated principal of an API call.
type caller struct {
	userID   string
	username string
	appID    string
	// usage is the org's API usage counting this call: what its Sforce-Limit-Info and, for a
	// /limits call, DailyApiRequests report, so that both agree with the counter exactly.
	usage apiUsage
}

// apiUsage is the org's daily API request count and allocation.
type apiUsage struct{ used, limit int }

func (u apiUsage) header() string { return fmt.Sprintf("api-usage=%d/%d", u.used, u.limit) }

// usageNow reads the API usage without counting a call, for answers to calls that do not count.
func (s *Server) usageNow() apiUsage {
	var limit int
	s.view(func(st *state) { limit = st.org.DailyAPIRequests })
	return apiUsage{used: int(s.apiUsed.Load()), limit: limit}
}

var errInvalidSession = &apiError{status: http.StatusUnauthorized, code: "INVALID_SESSION_ID", message: "Session expired or invalid"}

// authenticate checks a token and applies the access rules to it against the org as it is now, so
// that blocking an app or switching a limit on stops existing tokens at once. It also counts the
// call against the org's API allocation, and notes the caller on r for the console.
func (s *Server) authenticate(r *http.Request, token string) (*caller, *apiError) {
	if token == "" {
		return nil, errInvalidSession
	}
	var c *caller
	var denial *apiError
	var limit int
	s.view(func(st *state) {
		limit = st.org.DailyAPIRequests
		sess := s.tokens.Access[token]
		if sess == nil || s.expiredLocked(sess, s.now()) {
			denial = errInvalidSession
			return
		}
		u, gone := st.callerUser(&caller{userID: sess.UserID, appID: sess.AppID})
		if gone != nil {
			denial = gone
			return
		}
		d := st.decide(u, sess.AppID, sess.Flow)
		noteCaller(r, u.Username, st.appNameOf(sess.AppID), refusedBy(d))
		if !d.Allowed {
			denial = &apiError{status: http.StatusUnauthorized, code: "INVALID_SESSION_ID", message: d.Message}
			return
		}
		c = &caller{userID: u.ID, username: u.Username, appID: sess.AppID}
	})
	if denial != nil {
		return nil, denial
	}
	used := s.apiUsed.Add(1)
	if used > int64(limit) {
		s.apiUsed.Add(-1)
		return nil, &apiError{status: http.StatusForbidden, code: "REQUEST_LIMIT_EXCEEDED", message: "TotalRequests Limit exceeded."}
	}
	c.usage = apiUsage{used: int(used), limit: limit}
	if s.afterAuthenticate != nil {
		s.afterAuthenticate()
	}
	return c, nil
}

// viewAs runs fn under the read lock with the caller's user as the org has it now.
func (s *Server) viewAs(c *caller, fn func(st *state, u *user) *apiError) *apiError {
	var aerr *apiError
	s.view(func(st *state) {
		u, gone := st.callerUser(c)
		if gone != nil {
			aerr = gone
			return
		}
		aerr = fn(st, u)
	})
	return aerr
}

// mutateAs is mutate with the caller's user as the org has it now.
func (s *Server) mutateAs(c *caller, fn func(st *state, u *user) error) error {
	return s.mutate(func(st *state) error {
		u, gone := st.callerUser(c)
		if gone != nil {
			return gone
		}
		return fn(st, u)
	})
}

// callerUser finds the caller's user again once the handler holds the lock: a PUT
// /__mockorg/snapshot or a reset between authentication and the handler may have removed the
// user or the app, and the call then fails as authentication would have.
func (st *state) callerUser(c *caller) (*user, *apiError) {
	u := st.users[c.userID]
	if u == nil || c.appID != "" && st.apps[c.appID] == nil && st.ecas[c.appID] == nil {
		return nil, errInvalidSession
	}
	return u, nil
}

// bearerToken reads "Authorization: Bearer X" (or Salesforce's older "OAuth X").
func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	for _, scheme := range []string{"Bearer ", "OAuth "} {
		if len(h) > len(scheme) && strings.EqualFold(h[:len(scheme)], scheme) {
			return strings.TrimSpace(h[len(scheme):])
		}
	}
	return ""
}

// revokeLocked removes an access or refresh token, or an approval by its DeleteToken. A refresh
// token takes its access tokens with it and leaves the approval, which other refresh tokens of
// the pair may hold; the DeleteToken ends the approval and every token of the pair, as revoking
// an app on the user's Connected Apps page does.
func (s *Server) revokeLocked(token string) bool {
	if _, ok := s.tokens.Access[token]; ok {
		delete(s.tokens.Access, token)
		return true
	}
	if _, ok := s.tokens.Refresh[token]; ok {
		delete(s.tokens.Refresh, token)
		for t, sess := range s.tokens.Access {
			if sess.Refresh == token {
				delete(s.tokens.Access, t)
			}
		}
		return true
	}
	if a := s.st.approvalByDeleteToken(token); a != nil {
		s.dropLocked(func(userID, appID string) bool { return userID == a.UserID && appID == a.AppID })
		return true
	}
	return false
}

// dropTokensOfAppLocked forgets every approval (OauthToken) of an app and every access and refresh
// token issued through it, as blocking, uninstalling or deleting the app does.
func (s *Server) dropTokensOfAppLocked(appID string) {
	s.dropLocked(func(_, tokenApp string) bool { return tokenApp == appID })
}

// dropLocked forgets the approvals and the access and refresh tokens of the (user, app) pairs that
// end; Visualforce sessions have no app and never end here.
func (s *Server) dropLocked(ends func(userID, appID string) bool) {
	for t, sess := range s.tokens.Access {
		if sess.AppID != "" && ends(sess.UserID, sess.AppID) {
			delete(s.tokens.Access, t)
		}
	}
	for t, g := range s.tokens.Refresh {
		if ends(g.UserID, g.AppID) {
			delete(s.tokens.Refresh, t)
		}
	}
	for k, a := range s.st.approvals {
		if ends(a.UserID, a.AppID) {
			delete(s.st.approvals, k)
		}
	}
}

// usersOfAppLocked counts the distinct users who approved an app or hold a token through it: the
// OAuth Usage page's "User Count".
func (s *Server) usersOfAppLocked(appID string) int {
	users := map[string]bool{}
	for _, a := range s.st.approvals {
		if a.AppID == appID {
			users[a.UserID] = true
		}
	}
	for _, sess := range s.tokens.Access {
		if sess.AppID == appID {
			users[sess.UserID] = true
		}
	}
	for _, g := range s.tokens.Refresh {
		if g.AppID == appID {
			users[g.UserID] = true
		}
	}
	return len(users)
}
