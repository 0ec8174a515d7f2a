package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/impact"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// The self-lockout check (ARCHITECTURE.md, Access impact): a plan that would cut off the login the
// provider itself uses (its user through its app, by its flow) fails at plan, because every later
// plan, apply and destroy of the configuration would fail with "Authentication Failed" and only
// Setup could undo it. allow_self_lockout turns the error into a warning.

const envAllowSelfLockout = "SFACCESS_ALLOW_SELF_LOCKOUT"

func selfLockoutAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"allow_self_lockout": schema.BoolAttribute{
			MarkdownDescription: "Whether a plan may cut off the login this provider configuration uses: its user " +
				"through the app of `client_id`, by blocking or uninstalling that app, its Permitted Users, its grants, " +
				"the user's permissions (API Enabled, Use Any API Client) or the two limits. By default such a plan " +
				"fails, naming the app, the user and the access rule that would refuse them, since every later plan " +
				"would fail with \"Authentication Failed\"; `true` makes it a warning. With `access_token` the app is " +
				"unknown and only the user's own permissions are checked. Falls back to `" + envAllowSelfLockout +
				"`. Defaults to `false`.",
			Optional: true,
		},
	}
}

// resolveAllowSelfLockout reads allow_self_lockout, else its environment variable; an unknown
// value counts as unset (false), the safe side.
func resolveAllowSelfLockout(v types.Bool, getenv func(string) string, diags *diag.Diagnostics) bool {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool()
	}
	env := strings.TrimSpace(getenv(envAllowSelfLockout))
	if env == "" {
		return false
	}
	allow, err := strconv.ParseBool(env)
	if err != nil {
		diags.AddAttributeError(path.Root("allow_self_lockout"), "Invalid Allow Self Lockout",
			fmt.Sprintf("The %s environment variable (allow_self_lockout) is %q; it must be true or false.", envAllowSelfLockout, env))
	}
	return allow
}

// selfGuard follows, through one plan, what the planned changes do to the provider's own login.
// Its fields after the configuration's are guarded by impactLedger.mu: it runs inside
// reportAccessImpact.
type selfGuard struct {
	allow    bool
	clientID string      // "" with a pre-issued access token: the app is unknown
	flow     access.Flow // client credentials or JWT bearer
	// base is the ledger's, or, where the ledger could not read the org, one holding no more than
	// the permission sets, the running user and the running app (partial).
	base    *impact.Base
	partial bool
	off     bool // the running user could not be read: no check, logged once
	changes impact.Changes
	login   access.Login
	// username names the user and appText the app in the diagnostic.
	username, appText string
	appFound          bool // the running app was looked for
	reported          bool
}

func newSelfGuard(cfg orgapi.Config, allow bool) selfGuard {
	g := selfGuard{allow: allow}
	switch {
	case cfg.AccessToken != "":
	case cfg.ClientSecret != "":
		g.clientID, g.flow = cfg.ClientID, access.FlowClientCredentials
	default:
		g.clientID, g.flow = cfg.ClientID, access.FlowJWTBearer
	}
	return g
}

// guardSelf adds the resource's planned change to the guard's and fails the plan (or, under
// allow_self_lockout, warns) when the changes planned so far turn the provider's own login from
// allowed to refused. ledgerBase is the ledger's read of the org, nil where it has none. Only a
// change that can take access away (tightens) looks the running app up, once per configuration.
func (d *providerData) guardSelf(ctx context.Context, ledgerBase *impact.Base, planned plannedImpact, diags *diag.Diagnostics) {
	g := &d.self
	if diags.HasError() || g.reported || !g.prepare(ctx, d, ledgerBase) {
		return
	}
	var own impact.Changes
	planned.change(g.base, &own)
	planned.change(g.base, &g.changes)
	if !own.Tightens(d.isNewConnectedApp) {
		return
	}
	g.findApp(ctx, d.client, diags)
	before, after, ok := g.base.DecideLogin(&g.changes, g.login)
	if !ok || !before.Allowed || after.Allowed {
		return
	}
	g.reported = true
	diags.Append(g.diagnostic(planned.subject, before, after))
}

// prepare puts the running user into the base, once. A user the provider cannot read (a
// pre-issued token without identity) leaves the check off, logged: the admin permission checks
// report a read that would fail the apply too.
func (g *selfGuard) prepare(ctx context.Context, d *providerData, ledgerBase *impact.Base) bool {
	if g.base != nil || g.off {
		return g.base != nil
	}
	user, err := d.runningUser(ctx)
	b := ledgerBase
	if err == nil && b == nil {
		b, err = permissionSetBase(ctx, d.client)
		g.partial = true
	}
	if err != nil {
		g.off = true
		tflog.Info(ctx, "self-lockout check off: the provider's user could not be read", map[string]any{"error": err.Error()})
		return false
	}
	id := b.AddUser(user.record, user.assigned)
	g.base, g.username = b, user.Username
	g.login = access.Login{UserID: id, Flow: g.flow}
	return true
}

// permissionSetBase is the base of an org the ledger could not read (no setup extension): the
// permission sets and profiles, both lists the client keeps.
func permissionSetBase(ctx context.Context, c *orgapi.Client) (*impact.Base, error) {
	sets, err := c.PermissionSets(ctx)
	if err != nil {
		return nil, err
	}
	profiles, err := c.Profiles(ctx)
	if err != nil {
		return nil, err
	}
	return impact.PermissionSetBase(sets, profiles), nil
}

