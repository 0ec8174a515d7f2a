package mockorg

import (
	"encoding/json"
	"net/http"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// Connect REST resources for External Client Apps (SALESFORCE.md, External Client Apps): the
// OAuth usage list and token revocation, the consumer credentials and staged rotation. They exist
// from API 60.0 and only for External Client Apps; Salesforce says so of the usage resources, and
// mockorg answers NOT_FOUND for a connected app's id as for any unknown one.

const minECARESTVersion = 60

// ecaUsageApp is one app of GET /apps/oauth/usage (field names assumed: SALESFORCE.md, Assumptions).
type ecaUsageApp struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Label     string `json:"label"`
	UserCount int    `json:"userCount"`
	UsersURL  string `json:"usersUrl"`
	TokensURL string `json:"tokensUrl"`
}

// ecaConsumer is one consumer of GET /apps/oauth/credentials/{appId}.
type ecaConsumer struct {
	ID                   string `json:"id"`
	Key                  string `json:"key"`
	URL                  string `json:"url"`
	StagedCredentialsURL string `json:"stagedCredentialsUrl"`
}

// ecaCredentials answers a credentials or staged credentials read; Secret only when asked for.
type ecaCredentials struct {
	ID     string `json:"id,omitempty"`
	Key    string `json:"key,omitempty"`
	Secret string `json:"secret,omitempty"`
	URL    string `json:"url,omitempty"`
}

var errSecretsViaRESTDisabled = &apiError{status: http.StatusForbidden, code: "FUNCTIONALITY_NOT_ENABLED",
	message: "Access to External Client App consumer secrets via the REST API is off: set ExternalClientAppSettings.enableClientSecretInRestApiAccess"}

// ecaRoutes serves /apps/oauth/usage and /apps/oauth/credentials; the router answers
// NOT_FOUND for all of it below API 60.0.
func (s *Server) ecaRoutes(rt *restRouter) {
	const usage, app = "/apps/oauth/usage", "/apps/oauth/credentials/{app}"
	rt.get(usage, s.ecaUsage)
	rt.handle(http.MethodDelete, usage+"/{app}/tokens", s.ecaRevoke)
	rt.handle(http.MethodDelete, usage+"/{app}/{user}/tokens", s.ecaRevoke)
	rt.get(app, s.ecaConsumers)
	rt.get(app+"/{consumer}", s.ecaCredentials)
	rt.get(app+"/{consumer}/staged", s.ecaStagedList)
	rt.handle(http.MethodPost, app+"/{consumer}/staged", s.ecaStage)
	rt.get(app+"/{consumer}/staged/{staged}", s.ecaStaged)
	rt.handle(http.MethodPatch, app+"/{consumer}/staged/{staged}", s.ecaRotate)
	rt.handle(http.MethodDelete, app+"/{consumer}/staged/{staged}", s.ecaDiscardStaged)
}

func (c *restCall) base() string { return "/services/data/" + c.version + "/apps/oauth" }

func (s *Server) ecaUsage(c *restCall) {
	note(c.r, "connect:ecaUsage", false)
	out := []ecaUsageApp{}
	aerr := s.viewAs(c.caller, func(st *state, u *user) *apiError {
		if msg := st.denial(u, opReadECAs); msg != "" {
			return insufficientAccess(msg)
		}
		for _, e := range sorted(st.ecas) {
			out = append(out, ecaUsageApp{ID: e.ID, Name: e.Name, Label: e.label(), UserCount: s.usersOfAppLocked(e.ID),
				UsersURL: c.base() + "/usage/" + e.ID + "/users", TokensURL: c.base() + "/usage/" + e.ID + "/tokens"})
		}
		return nil
	})
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"apps": out})
}

