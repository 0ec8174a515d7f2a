package provider

import (
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// planAction is what a plan does to one resource instance.
type planAction int

const (
	planCreate planAction = iota + 1
	planUpdate
	planDestroy
)

// planChecks is the preamble of every ModifyPlan: it says what the plan does to the instance and
// whether to check that against the org. It returns false, and the resource checks nothing,
// when nothing the resource writes to the org changes (unchanged; most resources pass
// req.Plan.Raw.Equal(req.State.Raw)), before the provider is configured (the framework also plans
// while validating), and while the provider configuration is unknown, which a warning naming what
// goes unchecked reports: Terraform configures the provider again before apply, and the org then
// checks for itself. Nor does it check the create of an object this run's refresh found gone
// (gone.go).
func (d *providerData) planChecks(req resource.ModifyPlanRequest, unchanged bool, what string, diags *diag.Diagnostics) (planAction, bool) {
	if unchanged || !d.canPlanCheck(diags, what) {
		return 0, false
	}
	switch {
	case req.Plan.Raw.IsNull():
		return planDestroy, true
	case req.State.Raw.IsNull() && d.recreatesGone(req.Plan):
		diags.Append(goneRecreatedDiag(what))
		return planCreate, false
	case req.State.Raw.IsNull():
		return planCreate, true
	}
	return planUpdate, true
}

// checksTogether runs plan-time checks that do not need each other's answers at once and adds
// their diagnostics in the order given, as if they had run in turn: on a real org each check is
// a round trip or two that the plan would otherwise wait for one after another.
func checksTogether(diags *diag.Diagnostics, checks ...func(*diag.Diagnostics)) {
	found := make([]diag.Diagnostics, len(checks))
	var wg sync.WaitGroup
	for i, check := range checks {
		wg.Go(func() { check(&found[i]) })
	}
	wg.Wait()
	for _, d := range found {
		diags.Append(d...)
	}
}
