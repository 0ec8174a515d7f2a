package orgapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// The setup extension serves what Salesforce has no public API for: Install/Uninstall and
// Block/Unblock on the Connected Apps OAuth Usage page, and "Allow Visualforce pages to access
// APIs". The client discovers it at most once (see extCall); against an org without it, the calls
// that need it fail with KindExtensionUnavailable naming the Setup page to use instead.

func (c *Client) extPath(rest string) string { return c.dataPath("/sfaccess" + rest) }

// What the client knows of the extension (Client.extKnown).
const (
	extUnknown int32 = iota
	extServed
	extNotServed
)

// ExtensionAvailable reports whether the org serves the setup extension. The answer is asked once
// per Client, and not at all once one of its routes has answered; a failed discovery (other than
// "not served") is not remembered.
func (c *Client) ExtensionAvailable(ctx context.Context) (bool, error) {
	if known := c.extKnown.Load(); known != extUnknown {
		return known == extServed, nil
	}
	if err := c.extMu.lock(ctx); err != nil {
		return false, err
	}
	defer c.extMu.unlock()
	if known := c.extKnown.Load(); known != extUnknown {
		return known == extServed, nil
	}
	o := op{name: "discovering the sfaccess setup extension"}
	resp, err := c.restCall(ctx, o, http.MethodGet, c.extPath("/"), nil)
	served := false
	switch {
	case err == nil:
		var d struct {
			Version int `json:"version"`
		}
		served = json.Unmarshal(resp.body, &d) == nil && d.Version >= 1
	case KindOf(err) == KindNotFound:
	default:
		return false, err
	}
	known := extNotServed
	if served {
		known = extServed
	}
	c.extKnown.CompareAndSwap(extUnknown, known)
	c.log(ctx, LevelDebug, "setup extension discovery", map[string]any{"available": served})
	return served, nil
}

// requireExtension fails with KindExtensionUnavailable when the org does not serve the extension.
func (c *Client) requireExtension(ctx context.Context, o op, setupPage string) error {
	ok, err := c.ExtensionAvailable(ctx)
	if err != nil {
		return o.wrap(err)
	}
	if ok {
		return nil
	}
	return &Error{
		Kind:      KindExtensionUnavailable,
		Op:        o.name,
		Message:   "Salesforce has no public API for this, and this org does not serve the sfaccess setup extension that stands in for one",
		SetupPage: setupPage,
	}
}

// extCall runs one extension request. It does not wait for discovery: an org that serves the
// extension answers its routes, and only a 404, which an org without it gives as well as a route
// that finds no such installation, needs discovery to tell the two apart. On an org with the
// extension that saves a round trip and a call; on one without, a route costs one call more than
// discovery alone, once, since its answer is then known.
func (c *Client) extCall(ctx context.Context, o op, setupPage, method, rest string, payload, out any) (*response, error) {
	if c.extKnown.Load() == extNotServed {
		return nil, c.requireExtension(ctx, o, setupPage)
	}
	resp, err := c.restCall(ctx, o, method, c.extPath(rest), payload)
	switch {
	case KindOf(err) == KindNotFound:
		if unavailable := c.requireExtension(ctx, o, setupPage); unavailable != nil {
			return nil, unavailable
		}
		return resp, err
	case err != nil:
		return resp, err
	}
	c.extKnown.CompareAndSwap(extUnknown, extServed)
	if out != nil {
		if err := json.Unmarshal(resp.body, out); err != nil {
			return resp, o.fail(KindOther, "the setup extension's answer could not be read: %v", err)
		}
	}
	return resp, nil
}

type apiAccessControlBody struct {
	AllowVisualforceAPIAccess bool `json:"allowVisualforceApiAccess"`
}

// AllowVisualforceAPIAccess reads "Allow Visualforce pages to access APIs".
func (c *Client) AllowVisualforceAPIAccess(ctx context.Context) (bool, error) {
	o := op{name: "reading the Visualforce API access option", perm: NeedSettings}
	var body apiAccessControlBody
	_, err := c.extCall(ctx, o, SetupPageAPIAccessControl, http.MethodGet, "/api-access-control", nil, &body)
	return body.AllowVisualforceAPIAccess, err
}

