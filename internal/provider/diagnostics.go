package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// The constructors below keep the wording of every diagnostic uniform: a short title-cased
// summary, and a detail that says what was being done, what the org answered and what to do.
// action reads like "creating Permission Set (Partner_API)".

// orgErrorDiag reports a failed org call made while doing action.
func orgErrorDiag(action string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(orgErrorSummary(err), orgErrorDetail(action, err))
}

// orgErrorAttrDiag is orgErrorDiag pinned to the attribute whose value the org rejected.
func orgErrorAttrDiag(p path.Path, action string, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(p, orgErrorSummary(err), orgErrorDetail(action, err))
}

// orgErrorDetail says what failed; when the retries ran out, also which settings govern them.
// An org never reached gets no such advice: its error says which URL to check (first_contact.go).
func orgErrorDetail(action string, err error) string {
	detail := fmt.Sprintf("While %s: %s", action, err.Error())
	var e *orgapi.Error
	if errors.As(err, &e) && e.Transient && e.Kind != orgapi.KindUnreachable {
		detail += " Each request is retried up to max_retries times (" + envMaxRetries + ") and each attempt may take up to " +
			"request_timeout (" + envTimeout + "); raise them in the provider block for a slow or overloaded org, " +
			"or run terraform apply again."
	}
	return detail
}

func orgErrorSummary(err error) string {
	switch orgapi.KindOf(err) {
	case orgapi.KindInsufficientAccess:
		return "Insufficient Permissions"
	case orgapi.KindFeatureNotProvisioned:
		return "API Access Control Not Provisioned"
	case orgapi.KindInvalidInput:
		return "Value Rejected by the Org"
	case orgapi.KindAuth:
		return "Authentication Failed"
	case orgapi.KindRateLimited:
		if strings.Contains(err.Error(), "TotalRequests") {
			return "API Request Limit Exceeded"
		}
		return "Throttled by the Org"
	case orgapi.KindExtensionUnavailable:
		return "Setup Extension Unavailable"
	case orgapi.KindNotFound:
		return "Not Found"
	case orgapi.KindConnectedAppCreationRestricted:
		return "Connected App Creation Restricted"
	case orgapi.KindProfileOwned:
		return "Profile-Owned Permission Set"
	case orgapi.KindUnreachable:
		return "Org Unreachable"
	}
	return "Org API Error"
}

// insufficientPermissionDiag reports at plan time that the running user lacks a permission.
func insufficientPermissionDiag(action, username string, need orgapi.Requirement, missing string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Insufficient Permissions",
		fmt.Sprintf("%s needs %s, and the provider's user %s lacks %s. Give that user the permission "+
			"through a permission set or its profile, or configure the provider as a user who has it.",
			upperFirst(action), orgapi.WithPermissionLabels(need.String()), username, orgapi.WithPermissionLabels(missing)))
}

// extensionUnavailableDiag reports at plan time that a change needs the setup extension, which
// this org does not serve, and names the Setup page where a person can make it instead.
func extensionUnavailableDiag(p path.Path, what, setupPage string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(p, "Setup Extension Unavailable",
		fmt.Sprintf("Salesforce has no public API to %s, and this org does not serve the sfaccess setup "+
			"extension that provides one. Make the change in %s instead, and leave it out of the "+
			"configuration (or use lifecycle ignore_changes).", what, setupPage))
}

// featureNotProvisionedDiag reports at plan time that API Access Control flags cannot be switched
// on because Salesforce Support has not enabled the feature for the org.
func featureNotProvisionedDiag(p path.Path) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(p, "API Access Control Not Provisioned",
		"API Access Control isn't enabled for this org, so this limit cannot be switched on. Contact "+
			"Salesforce Customer Support to enable it, or leave the attribute false.")
}

// userNotFoundDiag reports a username the org does not have.
func userNotFoundDiag(p path.Path, username string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(p, "User Not Found",
		fmt.Sprintf("The org has no user with the username %q. Usernames are the login names shown in Setup > Users.", username))
}

// permissionSetNotFoundDiag reports a permission set name the org lacks and the plan does not create.
func permissionSetNotFoundDiag(name string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("permission_set_name"), "Permission Set Not Found",
		fmt.Sprintf("The org has no permission set with the API name %q, and this plan "+
			"does not create one. Use the API name shown in Setup > Permission Sets, or, when the permission set is "+
			"managed by this configuration, set permission_set_name = sfaccess_permission_set.<name>.name so "+
			"Terraform creates it first.", name))
}

// planCheckFailed reports a plan-time check that could not run. It is an error, whatever the
// cause: a plan that could not be checked is not a plan to trust, and the failures that end here
// (rejected credentials, a missing permission, an org that did not answer after the retries)
// would fail the apply too. Rejected credentials name the ones this provider configuration uses.
// Only a provider configuration that is not known yet defers the checks (canPlanCheck).
func (d *providerData) planCheckFailed(what string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(orgErrorSummary(err), withCredentialsToFix(orgErrorDetail("checking "+what+" while planning", err), err, d.credentials))
}

// withCredentialsToFix ends the detail of a rejected login with the credentials to fix.
func withCredentialsToFix(detail string, err error, credentials string) string {
	if orgapi.KindOf(err) != orgapi.KindAuth || credentials == "" {
		return detail
	}
	return strings.TrimSuffix(detail, ".") + ". Fix " + credentials + "."
}

// credentialsToFix names the attributes, with their environment variables, that the configured
// authentication method logs in with, and what each must be, for an error that says the org
// rejected them.
func credentialsToFix(c orgapi.Config) string {
	switch {
	case c.AccessToken != "":
		return "access_token (" + envAccessToken + "): the token may have expired or been revoked, or belong to another org than instance_url"
	case c.ClientSecret != "":
		return "client_secret (" + envClientSecret + ") or client_id (" + envClientID + "): they must be the consumer secret " +
			"and consumer key of a connected app with the client credentials flow enabled and a run-as user"
	case c.PrivateKeyPEM != "" || c.Username != "":
		return "private_key (" + envPrivateKey + "), username (" + envUsername + ") or client_id (" + envClientID + "): the key " +
			"must match the certificate of the connected app client_id names, and the user must be approved for that app"
	}
	return ""
}

// profileOwnedDiag explains that a permission set belongs to a profile, what err (KindProfileOwned)
// said of it, and what to do instead.
func profileOwnedDiag(err error, instead string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Profile-Owned Permission Set",
		fmt.Sprintf("%s. Salesforce does not let a profile's own permission set be managed, assigned or imported on its own. %s", sentence(err), instead))
}

// isProfileOwned reports whether the org said a permission set belongs to a profile.
func isProfileOwned(err error) bool { return errors.Is(err, orgapi.ErrProfileOwned) }

// isNotFound reports whether the org said the object does not exist (deleted outside Terraform,
// or never created).
func isNotFound(err error) bool { return errors.Is(err, orgapi.ErrNotFound) }

// sentence is err's message without its final period, for a detail that goes on after it: the
// org's messages and orgapi's hints end in one.
func sentence(err error) string { return strings.TrimSuffix(err.Error(), ".") }

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	if c := s[0]; c >= 'a' && c <= 'z' {
		return string(c-'a'+'A') + s[1:]
	}
	return s
}
