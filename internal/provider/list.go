package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// List resources (Terraform 1.14 `terraform query`) discover what an org already has, as the
// identities and, with include_resource, the full state of the resources that would manage it, so
// that `terraform query -generate-config-out` writes configuration that plans as a pure import.
// Each reads its objects in bulk (one query or list per kind, paged by orgapi), never one call
// per object, and fills the same model its resource's Read fills.

// listConfigure is the Configure every list resource shares.
type listConfigure struct {
	data *providerData
}

func (l *listConfigure) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// listStream returns a stream of the results emit produces, or of the diagnostics of a failed read.
func listStream(ctx context.Context, req list.ListRequest, key identityKey, diags diag.Diagnostics, emit func(*listEmitter)) list.ListResultsStream {
	if diags.HasError() {
		return list.ListResultsStream{Results: list.ListResultsStreamDiagnostics(diags)}
	}
	return list.ListResultsStream{Results: func(push func(list.ListResult) bool) {
		e := &listEmitter{ctx: ctx, req: req, key: key, push: push, warnings: diags}
		emit(e)
		if !e.stopped && len(e.warnings) > 0 {
			push(list.ListResult{Diagnostics: e.warnings})
		}
	}}
}

// listEmitter turns models into list results until Terraform stops reading or the limit of the
// request is reached.
type listEmitter struct {
	ctx      context.Context
	req      list.ListRequest
	key      identityKey
	push     func(list.ListResult) bool
	warnings diag.Diagnostics
	count    int64
	stopped  bool
}

// emit sends one resource, model being what its resource's Read would put in state. It reports
// whether more are wanted.
func (e *listEmitter) emit(displayName string, model any) bool {
	if e.stopped {
		return false
	}
	r := e.req.NewListResult(e.ctx)
	r.DisplayName = displayName
	r.Diagnostics.Append(r.Resource.Set(e.ctx, model)...)
	e.key.set(e.ctx, r.Resource, r.Identity, &r.Diagnostics)
	if !e.req.IncludeResource {
		r.Resource = nil
	}
	e.count++
	e.stopped = !e.push(r) || (e.req.Limit > 0 && e.count >= e.req.Limit)
	return !e.stopped
}

// nullTimeouts is the state of a timeouts attribute nobody set, typed from the resource's schema.
func (e *listEmitter) nullTimeouts() timeouts.Value {
	t, diags := e.req.ResourceSchema.TypeAtPath(e.ctx, path.Root("timeouts"))
	typ, ok := t.(timeouts.Type)
	if diags.HasError() || !ok {
		return timeouts.Value{}
	}
	return timeouts.Value{Object: types.ObjectNull(typ.AttrTypes)}
}

// namePrefixFilter is the name_prefix argument of the list resources.
func namePrefixFilter(of string) listschema.StringAttribute {
	return listschema.StringAttribute{
		MarkdownDescription: "Only " + of + " whose API name starts with this, ignoring case as Salesforce does for API names.",
		Optional:            true,
	}
}

// hasNamePrefix applies a name_prefix filter; a null prefix matches every name.
func hasNamePrefix(name string, prefix types.String) bool {
	return strings.HasPrefix(strings.ToLower(name), strings.ToLower(prefix.ValueString()))
}

// matchesBool applies an optional boolean filter; null matches both values.
func matchesBool(filter types.Bool, value bool) bool {
	return filter.IsNull() || filter.ValueBool() == value
}
