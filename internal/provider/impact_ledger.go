package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/impact"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// impactLedger is one plan's engine ledger (impact.Ledger, ARCHITECTURE.md, Access impact) and
// what the provider adds to it: the read of the org, started once, and the access_loss policy
// the reports follow. Terraform plans each resource on its own, so each resource's ModifyPlan
// adds its change and reports what the engine returns: every affected (user, app) pair appears
// once in the plan, under the resource whose change tipped it. It lives in providerData, one per
// provider instance, which Terraform creates anew for every plan and apply.
type impactLedger struct {
	mu     sync.Mutex
	policy accessLossPolicy
	ledger *impact.Ledger
	broken bool // the org could not be read; said once
	// The org's read, started once (prefetch) and done when read is closed.
	readOnce   sync.Once
	read       chan struct{}
	readResult impactRead
}

// impactListLimit is how many users a warning lists, most recently active first; the rest are
// counted.
const impactListLimit = 20

// reportAccessImpact records the change a resource plans and reports what it newly does to access.
// planned.subject names the resource instance (type and key) so that Terraform, which folds warnings with
// the same summary into one, shows every resource's report.
func (d *providerData) reportAccessImpact(ctx context.Context, planned plannedImpact, diags *diag.Diagnostics) {
	if d == nil || d.client == nil || diags.HasError() {
		return
	}
	l := &d.impact
	l.mu.Lock()
	defer l.mu.Unlock()
	loaded := l.load(ctx, d, diags)
	var base *impact.Base
	if loaded {
		base = l.ledger.Base()
	}
	d.guardSelf(ctx, base, planned, diags)
	if !loaded {
		return
	}
	if fresh := l.ledger.Add(planned.change); len(fresh) > 0 {
		diags.Append(l.policy.diagnostic(planned.subject, fresh))
	}
}

// startAccessImpact starts reading what the plan's access impact needs, once per plan, so that it
// arrives while the resource's own plan-time checks run; reportAccessImpact waits for it. On a real
// org each of those reads is a round trip.
func (d *providerData) startAccessImpact(ctx context.Context) *providerData {
	if d != nil && d.client != nil {
		d.impact.prefetch(ctx, d)
	}
	return d
}

// impactRead is what reading the org for the access impact found; neither base nor err for an org
// without the setup extension, which is not analysed.
type impactRead struct {
	base *impact.Base
	err  error
}

// prefetch reads the org in the background, once. The read outlives the request that starts it:
// every later resource of the plan uses it.
func (l *impactLedger) prefetch(ctx context.Context, d *providerData) {
	l.readOnce.Do(func() {
		l.read = make(chan struct{})
		ctx := context.WithoutCancel(ctx)
		go func() {
			defer close(l.read)
			base, err := impact.Load(ctx, d.client)
			l.readResult = impactRead{base: base, err: err}
		}()
	})
}

// load waits for the org's read (prefetch) once per plan. A read that fails fails the plan, once,
// as every plan-time check does; an org without the setup extension is left unanalysed (see the
// comment inside).
func (l *impactLedger) load(ctx context.Context, d *providerData, diags *diag.Diagnostics) bool {
	if l.ledger != nil || l.broken {
		return l.ledger != nil
	}
	l.prefetch(ctx, d)
	select {
	case <-l.read:
	case <-ctx.Done():
		diags.Append(d.planCheckFailed("which users lose or gain API access through this plan", ctx.Err()))
		return false
	}
	got := l.readResult
	if got.base == nil && got.err == nil {
		// A real org: which apps are installed or blocked cannot be read, so nothing is predicted.
		// A plan stays free of warnings there (examples/portable relies on it), unless a pipeline
		// asked to fail on lost access, which must not pass unchecked.
		l.broken = true
		tflog.Info(ctx, "access impact not analysed: the org does not serve the setup extension")
		if l.policy.fail {
			diags.AddError("Access Impact Not Analysed",
				"access_loss is \"fail\", but which users lose API access through this plan depends on which connected "+
					"apps are installed or blocked, and this org does not serve the sfaccess setup extension that tells "+
					"(Salesforce has no public API for it), so no loss can be ruled out. Set access_loss = \"warn\" for this "+
					"org, and check the users of the affected apps on "+orgapi.SetupPageOAuthUsage+" before applying.")
		}
		return false
	}
	switch err := got.err; {
	case err == nil:
		l.ledger = impact.NewLedger(got.base)
		return true
	case errors.Is(err, orgapi.ErrInsufficientAccess) && !l.policy.fail:
		// The analysis is advice: an API user allowed to make the change but not to read all
		// that the prediction needs (the settings need Modify All Data) still plans, and is told
		// what the plan cannot say and why.
		diags.AddWarning("Access Impact Not Analysed",
			"Which users lose or gain API access through this plan was not worked out: "+sentence(err)+
				". With that permission the plan names every user a change cuts off; access_loss = \"fail\" makes its absence an error.")
	default:
		diags.Append(d.planCheckFailed("which users lose or gain API access through this plan", err))
	}
	l.broken = true
	return false
}

// diagnostic is the report of newly flipped decisions: a warning, or under access_loss = "fail"
// an error naming the losses expected_access_loss does not expect.
func (p accessLossPolicy) diagnostic(subject string, changes []access.Change) diag.Diagnostic {
	s := access.Summarize(changes, impactListLimit)
	summary := fmt.Sprintf("API Access Impact of %s: %d user%s lose%s access, %d gain%s", subject,
		s.LostUsers, plural(s.LostUsers, "", "s"), plural(s.LostUsers, "s", ""), s.GainedUsers, plural(s.GainedUsers, "s", ""))
	report := renderImpact(s)
	if p.fail {
		var unexpected []string
		for _, c := range changes {
			if c.Lost() && !p.expects(c.Username, c.App) {
				unexpected = append(unexpected, c.Username+"/"+c.App)
			}
		}
		if len(unexpected) > 0 {
			return diag.NewErrorDiagnostic(fmt.Sprintf("Unexpected Loss of API Access: %s", subject),
				fmt.Sprintf("access_loss is \"fail\", and this change would cut off %d (user, app) pair%s that "+
					"expected_access_loss does not name: %s.\n\n%s\n\nAdd the users (or apps, or username/app pairs) whose "+
					"loss is intended to expected_access_loss, or change the plan.",
					len(unexpected), plural(len(unexpected), "", "s"), strings.Join(unexpected, ", "), report))
		}
	}
	return diag.NewWarningDiagnostic(summary, "Predicted from the org's OAuth usage (OauthToken) with the rules the org "+
		"enforces, for this resource's change together with the changes planned before it:\n\n"+report)
}
