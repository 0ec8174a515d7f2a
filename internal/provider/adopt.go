package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// adoptLookupTimeout bounds the look-up that follows a create whose outcome is unknown. It runs
// even when the create's own context has ended (an interrupt, a timeout): that is exactly when
// the org may hold an object Terraform has not recorded.
const adoptLookupTimeout = 2 * time.Minute

// createTarget names the object a create makes: its resource type and import id (for the import
// block a name collision asks for) and the action for diagnostics.
type createTarget struct {
	resourceType string
	importID     string
	action       string // "creating Permission Set (Partner_API)"
}

// createAdopting runs create. When the org may have carried it out without the provider seeing
// the answer (orgapi.OutcomeUnknown: a timeout, a dropped connection, an interrupt, a 5xx after
// commit, retries used up), find asks the org whether the object now exists as asked, and a found
// object is adopted, so that no later apply meets a duplicate of what Terraform itself created.
// find answers an error for which isNotFound holds when the object is not there. Failures go to
// diags, a duplicate with the import block to use; ok is false then.
func createAdopting[T any](ctx context.Context, t createTarget, diags *diag.Diagnostics,
	create func(context.Context) (T, error), find func(context.Context) (T, error),
) (T, bool) {
	v, err := create(ctx)
	if err != nil && orgapi.OutcomeUnknown(err) {
		lookCtx, cancel := detached(ctx)
		defer cancel()
		found, findErr := find(lookCtx)
		switch {
		case findErr == nil:
			tflog.Info(ctx, "the create's outcome was unknown and the org holds the object as asked; adopting it",
				map[string]any{"resource_type": t.resourceType, "import_id": t.importID, "create_error": err.Error()})
			return found, true
		case !isNotFound(findErr):
			err = fmt.Errorf("%w. Whether the org carried it out could not be checked either (%v); the next plan "+
				"reports the object if it exists", err, findErr)
		}
	}
	if err != nil {
		diags.Append(createErrorDiag(t, err))
		return v, false
	}
	return v, true
}

// createErrorDiag is orgErrorDiag for a create; a duplicate also gets the import block that
// brings the existing object under Terraform.
func createErrorDiag(t createTarget, err error) diag.Diagnostic {
	d := orgErrorDiag(t.action, err)
	if !orgapi.IsDuplicate(err) {
		return d
	}
	return diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\nThe org already holds this object. To manage it "+
		"with Terraform, import it:\n\n"+importBlock(t.resourceType, t.importID))
}

// importBlock is the configuration that imports an object; the resource's own name is not known
// to the provider, so the user puts it in.
func importBlock(resourceType, importID string) string {
	return fmt.Sprintf("import {\n  to = %s.<resource name>\n  id = %q\n}", resourceType, importID)
}

// nameCollisionDiag reports at plan time that the org already holds what a create would make,
// and that Terraform does not manage it.
func nameCollisionDiag(p path.Path, t createTarget, what string) diag.Diagnostic {
	return existingObjectDiag(p, t, what, t.action+" would fail with DUPLICATE_VALUE", "choose another name, or remove it from the org")
}
