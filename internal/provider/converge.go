package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// readFunc is a resource's read: it loads the object m names into m, and reports false when the
// org no longer has it (no diagnostic) or the read failed (a diagnostic).
type readFunc[M any] func(ctx context.Context, m *M, diags *diag.Diagnostics) bool

// detached is ctx without its cancellation, bounded by adoptLookupTimeout: what a write whose
// outcome is unknown, or an interrupted read-back, still asks the org. After an interrupt or a
// timeout ctx is done, and that is exactly when the org may hold what Terraform has not recorded.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), adoptLookupTimeout)
}

// updateAdopting runs update, a write of what plan asks for. When the org may have carried it out
// without the provider seeing the answer (orgapi.OutcomeUnknown), read reads the object back,
// detached from ctx, into a copy of plan: the update has succeeded when the org holds every value
// the plan knows, which is what Terraform itself accepts as the result of an apply. Otherwise the
// update's error stands, with what the read-back found. After such a read-back plan holds what was
// read. Singletons use it for their deletes too, with their defaults as the plan. ok is false,
// with a diagnostic, when the update failed.
func updateAdopting[M any](ctx context.Context, action string, diags *diag.Diagnostics, plan *M,
	update func(context.Context) error, read readFunc[M],
) bool {
	err := update(ctx)
	if err == nil {
		return true
	}
	if orgapi.OutcomeUnknown(err) {
		lookCtx, cancel := detached(ctx)
		defer cancel()
		got := *plan
		var readDiags diag.Diagnostics
		found := read(lookCtx, &got, &readDiags)
		switch differ := plannedDifferences(plan, &got); {
		case readDiags.HasError():
			err = fmt.Errorf("%w. Whether the org carried it out could not be checked either (%s); the next plan "+
				"shows what the org holds", err, diagnosticsText(readDiags))
		case !found:
			err = fmt.Errorf("%w. Read back, the object is no longer in the org; the next plan creates it again", err)
		case len(differ) > 0:
			err = fmt.Errorf("%w. Read back, the org does not hold what the plan asked for (%s differ); run terraform "+
				"apply again", err, strings.Join(differ, ", "))
		default:
			tflog.Info(ctx, "the update's outcome was unknown and the org holds what the plan asked for; the update succeeded",
				map[string]any{"action": action, "update_error": err.Error()})
			*plan = got
			return true
		}
	}
	diags.Append(orgErrorDiag(action, err))
	return false
}

// deleteConfirming runs del. Not found is done (someone else deleted the object, or the object it
// hangs on, first). When the org may have carried the delete out without the provider seeing the
// answer, read asks, detached from ctx, whether the object is still there, and a gone object is a
// done delete; otherwise the delete's error stands.
func deleteConfirming[M any](ctx context.Context, action string, diags *diag.Diagnostics, state *M,
	del func(context.Context) error, read readFunc[M],
) {
	err := del(ctx)
	if err == nil || isNotFound(err) {
		return
	}
	if orgapi.OutcomeUnknown(err) {
		lookCtx, cancel := detached(ctx)
		defer cancel()
		got := *state
		var readDiags diag.Diagnostics
		switch found := read(lookCtx, &got, &readDiags); {
		case readDiags.HasError():
			err = fmt.Errorf("%w. Whether the org carried it out could not be checked either (%s)", err, diagnosticsText(readDiags))
		case !found:
			tflog.Info(ctx, "the delete's outcome was unknown and the object is gone; the delete succeeded",
				map[string]any{"action": action, "delete_error": err.Error()})
			return
		default:
			err = fmt.Errorf("%w. Read back, the object is still in the org", err)
		}
	}
	diags.Append(orgErrorDiag(action, err))
}

// readBack reads back, into m, the object a create or update has just written, with the
// resource's read. When the apply was interrupted or timed out during the read-back (ctx is done)
// the write has happened all the same, so it reads once more, detached from ctx, and says so in
// a warning: an error would leave a created resource tainted, and the next apply would replace
// it (new ids, a new consumer key). It reports false when the object is gone (no diagnostic) or
// could not be read even then (a diagnostic); the caller then keeps what it saved before.
func readBack[M any](ctx context.Context, what string, diags *diag.Diagnostics, m *M, read readFunc[M]) bool {
	var first diag.Diagnostics
	if found := read(ctx, m, &first); found || !first.HasError() || ctx.Err() == nil {
		diags.Append(first...)
		return found
	}
	lookCtx, cancel := detached(ctx)
	defer cancel()
	if !read(lookCtx, m, diags) {
		return false
	}
	diags.AddWarning("Interrupted While Reading Back "+what,
		fmt.Sprintf("Terraform was interrupted, or the operation timed out (%v), while reading back %s after writing it. "+
			"The org holds it and the provider read it back afterwards, so it is saved in the state as it is; the next "+
			"plan refreshes it and replaces nothing.", context.Cause(ctx), what))
	return true
}

// plannedDifferences names the attributes whose planned value is known and differs from got's.
// M is a resource model: a struct of attr.Value fields tagged tfsdk.
func plannedDifferences[M any](plan, got *M) []string {
	p, g := reflect.ValueOf(plan).Elem(), reflect.ValueOf(got).Elem()
	var differ []string
	for i := range p.NumField() {
		planned, ok := p.Field(i).Interface().(attr.Value)
		if !ok || planned.IsUnknown() || planned.Equal(g.Field(i).Interface().(attr.Value)) {
			continue
		}
		differ = append(differ, p.Type().Field(i).Tag.Get("tfsdk"))
	}
	return differ
}

// diagnosticsText is the errors among diags as one line, for an error that wraps them.
func diagnosticsText(diags diag.Diagnostics) string {
	var parts []string
	for _, d := range diags.Errors() {
		parts = append(parts, d.Summary()+": "+d.Detail())
	}
	return strings.Join(parts, "; ")
}
