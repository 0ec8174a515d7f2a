package orgapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
)

// Connect REST resources for External Client Apps (API 60.0+; SALESFORCE.md, External Client
// Apps): the OAuth usage list, token revocation, consumer credentials and staged rotation.

// ECAUsage is one External Client App of the OAuth usage list.
type ECAUsage struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Label     string `json:"label"`
	UserCount int    `json:"userCount"`
}

// ECACredentials are a consumer's key and (when asked for) secret, current or staged.
type ECACredentials struct {
	ID     string `json:"id,omitempty"`
	Key    string `json:"key,omitempty"`
	Secret string `json:"secret,omitempty"`
}

type ecaConsumer struct {
	ID  string `json:"id"`
	Key string `json:"key"`
}

func (c *Client) ecaREST(ctx context.Context, o op, method, rest string, payload, out any) error {
	if e := c.ecaVersionCheck(o); e != nil {
		return e
	}
	resp, err := c.restCall(ctx, o, method, c.dataPath("/apps/oauth"+rest), payload)
	if err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(resp.body, out); err != nil {
			return o.fail(KindOther, "the Connect REST answer could not be read: %v", err)
		}
	}
	return nil
}

// ExternalClientAppUsage lists every External Client App with its user count. Concurrent calls
// share one request, and the list is kept until the client writes metadata (addECAReads).
func (c *Client) ExternalClientAppUsage(ctx context.Context) ([]ECAUsage, error) {
	o := op{name: "listing External Client App OAuth usage", perm: NeedReadExternalClientApps}
	if e := c.ecaVersionCheck(o); e != nil {
		return nil, e
	}
	apps, _, err := c.batch.ecaUsage.get(ctx, one{})
	return slices.Clone(apps), err
}

// ecaUsageList reads the usage list (ExternalClientAppUsage shares it).
func (c *Client) ecaUsageList(ctx context.Context) ([]ECAUsage, error) {
	o := op{name: "listing External Client App OAuth usage", perm: NeedReadExternalClientApps}
	var body struct {
		Apps []ECAUsage `json:"apps"`
	}
	if err := c.ecaREST(ctx, o, http.MethodGet, "/usage", nil, &body); err != nil {
		return nil, err
	}
	return body.Apps, nil
}

// RevokeExternalClientAppTokens revokes every token issued through an ECA.
func (c *Client) RevokeExternalClientAppTokens(ctx context.Context, appID string) error {
	o := op{name: "revoking the tokens of External Client App " + appID, perm: NeedAdministerExternalClientApps}
	return c.ecaREST(ctx, o, http.MethodDelete, "/usage/"+url.PathEscape(appID)+"/tokens", nil, nil)
}

// ExternalClientAppConsumer returns the id of the ECA's OAuth consumer.
func (c *Client) ExternalClientAppConsumer(ctx context.Context, appID string) (string, error) {
	o := op{name: "reading the consumer of External Client App " + appID, perm: NeedDevelopExternalClientApps}
	var body struct {
		Consumers []ecaConsumer `json:"consumers"`
	}
	if err := c.ecaREST(ctx, o, http.MethodGet, "/credentials/"+url.PathEscape(appID), nil, &body); err != nil {
		return "", err
	}
	if len(body.Consumers) == 0 {
		return "", o.fail(KindNotFound, "External Client App %s has no OAuth consumer", appID)
	}
	return body.Consumers[0].ID, nil
}

func consumerPath(appID, consumerID string) string {
	return "/credentials/" + url.PathEscape(appID) + "/" + url.PathEscape(consumerID)
}

// ExternalClientAppCredentials reads the consumer's current key and secret.
func (c *Client) ExternalClientAppCredentials(ctx context.Context, appID, consumerID string) (ECACredentials, error) {
	o := op{name: "reading the credentials of External Client App " + appID, perm: NeedDevelopExternalClientApps}
	var out ECACredentials
	err := c.ecaREST(ctx, o, http.MethodGet, consumerPath(appID, consumerID)+"?part=keyandsecret", nil, &out)
	c.redact.add(out.Secret)
	return out, err
}

// StageExternalClientAppCredentials stages a new key and secret; both work at the token
// endpoint until they are promoted or discarded.
func (c *Client) StageExternalClientAppCredentials(ctx context.Context, appID, consumerID string) (ECACredentials, error) {
	o := op{name: "staging credentials of External Client App " + appID, perm: NeedDevelopExternalClientApps}
	var out ECACredentials
	err := c.ecaREST(ctx, o, http.MethodPost, consumerPath(appID, consumerID)+"/staged", nil, &out)
	c.redact.add(out.Secret)
	return out, err
}

// PromoteExternalClientAppCredentials makes staged credentials current; the old ones stop.
func (c *Client) PromoteExternalClientAppCredentials(ctx context.Context, appID, consumerID, stagedID string) error {
	o := op{name: "promoting staged credentials of External Client App " + appID, perm: NeedDevelopExternalClientApps}
	return c.ecaREST(ctx, o, http.MethodPatch, consumerPath(appID, consumerID)+"/staged/"+url.PathEscape(stagedID),
		map[string]string{"command": "rotate"}, nil)
}

// DiscardExternalClientAppCredentials drops staged credentials.
func (c *Client) DiscardExternalClientAppCredentials(ctx context.Context, appID, consumerID, stagedID string) error {
	o := op{name: "discarding staged credentials of External Client App " + appID, perm: NeedDevelopExternalClientApps}
	return c.ecaREST(ctx, o, http.MethodDelete, consumerPath(appID, consumerID)+"/staged/"+url.PathEscape(stagedID), nil, nil)
}