// ecaRevoke revokes every token of an ECA, or of one user of it.
func (s *Server) ecaRevoke(c *restCall) {
	note(c.r, "connect:ecaRevokeTokens", true)
	rawUserID := c.r.PathValue("user")
	err := s.mutateAs(c.caller, func(st *state, u *user) error {
		if msg := st.denial(u, opRevokeECATokens); msg != "" {
			return insufficientAccess(msg)
		}
		e, aerr := st.ecaByID(c.r.PathValue("app"))
		if aerr != nil {
			return aerr
		}
		userID := ""
		if rawUserID != "" {
			id, err := sfid.Normalize(rawUserID)
			if err != nil || st.users[id] == nil {
				return errNotFound
			}
			userID = id
		}
		s.dropLocked(func(uid, appID string) bool { return appID == e.ID && (userID == "" || uid == userID) })
		return nil
	})
	if err != nil {
		writeRESTErr(c.w, err)
		return
	}
	committed(c.r)
	c.w.WriteHeader(http.StatusNoContent)
}

// ecaConsumers serves GET /credentials/{app}: the app's consumers, without secrets.
func (s *Server) ecaConsumers(c *restCall) {
	note(c.r, "connect:ecaConsumers", false)
	s.ecaCredentialsView(c, false, func(e *externalClientApp) (any, *apiError) {
		consumers := []ecaConsumer{}
		if e.ConsumerID != "" {
			url := c.base() + "/credentials/" + e.ID + "/" + e.ConsumerID
			consumers = append(consumers, ecaConsumer{ID: e.ConsumerID, Key: e.consumerKey(), URL: url, StagedCredentialsURL: url + "/staged"})
		}
		return map[string]any{"consumers": consumers}, nil
	})
}

// ecaCredentials serves GET /credentials/{app}/{consumer}?part=key|secret|keyandsecret.
func (s *Server) ecaCredentials(c *restCall) {
	note(c.r, "connect:ecaCredentials", false)
	part := c.r.URL.Query().Get("part")
	if part == "" {
		part = "key"
	}
	if part != "key" && part != "secret" && part != "keyandsecret" {
		writeRESTErr(c.w, errorf(http.StatusBadRequest, "INVALID_INPUT", "part is one of key, secret, keyandsecret, not %q", part))
		return
	}
	s.ecaCredentialsView(c, part != "key", func(e *externalClientApp) (any, *apiError) {
		out := ecaCredentials{}
		if part != "secret" {
			out.Key = e.consumerKey()
		}
		if part != "key" {
			out.Secret = e.consumerSecret()
		}
		return out, nil
	})
}

func (s *Server) ecaStagedList(c *restCall) {
	note(c.r, "connect:ecaStagedList", false)
	s.ecaCredentialsView(c, true, func(e *externalClientApp) (any, *apiError) {
		staged := []ecaCredentials{}
		if e.Staged != nil {
			staged = append(staged, stagedAnswer(c, e))
		}
		return map[string]any{"stagedCredentials": staged}, nil
	})
}

// ecaStage serves POST …/staged: new credentials wait beside the current ones until rotated in.
func (s *Server) ecaStage(c *restCall) {
	note(c.r, "connect:ecaStage", true)
	s.ecaCredentialsChange(c, http.StatusCreated, func(st *state, e *externalClientApp) (any, *apiError) {
		if e.Staged != nil {
			return nil, errorf(http.StatusBadRequest, "INVALID_OPERATION", "%s already has staged credentials; promote or discard them first", e.Name)
		}
		key := "3MVG9" + randomString(80)
		for st.consumerKeyInUse(key, nil) {
			key = "3MVG9" + randomString(80)
		}
		e.Staged = &SeedECAStaged{ID: st.ids.next(prefixECAStaged), ConsumerKey: key, ConsumerSecret: randomString(64),
			CreatedDate: s.now().UTC().Format(timeLayout)}
		return stagedAnswer(c, e), nil
	})
}

func (s *Server) ecaStaged(c *restCall) {
	note(c.r, "connect:ecaStaged", false)
	s.ecaCredentialsView(c, true, func(e *externalClientApp) (any, *apiError) {
		if aerr := stagedNamed(e, c.r.PathValue("staged")); aerr != nil {
			return nil, aerr
		}
		return stagedAnswer(c, e), nil
	})
}

