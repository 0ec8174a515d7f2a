package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// plannedObjects is what one resource's ModifyPlan tells another's about the same plan: the
// connected apps and permission sets it creates or keeps, so that a grant, installation or
// assignment planned for one of them is not reported as pointing at a missing object, and the
// sfaccess_api_access_control creations, of which the org can hold only one. It lives in
// providerData, so it is scoped to one provider configuration and gone with it; Terraform
// configures a new provider instance for every plan and apply.
//
// Ordering assumptions, both Terraform's:
//   - A resource is planned after every resource it references. A grant that names its app
//     through sfaccess_connected_app.<x>.name is planned after that app, so the app's name is
//     recorded by the time the grant asks. A name written as a literal has no such edge; the
//     check then asks the org, which reports an app this plan creates as missing (the
//     attributes' documentation asks for the reference for this reason).
//   - A resource is refreshed (Read) just before its own plan, not before every other's. Two
//     planned creations of sfaccess_api_access_control are always caught; a creation beside the
//     one state holds only when that one happened to be refreshed first (isManaged).
type plannedObjects struct {
	connectedApps      map[string]plannedApp // by name
	permissionSets     map[string]bool
	accessControls     int
	externalClientApps map[string]types.Bool // admin_approved_users_only by lower-case name: Salesforce ignores its case
}

// plannedApp is what a plan says of one connected app it creates or keeps.
type plannedApp struct {
	adminApproved types.Bool // admin_approved_users_only
	created       bool
}

// planConnectedApp records a connected app this plan creates (created) or keeps, with the
// Permitted Users policy it will have.
func (d *providerData) planConnectedApp(name string, adminApproved types.Bool, created bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.planned.connectedApps == nil {
		d.planned.connectedApps = map[string]plannedApp{}
	}
	d.planned.connectedApps[name] = plannedApp{adminApproved: adminApproved, created: created}
}

// isNewConnectedApp reports whether this plan creates the connected app: one the org does not
// hold yet, or, when Terraform plans it again during the apply, one this apply just created.
// Either way it is the org's own app, not a package's.
func (d *providerData) isNewConnectedApp(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.planned.connectedApps[name].created
}

// plannedConnectedApp returns the planned admin_approved_users_only of an app this plan creates
// or keeps; ok is false for any other app.
func (d *providerData) plannedConnectedApp(name string) (adminApproved types.Bool, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	app, ok := d.planned.connectedApps[name]
	return app.adminApproved, ok
}

func (d *providerData) isPlannedConnectedApp(name string) bool {
	_, ok := d.plannedConnectedApp(name)
	return ok
}

// planPermissionSet records a permission set this plan creates or keeps.
func (d *providerData) planPermissionSet(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.planned.permissionSets == nil {
		d.planned.permissionSets = map[string]bool{}
	}
	d.planned.permissionSets[name] = true
}

func (d *providerData) isPlannedPermissionSet(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.planned.permissionSets[name]
}

// countAccessControl records one more planned creation of sfaccess_api_access_control and returns
// how many there are so far.
func (d *providerData) countAccessControl() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.planned.accessControls++
	return d.planned.accessControls
}

// planExternalClientApp records an External Client App this plan creates or keeps, with the
// Permitted Users policy it will have.
func (d *providerData) planExternalClientApp(name string, adminApproved types.Bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.planned.externalClientApps == nil {
		d.planned.externalClientApps = map[string]types.Bool{}
	}
	d.planned.externalClientApps[strings.ToLower(name)] = adminApproved
}

// plannedExternalClientApp returns the planned admin_approved_users_only of an External Client
// App this plan creates or keeps; ok is false for any other app.
func (d *providerData) plannedExternalClientApp(name string) (adminApproved types.Bool, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	adminApproved, ok = d.planned.externalClientApps[strings.ToLower(name)]
	return adminApproved, ok
}
