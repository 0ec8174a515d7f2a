package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/errgroup"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/impact"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// providerData is what Configure hands every resource and data source: the org client and facts
// about the org and the running user that do not change within one Terraform run, read at most
// once per provider configuration.
type providerData struct {
	// client is nil when the provider configuration had unknown values at plan time.
	client *orgapi.Client
	// unknownAttributes names the provider attributes that were unknown.
	unknownAttributes []string
	// credentials names what to fix when the org rejects the login (credentialsToFix).
	credentials string

	// The running user is read once per configuration under its own lock, held across the
	// calls: waiting for the org must not hold up mu's quick bookkeeping. (The client itself keeps
	// whether the org serves the setup extension and has API Access Control.)
	runAsMu sync.Mutex
	runAs   *runningUser

	mu sync.Mutex // guards managed and planned
	// managed holds the keys (resource type and import id, lower-cased: Salesforce compares names
	// regardless of case) of the objects this run's state holds, as Read saw them, so that a
	// create's collision check does not mistake a tainted object of its own, planned for
	// replacement, for someone else's.
	managed map[string]bool
	// planned records what this plan creates or keeps (planned.go).
	planned plannedObjects
	// tokens are the access tokens ephemeral resources hold open (open_tokens.go).
	tokens openTokens
	// impact is the plan's ledger of changes to access (impact_ledger.go).
	impact impactLedger
	// self guards the provider's own login against the plan (self_lockout.go).
	self selfGuard
	// gone are the objects this run's refresh found gone (gone.go).
	gone goneObjects
}

// noteManaged records that this run's state holds the object.
func (d *providerData) noteManaged(resourceType, importID string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.managed == nil {
		d.managed = map[string]bool{}
	}
	d.managed[resourceType+"\x00"+strings.ToLower(importID)] = true
}

func (d *providerData) isManaged(resourceType, importID string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.managed[resourceType+"\x00"+strings.ToLower(importID)]
}

// runningUser is the user the provider acts as and the permissions it holds.
type runningUser struct {
	Username    string
	permissions map[string]bool
	// record and assigned (the ids of the permission sets assigned to the user, the profile's own
	// left out) are what the self-lockout check decides the user's own login with.
	record   orgapi.User
	assigned []string
}

func newProviderData(client *orgapi.Client) *providerData {
	return &providerData{client: client}
}

// providerDataFrom converts the ProviderData of a Configure request. It returns nil (and no
// diagnostic) before the provider is configured, which the framework does during validation.
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil
	}
	return data
}

// ready reports whether the org can be reached. When the provider configuration is not known yet
// it adds an error naming the unknown attributes, for operations that cannot proceed without it.
func (d *providerData) ready(diags *diag.Diagnostics) bool {
	if d != nil && d.client != nil {
		return true
	}
	detail := "The provider is not configured."
	if d != nil && len(d.unknownAttributes) > 0 {
		detail = fmt.Sprintf("The provider configuration depends on values not known yet (%s). Apply the "+
			"resources they come from first, or use -target.", strings.Join(d.unknownAttributes, ", "))
	}
	diags.AddError("Provider Configuration Unknown", detail)
	return false
}

// canPlanCheck reports whether plan-time checks against the org can run. When the provider
// configuration is unknown they are skipped with a warning: Terraform configures the provider
// again before apply, and the org then checks for itself.
func (d *providerData) canPlanCheck(diags *diag.Diagnostics, what string) bool {
	if d != nil && d.client != nil {
		return true
	}
	if d != nil && len(d.unknownAttributes) > 0 {
		diags.AddWarning("Plan-Time Checks Skipped",
			fmt.Sprintf("The provider configuration depends on values not known yet (%s), so %s cannot be "+
				"checked against the org until apply.", strings.Join(d.unknownAttributes, ", "), what))
	}
	return false
}

// runningUser returns, once per configuration, who the provider acts as and what it may do: the
// union of the permissions of the user's profile and of every permission set assigned to it.
func (d *providerData) runningUser(ctx context.Context) (*runningUser, error) {
	d.runAsMu.Lock()
	defer d.runAsMu.Unlock()
	if d.runAs != nil {
		return d.runAs, nil
	}
	userID, err := d.client.UserID(ctx)
	if err != nil {
		return nil, err
	}
	// The user (for the username, which the token's identity does not always carry), the
	// permission sets and the user's assignments, read at the same time.
	var (
		users       []orgapi.User
		sets        []orgapi.PermissionSet
		assignments []orgapi.PermissionSetAssignment
	)
	reads, readCtx := errgroup.WithContext(ctx)
	reads.Go(func() (err error) { users, err = d.client.UsersByID(readCtx, []string{userID}); return err })
	reads.Go(func() (err error) { sets, err = d.client.PermissionSets(readCtx); return err })
	reads.Go(func() (err error) {
		assignments, err = d.client.PermissionSetAssignmentsOf(readCtx, []string{userID})
		return err
	})
	if err := reads.Wait(); err != nil {
		return nil, err
	}
	ix := impact.NewPermissionIndex(sets, assignments)
	for _, u := range users {
		if strings.EqualFold(u.ID, userID) {
			d.runAs = &runningUser{Username: u.Username, permissions: ix.PermissionsOf(u), record: u, assigned: ix.Assigned(u.ID)}
			return d.runAs, nil
		}
	}
	return nil, fmt.Errorf("the provider's user %s is not among the org's users", userID)
}

// checkAdminPermission adds a plan-time error when the running user lacks what the operation
// needs (ARCHITECTURE.md, Admin permission matrix). A login the org rejects, a look-up the user
// may not make, or an org that did not answer is an error as well: the apply would fail the same
// way. When the org merely cannot say who the user is (a pre-issued token without identity, a
// user outside the list), the check is skipped and the org enforces the permissions at apply.
func (d *providerData) checkAdminPermission(ctx context.Context, need orgapi.Requirement, action string, diags *diag.Diagnostics) {
	user, err := d.runningUser(ctx)
	if err != nil {
		if blocksApply(err) {
			diags.Append(d.planCheckFailed("the permissions of the provider's user", err))
			return
		}
		tflog.Debug(ctx, "cannot read the running user's permissions; leaving the check to the org", map[string]any{"error": err.Error()})
		return
	}
	if missing := need.Missing(user.permissions); missing != "" {
		diags.Append(insufficientPermissionDiag(action, user.Username, need, missing))
	}
}

// blocksApply reports whether err, met by a plan-time look-up, would fail the apply as well:
// rejected credentials, a permission the user lacks, or an org that did not answer or was never reached.
func blocksApply(err error) bool {
	var e *orgapi.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Kind == orgapi.KindAuth || e.Kind == orgapi.KindInsufficientAccess || e.Kind == orgapi.KindUnreachable || e.Transient
}
