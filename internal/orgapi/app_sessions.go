package orgapi

import (
	"context"
	"strings"
)

// RevokeAppSessions ends the sessions of the connected app whose API name is name and returns how
// many user authorizations it revoked. Salesforce offers no API call that revokes an app's
// sessions at once (Setup's OAuth Usage page does, by hand); what it does offer is an OauthToken
// record per user authorization of the app, each with a DeleteToken that the revocation endpoint
// accepts, and revoking it ends that authorization with its refresh and access tokens. The app
// stays installed and unblocked, so users can authorize it again.
//
// OauthToken names the app only by its label, so when another app has the same label the
// sessions cannot be told apart and nothing is revoked (KindInvalidInput). Seeing every user's
// OauthToken records needs Customize Application; without it the org shows only the caller's own.
func (c *Client) RevokeAppSessions(ctx context.Context, name string) (int, error) {
	o := op{name: "revoking the sessions of connected app " + name, perm: NeedConnectedApps}
	apps, err := c.ConnectedApplications(ctx)
	if err != nil {
		return 0, o.wrap(err)
	}
	var label string
	found := false
	for _, a := range apps {
		if strings.EqualFold(a.Name, name) {
			label, found = a.Label, true
		}
	}
	if !found {
		return 0, o.fail(KindNotFound, "no connected app named %q exists in the org", name)
	}
	for _, a := range apps {
		if a.Label == label && !strings.EqualFold(a.Name, name) {
			e := o.fail(KindInvalidInput, "connected apps %s and %s share the label %q, and OauthToken names an app only by its label, "+
				"so their sessions cannot be told apart; give one of them another label first", name, a.Name, label)
			e.Fields = []string{"AppName"}
			return 0, e
		}
	}
	type authorization struct {
		DeleteToken string `json:"DeleteToken"`
	}
	recs, err := QueryAll[authorization](ctx, c, "SELECT UserId, DeleteToken FROM OauthToken WHERE AppName = "+Quote(label))
	if err != nil {
		return 0, o.wrap(err)
	}
	revoked := 0
	for _, r := range recs {
		if r.DeleteToken == "" {
			continue
		}
		if err := c.RevokeToken(ctx, c.instanceURL, r.DeleteToken); err != nil {
			return revoked, o.wrap(err)
		}
		revoked++
	}
	c.log(ctx, LevelInfo, "revoked the sessions of a connected app", map[string]any{"connected_app": name, "authorizations": revoked})
	return revoked, nil
}