// SetAllowVisualforceAPIAccess sets "Allow Visualforce pages to access APIs".
func (c *Client) SetAllowVisualforceAPIAccess(ctx context.Context, allow bool) error {
	o := op{name: "updating the Visualforce API access option", perm: NeedSettings}
	_, err := c.extCall(ctx, o, SetupPageAPIAccessControl, http.MethodPatch, "/api-access-control", apiAccessControlBody{allow}, nil)
	return err
}

type oauthUsageBody struct {
	ConnectedApps []OAuthUsageApp `json:"connectedApps"`
}

// oauthUsageList reads the Connected Apps OAuth Usage list (OAuthUsage shares it).
func (c *Client) oauthUsageList(ctx context.Context) ([]OAuthUsageApp, error) {
	o := op{name: "reading Connected Apps OAuth Usage", perm: NeedConnectedApps}
	var body oauthUsageBody
	if _, err := c.extCall(ctx, o, SetupPageOAuthUsage, http.MethodGet, "/connected-apps", nil, &body); err != nil {
		return nil, err
	}
	if body.ConnectedApps == nil {
		return []OAuthUsageApp{}, nil
	}
	return body.ConnectedApps, nil
}

type blockedBody struct {
	Blocked bool `json:"blocked"`
}

func installationPath(o op, appID string) (string, *Error) {
	norm, err := sfid.Normalize(appID)
	if err == nil && norm[:3] != sfid.PrefixConnectedApplication {
		e := o.fail(KindInvalidInput, "%q is not a ConnectedApplication id (they start with %s)", appID, sfid.PrefixConnectedApplication)
		e.Fields = []string{"connectedAppId"}
		return "", e
	}
	if err != nil {
		e := o.fail(KindInvalidInput, "%v", err)
		e.Fields = []string{"connectedAppId"}
		return "", e
	}
	return "/connected-apps/" + norm + "/installation", nil
}

func (c *Client) installationCall(ctx context.Context, o op, method, appID string, payload any) (*Installation, *response, error) {
	path, e := installationPath(o, appID)
	if e != nil {
		return nil, nil, e
	}
	inst := &Installation{}
	var out any = inst
	if method == http.MethodDelete {
		out = nil
	}
	resp, err := c.extCall(ctx, o, SetupPageOAuthUsage, method, path, payload, out)
	if err != nil || out == nil {
		return nil, resp, err
	}
	return inst, resp, nil
}

// Installation returns an app's install/block state; ErrNotFound when it is not installed.
func (c *Client) Installation(ctx context.Context, appID string) (*Installation, error) {
	o := op{name: "reading the installation of ConnectedApplication " + appID, perm: NeedConnectedApps}
	if c.batch.window > 0 {
		return c.installationFromList(ctx, o, appID)
	}
	inst, _, err := c.installationCall(ctx, o, http.MethodGet, appID, nil)
	return inst, err
}

// Install installs an app (idempotent), blocked or not.
func (c *Client) Install(ctx context.Context, appID string, blocked bool) (*Installation, error) {
	o := op{name: "installing ConnectedApplication " + appID, perm: NeedConnectedApps}
	if c.batch.window > 0 {
		if _, e := installationPath(o, appID); e != nil {
			return nil, e
		}
		norm, _ := sfid.Normalize(appID)
		return c.installationWrite(ctx, c.batch.installs, &installReq{o: o, appID: norm, blocked: blocked})
	}
	inst, _, err := c.installationCall(ctx, o, http.MethodPut, appID, blockedBody{blocked})
	return inst, err
}

// SetBlocked blocks or unblocks an installed app.
func (c *Client) SetBlocked(ctx context.Context, appID string, blocked bool) (*Installation, error) {
	o := op{name: "unblocking ConnectedApplication " + appID, perm: NeedConnectedApps}
	if blocked {
		o.name = "blocking ConnectedApplication " + appID
	}
	defer c.beginAppWrite(appID)()
	inst, _, err := c.installationCall(ctx, o, http.MethodPatch, appID, blockedBody{blocked})
	return inst, err
}

