// Package console is sfaccess-mockorg's read-only web console: the decision matrix, the Connected
// Apps OAuth Usage view, the API Access Control settings, the daily API usage and the recent API
// calls (README.md, Console). It renders what the mock hands it and knows nothing of the
// org's records, so that the console can never change the org: every route is GET or HEAD.
package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Path is where the console lives. It is under the control API's prefix so that it can never
// shadow a Salesforce route, but unlike the control API it needs no token: it shows nothing secret
// and changes nothing.
const Path = "/__mockorg/console/"

// Owns reports whether a request path is the console's.
func Owns(path string) bool {
	return path == strings.TrimSuffix(Path, "/") || strings.HasPrefix(path, Path)
}

// View is everything the console shows, as of one moment; state.json serves it as JSON.
type View struct {
	// Revision changes whenever anything else in the view does; the page polls it to know when to
	// redraw.
	Revision string      `json:"revision"`
	Org      Org         `json:"org"`
	Settings Settings    `json:"settings"`
	APIUsage APIUsage    `json:"apiUsage"`
	Channels []Channel   `json:"channels"`
	Groups   []UserGroup `json:"userGroups"`
	Apps     []App       `json:"connectedApps"`
	Calls    []Call      `json:"recentCalls"`
}

// Org names the org.
type Org struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Edition  string `json:"edition"`
	Instance string `json:"instance"`
	Sandbox  bool   `json:"sandbox"`
}

// Settings are Setup > Security > API Access Control.
type Settings struct {
	// Provisioned is whether Salesforce Support has enabled API Access Control; without it the
	// page does not exist.
	Provisioned                       bool `json:"provisioned"`
	LimitExternalUsersToInstalledApps bool `json:"limitExternalUsersToInstalledApps"`
	LimitAllUsersToApprovedApps       bool `json:"limitAllUsersToApprovedApps"`
	AllowVisualforceAPIAccess         bool `json:"allowVisualforceApiAccess"`
}

// APIUsage is the org's daily API allocation and how much of it is spent.
type APIUsage struct {
	Used  int64 `json:"used"`
	Limit int64 `json:"limit"`
}

// Channel is a column of the matrix: a connected app, or a Visualforce page's session.
type Channel struct {
	Name  string `json:"name"` // the app's API name, or "visualforce"
	Label string `json:"label"`
	// Flow is the OAuth flow the column's decisions are made for; "" for Visualforce.
	Flow string `json:"flow,omitempty"`
}

// UserGroup is the users of one user type.
type UserGroup struct {
	UserType string `json:"userType"`
	Label    string `json:"label"`
	// External says that the customers-and-partners limit governs these users.
	External bool   `json:"external"`
	Users    []User `json:"users"`
}

// User is a row of the matrix: one decision per channel, in the order of View.Channels.
type User struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Profile  string `json:"profile"`
	Active   bool   `json:"active"`
	Cells    []Cell `json:"decisions"`
}

// Cell is one access decision and what a client would be told when it is a denial.
type Cell struct {
	Channel string `json:"channel"`
	Allowed bool   `json:"allowed"`
	Rule    string `json:"rule"`
	Error   string `json:"error,omitempty"`
	Message string `json:"message,omitempty"`
}

// App is a row of the Connected Apps OAuth Usage page.
type App struct {
	Name      string `json:"name"`
	Label     string `json:"label"`
	Installed bool   `json:"installed"`
	Blocked   bool   `json:"blocked"`
	Packaged  bool   `json:"packaged"`
	// Local says the app was created in this org, which exempts it from the uninstalled-app
	// restriction.
	Local     bool `json:"local"`
	UserCount int  `json:"userCount"`
}

//go:embed console.html
var pageSource string

//go:embed assets
var assets embed.FS

var page = template.Must(template.New("console").Funcs(template.FuncMap{
	"clock":     func(t time.Time) string { return t.UTC().Format("15:04:05") },
	"thousands": thousands,
	"inc":       func(n int) int { return n + 1 },
	"breakable": breakable,
	"status":    func(code int) string { return strconv.Itoa(code) + " " + http.StatusText(code) },
}).Parse(pageSource))

// contentSecurityPolicy allows the page's own script, stylesheet and icon and nothing else: no
// inline script, no other origin, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the console from what view returns at each request.
func Handler(view func() View) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "the console is read-only: use the control API or the Salesforce APIs to change the org", http.StatusMethodNotAllowed)
			return
		}
		switch name := strings.TrimPrefix(r.URL.Path, Path); {
		case r.URL.Path == strings.TrimSuffix(Path, "/"):
			http.Redirect(w, r, Path, http.StatusMovedPermanently)
		case name == "":
			servePage(w, revised(view()))
		case name == "state.json":
			h.Set("Cache-Control", "no-store")
			writeJSON(w, revised(view()))
		case strings.HasPrefix(name, "assets/"):
			serveAsset(w, r, name)
		default:
			http.NotFound(w, r)
		}
	})
}

// revised sets the view's revision from its content.
func revised(v View) View {
	v.Revision = ""
	b, err := json.Marshal(v)
	if err != nil { // a View holds only strings, numbers, booleans and times
		panic("console: encoding the view: " + err.Error())
	}
	sum := sha256.Sum256(b)
	v.Revision = hex.EncodeToString(sum[:8])
	return v
}

func servePage(w http.ResponseWriter, v View) {
	var buf bytes.Buffer
	if err := page.Execute(&buf, v); err != nil {
		http.Error(w, "rendering the console: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

func writeJSON(w http.ResponseWriter, v View) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(append(b, '\n'))
}

// serveAsset serves an embedded file; directories are not listed.
func serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	b, err := fs.ReadFile(assets, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// breakable lets a narrow cell wrap a rule id after its underscores rather than inside a word;
// <wbr> adds no character, so the id reads and copies as it is.
func breakable(id string) template.HTML {
	return template.HTML(strings.ReplaceAll(template.HTMLEscapeString(id), "_", "_<wbr>")) //nolint:gosec // escaped above
}

// thousands writes a count with comma separators, as Setup shows counts.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
