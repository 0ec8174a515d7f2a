package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12 and later) names a resource by the natural keys users already
// import it by (import_id.go), as separate attributes: `import { identity = {...} }` needs no id
// string, and `terraform query` returns identities. Every resource declares its key once, as an
// identityKey; the key builds the identity schema, fills the identity from state after Create,
// Read (afterRead) and Update, and turns an identity into the import id so that one ImportState
// serves both.

// identityPart is one identity attribute, mirroring the state attribute of the same name (or
// stateAttr). Optional parts are alternatives, exactly one of which is set (a grant names a
// permission set or a profile); importPrefix marks the part in the import id (a profile's
// "profile:").
type identityPart struct {
	name, stateAttr, description, importPrefix string
	optional                                   bool
}

// identityKey is a resource's identity, its parts in import-id order.
type identityKey []identityPart

func (k identityKey) schema() identityschema.Schema {
	attrs := make(map[string]identityschema.Attribute, len(k))
	for _, p := range k {
		attrs[p.name] = identityschema.StringAttribute{
			Description:       p.description,
			RequiredForImport: !p.optional,
			OptionalForImport: p.optional,
		}
	}
	return identityschema.Schema{Attributes: attrs}
}

func (k identityKey) identitySchema(resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = k.schema()
}

// attributeGetter is state, a plan or a listed resource.
type attributeGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

// set copies the key from the resource's attributes into its identity. The identity is nil when
// Terraform does not support identities.
func (k identityKey) set(ctx context.Context, from attributeGetter, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || diags.HasError() {
		return
	}
	for _, p := range k {
		attr := p.stateAttr
		if attr == "" {
			attr = p.name
		}
		var v, prior types.String
		diags.Append(from.GetAttribute(ctx, path.Root(attr), &v)...)
		// An identity keeps its spelling when the name only changes case (keepSpelling):
		// Terraform refuses an identity that changes, and Salesforce sees the same object.
		diags.Append(identity.GetAttribute(ctx, path.Root(p.name), &prior)...)
		diags.Append(identity.SetAttribute(ctx, path.Root(p.name), keepSpelling(prior, v))...)
	}
}

// afterRead sets the identity when Read is done. Read defers it first thing, so that every way out
// is covered: the identity comes from the state Read wrote or, where the object is gone and Read
// removed it, from the prior state, since the framework wants an identity even then.
func (k identityKey) afterRead(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	from := resp.State
	if from.Raw.IsNull() {
		from = req.State
	}
	k.set(ctx, from, resp.Identity, &resp.Diagnostics)
}

// importID is the import id of the request: the id itself when imported by id, else the identity's
// parts joined the way import ids join them ("app/permission_set", "app/profile:name").
func (k identityKey) importID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) string {
	if req.ID != "" || req.Identity == nil {
		return req.ID
	}
	var parts, alternatives []string
	alternativesSet := 0
	for _, p := range k {
		var v types.String
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(p.name), &v)...)
		set := !v.IsNull() && !v.IsUnknown()
		if p.optional {
			alternatives = append(alternatives, p.name)
			if set {
				alternativesSet++
			}
		}
		if set {
			parts = append(parts, p.importPrefix+v.ValueString())
		}
	}
	if len(alternatives) > 0 && alternativesSet != 1 {
		diags.AddError("Invalid Import Identity",
			"Set exactly one of "+strings.Join(alternatives, " and ")+" in the identity of the import block.")
	}
	return strings.Join(parts, "/")
}
