package provider

import (
	"crypto/rand"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// plannedObjects is what one resource's ModifyPlan tells another's about the same plan: every
// object of the org a resource instance creates or keeps, by objectKey (collision.go records
// them). A second instance planning an object already recorded is refused (two resources for one
// object); a grant, installation or assignment planned for a connected app or permission set
// recorded here is not reported as pointing at a missing one. Instances planned for destroy record
// nothing. It lives in providerData, so it is scoped to one provider configuration and gone with
// it; Terraform configures a new provider instance for every plan and apply, and during the apply
// it plans again only the instances that change.
//
// Ordering assumptions, both Terraform's:
//   - A resource is planned after every resource it references. A grant that names its app
//     through sfaccess_connected_app.<x>.name is planned after that app, so the app is recorded
//     by the time the grant asks. A name written as a literal has no such edge; the check then
//     asks the org, which reports an app this plan creates as missing (the attributes'
//     documentation asks for the reference for this reason).
//   - Terraform plans each instance once, except a replacement, which it plans a second time as
//     a creation and hands the private data of the first answer; the claim token kept there
//     (claimObject) tells the second planning from another instance's. Two instances of one
//     object are caught whichever is planned first: both record themselves, in state or not.
type plannedObjects struct {
	objects map[objectKey]*plannedObject
}

// objectKey names one object of the org: the resource type that manages it and the values of
// the attributes that identify it (objectKinds), lower-cased, since Salesforce compares API
// names and usernames regardless of case.
type objectKey struct {
	kind string
	key  string
}

func newObjectKey(kind string, keyValues []string) objectKey {
	return objectKey{kind: kind, key: strings.ToLower(strings.Join(keyValues, "\x00"))}
}

// plannedObject is one resource instance's plan for an object.
type plannedObject struct {
	// claim tells the instance that planned the object from any other; it travels in the
	// instance's private data from the first planning of a replacement to the second.
	claim string
	// values are the planned arguments, top-level, for the messages and for what other resources
	// read of the plan (plannedConnectedApp).
	values map[string]tftypes.Value
	// shown names the arguments a message may print: set in configuration and not sensitive.
	shown []string
	// created: the instance is created (no prior state, or a replacement under another key).
	created bool
}

// newClaim is a claim token no other instance holds.
func newClaim() string { return rand.Text() }

// record stores obj under k and returns nil, or returns the object another instance planned
// under k already and stores nothing. An instance planning the same object again (a replacement's
// second planning) replaces its own record.
func (p *plannedObjects) record(k objectKey, obj *plannedObject) (other *plannedObject) {
	if p.objects == nil {
		p.objects = map[objectKey]*plannedObject{}
	}
	if prior, ok := p.objects[k]; ok && prior.claim != obj.claim {
		return prior
	}
	p.objects[k] = obj
	return nil
}

func (p *plannedObjects) find(kind string, keyValues ...string) *plannedObject {
	return p.objects[newObjectKey(kind, keyValues)]
}

// isNewConnectedApp reports whether this plan creates the connected app: one the org does not
// hold yet, or, when Terraform plans it again during the apply, one this apply just created.
// Either way it is the org's own app, not a package's.
func (d *providerData) isNewConnectedApp(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	app := d.planned.find(connectedAppType, name)
	return app != nil && app.created
}

// plannedConnectedApp returns the planned admin_approved_users_only of an app this plan creates
// or keeps; ok is false for any other app.
func (d *providerData) plannedConnectedApp(name string) (adminApproved types.Bool, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	app := d.planned.find(connectedAppType, name)
	if app == nil {
		return types.BoolNull(), false
	}
	return boolOf(app.values["admin_approved_users_only"]), true
}

func (d *providerData) isPlannedConnectedApp(name string) bool {
	_, ok := d.plannedConnectedApp(name)
	return ok
}

// isPlannedPermissionSet reports whether this plan creates or keeps a permission set of that
// name.
func (d *providerData) isPlannedPermissionSet(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.planned.find(permissionSetType, name) != nil
}

// plannedExternalClientApp returns the planned admin_approved_users_only of an External Client
// App this plan creates or keeps; ok is false for any other app.
func (d *providerData) plannedExternalClientApp(name string) (adminApproved types.Bool, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	app := d.planned.find(externalClientAppType, name)
	if app == nil {
		return types.BoolNull(), false
	}
	return boolOf(app.values["admin_approved_users_only"]), true
}

// boolOf converts a planned value of a Bool attribute.
func boolOf(v tftypes.Value) types.Bool {
	var b bool
	switch {
	case !v.IsKnown():
		return types.BoolUnknown()
	case v.IsNull() || v.As(&b) != nil:
		return types.BoolNull()
	}
	return types.BoolValue(b)
}
