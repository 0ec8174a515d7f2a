package mockorg

import (
	"cmp"
	"fmt"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// approval is a user's prior approval of a connected app, Salesforce's OauthToken record. The web
// server, user-agent and device flows record it when the user authorizes the app; it keeps an
// uninstalled app usable for that user (access.Channel.PriorApproval) until it is revoked or the
// app is blocked, uninstalled or deleted. Salesforce keeps one per refresh token; mockorg keeps one
// per (user, app) pair because only its existence decides access.
type approval struct {
	UserID, AppID             string
	CreatedDate, LastUsedDate string
	UseCount                  int
	DeleteToken               string
}

// prefixOAuthToken routes /sobjects/OauthToken/{id}. Salesforce documents OauthToken.Id as always
// null, so no record shows the prefix; 0CQ is what describe reports (unverified).
const prefixOAuthToken = sfid.PrefixOAuthToken

func approvalKey(userID, appID string) string { return userID + "|" + appID }

func (st *state) approvalOf(userID, appID string) *approval {
	return st.approvals[approvalKey(userID, appID)]
}

// touchApproval counts one more token issued for the pair, if the user approved the app.
func (st *state) touchApproval(userID, appID, now string) {
	if a := st.approvalOf(userID, appID); a != nil {
		a.UseCount++
		a.LastUsedDate = now
	}
}

// approve records that the user authorized the app, or counts one more use of the approval.
func (st *state) approve(userID, appID, now string) {
	if st.approvalOf(userID, appID) != nil {
		st.touchApproval(userID, appID, now)
		return
	}
	st.approvals[approvalKey(userID, appID)] = &approval{UserID: userID, AppID: appID,
		CreatedDate: now, LastUsedDate: now, UseCount: 1, DeleteToken: newDeleteToken()}
}

// newDeleteToken draws an approval's DeleteToken. Salesforce does not document its shape
// (unverified); it only has to be a secret that the revoke endpoint can tell from other tokens.
func newDeleteToken() string { return randomString(64) }

func (st *state) approvalByDeleteToken(token string) *approval {
	for _, a := range st.approvals {
		if a.DeleteToken == token {
			return a
		}
	}
	return nil
}

// loadApprovals checks and adds the seed's oauthTokens; users and apps must be loaded.
func (st *state) loadApprovals(tokens []SeedOAuthToken) error {
	deleteTokens := map[string]bool{}
	for i, t := range tokens {
		u := st.userByUsername(t.Username)
		if u == nil {
			return fmt.Errorf("seed: oauthTokens[%d]: no user %q", i, t.Username)
		}
		appID, err := st.approvedAppID(i, t)
		if err != nil {
			return err
		}
		if st.approvalOf(u.ID, appID) != nil {
			return fmt.Errorf("seed: oauthTokens[%d]: %q approved %q twice; an org keeps one approval per user and app", i, t.Username, t.ConnectedApp)
		}
		if t.CreatedDate == "" {
			return fmt.Errorf("seed: oauthTokens[%d]: createdDate is required", i)
		}
		for _, date := range []string{t.CreatedDate, t.LastUsedDate} {
			if err := checkSeedDate(date); err != nil {
				return fmt.Errorf("seed: oauthTokens[%d]: %w", i, err)
			}
		}
		if t.UseCount < 0 {
			return fmt.Errorf("seed: oauthTokens[%d]: useCount must not be negative", i)
		}
		a := &approval{UserID: u.ID, AppID: appID, CreatedDate: t.CreatedDate,
			LastUsedDate: cmp.Or(t.LastUsedDate, t.CreatedDate), UseCount: t.UseCount, DeleteToken: t.DeleteToken}
		if a.DeleteToken == "" {
			a.DeleteToken = newDeleteToken()
		}
		if deleteTokens[a.DeleteToken] {
			return fmt.Errorf("seed: oauthTokens[%d]: deleteToken is already used by another approval", i)
		}
		deleteTokens[a.DeleteToken] = true
		st.approvals[approvalKey(u.ID, appID)] = a
	}
	return nil
}

// approvedAppID resolves the app of a seed approval: a connected app or an External Client App.
func (st *state) approvedAppID(i int, t SeedOAuthToken) (string, error) {
	if (t.ConnectedApp == "") == (t.ExternalClientApp == "") {
		return "", fmt.Errorf("seed: oauthTokens[%d]: set exactly one of connectedApp and externalClientApp", i)
	}
	if t.ExternalClientApp != "" {
		if e := st.ecaByName(t.ExternalClientApp); e != nil {
			return e.ID, nil
		}
		return "", fmt.Errorf("seed: oauthTokens[%d]: no external client app %q", i, t.ExternalClientApp)
	}
	if app := st.appByName(t.ConnectedApp); app != nil {
		return app.ID, nil
	}
	return "", fmt.Errorf("seed: oauthTokens[%d]: no connected app %q", i, t.ConnectedApp)
}

// approvedAppNames names an approval's app for the seed (API name) and for OauthToken.AppName
// (the label, as ConnectedApplication.Name and the ECA's label are).
func (st *state) approvedAppNames(a *approval) (connectedApp, eca, label string) {
	if e := st.ecas[a.AppID]; e != nil {
		return "", e.Name, e.label()
	}
	app := st.apps[a.AppID]
	return app.Name, "", cmp.Or(app.Label, app.Name)
}

// checkSeedDate accepts "" (the field's default applies) or a date in Salesforce's layout.
func checkSeedDate(date string) error {
	if date == "" {
		return nil
	}
	if _, err := time.Parse(timeLayout, date); err != nil {
		return fmt.Errorf("dates are written like 2026-01-05T09:00:00.000Z: %w", err)
	}
	return nil
}

func (st *state) approvalSeeds() []SeedOAuthToken {
	out := []SeedOAuthToken{}
	for _, a := range sorted(st.approvals) {
		connectedApp, eca, _ := st.approvedAppNames(a)
		out = append(out, SeedOAuthToken{Username: st.users[a.UserID].Username, ConnectedApp: connectedApp, ExternalClientApp: eca,
			CreatedDate: a.CreatedDate, LastUsedDate: a.LastUsedDate, UseCount: a.UseCount, DeleteToken: a.DeleteToken})
	}
	return out
}

func init() {
	// OauthToken is read-only: Salesforce supports describeSObjects and query only, and revokes
	// through /services/oauth2/revoke with the DeleteToken. Having no createable or updateable
	// field, it gets the REST answer of every such object, 400 INVALID_TYPE_FOR_OPERATION "entity
	// type cannot be inserted/updated/deleted: OauthToken" (the closest documented shape; the exact
	// answer for OauthToken is unverified).
	register(&sobjectType{
		name: "OauthToken", prefix: prefixOAuthToken,
		fields: []fieldDef{
			{name: "Id", kind: kindID}, {name: "AppName", kind: kindString}, {name: "UserId", kind: kindID},
			{name: "UseCount", kind: kindInt}, {name: "LastUsedDate", kind: kindDateTime},
			{name: "CreatedDate", kind: kindDateTime}, {name: "DeleteToken", kind: kindString},
			{name: "AppMenuItemId", kind: kindID},
		},
		relationships: []relationship{{"User", "User", "UserId"}},
		records: func(st *state) []record {
			var out []record
			for _, a := range sorted(st.approvals) {
				_, _, label := st.approvedAppNames(a)
				// AppName is the app's label (ConnectedApplication.Name); Id is documented as always
				// null; AppMenuItemId is null as for an app without an App Launcher item.
				out = append(out, record{"Id": nil, "AppName": label, "UserId": a.UserID,
					"UseCount": a.UseCount, "LastUsedDate": a.LastUsedDate, "CreatedDate": a.CreatedDate,
					"DeleteToken": a.DeleteToken, "AppMenuItemId": nil})
			}
			return out
		},
		// Users with Customize Application see every user's approvals, the others their own.
		visibleTo: func(st *state, viewer *user, rec record) bool {
			return rec["UserId"] == viewer.ID || st.holds(viewer, "CustomizeApplication")
		},
	})
}
