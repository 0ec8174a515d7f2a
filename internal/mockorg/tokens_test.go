package mockorg

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a test's time, moved by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// clockedHarness serves an org whose tokens live by a clock the test moves.
func clockedHarness(t *testing.T, cfg Config) (*harness, *clock) {
	t.Helper()
	org, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = org.Close() })
	c := &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	org.now = c.Now
	return &harness{t: t, org: org, ts: newTestServer(t, org)}, c
}

// mustBeExpired checks the answer Salesforce gives an expired session, the same as an unknown one.
func (h *harness) mustBeExpired(t *testing.T, label, token string) {
	t.Helper()
	resp := h.rest(http.MethodGet, apiBase+"/limits", token, nil)
	if e := resp.restError(t); resp.status != http.StatusUnauthorized || e.ErrorCode != "INVALID_SESSION_ID" || e.Message != "Session expired or invalid" {
		t.Errorf("%s: %d %s", label, resp.status, resp.body)
	}
}

func TestAccessTokensExpireAfterTheSessionTimeout(t *testing.T) {
	for minutes, timeout := range map[int]time.Duration{0: 2 * time.Hour, 15: 15 * time.Minute, 1440: 24 * time.Hour} {
		seed := DefaultSeed()
		seed.Organization.SessionTimeoutMinutes = minutes
		h, c := clockedHarness(t, Config{Seed: seed})
		admin := h.adminToken()
		c.advance(timeout - time.Second)
		h.mustWork(t, "a token just before the timeout", admin)
		c.advance(time.Second)
		h.mustBeExpired(t, "a token at the timeout", admin)
		if code, msg := h.soap(admin, readSettings()).fault(t, http.StatusInternalServerError); code != "sf:INVALID_SESSION_ID" || !strings.Contains(msg, "Illegal Session") {
			t.Errorf("SOAP with an expired token: %s %s", code, msg)
		}
		h.mustWork(t, "a new token", h.adminToken())
	}
	seed := DefaultSeed()
	seed.Organization.SessionTimeoutMinutes = 7
	if _, err := New(Config{Seed: seed}); err == nil || !strings.Contains(err.Error(), "sessionTimeoutMinutes") {
		t.Errorf("a session timeout Session Settings does not offer: %v", err)
	}
}

// TestExpiredTokensArePruned issues tokens for three hours of a 15-minute session timeout: the
// table stays within twice the live tokens plus the pruning threshold instead of growing with
// every token ever issued.
func TestExpiredTokensArePruned(t *testing.T) {
	seed := DefaultSeed()
	seed.Organization.SessionTimeoutMinutes = 15
	h, c := clockedHarness(t, Config{Seed: seed})
	const perMinute, minutes = 10, 180
	live := perMinute * 15
	for range minutes {
		for range perMinute {
			h.adminToken()
		}
		c.advance(time.Minute)
	}
	h.org.mu.RLock()
	size := len(h.org.tokens.Access)
	h.org.mu.RUnlock()
	if limit := 2*live + minPruneAt; size > limit {
		t.Errorf("%d tokens in the table after issuing %d with %d live; want at most %d", size, perMinute*minutes, live, limit)
	}
	t.Logf("%d tokens issued, %d in the table, %d live at most", perMinute*minutes, size, live)
}

func TestRefreshTokensFollowTheAppsPolicy(t *testing.T) {
	for _, tc := range []struct {
		policy   string
		lifetime time.Duration // 0: never expires
	}{
		{"zero", -1},
		{"specific_lifetime:2:HOURS", 2 * time.Hour},
		{"specific_lifetime:3:DAYS", 72 * time.Hour},
		{"specific_lifetime:1:MONTHS", 31 * 24 * time.Hour}, // March has 31 days
		{"infinite", 0},
		{"", 0},
	} {
		seed := DefaultSeed()
		for i := range seed.ConnectedApps {
			if seed.ConnectedApps[i].Name == "Partner_Portal_Mobile" {
				seed.ConnectedApps[i].RefreshTokenPolicy = tc.policy
			}
		}
		h, c := clockedHarness(t, Config{Seed: seed})
		refresh := h.webServerSession("employee@acme.test", "Partner_Portal_Mobile").RefreshToken
		grant := func() response {
			return h.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh},
				"client_id": {"PartnerPortalMobileKey01"}, "client_secret": {"PartnerPortalMobileSecret01"}})
		}
		expired := func(label string) {
			resp := grant()
			if !strings.Contains(string(resp.body), `"error":"invalid_grant"`) || !strings.Contains(string(resp.body), "expired access/refresh token") {
				t.Errorf("%s, %s: %d %s", tc.policy, label, resp.status, resp.body)
			}
		}
		switch {
		case tc.lifetime < 0:
			expired("at once")
		case tc.lifetime == 0:
			c.advance(400 * 24 * time.Hour)
			h.mustStatus(t, grant(), http.StatusOK)
		default:
			c.advance(tc.lifetime - time.Second)
			h.mustStatus(t, grant(), http.StatusOK)
			c.advance(time.Second)
			expired("at the end of its lifetime")
		}
	}
}
