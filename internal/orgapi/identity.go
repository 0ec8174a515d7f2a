package orgapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// Authenticate obtains the client's access token now, so that the first call to the org need not
// wait for it; a failure is kept and returned by every call, as when the first call obtains it.
func (c *Client) Authenticate(ctx context.Context) error {
	_, err := c.tokens.get(ctx)
	return err
}

// UserID returns the id of the user the client is authenticated as: from the token's identity URL
// when the token endpoint gave one, without a call, else through Identity.
func (c *Client) UserID(ctx context.Context) (string, error) {
	tok, err := c.tokens.get(ctx)
	if err != nil {
		return "", (op{name: "reading the identity of the API user"}).wrap(err)
	}
	if _, userID, ok := parseIdentityURL(tok.identity); ok {
		return userID, nil
	}
	id, err := c.Identity(ctx)
	return id.UserID, err
}

// Identity returns the org and user the client is authenticated as. The answer is asked once per
// Client.
func (c *Client) Identity(ctx context.Context) (Identity, error) {
	if err := c.identityMu.lock(ctx); err != nil {
		return Identity{}, err
	}
	defer c.identityMu.unlock()
	if c.identity != nil {
		return *c.identity, nil
	}
	o := op{name: "reading the identity of the API user"}
	tok, err := c.tokens.get(ctx)
	if err != nil {
		return Identity{}, o.wrap(err)
	}
	var id Identity
	if orgID, userID, ok := parseIdentityURL(tok.identity); ok {
		id = Identity{OrgID: orgID, UserID: userID}
	} else if id, err = c.userInfo(ctx, o); err != nil {
		return Identity{}, err
	}
	if jwt, ok := c.tokens.source.(*jwtBearer); ok && id.Username == "" {
		// The org accepted an assertion whose subject is this user.
		id.Username = jwt.username
	}
	if id.Username == "" && id.UserID != "" {
		users, err := c.queryUsers(ctx, " WHERE Id = "+Quote(id.UserID))
		if err != nil {
			return Identity{}, err
		}
		if len(users) > 0 {
			id.Username = users[0].Username
		}
	}
	c.identity = &id
	return id, nil
}

// parseIdentityURL reads {instance}/id/{orgId}/{userId}.
func parseIdentityURL(raw string) (orgID, userID string, ok bool) {
	i := strings.LastIndex(raw, "/id/")
	if i < 0 {
		return "", "", false
	}
	parts := strings.Split(strings.Trim(raw[i+len("/id/"):], "/"), "/")
	if len(parts) != 2 {
		return "", "", false
	}
	org, err1 := sfid.Normalize(parts[0])
	user, err2 := sfid.Normalize(parts[1])
	if err1 != nil || err2 != nil {
		return "", "", false
	}
	return org, user, true
}

// userInfo asks the OpenID Connect userinfo endpoint who a pre-issued token belongs to. Where the
// org does not serve it, the organization is still found by query and the user stays unknown.
func (c *Client) userInfo(ctx context.Context, o op) (Identity, error) {
	resp, err := c.restCall(ctx, o, http.MethodGet, "/services/oauth2/userinfo", nil)
	if err == nil {
		var info struct {
			UserID   string `json:"user_id"`
			OrgID    string `json:"organization_id"`
			Username string `json:"preferred_username"`
		}
		if json.Unmarshal(resp.body, &info) == nil {
			org, err1 := sfid.Normalize(info.OrgID)
			user, err2 := sfid.Normalize(info.UserID)
			if err1 == nil && err2 == nil {
				return Identity{OrgID: org, UserID: user, Username: info.Username}, nil
			}
		}
	} else if KindOf(err) != KindNotFound {
		return Identity{}, err
	}
	type orgRecord struct {
		ID string `json:"Id"`
	}
	orgs, err := QueryAll[orgRecord](ctx, c, "SELECT Id FROM Organization")
	if err != nil {
		return Identity{}, err
	}
	if len(orgs) == 0 {
		return Identity{}, o.fail(KindOther, "the org returned no Organization record")
	}
	org, err := sfid.Normalize(orgs[0].ID)
	if err != nil {
		return Identity{}, o.fail(KindOther, "the org returned an invalid Organization id: %v", err)
	}
	return Identity{OrgID: org}, nil
}
