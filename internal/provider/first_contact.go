package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

const envFirstContactTimeout = "SFACCESS_FIRST_CONTACT_TIMEOUT"

func firstContactTimeoutAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("How long, over all attempts, the provider tries to reach `instance_url` "+
			"(and `login_url`) before it has ever answered, as a Go duration such as `30s` or `2m`. Until then a failure "+
			"that retrying cannot fix (a TLS error, a plain-HTTP answer to `https://`, a refused connection to this "+
			"machine, a host that does not resolve) fails at once, and the others (a timeout, a host that accepts "+
			"connections and never answers, a refused connection to another host) are retried only within this time; "+
			"the error names the URL and what to check. Once the org has answered, `max_retries` and `request_timeout` "+
			"apply. Must be positive. Falls back to `%s`. Defaults to `%s`.", envFirstContactTimeout, orgapi.DefaultFirstContactTimeout),
		Optional: true,
	}
}

// startLogin obtains the client's token while Configure checks the API version: on a real org
// each is a round trip.
func startLogin(ctx context.Context, client *orgapi.Client) <-chan error {
	done := make(chan error, 1)
	go func() { done <- client.Authenticate(ctx) }()
	return done
}

// checkLogin waits for the login startLogin began and fails the configuration when it failed.
// Every resource would meet the same failure, since orgapi shares a failed login with every later
// caller, and each would report it; Terraform shows an error of the provider's configuration
// once, and runs no resource after it, so nothing is read, planned or written.
func checkLogin(login <-chan error, credentials string, diags *diag.Diagnostics) {
	if err := <-login; err != nil {
		diags.Append(connectFailedDiag(err, credentials))
	}
}

// connectFailedDiag reports that the provider could not connect to the org or log in. The
// failure to reach a URL is one error however many calls met it, so the API version check and
// the login report it in the same words, and diag.Diagnostics keeps one of the two.
func connectFailedDiag(err error, credentials string) diag.Diagnostic {
	return diag.NewErrorDiagnostic(orgErrorSummary(err), withCredentialsToFix(orgErrorDetail("connecting to the org", err), err, credentials))
}