// findApp looks the running app up by its consumer key, once per configuration: a connected app's
// is in its Metadata (oauthConfig.consumerKey), an External Client App's in its global OAuth
// settings; neither read needs the secret. An app the org does not have, a pre-issued token's
// unknown app, or a look-up that fails (said in a warning) leaves only the user's own rules
// checked.
func (g *selfGuard) findApp(ctx context.Context, c *orgapi.Client, diags *diag.Diagnostics) {
	if g.appFound || g.clientID == "" {
		return
	}
	g.appFound = true
	if err := g.addApp(ctx, c); err != nil {
		g.login.App, g.login.ExternalClientApp, g.appText = "", false, ""
		diags.AddWarning("Self-Lockout Check Incomplete",
			fmt.Sprintf("Whether this plan cuts off the provider's own login through the app of client_id was not worked out: %s. "+
				"Only the permissions of %s were checked.", sentence(err), g.username))
	}
}

// addApp finds the app whose consumer key is client_id and adds it to the base as the org has it
// now, unless the base holds it already.
func (g *selfGuard) addApp(ctx context.Context, c *orgapi.Client) error {
	files, err := c.ListConnectedApps(ctx)
	if err != nil {
		return err
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.FullName
	}
	apps, err := c.ReadConnectedApps(ctx, names)
	if err != nil {
		return err
	}
	for name, app := range apps {
		if app.ConsumerKey == g.clientID {
			return g.addConnectedApp(ctx, c, name, app.IsAdminApproved)
		}
	}
	if !c.SupportsExternalClientApps() {
		return nil
	}
	usage, err := c.ExternalClientAppUsage(ctx)
	if err != nil {
		return err
	}
	names = names[:0]
	for _, u := range usage {
		names = append(names, u.Name)
	}
	ecas, err := c.ReadExternalClientApps(ctx, names)
	if err != nil {
		return err
	}
	for name, eca := range ecas {
		if eca.ConsumerKey == g.clientID {
			g.base.AddECA(name, eca)
			g.login.App, g.login.ExternalClientApp, g.appText = name, true, "External Client App "+name
			return nil
		}
	}
	return nil
}

// addConnectedApp adds the running connected app with its grants and, where the org says, its
// install and block state; a partial base, whose org cannot say, takes it as installed, unblocked
// and the org's own, so that only its Permitted Users and grants decide.
func (g *selfGuard) addConnectedApp(ctx context.Context, c *orgapi.Client, name string, adminApproved bool) error {
	if g.base.Approved(g.login.UserID, name) {
		g.login.PriorApproval = true
	}
	if !g.base.HasApp(name) {
		id, err := c.ConnectedAppID(ctx, name)
		if err != nil {
			return err
		}
		app := access.App{Name: name, AdminApprovedUsersOnly: adminApproved, Installed: true, OrgManaged: true}
		if !g.partial {
			usage, err := c.OAuthUsageApp(ctx, name)
			if err != nil {
				return err
			}
			app.Installed, app.Blocked, app.OrgManaged = usage.Installed, usage.Blocked, usage.Local
		}
		grants, err := c.SetupEntityAccessesOf(ctx, []string{id})
		if err != nil {
			return err
		}
		grantedTo := make([]string, len(grants))
		for i, gr := range grants {
			grantedTo[i] = gr.ParentID
		}
		g.base.AddApp(app, id, grantedTo)
	}
	g.login.App, g.appText = name, "connected app "+name
	return nil
}

// diagnostic is the plan error (a warning under allow_self_lockout) naming the login, the rule
// that would refuse it and what to do.
func (g *selfGuard) diagnostic(subject string, before, after access.Decision) diag.Diagnostic {
	flow := "the client credentials flow"
	if g.flow == access.FlowJWTBearer {
		flow = "the JWT bearer flow"
	}
	login := fmt.Sprintf("%s through %s (%s)", g.username, g.appText, flow)
	switch {
	case g.clientID == "":
		login = g.username + " with the pre-issued access_token (its app is unknown, so only the user's own permissions were checked)"
	case g.appText == "":
		login = fmt.Sprintf("%s through the app of client_id %s (%s; not found among the org's connected apps and External "+
			"Client Apps, so only the user's own permissions were checked)", g.username, g.clientID, flow)
	}
	detail := fmt.Sprintf("This change, with the changes planned before it, cuts off the login this provider configuration uses: "+
		"%s is allowed now (rule %s) and would be refused by rule %s: %s. The org would answer %s %q, so every later plan, "+
		"apply and destroy of this configuration would fail with \"Authentication Failed\", and only Setup could undo the change.",
		login, before.Rule, after.Rule, ruleCondition(after.Rule), after.ErrorCode, after.Message)
	if g.allow {
		return diag.NewWarningDiagnostic("Plan Locks the Provider Out: "+subject, detail+" allow_self_lockout is true, so the plan goes ahead.")
	}
	return diag.NewErrorDiagnostic("Plan Would Lock the Provider Out: "+subject, detail+" Make this change through another "+
		"login (another app or user), or, if cutting this login off is intended, set allow_self_lockout = true in the provider "+
		"block (or "+envAllowSelfLockout+"=true).")
}
