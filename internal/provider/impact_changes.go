package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/impact"
)

// What each resource's planned change does to the inputs of the access rules, in the engine's
// terms (impact.Changes), for the plan's impact ledger (impact_ledger.go). Each returns the resource's name for the report and the
// change; values not known at plan time leave their part of the change out.

// plannedImpact is one resource's planned change to the inputs of the rules, and the name its
// report goes under.
type plannedImpact struct {
	subject string
	change  impact.Change
}

func stringAt(ctx context.Context, from tfsdk.Plan, name string) types.String {
	var v types.String
	if !from.Raw.IsNull() {
		from.GetAttribute(ctx, path.Root(name), &v)
	}
	return v
}

func boolAt(ctx context.Context, from tfsdk.Plan, name string) types.Bool {
	var v types.Bool
	if !from.Raw.IsNull() {
		from.GetAttribute(ctx, path.Root(name), &v)
	}
	return v
}

// stateAsPlan lets the helpers read prior state like the plan.
func stateAsPlan(s tfsdk.State) tfsdk.Plan { return tfsdk.Plan(s) }

func known[T interface {
	IsNull() bool
	IsUnknown() bool
}](v T) bool {
	return !v.IsNull() && !v.IsUnknown()
}

func subjectOf(resourceType, key string) string { return fmt.Sprintf("%s %q", resourceType, key) }

// accessControlImpact: the two limits as planned; destroying the resource switches both off.
func accessControlImpact(ctx context.Context, req resource.ModifyPlanRequest) plannedImpact {
	external, all := boolAt(ctx, req.Plan, attrLimitExternal), boolAt(ctx, req.Plan, attrLimitAll)
	destroy := req.Plan.Raw.IsNull()
	return plannedImpact{apiAccessControlType, func(_ *impact.Base, ch *impact.Changes) {
		if destroy {
			ch.SetLimitExternal(false)
			ch.SetLimitAll(false)
			return
		}
		if known(external) {
			ch.SetLimitExternal(external.ValueBool())
		}
		if known(all) {
			ch.SetLimitAll(all.ValueBool())
		}
	}}
}

// installationImpact: installed and blocked as planned; destroying uninstalls (and unblocks).
func installationImpact(ctx context.Context, req resource.ModifyPlanRequest) plannedImpact {
	name, blocked := stringAt(ctx, req.Plan, "connected_app_name"), boolAt(ctx, req.Plan, "blocked")
	destroy := req.Plan.Raw.IsNull()
	if destroy {
		name = stringAt(ctx, stateAsPlan(req.State), "connected_app_name")
	}
	app := name.ValueString()
	return plannedImpact{subjectOf(installationType, app), func(_ *impact.Base, ch *impact.Changes) {
		if known(name) {
			ch.SetInstalled(app, !destroy, !destroy && blocked.ValueBool())
		}
	}}
}

// connectedAppImpact: the Permitted Users policy as planned.
func connectedAppImpact(ctx context.Context, req resource.ModifyPlanRequest) plannedImpact {
	name, adminApproved := stringAt(ctx, req.Plan, "name"), boolAt(ctx, req.Plan, "admin_approved_users_only")
	return plannedImpact{subjectOf("sfaccess_connected_app", name.ValueString()), func(_ *impact.Base, ch *impact.Changes) {
		if known(name) && known(adminApproved) {
			ch.SetAdminApproved(name.ValueString(), adminApproved.ValueBool())
		}
	}}
}

// granteeKey is the permission set a grant goes to, as impact.Base.SetID names it.
func granteeKey(ctx context.Context, from tfsdk.Plan) (string, bool) {
	if set := stringAt(ctx, from, "permission_set_name"); known(set) {
		return set.ValueString(), true
	}
	if profile := stringAt(ctx, from, "profile_name"); known(profile) {
		return "profile:" + profile.ValueString(), true
	}
	return "", false
}

// connectedAppAccessImpact: the prior grant goes, the planned one comes (a change replaces it).
func connectedAppAccessImpact(ctx context.Context, req resource.ModifyPlanRequest) plannedImpact {
	return grantImpact(ctx, req, connectedAppAccessType, "connected_app_name", (*impact.Changes).Grant)
}

// externalClientAppAccessImpact: as connectedAppAccessImpact, for a grant in an External Client
// App's OAuth policies.
func externalClientAppAccessImpact(ctx context.Context, req resource.ModifyPlanRequest) plannedImpact {
	return grantImpact(ctx, req, externalClientAppAccessType, "external_client_app_name", (*impact.Changes).GrantECA)
}

