package mockorg

import (
	"crypto/rand"
	"net/http"
	"strings"
	"time"
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
}

type refreshGrant struct {
	UserID string `json:"userId"`
	AppID  string `json:"appId"`
}

// tokenTable holds the live access and refresh tokens; guarded by Server.mu.
type tokenTable struct {
	Access  map[string]*session      `json:"access"`
	Refresh map[string]*refreshGrant `json:"refresh"`
}

func newTokenTable() tokenTable {
	return tokenTable{Access: map[string]*session{}, Refresh: map[string]*refreshGrant{}}
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
func (s *Server) issueLocked(userID, appID, refresh string) string {
	token := newToken(s.st.org.ID)
	s.tokens.Access[token] = &session{UserID: userID, AppID: appID, IssuedAt: time.Now().UnixMilli(), Refresh: refresh}
	return token
}

// issueRefreshLocked gives the access token a refresh token of its own, as the web server flow
// does when a user approves an app; the caller holds s.mu.
func (s *Server) issueRefreshLocked(token string) string {
	sess := s.tokens.Access[token]
	refresh := s.st.org.ID[:15] + "!" + randomString(86)
	s.tokens.Refresh[refresh] = &refreshGrant{UserID: sess.UserID, AppID: sess.AppID}
	sess.Refresh = refresh
	return refresh
}

// caller is the authenticated principal of an API call.
type caller struct {
	userID   string
	username string
	appID    string
}

var errInvalidSession = &apiError{status: http.StatusUnauthorized, code: "INVALID_SESSION_ID", message: "Session expired or invalid"}

// authenticate checks a token and applies the access rules to it against the org as it is now, so
// that blocking an app or switching a limit on stops existing tokens at once. It also counts the
// call against the org's API allocation.
func (s *Server) authenticate(token string) (*caller, *apiError) {
	if token == "" {
		return nil, errInvalidSession
	}
	s.mu.RLock()
	sess := s.tokens.Access[token]
	var c *caller
	var denial *apiError
	limit := s.st.org.DailyAPIRequests
	if sess != nil {
		u := s.st.users[sess.UserID]
		switch {
		case u == nil, sess.AppID != "" && s.st.apps[sess.AppID] == nil:
			denial = errInvalidSession
		default:
			if d := s.st.decide(u, sess.AppID); !d.Allowed {
				denial = &apiError{status: http.StatusUnauthorized, code: "INVALID_SESSION_ID", message: d.Message}
			} else {
				c = &caller{userID: u.ID, username: u.Username, appID: sess.AppID}
			}
		}
	}
	s.mu.RUnlock()
	if sess == nil {
		return nil, errInvalidSession
	}
	if denial != nil {
		return nil, denial
	}
	if used := s.apiUsed.Add(1); used > int64(limit) {
		s.apiUsed.Add(-1)
		return nil, &apiError{status: http.StatusForbidden, code: "REQUEST_LIMIT_EXCEEDED", message: "TotalRequests Limit exceeded."}
	}
	return c, nil
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

// revokeLocked removes an access or refresh token; a refresh token takes its access tokens with it.
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
	return false
}

// dropTokensOfAppLocked forgets every access and refresh token issued through an app, as deleting
// or blocking it does.
func (s *Server) dropTokensOfAppLocked(appID string) {
	for t, sess := range s.tokens.Access {
		if sess.AppID == appID {
			delete(s.tokens.Access, t)
		}
	}
	for t, g := range s.tokens.Refresh {
		if g.AppID == appID {
			delete(s.tokens.Refresh, t)
		}
	}
}

// usersWithTokens counts the distinct users holding a token through an app: the OAuth Usage page's
// "User Count".
func (s *Server) usersWithTokensLocked(appID string) int {
	users := map[string]bool{}
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
