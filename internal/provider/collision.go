package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// Collisions, for every resource type, in two checks at plan:
//   - Two resource instances of one configuration that manage one object of the org are refused
//     (claimObject, the plan's record in planned.go).
//   - A create of an object the org holds already, outside this configuration's state, is
//     refused with the import block to use (existingObjectDiag; each resource looks the object
//     up in its ModifyPlan, and providerData.isManaged exempts a tainted object of its own). The
//     two org-wide singletons are the exception: creating one adopts the org's settings, which
//     a warning says (adoptionDiag).

// objectKind is what the collision checks know of the objects of one resource type.
type objectKind struct {
	object   string   // one object, for messages: "the installation of one connected app"
	keyAttrs []string // the arguments that identify the object; none for an org-wide singleton
	// For a singleton: the settings a create adopts, the import id, and the defaults that destroy
	// restores.
	adopts, importID, defaults string
}

const externalClientAppSettingsType = "sfaccess_external_client_app_settings"

var objectKinds = map[string]objectKind{
	apiAccessControlType: {object: "the org's API Access Control settings",
		adopts:   "API Access Control settings (" + attrLimitExternal + ", " + attrLimitAll + " and " + attrAllowVF + ")",
		importID: "the org id, 00D…", defaults: "both limits off, and Allow Visualforce pages to access APIs off"},
	connectedAppType:            {object: "one connected app", keyAttrs: []string{"name"}},
	installationType:            {object: "the installation of one connected app", keyAttrs: []string{"connected_app_name"}},
	connectedAppAccessType:      {object: "one grant of a connected app", keyAttrs: []string{"connected_app_name", "permission_set_name", "profile_name"}},
	permissionSetType:           {object: "one permission set", keyAttrs: []string{"name"}},
	assignmentType:              {object: "one permission set assignment", keyAttrs: []string{"permission_set_name", "username"}},
	externalClientAppType:       {object: "one External Client App", keyAttrs: []string{"name"}},
	externalClientAppAccessType: {object: "one grant of an External Client App", keyAttrs: []string{"external_client_app_name", "permission_set_name", "profile_name"}},
	externalClientAppSettingsType: {object: "the org's External Client App settings",
		adopts:   "External Client App settings (enable_external_client_apps and allow_consumer_secrets_via_rest_api)",
		importID: externalClientAppSettingsID + " or the org id", defaults: "External Client Apps on, consumer secrets not readable through the REST API"},
}

// privateClaim is the private-data key under which an instance keeps its claim token from the
// first planning of a replacement to the second.
const privateClaim = "object_claim"

// claimObject records the object the plan of a resource instance creates or keeps, and fails
// the plan when another instance of this configuration planned that object already. A plan
// that destroys records nothing, nor does one whose identifying arguments are unknown until
// apply. Creating an org-wide singleton adopts the org's settings, which a warning says. It runs
// first in ModifyPlan, before anything decides that there is nothing to check: an instance
// whose plan changes nothing still manages its object.
func (d *providerData) claimObject(ctx context.Context, resourceType string, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if d == nil || req.Plan.Raw.IsNull() {
		return
	}
	kind := objectKinds[resourceType]
	var values map[string]tftypes.Value
	if err := req.Plan.Raw.As(&values); err != nil {
		return
	}
	key, known := keyOf(resourceType, kind, values)
	if !known {
		return
	}
	obj := &plannedObject{values: values, shown: shownArguments(req.Plan, values), created: req.State.Raw.IsNull()}
	var prior map[string]tftypes.Value
	if !obj.created && req.State.Raw.As(&prior) == nil {
		priorKey, _ := keyOf(resourceType, kind, prior)
		obj.created = priorKey != key
	}
	raw, _ := req.Private.GetKey(ctx, privateClaim)
	if json.Unmarshal(raw, &obj.claim) != nil || obj.claim == "" {
		obj.claim = newClaim()
	}
	d.mu.Lock()
	other := d.planned.record(key, obj)
	d.mu.Unlock()
	if other != nil {
		resp.Diagnostics.Append(duplicateObjectDiag(resourceType, kind, other, obj))
		return
	}
	token, _ := json.Marshal(obj.claim)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateClaim, token)...)
	if kind.adopts != "" && req.State.Raw.IsNull() {
		resp.Diagnostics.Append(adoptionDiag(resourceType, kind))
	}
}

