package mockorg

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/console"
)

// recentCallsKept is how many API calls the console lists: enough to follow one terraform apply
// of a small configuration, little enough to hold in memory whatever the traffic.
const recentCallsKept = 200

// visualforceChannel names the Visualforce column of the matrix and the app of a Visualforce
// session's calls, as /__mockorg/decide names the channel.
const visualforceChannel = "visualforce"

// userTypeLabels name the matrix's row groups as an admin would say them; the group also shows
// the user type's API value, which is what the access rules go by.
var userTypeLabels = map[access.UserType]string{
	access.Standard:             "Employees",
	access.PowerPartner:         "Partners",
	access.PowerCustomerSuccess: "Customer Community Plus users",
	access.CustomerSuccess:      "Customer Community users",
	access.CspLitePortal:        "High-volume portal users",
	access.Guest:                "Guest users",
	access.CsnOnly:              "Chatter Free users",
	access.SelfService:          "Self-service portal users",
}

// consoleView is what the console shows. Each cell comes from state.decide, the function the
// token endpoint and /__mockorg/decide call, for the web server flow /__mockorg/decide assumes
// when no flow is named; all of it is read under one lock, so that the matrix, the settings and
// the app list always describe the same org.
func (s *Server) consoleView() console.View {
	var v console.View
	s.view(func(st *state) {
		v.Org = console.Org{ID: st.org.ID, Name: st.org.Name, Edition: st.org.OrganizationType, Instance: st.org.InstanceName, Sandbox: st.org.IsSandbox}
		v.Settings = console.Settings{
			Provisioned:                       st.org.Provisioned,
			LimitExternalUsersToInstalledApps: st.settings.EnableAdminApprovedAppsOnlyForExternalUser,
			LimitAllUsersToApprovedApps:       st.settings.EnableAdminApprovedAppsOnly,
			AllowVisualforceAPIAccess:         st.settings.AllowVisualforceAPIAccess,
		}
		v.APIUsage = console.APIUsage{Used: s.apiUsed.Load(), Limit: int64(st.org.DailyAPIRequests)}
		apps := sorted(st.apps)
		for _, a := range apps {
			v.Channels = append(v.Channels, console.Channel{Name: a.Name, Label: a.Label, Flow: string(access.FlowWebServer)})
			v.Apps = append(v.Apps, console.App{Name: a.Name, Label: a.Label, Installed: a.Installed, Blocked: a.Blocked,
				Packaged: a.Packaged, Local: a.Local, UserCount: s.usersOfAppLocked(a.ID)})
		}
		v.Channels = append(v.Channels, console.Channel{Name: visualforceChannel, Label: "Visualforce session"})
		users := sorted(st.users)
		slices.SortStableFunc(users, func(a, b *user) int { return cmp.Compare(a.Username, b.Username) })
		for _, t := range access.UserTypes {
			g := console.UserGroup{UserType: string(t), Label: userTypeLabels[t], External: t.IsExternal()}
			for _, u := range users {
				if access.UserType(st.userType(u)) != t {
					continue
				}
				row := console.User{Username: u.Username, Name: u.Name, Profile: st.profiles[u.ProfileID].Name, Active: u.Active}
				for _, a := range apps {
					row.Cells = append(row.Cells, cellOf(a.Name, st.decide(u, a.ID, access.FlowWebServer)))
				}
				row.Cells = append(row.Cells, cellOf(visualforceChannel, st.decide(u, "", "")))
				g.Users = append(g.Users, row)
			}
			if len(g.Users) > 0 {
				v.Groups = append(v.Groups, g)
			}
		}
	})
	v.Calls = s.calls.Recent()
	return v
}

func cellOf(channel string, d access.Decision) console.Cell {
	return console.Cell{Channel: channel, Allowed: d.Allowed, Rule: d.Rule, Error: d.ErrorCode, Message: d.Message}
}

// noteCaller records who made a request, through which app, and the access rule that refused it
// ("" when none did), for the console's recent calls.
func noteCaller(r *http.Request, username, app, refusedBy string) {
	if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		info.user, info.app, info.rule = username, app, refusedBy
	}
}

// appNameOf names a session's channel for the recent calls: the app's API name, or
// "visualforce" for a Visualforce session.
func (st *state) appNameOf(appID string) string {
	if appID == "" {
		return visualforceChannel
	}
	if eca := st.ecas[appID]; eca != nil {
		return eca.Name
	}
	return st.apps[appID].Name
}

// recordCall adds a finished request to the console's recent calls. It takes the path, never the
// query string or a header or the body, where tokens, secrets and passwords travel.
func (s *Server) recordCall(r *http.Request, info *requestInfo, status int, start time.Time) {
	s.calls.Add(console.Call{
		Time: start, Method: r.Method, Path: r.URL.Path, Operation: info.op,
		User: info.user, App: info.app, Status: cmp.Or(status, http.StatusOK), Rule: info.rule,
	})
}

// refusedBy is the rule that refused a call, or "" for a decision that let it through.
func refusedBy(d access.Decision) string {
	if d.Allowed {
		return ""
	}
	return d.Rule
}

// consoleRoute serves the console at the hosts it is reached by on purpose, and 421 elsewhere.
func (s *Server) consoleRoute() http.Handler {
	page := console.Handler(s.consoleView)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hosts.allows(r) {
			s.refuseHost(w, r)
			return
		}
		page.ServeHTTP(w, r)
	})
}
