package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// readSteps is what one resource's Read has of its own; readResource runs the steps every Read
// shares around them, so that identity, drift, gone and managed objects are handled alike.
type readSteps[M any] struct {
	identity identityKey
	// read is the resource's read: false when the object is gone (no diagnostic) or the read failed.
	read func(context.Context, *M, *diag.Diagnostics) bool
	// gone logs that the object is gone, before Read removes it from state. Nil for a singleton,
	// whose read is false only with a diagnostic.
	gone func(context.Context, M)
	// managed names the object this run's state holds (collision.go); nil for a singleton.
	managed func(M) (resourceType, importID string)
}

// readResource is every resource's Read: the identity set on every way out, the state read from
// the org, an object found gone removed through noteGone, and a present one noted as managed.
func readResource[M any](ctx context.Context, d *providerData, req resource.ReadRequest, resp *resource.ReadResponse, s readSteps[M]) {
	defer s.identity.afterRead(ctx, req, resp)
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics) {
		return
	}
	if !s.read(ctx, &state, &resp.Diagnostics) {
		if !resp.Diagnostics.HasError() && s.gone != nil {
			s.gone(ctx, state)
			d.noteGone(ctx, req.State, &resp.State)
		}
		return
	}
	if s.managed != nil {
		d.noteManaged(s.managed(state))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