// ecaRotate serves PATCH …/staged/{staged} {"command":"rotate"}: the staged credentials replace
// the current ones.
func (s *Server) ecaRotate(c *restCall) {
	note(c.r, "connect:ecaRotate", true)
	var body struct {
		Command string `json:"command"`
	}
	raw, aerr := readBody(c.r)
	if aerr == nil && (json.Unmarshal(raw, &body) != nil || body.Command != "rotate") {
		aerr = errorf(http.StatusBadRequest, "INVALID_INPUT", `the body is {"command":"rotate"}`)
	}
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	s.ecaCredentialsChange(c, http.StatusOK, func(_ *state, e *externalClientApp) (any, *apiError) {
		if aerr := stagedNamed(e, c.r.PathValue("staged")); aerr != nil {
			return nil, aerr
		}
		global := e.Components[globalOAuthType]
		global.Values["consumerKey"], global.Values["consumerSecret"] = e.Staged.ConsumerKey, e.Staged.ConsumerSecret
		e.Staged = nil
		return ecaCredentials{ID: e.ConsumerID, Key: e.consumerKey()}, nil
	})
}

func (s *Server) ecaDiscardStaged(c *restCall) {
	note(c.r, "connect:ecaDiscardStaged", true)
	s.ecaCredentialsChange(c, http.StatusNoContent, func(_ *state, e *externalClientApp) (any, *apiError) {
		if aerr := stagedNamed(e, c.r.PathValue("staged")); aerr != nil {
			return nil, aerr
		}
		e.Staged = nil
		return nil, nil
	})
}

func stagedAnswer(c *restCall, e *externalClientApp) ecaCredentials {
	return ecaCredentials{ID: e.Staged.ID, Key: e.Staged.ConsumerKey, Secret: e.Staged.ConsumerSecret,
		URL: c.base() + "/credentials/" + e.ID + "/" + e.ConsumerID + "/staged/" + e.Staged.ID}
}

func stagedNamed(e *externalClientApp, raw string) *apiError {
	id, err := sfid.Normalize(raw)
	if err != nil || e.Staged == nil || e.Staged.ID != id {
		return errNotFound
	}
	return nil
}

// ecaConsumerOf checks the caller's permissions and the path's app and consumer ids.
func ecaConsumerOf(st *state, u *user, r *http.Request, secrets bool) (*externalClientApp, *apiError) {
	if msg := st.denial(u, opReadECASecrets); msg != "" {
		return nil, insufficientAccess(msg)
	}
	e, aerr := st.ecaByID(r.PathValue("app"))
	if aerr != nil {
		return nil, aerr
	}
	if raw := r.PathValue("consumer"); raw != "" {
		id, err := sfid.Normalize(raw)
		if err != nil || e.ConsumerID == "" || id != e.ConsumerID {
			return nil, errNotFound
		}
	}
	if secrets && !st.ecaSettings.EnableClientSecretInRestAPIAccess {
		return nil, errSecretsViaRESTDisabled
	}
	return e, nil
}

func (s *Server) ecaCredentialsView(c *restCall, secrets bool, answer func(*externalClientApp) (any, *apiError)) {
	var out any
	aerr := s.viewAs(c.caller, func(st *state, u *user) *apiError {
		e, aerr := ecaConsumerOf(st, u, c.r, secrets)
		if aerr != nil {
			return aerr
		}
		out, aerr = answer(e)
		return aerr
	})
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	writeJSON(c.w, http.StatusOK, out)
}

func (s *Server) ecaCredentialsChange(c *restCall, status int, change func(*state, *externalClientApp) (any, *apiError)) {
	var out any
	err := s.mutateAs(c.caller, func(st *state, u *user) error {
		e, aerr := ecaConsumerOf(st, u, c.r, true)
		if aerr != nil {
			return aerr
		}
		if out, aerr = change(st, e); aerr != nil {
			return aerr
		}
		e.LastModifiedDate = s.now().UTC().Format(timeLayout)
		return nil
	})
	if err != nil {
		writeRESTErr(c.w, err)
		return
	}
	committed(c.r)
	if status == http.StatusNoContent {
		c.w.WriteHeader(status)
		return
	}
	writeJSON(c.w, status, out)
}
