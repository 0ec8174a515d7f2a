package mockorg

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var updateRoutes = flag.Bool("update-routes", false, "rewrite testdata/routes.golden from the current server")

// routeProbes are the paths TestRoutesAnswerAsRecorded sends every method to: each route, and
// the ways a path can miss one (unknown segment, extra segment, trailing slash, bad version,
// 15- and 18-character ids, an id of the wrong kind). {app}, {eca}, {consumer}, {user}, {staged}
// are replaced by the embedded org's ids; {app15} and {user15} by their 15-character forms.
var routeProbes = []string{
	"/", "/nope", "//services/data/v66.0/limits",
	"/services/oauth2/token", "/services/oauth2/revoke", "/services/oauth2/userinfo", "/services/oauth2/nope",
	"/id/00D000000000001/{user}",
	"/services/Soap/m/66.0", "/services/Soap/m/66.0/00D000000000001", "/services/Soap/m", "/services/Soap/x/66.0",
	"/__mockorg", "/__mockorg/", "/__mockorgx", "/__mockorg/console", "/__mockorg/console/", "/__mockorg/console/nope", "/__mockorg/console/state.json",
	"/__mockorg/snapshot", "/__mockorg/stats", "/__mockorg/stats/reset", "/__mockorg/nope",
	"/services", "/services/data", "/services/data/", "/services/data/v66.0", "/services/data/v66.0/",
	"/services/data/v066.0", "/services/data/v066.0/limits", "/services/data/v66", "/services/data/v46.0/limits",
	"/services/data/v99.0/limits", "/services/data/vx/limits", "/services/data/66.0/limits",
	"/services/data/v66.0/limits", "/services/data/v66.0/limits/", "/services/data/v66.0/limits/x", "/services/data/v66.0/nope",
	"/services/data/v66.0/query?q=SELECT+Id+FROM+User", "/services/data/v66.0/queryAll?q=SELECT+Id+FROM+User",
	"/services/data/v66.0/query/?q=SELECT+Id+FROM+User", "/services/data/v66.0/query",
	"/services/data/v66.0/query?q=SELECT+Name+FROM+User&columns=true", "/services/data/v66.0/queryAll?q=SELECT+Name+FROM+User&columns=true",
	"/services/data/v66.0/query/01gNOPE-2000", "/services/data/v66.0/queryAll/01gNOPE-2000", "/services/data/v66.0/query/a/b",
	"/services/data/v66.0/sobjects", "/services/data/v66.0/sobjects/", "/services/data/v66.0/sobjects/User",
	"/services/data/v66.0/sobjects/User/", "/services/data/v66.0/sobjects/Nope", "/services/data/v66.0/sobjects/Nope/x",
	"/services/data/v66.0/sobjects/User/describe", "/services/data/v66.0/sobjects/User/describe/",
	"/services/data/v66.0/sobjects/User/{user}", "/services/data/v66.0/sobjects/User/{user15}", "/services/data/v66.0/sobjects/User/{user}/",
	"/services/data/v66.0/sobjects/User/{app}", "/services/data/v66.0/sobjects/User%2F{user}", "/services/data/v66.0%2Fquery", "/services/Soap/m/66.0%2F00D000000000001",
	"/services/data/v66.0/sobjects/User/x/y", "/services/data/v66.0/sobjects/User/nope",
	"/services/data/v66.0/sobjects/ConnectedApplication/{app15}", "/services/data/v66.0/sobjects/PermissionSet",
	"/services/data/v66.0/composite", "/services/data/v66.0/composite/", "/services/data/v66.0/composite/sobjects",
	"/services/data/v66.0/composite/sobjects/", "/services/data/v66.0/composite/x", "/services/data/v66.0/composite/sobjects/x",
	"/services/data/v66.0/sfaccess", "/services/data/v66.0/sfaccess/", "/services/data/v66.0/sfaccess/api-access-control",
	"/services/data/v66.0/sfaccess/connected-apps", "/services/data/v66.0/sfaccess/connected-apps/installations",
	"/services/data/v66.0/sfaccess/connected-apps/{app}/installation", "/services/data/v66.0/sfaccess/connected-apps/{app15}/installation",
	"/services/data/v66.0/sfaccess/connected-apps/{user}/installation", "/services/data/v66.0/sfaccess/connected-apps/bad/installation",
	"/services/data/v66.0/sfaccess/connected-apps/{app}", "/services/data/v66.0/sfaccess/x",
	"/services/data/v66.0/apps", "/services/data/v66.0/apps/oauth", "/services/data/v66.0/apps/x/usage",
	"/services/data/v66.0/apps/oauth/usage", "/services/data/v59.0/apps/oauth/usage", "/services/data/v66.0/apps/oauth/usage/",
	"/services/data/v66.0/apps/oauth/usage/{eca}", "/services/data/v66.0/apps/oauth/usage/{eca}/tokens",
	"/services/data/v66.0/apps/oauth/usage/{eca}/{user}/tokens", "/services/data/v66.0/apps/oauth/usage/{eca}/users",
	"/services/data/v66.0/apps/oauth/usage/bad/tokens", "/services/data/v66.0/apps/oauth/usage/{eca}/bad/tokens",
	"/services/data/v66.0/apps/oauth/credentials", "/services/data/v66.0/apps/oauth/credentials/{eca}",
	"/services/data/v66.0/apps/oauth/credentials/{eca}/", "/services/data/v66.0/apps/oauth/credentials/bad",
	"/services/data/v66.0/apps/oauth/credentials/{eca}/{consumer}", "/services/data/v66.0/apps/oauth/credentials/{eca}/{consumer}?part=secret",
	"/services/data/v66.0/apps/oauth/credentials/{eca}/{consumer}?part=keyandsecret", "/services/data/v66.0/apps/oauth/credentials/{eca}/{consumer}?part=nope",
	"/services/data/v66.0/apps/oauth/credentials/{eca}/bad", "/services/data/v66.0/apps/oauth/credentials/{eca}/{consumer}/staged",
	"/services/data/v66.0/apps/oauth/credentials/{eca}/{consumer}/staged/{staged}", "/services/data/v66.0/apps/oauth/credentials/{eca}/{consumer}/staged/bad",
	"/services/data/v66.0/apps/oauth/credentials/{eca}/{consumer}/staged/{staged}/x", "/services/data/v66.0/apps/oauth/credentials/{eca}/{consumer}/x",
	"/services/data/v66.0/apps/oauth/x",
}

var routeMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, "OPTIONS"}

// generated values differ between runs; the golden file holds their shape.
var routeNoise = regexp.MustCompile(`3MVG9[A-Za-z0-9._]+|"(secret|key|access_token|id_token|signature|issued_at|createdDate|CreatedDate|LastModifiedDate|lastModifiedDate|revision)": ?"[^"]*"|[0-9a-f]{32,}`)

// TestRoutesAnswerAsRecorded pins what every method at every route and near-miss path answers
// (status, Content-Type, Allow, the operation counted, the body), with a valid session and
// without one (for the console: at an allowed host and at another one): routing may be reorganised, but a client must see no difference.
func TestRoutesAnswerAsRecorded(t *testing.T) {
	var out strings.Builder
	for _, authed := range []bool{true, false} {
		for _, probe := range routeProbes {
			for _, method := range routeMethods {
				fmt.Fprintf(&out, "%s\n", routeAnswer(t, method, probe, authed))
			}
		}
	}
	checkGolden(t, "testdata/routes.golden", out.String())
}

// routeAnswer sends one request to a fresh org (a write must not change what the next probe
// sees) and describes the answer on one line.
func routeAnswer(t *testing.T, method, probe string, authed bool) string {
	t.Helper()
	seed := DefaultSeed()
	for i := range seed.ExternalClientApps {
		seed.ExternalClientApps[i].Staged = &SeedECAStaged{ID: "0xS000000000001EAA", ConsumerKey: "StagedKey", ConsumerSecret: "StagedSecret"}
	}
	h := newHarness(t, Config{Seed: seed, ControlToken: "control"})
	token := ""
	if authed {
		token = h.adminToken()
	}
	snap := h.snapshot()
	eca := snap.ExternalClientApps[0]
	user := snap.Users[0].ID
	path := strings.NewReplacer("{app15}", h.appID("Workbench")[:15], "{app}", h.appID("Workbench"),
		"{user15}", user[:15], "{user}", user, "{eca}", eca.ID, "{consumer}", eca.ConsumerID, "{staged}", eca.Staged.ID).Replace(probe)
	h.org.stats.reset()
	header := http.Header{"Content-Type": {"application/json"}}
	if token != "" {
		header.Set("Authorization", "Bearer "+token)
	}
	if strings.HasPrefix(path, "/__mockorg") {
		header.Set("Authorization", "Bearer control")
	}
	req := httptest.NewRequest(method, path, strings.NewReader("{}"))
	req.Header = header
	if strings.HasPrefix(path, "/__mockorg/console") && authed {
		req.Host = "localhost" // the console answers only at the hosts it is reached by on purpose
	}
	rec := httptest.NewRecorder()
	h.org.ServeHTTP(rec, req)
	var ops []string
	for op := range h.org.stats.snapshot().ByOperation {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	body := routeNoise.ReplaceAllStringFunc(strings.TrimSpace(rec.Body.String()), func(s string) string {
		if k, _, ok := strings.Cut(s, ":"); ok && strings.HasPrefix(s, `"`) {
			return k + ":<generated>"
		}
		return "<generated>"
	})
	if len(body) > 300 {
		body = body[:300] + "…"
	}
	return fmt.Sprintf("authed=%v %s %s -> %d ct=%q allow=%q ops=%v %q", authed, method, probe, rec.Code,
		rec.Header().Get("Content-Type"), rec.Header().Get("Allow"), ops, body)
}

// subrequestProbes are the composite subrequest URLs TestSubrequestRoutesAnswerAsRecorded sends
// every method to, with the same placeholders as routeProbes.
var subrequestProbes = []string{
	"/services/data/v66.0/sobjects/User", "/services/data/v66.0/sobjects/User/", "/services/data/v66.0/sobjects/User/{user}",
	"/services/data/v66.0/sobjects/User/{user15}/", "/services/data/v66.0/sobjects/User/{app}", "/services/data/v66.0/sobjects/User/x/y",
	"/services/data/v66.0/sobjects/User/describe", "/services/data/v66.0/sobjects/Nope", "/services/data/v66.0/sobjects",
	"/services/data/v66.0/sobjects/User%2F{user}", "/services/data/v66.0//sobjects/User", "/services/data/v066.0/sobjects/User",
	"/services/data/v66.0/query?q=SELECT+Id+FROM+User+LIMIT+1", "/services/data/v66.0/queryAll?q=SELECT+COUNT()+FROM+User",
	"/services/data/v66.0/query/?q=SELECT+Id+FROM+User+LIMIT+1", "/services/data/v66.0/query/x",
	"/services/data/v66.0/composite/sobjects?ids={user}", "/services/data/v66.0/composite/sobjects/", "/services/data/v66.0/composite",
	"/services/data/v66.0/limits", "/services/data/v66.0", "/services/data", "/nope", "services/data/v66.0/sobjects/User/{user}",
}

// TestSubrequestRoutesAnswerAsRecorded pins what a composite subrequest answers for every method
// at every subrequest route and near miss.
func TestSubrequestRoutesAnswerAsRecorded(t *testing.T) {
	var out strings.Builder
	for _, probe := range subrequestProbes {
		for _, method := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "get", "BOGUS"} {
			h := newHarness(t, Config{})
			token := h.adminToken()
			user := h.snapshot().Users[0].ID
			url := strings.NewReplacer("{user15}", user[:15], "{user}", user, "{app}", h.appID("Workbench")).Replace(probe)
			sub := map[string]any{"method": method, "url": url, "referenceId": "r1"}
			if method != "GET" {
				sub["body"] = map[string]any{}
			}
			resp := h.rest(http.MethodPost, apiBase+"/composite", token, map[string]any{"compositeRequest": []any{sub}})
			body := routeNoise.ReplaceAllString(string(resp.body), "<generated>")
			fmt.Fprintf(&out, "%s %s -> %d %s\n", method, probe, resp.status, body)
		}
	}
	checkGolden(t, "testdata/subrequests.golden", out.String())
}

// checkGolden compares got with the golden file, or rewrites it with -update-routes.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *updateRoutes {
		if err := os.WriteFile(golden, []byte(got), 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	gotLines, wantLines := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	if len(gotLines) != len(wantLines) {
		t.Fatalf("%d answers, want %d", len(gotLines), len(wantLines))
	}
	for i := range wantLines {
		if gotLines[i] != wantLines[i] {
			t.Errorf("answer changed:\n got %s\nwant %s", gotLines[i], wantLines[i])
		}
	}
}
