package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestCallLogKeepsTheNewestAndNoMore(t *testing.T) {
	l := NewCallLog(3)
	if got := l.Recent(); len(got) != 0 {
		t.Fatalf("an empty log lists %v", got)
	}
	for i := range 8 {
		l.Add(Call{Path: fmt.Sprintf("/%d", i)})
	}
	var paths []string
	for _, c := range l.Recent() {
		paths = append(paths, c.Path)
	}
	if got := strings.Join(paths, ","); got != "/7,/6,/5" {
		t.Errorf("kept %s, want /7,/6,/5", got)
	}
	l.Add(Call{Path: "/" + strings.Repeat("x", 10*maxPathLen)})
	if got := l.Recent()[0].Path; len(got) > maxPathLen+len("…") {
		t.Errorf("kept a path of %d bytes", len(got))
	}
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func sampleView(username string) View {
	return View{
		Org:      Org{Name: "Acme"},
		APIUsage: APIUsage{Used: 1234, Limit: 15000},
		Channels: []Channel{{Name: "Workbench", Label: "Workbench"}, {Name: "visualforce", Label: "Visualforce session"}},
		Groups: []UserGroup{{UserType: "Standard", Label: "Employees", Users: []User{{Username: username, Active: true, Cells: []Cell{
			{Channel: "Workbench", Rule: "uninstalled_app_restricted", Error: "invalid_client", Message: "app must be installed into org"},
			{Channel: "visualforce", Allowed: true, Rule: "allowed"},
		}}}}},
		Calls: []Call{{Time: time.Date(2026, 11, 29, 8, 5, 9, 0, time.UTC), Method: "POST", Path: "/services/oauth2/token", Status: 400, Rule: "uninstalled_app_restricted"}},
	}
}

func TestStateJSONRevisionFollowsTheView(t *testing.T) {
	username := "readonly@acme.test"
	h := Handler(func() View { return sampleView(username) })
	read := func() View {
		rec := get(t, h, Path+"state.json")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("state.json: %d %v", rec.Code, rec.Header())
		}
		var v View
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	first, again := read(), read()
	if first.Revision == "" || first.Revision != again.Revision {
		t.Errorf("revisions %q and %q for the same view", first.Revision, again.Revision)
	}
	if first.Groups[0].Users[0].Cells[0].Rule != "uninstalled_app_restricted" {
		t.Errorf("state.json lost the decision: %+v", first.Groups)
	}
	username = "employee@acme.test"
	if changed := read(); changed.Revision == first.Revision {
		t.Error("the revision did not change with the view, so the page would not redraw")
	}
}

func TestPageIsAccessibleAndEscaped(t *testing.T) {
	h := Handler(func() View { return sampleView(`<script>alert(1)</script>@acme.test`) })
	rec := get(t, h, Path)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("page: %d %v", rec.Code, rec.Header())
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("a username reached the page unescaped")
	}
	for _, want := range []string{
		`<th scope="col">Workbench</th>`, `<th scope="row">`, `scope="rowgroup" colspan="3"`,
		`Denied</span>`, `uninstalled_<wbr>app_<wbr>restricted`, `invalid_client: app must be installed into org`,
		`<strong>1,234</strong> of 15,000`, "For customers and partners, limit API access to only installed connected apps",
		"For admin-approved users, limit API access to only allowlisted connected apps", "Allow Visualforce pages to access APIs",
		`<td>08:05:09</td>`, `400 Bad Request`, `data-revision="`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

func TestAssetsAndUnknownPaths(t *testing.T) {
	h := Handler(func() View { return View{} })
	for path, want := range map[string]string{
		Path + "assets/console.css": "text/css; charset=utf-8",
		Path + "assets/console.js":  "text/javascript; charset=utf-8",
		Path + "assets/icon.svg":    "image/svg+xml",
	} {
		if rec := get(t, h, path); rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != want {
			t.Errorf("%s: %d %q, want 200 %q", path, rec.Code, rec.Header().Get("Content-Type"), want)
		}
	}
	for _, path := range []string{Path + "assets/", Path + "assets/missing.js", Path + "console.html", Path + "x"} {
		if rec := get(t, h, path); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, rec.Code)
		}
	}
	if rec := get(t, h, strings.TrimSuffix(Path, "/")); rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != Path {
		t.Errorf("%s: %d to %q, want a redirect to %s", strings.TrimSuffix(Path, "/"), rec.Code, rec.Header().Get("Location"), Path)
	}
	if !Owns(Path+"state.json") || !Owns(strings.TrimSuffix(Path, "/")) || Owns("/__mockorg/consoles") || Owns("/__mockorg/snapshot") {
		t.Error("Owns claims the wrong paths")
	}
}