// grantImpact is the change of a grant resource whose app is named by appAttribute: the prior
// grant goes, the planned one comes.
func grantImpact(ctx context.Context, req resource.ModifyPlanRequest, resourceType, appAttribute string,
	grant func(ch *impact.Changes, app, setID string, granted bool)) plannedImpact {
	prior := stateAsPlan(req.State)
	oldApp, newApp := stringAt(ctx, prior, appAttribute), stringAt(ctx, req.Plan, appAttribute)
	oldSet, hadOld := granteeKey(ctx, prior)
	newSet, hasNew := granteeKey(ctx, req.Plan)
	subject := subjectOf(resourceType, newApp.ValueString()+"/"+newSet)
	if req.Plan.Raw.IsNull() {
		subject = subjectOf(resourceType, oldApp.ValueString()+"/"+oldSet)
	}
	return plannedImpact{subject, func(b *impact.Base, ch *impact.Changes) {
		if hadOld && known(oldApp) {
			grant(ch, oldApp.ValueString(), b.SetID(oldSet), false)
		}
		if hasNew && known(newApp) {
			grant(ch, newApp.ValueString(), b.SetID(newSet), true)
		}
	}}
}

// externalClientAppImpact: the plugin switch and the Permitted Users policy as planned. Deleting
// an ECA is not analysed, as deleting a connected app is not.
func externalClientAppImpact(ctx context.Context, req resource.ModifyPlanRequest) plannedImpact {
	name := stringAt(ctx, req.Plan, "name")
	pluginEnabled, adminApproved := boolAt(ctx, req.Plan, "oauth_plugin_enabled"), boolAt(ctx, req.Plan, "admin_approved_users_only")
	return plannedImpact{subjectOf(externalClientAppType, name.ValueString()), func(_ *impact.Base, ch *impact.Changes) {
		if !known(name) {
			return
		}
		if known(pluginEnabled) {
			ch.SetECAPluginEnabled(name.ValueString(), pluginEnabled.ValueBool())
		}
		if known(adminApproved) {
			ch.SetECAAdminApproved(name.ValueString(), adminApproved.ValueBool())
		}
	}}
}

// permissionSetImpact: the set's relevant permissions as planned; a deleted set grants nothing.
func permissionSetImpact(ctx context.Context, req resource.ModifyPlanRequest) plannedImpact {
	name := stringAt(ctx, stateAsPlan(req.State), "name")
	if !known(name) {
		name = stringAt(ctx, req.Plan, "name")
	}
	var perms types.Set
	if !req.Plan.Raw.IsNull() {
		req.Plan.GetAttribute(ctx, path.Root("user_permissions"), &perms)
	}
	destroy := req.Plan.Raw.IsNull()
	return plannedImpact{subjectOf(permissionSetType, name.ValueString()), func(b *impact.Base, ch *impact.Changes) {
		if !known(name) || (!destroy && !known(perms)) {
			return
		}
		var planned []string
		if !destroy {
			perms.ElementsAs(ctx, &planned, false)
		}
		ch.SetPermissions(b.SetID(name.ValueString()), planned)
	}}
}

// assignmentImpact: the prior assignment goes, the planned one comes.
func assignmentImpact(ctx context.Context, req resource.ModifyPlanRequest) plannedImpact {
	prior := stateAsPlan(req.State)
	oldSet, oldUser := stringAt(ctx, prior, "permission_set_name"), stringAt(ctx, prior, "username")
	newSet, newUser := stringAt(ctx, req.Plan, "permission_set_name"), stringAt(ctx, req.Plan, "username")
	subject := subjectOf(assignmentType, newSet.ValueString()+"/"+newUser.ValueString())
	if req.Plan.Raw.IsNull() {
		subject = subjectOf(assignmentType, oldSet.ValueString()+"/"+oldUser.ValueString())
	}
	return plannedImpact{subject, func(b *impact.Base, ch *impact.Changes) {
		if id, ok := b.UserID(oldUser.ValueString()); ok && known(oldSet) {
			ch.Assign(id, b.SetID(oldSet.ValueString()), false)
		}
		if id, ok := b.UserID(newUser.ValueString()); ok && known(newSet) {
			ch.Assign(id, b.SetID(newSet.ValueString()), true)
		}
	}}
}
