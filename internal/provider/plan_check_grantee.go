package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Plan-time checks of who an app is granted to and who it runs as, shared by the connected app
// and External Client App resources so that both refuse the same mistakes with the same words.

// checkGrantee fails the plan when the profile does not exist, or the permission set neither
// exists nor is created by this plan, or is a profile's own. It returns the id of the permission
// set that would carry the grant when the org has it.
func (d *providerData) checkGrantee(ctx context.Context, profile, set types.String, diags *diag.Diagnostics) (parentID string) {
	c := d.client
	if !profile.IsNull() && !profile.IsUnknown() {
		p, err := c.ProfileByName(ctx, profile.ValueString())
		switch {
		case isNotFound(err):
			diags.AddAttributeError(path.Root("profile_name"), "Profile Not Found", d.unknownProfileDetail(ctx, profile.ValueString()))
		case err != nil:
			diags.Append(d.planCheckFailed("profile "+profile.ValueString(), err))
		default:
			parentID = p.PermissionSetID
		}
	}
	if !set.IsNull() && !set.IsUnknown() && !d.isPlannedPermissionSet(set.ValueString()) {
		ps, err := c.PermissionSetByName(ctx, set.ValueString())
		switch {
		case isProfileOwned(err):
			diags.Append(profileOwnedDiag(err, "Grant the app to the profile with profile_name instead."))
		case isNotFound(err):
			diags.Append(permissionSetNotFoundDiag(set.ValueString()))
		case err != nil:
			diags.Append(d.planCheckFailed("permission set "+set.ValueString(), err))
		default:
			parentID = ps.ID
		}
	}
	return parentID
}

// unknownProfileDetail lists the org's profiles, because profile names are labels that are easy
// to get slightly wrong ("Partner Community User" vs "Partner Community Login User").
func (d *providerData) unknownProfileDetail(ctx context.Context, name string) string {
	detail := fmt.Sprintf("The org has no profile named %q.", name)
	profiles, err := d.client.Profiles(ctx)
	if err != nil || len(profiles) == 0 {
		return detail + " Check the name in Setup > Profiles."
	}
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.Name
	}
	sort.Strings(names)
	return detail + " Profiles in this org: " + strings.Join(names, ", ") + "."
}

// checkClientCredentialsUser fails the plan when the org has no user of that name: the client
// credentials flow would run as nobody.
func (d *providerData) checkClientCredentialsUser(ctx context.Context, user types.String, diags *diag.Diagnostics) {
	if user.IsNull() || user.IsUnknown() {
		return
	}
	if _, err := d.client.UserByUsername(ctx, user.ValueString()); err != nil {
		if isNotFound(err) {
			diags.AddAttributeError(path.Root("client_credentials_user"), "Unknown Client Credentials User",
				fmt.Sprintf("The org has no user with the username %q. The client credentials flow runs as an existing, active user: give that user's username as it appears on the user's detail page (case does not matter).", user.ValueString()))
			return
		}
		diags.Append(d.planCheckFailed("client_credentials_user "+user.ValueString(), err))
	}
}

// grantWithoutEffect warns when the app (a "connected app" or an "External Client App", at attr)
// lets every user self-authorize: Salesforce then ignores its profiles and permission sets, so the
// grant would restrict nobody, which is rarely what the author of a grant means. Nil when the app
// is admin approved or its policy is not known.
func grantWithoutEffect(attr path.Path, kind, app string, adminApproved types.Bool) diag.Diagnostic {
	if adminApproved.IsNull() || adminApproved.IsUnknown() || adminApproved.ValueBool() {
		return nil
	}
	return diag.NewAttributeWarningDiagnostic(attr, "Grant Does Not Restrict the App",
		fmt.Sprintf("The %s %s lets all users self-authorize (admin_approved_users_only = false), so Salesforce ignores its profiles and "+
			"permission sets: this grant does not limit who may use the app. Set admin_approved_users_only = true to permit only the granted "+
			"profiles and permission sets.", kind, app))
}