// keyOf is the object that planned values identify; known is false while one of its arguments
// is unknown.
func keyOf(resourceType string, kind objectKind, values map[string]tftypes.Value) (key objectKey, known bool) {
	parts := make([]string, len(kind.keyAttrs))
	for i, attr := range kind.keyAttrs {
		v, ok := values[attr]
		if ok && !v.IsKnown() {
			return objectKey{}, false
		}
		if ok && !v.IsNull() {
			_ = v.As(&parts[i])
		}
	}
	return newObjectKey(resourceType, parts), true
}

// shownArguments names the planned arguments a message may print: those the configuration sets,
// not sensitive, and not blocks of settings such as timeouts.
func shownArguments(plan tfsdk.Plan, values map[string]tftypes.Value) []string {
	var names []string
	for name, attr := range plan.Schema.GetAttributes() {
		v, ok := values[name]
		if ok && (attr.IsRequired() || attr.IsOptional()) && !attr.IsSensitive() && !v.Type().Is(tftypes.Object{}) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// valueText renders a planned value as it would be written in configuration.
func valueText(v tftypes.Value) string {
	switch {
	case !v.IsKnown():
		return "(known after apply)"
	case v.IsNull():
		return "null"
	}
	var (
		s     string
		b     bool
		n     big.Float
		elems []tftypes.Value
	)
	switch {
	case v.As(&s) == nil:
		return strconv.Quote(s)
	case v.As(&b) == nil:
		return strconv.FormatBool(b)
	case v.As(&n) == nil:
		return n.Text('g', -1)
	case v.As(&elems) == nil:
		texts := make([]string, len(elems))
		for i, e := range elems {
			texts[i] = valueText(e)
		}
		return "[" + strings.Join(texts, ", ") + "]"
	}
	return v.String()
}

// identityText names an object by the arguments that identify it: connected_app_name = "Workbench".
func identityText(kind objectKind, obj *plannedObject) string {
	var parts []string
	for _, attr := range kind.keyAttrs {
		if v := obj.values[attr]; !v.IsNull() {
			parts = append(parts, attr+" = "+valueText(v))
		}
	}
	return strings.Join(parts, ", ")
}

// duplicateObjectDiag refuses a second resource instance for an object another instance of the
// configuration plans (first). Terraform tells providers no resource addresses, so it names both
// by their type, the arguments that identify the object and the arguments that differ.
func duplicateObjectDiag(resourceType string, kind objectKind, first, second *plannedObject) diag.Diagnostic {
	// The same two instances read the same whichever Terraform planned first.
	if order := func(o *plannedObject) string { return fmt.Sprint(o.created, identityText(kind, o), o.values) }; order(second) < order(first) {
		first, second = second, first
	}
	var a, b []string
	for _, name := range first.shown {
		if v, ok := second.values[name]; ok && !v.Equal(first.values[name]) {
			a = append(a, name+" = "+valueText(first.values[name]))
			b = append(b, name+" = "+valueText(v))
		}
	}
	object, which := kind.object, "they are the two "+resourceType+" resources of this configuration"
	if len(kind.keyAttrs) == 0 {
		object += ", of which the org has exactly one"
	} else {
		ids := identityText(kind, first)
		if other := identityText(kind, second); other != ids {
			ids += " and " + other + " (names compare regardless of case)"
		}
		object += " (" + identityText(kind, first) + ")"
		which += " with " + ids
	}
	return diag.NewErrorDiagnostic("More Than One "+resourceType,
		fmt.Sprintf("Two %[1]s resources (or two instances of one, through count or for_each) manage %[2]s: %[3]s. "+
			"Terraform does not tell the provider resource addresses; %[4]s. Each would write over the other: the second "+
			"create fails, and every apply undoes the other's changes. Keep exactly one of them and delete the other from "+
			"the configuration; when the one you delete is already in state, delete it with a removed block "+
			"(lifecycle { destroy = false }), so that Terraform forgets it without destroying what the one you keep manages.",
			resourceType, object, sides(first, second, a, b), which))
}

// sides tells two planned instances of one object apart by the arguments that differ (a for
// first, b for second) and by whether each is in state already.
func sides(first, second *plannedObject, a, b []string) string {
	role := func(o *plannedObject) string {
		if o.created {
			return "to be created"
		}
		return "already in state"
	}
	r1, r2 := role(first), role(second)
	switch {
	case len(a) > 0:
		return fmt.Sprintf("one with %s (%s), the other with %s (%s)", strings.Join(a, ", "), r1, strings.Join(b, ", "), r2)
	case r1 == r2:
		return "both with the same arguments, both " + r1
	}
	return fmt.Sprintf("both with the same arguments, one %s and the other %s", r1, r2)
}

// adoptionDiag says, when a plan creates an org-wide singleton, that the create adopts the org's
// settings and that destroy restores Salesforce's defaults, not the settings adopted.
func adoptionDiag(resourceType string, kind objectKind) diag.Diagnostic {
	return diag.NewWarningDiagnostic(resourceType+" Adopts the Org's Settings",
		fmt.Sprintf("The org has exactly one set of %s, so creating %s creates nothing: it adopts the settings the org "+
			"has now and writes the configured values over them. Destroying it does not bring the adopted values back: "+
			"it restores Salesforce's defaults (%s). To see the org's current values in a plan before anything changes, "+
			"import the settings instead of creating them (import id: %s).", kind.adopts, resourceType, kind.defaults, kind.importID))
}

// existingObjectDiag reports at plan time that the org already holds the object a create would
// make, outside this configuration's state: outcome is what the create would do, otherwise what
// the user may do instead of importing it.
func existingObjectDiag(p path.Path, t createTarget, what, outcome, otherwise string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(p, "Already Exists in the Org",
		fmt.Sprintf("The org already has %s, and it is not in this configuration's state, so %s. To manage the existing "+
			"one with Terraform, import it into this resource:\n\n%s\n\nThe provider is not told resource addresses: "+
			"write this resource's address in place of %s.<resource name> (with its index or key under count or "+
			"for_each).\n\nOtherwise %s.", what, outcome, importBlock(t.resourceType, t.importID), t.resourceType, otherwise))
}

// checkNotInstalled fails the plan of an installation of an app someone installed already: the
// create would adopt the installation silently, and destroying it would uninstall the app for
// whoever installed it. An app created in the org is installed from its creation (SALESFORCE.md,
// "No public API"), so its being installed tells nothing of who manages it, and Terraform plans
// the installation of an app it created earlier again during the apply, where nothing says that
// the configuration manages the app; it counts as installed by someone only when blocked.
func (r *connectedAppInstallationResource) checkNotInstalled(app *orgapi.OAuthUsageApp, diags *diag.Diagnostics) {
	if !app.Installed || (app.Local && !app.Blocked) || r.data.isManaged(installationType, app.Name) {
		return
	}
	what := app.Name + " installed"
	if app.Blocked {
		what += " and blocked"
	}
	diags.Append(existingObjectDiag(path.Root("connected_app_name"), installationTarget(app.Name), what,
		"installing it would adopt that installation, and destroying this resource would uninstall the app for "+
			"whoever installed it",
		"remove this resource, or uninstall the app first where nobody relies on it ("+orgapi.SetupPageOAuthUsage+")"))
}

// checkGrantFree fails the plan of a new ECA grant that the app's policies already hold: the
// create would adopt it silently, and destroying it would remove a grant the org had before.
func (r *externalClientAppAccessResource) checkGrantFree(ctx context.Context, m externalClientAppAccessModel, diags *diag.Diagnostics) {
	if m.ExternalClientApp.IsUnknown() || m.PermissionSet.IsUnknown() || m.Profile.IsUnknown() ||
		r.data.isManaged(externalClientAppAccessType, m.importID()) {
		return
	}
	app, err := r.data.client.ReadExternalClientApp(ctx, m.ExternalClientApp.ValueString())
	if err != nil {
		// An app that does not exist holds no grant; the app's own check reports it.
		if !isNotFound(err) {
			diags.Append(r.data.planCheckFailed("whether "+m.importID()+" is granted already", err))
		}
		return
	}
	list, want, grantee := app.PermissionSets, m.PermissionSet.ValueString(), "permission set "
	if !m.Profile.IsNull() {
		list, want, grantee = app.Profiles, m.Profile.ValueString(), "profile "
	}
	i := slices.IndexFunc(list, func(s string) bool { return strings.EqualFold(s, want) })
	if i < 0 {
		return
	}
	// The import block and the message take the org's spelling.
	m.ExternalClientApp = types.StringValue(app.Name)
	if m.Profile.IsNull() {
		m.PermissionSet = types.StringValue(list[i])
	} else {
		m.Profile = types.StringValue(list[i])
	}
	t := createTarget{resourceType: externalClientAppAccessType, importID: m.importID(), action: m.action("creating")}
	diags.Append(existingObjectDiag(path.Root("external_client_app_name"), t,
		fmt.Sprintf("a grant of the External Client App %s to %s%s", app.Name, grantee, list[i]),
		"creating it would adopt that grant, and destroying this resource would remove a grant the org had before Terraform",
		"remove this resource from the configuration"))
}
