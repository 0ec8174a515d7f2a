package mockorg

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// benchSizes are the org sizes the benchmarks compare: `make bench` holds the larger within 1.5x
// of the smaller.
var benchSizes = []int{10, 10000}

// benchAPIAllocation lets a benchmark run as long as it needs without reaching the daily limit.
const benchAPIAllocation = 1 << 40

// scaledSeed is the default org plus n users, each with a permission set assigned and a connected
// app of their own granted to that permission set, whose client credentials flow runs as the user.
func scaledSeed(n int) *Seed {
	seed := DefaultSeed()
	seed.Organization.DailyAPIRequests = benchAPIAllocation
	template := seed.ConnectedApps[0]
	for i := range n {
		user, ps, app := fmt.Sprintf("user%d@scale.test", i), fmt.Sprintf("Scale_PS_%d", i), fmt.Sprintf("Scale_App_%d", i)
		seed.Users = append(seed.Users, SeedUser{Username: user, Profile: "System Administrator", Active: true, Password: "Pass-" + user})
		seed.PermissionSets = append(seed.PermissionSets, SeedPermissionSet{Name: ps, Label: ps, Permissions: []string{"ApiEnabled"}})
		seed.PermissionSetAssignments = append(seed.PermissionSetAssignments, SeedAssignment{PermissionSet: ps, Username: user})
		a := *cloneApp(&template)
		a.Name, a.Label, a.ConsumerKey, a.ConsumerSecret, a.ClientCredentialsUser = app, app, "Key"+app, "Secret"+app, user
		seed.ConnectedApps = append(seed.ConnectedApps, a)
		seed.SetupEntityAccess = append(seed.SetupEntityAccess, SeedGrant{ConnectedApp: app, PermissionSet: ps})
	}
	return seed
}

func benchServer(b *testing.B, n int) *Server {
	b.Helper()
	s, err := New(Config{Seed: scaledSeed(n)})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// serveOK runs one request through the server's handler and fails the benchmark unless it
// answers 200.
func serveOK(b *testing.B, s *Server, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		b.Fatalf("%s %s: %d %s", r.Method, r.URL, w.Code, w.Body)
	}
	return w
}

func tokenForm(form url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/services/oauth2/token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// BenchmarkToken issues tokens through the client credentials and the password grant to the app
// and the user in the middle of the org.
func BenchmarkToken(b *testing.B) {
	for _, grant := range []string{"client_credentials", "password"} {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("grant=%s/org=%d", grant, n), func(b *testing.B) {
				s := benchServer(b, n)
				app := fmt.Sprintf("Scale_App_%d", n/2)
				user := fmt.Sprintf("user%d@scale.test", n/2)
				form := url.Values{"grant_type": {grant}, "client_id": {"Key" + app}, "client_secret": {"Secret" + app}}
				if grant == "password" {
					form.Set("username", user)
					form.Set("password", "Pass-"+user)
				}
				b.ReportAllocs()
				for b.Loop() {
					serveOK(b, s, tokenForm(form))
				}
			})
		}
	}
}

// BenchmarkQuery runs the SOQL reads the provider makes of one record: by id, by name, and a grant
// by its parent and app.
func BenchmarkQuery(b *testing.B) {
	for _, n := range benchSizes {
		s := benchServer(b, n)
		w := serveOK(b, s, tokenForm(url.Values{"grant_type": {"client_credentials"},
			"client_id": {"MockorgAdminKey0001"}, "client_secret": {"MockorgAdminSecret0001"}}))
		token := w.Body.String()
		token = token[strings.Index(token, `"access_token":"`)+len(`"access_token":"`):]
		token = token[:strings.IndexByte(token, '"')]
		var psID, appID, grantID string
		s.view(func(st *state) {
			ps := st.permSetByName(fmt.Sprintf("Scale_PS_%d", n/2))
			app := st.appByName(fmt.Sprintf("Scale_App_%d", n/2))
			psID, appID, grantID = ps.ID, app.ID, st.grantOf(ps.ID, app.ID).ID
		})
		for _, q := range []struct{ name, soql string }{
			{"byId", "SELECT Id, ParentId, SetupEntityId FROM SetupEntityAccess WHERE Id = '" + grantID + "'"},
			{"byName", fmt.Sprintf("SELECT Id, Name, Label FROM PermissionSet WHERE Name = 'Scale_PS_%d'", n/2)},
			{"grantByParentAndApp", "SELECT Id FROM SetupEntityAccess WHERE ParentId = '" + psID + "' AND SetupEntityId = '" + appID + "'"},
		} {
			b.Run(fmt.Sprintf("q=%s/org=%d", q.name, n), func(b *testing.B) {
				target := "/services/data/v66.0/query?q=" + url.QueryEscape(q.soql)
				b.ReportAllocs()
				for b.Loop() {
					r := httptest.NewRequest(http.MethodGet, target, nil)
					r.Header.Set("Authorization", "Bearer "+token)
					if w := serveOK(b, s, r); !strings.Contains(w.Body.String(), `"totalSize":1`) {
						b.Fatalf("%s: %s", q.soql, w.Body)
					}
				}
			})
		}
	}
}
