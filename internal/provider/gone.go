package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// goneObjects are the prior states of the resources this provider instance's Reads found gone:
// deleted outside Terraform, or gone with the object they hang on (an installation's or grant's
// app, an ECA grant's ECA, a grant's permission set).
//
// terraform destroy first refreshes with a normal plan, in which a resource the refresh found gone
// is planned as a create, and an error of that plan stops the destroy. A create's plan-time checks
// would fail exactly there when what the resource hangs on is gone, so for a resource that this
// run found gone they wait for the apply, with a warning (ARCHITECTURE.md, Provider surface).
type goneObjects struct {
	mu     sync.Mutex
	states []tftypes.Value
}

// noteGone records that Read found the object of state gone and removes it from the state.
func (d *providerData) noteGone(ctx context.Context, state tfsdk.State, resp *tfsdk.State) {
	d.gone.mu.Lock()
	d.gone.states = append(d.gone.states, state.Raw)
	d.gone.mu.Unlock()
	resp.RemoveResource(ctx)
}

// recreatesGone reports whether plan creates again an object this run found gone: a prior state of
// the same resource type that holds every value the plan sets (a plan that sets none matches none).
func (d *providerData) recreatesGone(plan tfsdk.Plan) bool {
	var planned map[string]tftypes.Value
	if plan.Raw.As(&planned) != nil {
		return false
	}
	d.gone.mu.Lock()
	defer d.gone.mu.Unlock()
	for _, s := range d.gone.states {
		var prior map[string]tftypes.Value
		if !s.Type().Equal(plan.Raw.Type()) || s.As(&prior) != nil {
			continue
		}
		compared, same := 0, true
		for name, v := range planned {
			if v.IsKnown() && !v.IsNull() {
				compared++
				same = same && v.Equal(prior[name])
			}
		}
		if compared > 0 && same {
			return true
		}
	}
	return false
}

// goneRecreatedDiag says why the create of a resource found gone is not checked at plan.
func goneRecreatedDiag(what string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Deleted Outside Terraform",
		"The refresh found "+what+" gone from the org: it, or the object it belongs to, was deleted outside Terraform. "+
			"This plan creates it again, and the org checks it when the plan is applied rather than now, so that "+
			"terraform destroy, which plans the same, is not stopped by it. If the object it belongs to is gone, "+
			"create that again first or remove this resource from the configuration.")
}