// Uninstall uninstalls an app; ErrNotFound when it is not installed. A retried uninstall that
// finds the app already uninstalled has succeeded.
func (c *Client) Uninstall(ctx context.Context, appID string) error {
	o := op{name: "uninstalling ConnectedApplication " + appID, perm: NeedConnectedApps}
	if c.batch.window > 0 {
		if _, e := installationPath(o, appID); e != nil {
			return e
		}
		norm, _ := sfid.Normalize(appID)
		_, err := c.installationWrite(ctx, c.batch.uninstalls, &installReq{o: o, appID: norm})
		return err
	}
	_, resp, err := c.installationCall(ctx, o, http.MethodDelete, appID, nil)
	if err != nil && resp != nil && resp.attempts > 1 && KindOf(err) == KindNotFound {
		return nil
	}
	return err
}

// Concurrent installs and uninstalls go to the extension together (POST and DELETE
// /connected-apps/installations, up to installationBatch apps a call): each app succeeds or
// fails on its own, as in sObject Collections without allOrNone. Both are safe to send again:
// installing an installed app leaves it installed with the Block state asked for, and a retried
// uninstall that finds an app no longer installed has succeeded, as a single one has.

// installationBatch is the most apps one batched installation call names (the extension's limit,
// which matches sObject Collections').
const installationBatch = 200

type installReq struct {
	o       op
	appID   string // normalized
	blocked bool
}

type installOutcome struct {
	inst *Installation
	err  error
}

// installationResult is one app's answer in a batched installation call.
type installationResult struct {
	collectionResult
	Installation *Installation `json:"installation"`
}

func (c *Client) installationBatchCall(ctx context.Context, method string, reqs []*installReq) map[*installReq]installOutcome {
	out := make(map[*installReq]installOutcome, len(reqs))
	o := op{name: "installing ConnectedApplications", perm: NeedConnectedApps}
	path := "/connected-apps/installations"
	var payload any
	if method == http.MethodDelete {
		o.name = "uninstalling ConnectedApplications"
		ids := make([]string, len(reqs))
		for i, r := range reqs {
			ids[i] = r.appID
		}
		path += "?ids=" + strings.Join(ids, ",")
	} else {
		type member struct {
			ConnectedAppID string `json:"connectedAppId"`
			Blocked        bool   `json:"blocked"`
		}
		members := make([]member, len(reqs))
		for i, r := range reqs {
			members[i] = member{ConnectedAppID: r.appID, Blocked: r.blocked}
		}
		payload = map[string]any{"installations": members}
	}
	var results []installationResult
	resp, err := c.extCall(ctx, o, SetupPageOAuthUsage, method, path, payload, &results)
	if err == nil && len(results) != len(reqs) {
		e := o.fail(KindOther, "the setup extension answered %d results for %d apps", len(results), len(reqs))
		e.Attempts, e.Elapsed, e.Transient = resp.attempts, resp.elapsed, true
		err = e
	}
	for i, r := range reqs {
		switch {
		case err != nil:
			out[r] = installOutcome{err: memberError(r.o, err)}
		case results[i].Success && method == http.MethodDelete:
			out[r] = installOutcome{}
		case results[i].Success && results[i].Installation != nil:
			out[r] = installOutcome{inst: results[i].Installation}
		case results[i].Success:
			out[r] = installOutcome{err: r.o.fail(KindOther, "the setup extension installed the app without saying how")}
		default:
			e := c.recordFailure(r.o, results[i].collectionResult, resp)
			if method == http.MethodDelete && resp.attempts > 1 && e.Kind == KindNotFound {
				out[r] = installOutcome{} // an earlier attempt uninstalled it
				continue
			}
			out[r] = installOutcome{err: e}
		}
	}
	return out
}

// installationWrite runs one install or uninstall, with concurrent ones when coalescing is on.
func (c *Client) installationWrite(ctx context.Context, co *coalescer[*installReq, installOutcome], r *installReq) (*Installation, error) {
	defer c.beginAppWrite(r.appID)()
	res, _, err := co.get(ctx, r)
	if err != nil {
		return nil, err
	}
	return res.inst, res.err
}
