package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// What each resource's planned change does to the inputs of the access rules, for the plan's
// impact ledger (impact_ledger.go). Each returns the resource's name for the report and the
// change; values not known at plan time leave their part of the change out.

// plannedImpact is one resource's planned change to the inputs of the rules, and the name its
// report goes under.
type plannedImpact struct {
	subject string
	change  func(b *impactBase, ch *impactChanges)
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
	return plannedImpact{apiAccessControlType, func(_ *impactBase, ch *impactChanges) {
		off := false
		if destroy {
			ch.limitExternal, ch.limitAll = &off, &off
			return
		}
		if known(external) {
			v := external.ValueBool()
			ch.limitExternal = &v
		}
		if known(all) {
			v := all.ValueBool()
			ch.limitAll = &v
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
	return plannedImpact{subjectOf(installationType, app), func(_ *impactBase, ch *impactChanges) {
		if !known(name) {
			return
		}
		if ch.installed == nil {
			ch.installed, ch.blocked = map[string]bool{}, map[string]bool{}
		}
		ch.installed[app] = !destroy
		ch.blocked[app] = !destroy && blocked.ValueBool()
	}}
}

// connectedAppImpact: the Permitted Users policy as planned.
func connectedAppImpact(ctx context.Context, req resource.ModifyPlanRequest) plannedImpact {
	name, adminApproved := stringAt(ctx, req.Plan, "name"), boolAt(ctx, req.Plan, "admin_approved_users_only")
	return plannedImpact{subjectOf("sfaccess_connected_app", name.ValueString()), func(_ *impactBase, ch *impactChanges) {
		if !known(name) || !known(adminApproved) {
			return
		}
		if ch.adminApproved == nil {
			ch.adminApproved = map[string]bool{}
		}
		ch.adminApproved[name.ValueString()] = adminApproved.ValueBool()
	}}
}

// granteeKey is the permission set a grant goes to, as impactBase.setID names it.
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
	prior := stateAsPlan(req.State)
	oldApp, newApp := stringAt(ctx, prior, "connected_app_name"), stringAt(ctx, req.Plan, "connected_app_name")
	oldSet, hadOld := granteeKey(ctx, prior)
	newSet, hasNew := granteeKey(ctx, req.Plan)
	subject := subjectOf(connectedAppAccessType, newApp.ValueString()+"/"+newSet)
	if req.Plan.Raw.IsNull() {
		subject = subjectOf(connectedAppAccessType, oldApp.ValueString()+"/"+oldSet)
	}
	return plannedImpact{subject, func(b *impactBase, ch *impactChanges) {
		if hadOld && known(oldApp) {
			ch.grant(oldApp.ValueString(), b.setID(oldSet), false)
		}
		if hasNew && known(newApp) {
			ch.grant(newApp.ValueString(), b.setID(newSet), true)
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
	return plannedImpact{subjectOf(permissionSetType, name.ValueString()), func(b *impactBase, ch *impactChanges) {
		if !known(name) || (!destroy && !known(perms)) {
			return
		}
		if ch.permissions == nil {
			ch.permissions = map[string][]string{}
		}
		var planned []string
		if !destroy {
			var names []string
			perms.ElementsAs(ctx, &names, false)
			planned = relevant(names)
		}
		ch.permissions[b.setID(name.ValueString())] = planned
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
	return plannedImpact{subject, func(b *impactBase, ch *impactChanges) {
		// A user without approvals has no use the change could affect, and is not in the base.
		if id, ok := b.userIDs[oldUser.ValueString()]; ok && known(oldSet) {
			ch.assign(id, b.setID(oldSet.ValueString()), false)
		}
		if id, ok := b.userIDs[newUser.ValueString()]; ok && known(newSet) {
			ch.assign(id, b.setID(newSet.ValueString()), true)
		}
	}}
}
