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
	// the permission sets, the running user and the running app (impact.PermissionSetBase).
	base    *impact.Base
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
		b, err = impact.LoadPermissionSetBase(ctx, d.client)
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

// findApp looks the running app up by its consumer key (impact.Base.AddLoginApp), once per
// configuration. An app the org does not have, a pre-issued token's unknown app, or a look-up that
// fails (said in a warning) leaves only the user's own rules checked.
func (g *selfGuard) findApp(ctx context.Context, c *orgapi.Client, diags *diag.Diagnostics) {
	if g.appFound || g.clientID == "" {
		return
	}
	g.appFound = true
	if err := g.addApp(ctx, c); err != nil {
		diags.AddWarning("Self-Lockout Check Incomplete",
			fmt.Sprintf("Whether this plan cuts off the provider's own login through the app of client_id was not worked out: %s. "+
				"Only the permissions of %s were checked.", sentence(err), g.username))
	}
}

// addApp adds the app whose consumer key is client_id to the base, and names it for the
// diagnostic.
func (g *selfGuard) addApp(ctx context.Context, c *orgapi.Client) error {
	login, err := g.base.AddLoginApp(ctx, c, g.login, g.clientID)
	if err != nil {
		return err
	}
	g.login = login
	switch {
	case login.App == "":
	case login.ExternalClientApp:
		g.appText = "External Client App " + login.App
	default:
		g.appText = "connected app " + login.App
	}
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
