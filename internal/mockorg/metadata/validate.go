package metadata

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

var (
	// apiName is Salesforce's rule for API names: letters, digits and single underscores, starting
	// with a letter and not ending with an underscore.
	apiName = regexp.MustCompile(`^[A-Za-z](?:[A-Za-z0-9]|_[A-Za-z0-9])*$`)
	// consumerKeyPattern: the documentation says 8–256 alphanumerics, but keys Salesforce generates
	// contain "." and "_" (3MVG9….x_Y), and a retrieved app must deploy again unchanged.
	consumerKeyPattern    = regexp.MustCompile(`^[A-Za-z0-9._]{8,256}$`)
	consumerSecretPattern = regexp.MustCompile(`^[A-Za-z0-9]{8,256}$`)
	refreshTokenPolicy    = regexp.MustCompile(`^(?:zero|infinite|specific_(?:lifetime|inactivity):[1-9][0-9]{0,3}:(?:HOURS|DAYS|MONTHS))$`)
)

// ValidRefreshTokenPolicy reports whether s is a refreshTokenPolicy value: "zero", "infinite",
// "specific_lifetime:<n>:HOURS|DAYS|MONTHS" or "specific_inactivity:<n>:HOURS|DAYS|MONTHS". It is
// mockorg's oracle copy of orgapi.ValidRefreshTokenPolicy, pinned by
// TestOracleRefreshTokenPolicyMatchesOrgapi.
func ValidRefreshTokenPolicy(s string) bool { return refreshTokenPolicy.MatchString(s) }

// Validate returns the per-component errors Salesforce reports when saving this app (a SaveResult
// or UpsertResult with success=false), or nil. Call it on the app as it will be stored, after an
// update has been merged with the stored grants. It checks the component alone; what depends on the
// org (duplicate consumer keys, unknown profiles or permission sets, a changed consumerKey) is the
// handler's.
func (a *ConnectedApp) Validate() []Error {
	var errs []Error
	required := func(field, value string) {
		if strings.TrimSpace(value) == "" {
			errs = append(errs, Error{StatusCode: StatusRequiredFieldMissing, Message: "Required field is missing: " + field, Fields: []string{field}})
		}
	}
	invalid := func(field, format string, args ...any) {
		errs = append(errs, Error{StatusCode: StatusFieldIntegrityException, Message: fmt.Sprintf(format, args...), Fields: []string{field}})
	}

	required("fullName", a.FullName)
	if a.FullName != "" && !apiName.MatchString(a.FullName) {
		invalid("fullName", "The API name %q can only contain underscores and alphanumeric characters, must begin with a letter, not end with an underscore, and not contain two consecutive underscores", a.FullName)
	}
	required("label", a.Label)
	required("contactEmail", a.ContactEmail)
	if a.ContactEmail != "" && !plausibleEmail(a.ContactEmail) {
		invalid("contactEmail", "Contact Email: invalid email address: %s", a.ContactEmail)
	}
	for field, u := range map[string]string{"infoUrl": a.InfoURL, "logoUrl": a.LogoURL} {
		if u != "" && !absoluteURL(u, false) {
			invalid(field, "%s: Invalid URL: %s", field, u)
		}
	}

	adminApproved := false
	if o := a.OAuthConfig; o != nil {
		adminApproved = o.IsAdminApproved != nil && *o.IsAdminApproved
		urls := CallbackURLs(o.CallbackURL)
		if len(urls) == 0 {
			required("callbackUrl", "")
		}
		for _, u := range urls {
			if !absoluteURL(u, false) {
				invalid("callbackUrl", "Callback URL: Invalid URL: %s", u)
				break
			}
		}
		if o.ConsumerKey != "" && !consumerKeyPattern.MatchString(o.ConsumerKey) {
			invalid("consumerKey", "Consumer Key must be 8 to 256 alphanumeric characters")
		}
		if o.ConsumerSecret != "" && !consumerSecretPattern.MatchString(o.ConsumerSecret) {
			// The message must not echo the secret.
			invalid("consumerSecret", "Consumer Secret must be 8 to 256 alphanumeric characters")
		}
		if o.IsClientCredentialEnabled != nil && *o.IsClientCredentialEnabled && strings.TrimSpace(o.OAuthClientCredentialUser) == "" {
			invalid("oauthClientCredentialUser", "The client credentials flow needs a Run As user (oauthClientCredentialUser)")
		}
	}
	if p := a.OAuthPolicy; p != nil {
		required("ipRelaxation", p.IPRelaxation)
		required("refreshTokenPolicy", p.RefreshTokenPolicy)
		if p.RefreshTokenPolicy != "" && !ValidRefreshTokenPolicy(p.RefreshTokenPolicy) {
			invalid("refreshTokenPolicy", "Refresh Token Policy: invalid value %q", p.RefreshTokenPolicy)
		}
		if p.SingleLogoutURL != "" && !absoluteURL(p.SingleLogoutURL, true) {
			invalid("singleLogoutUrl", "Single Logout URL must be an https URL: %s", p.SingleLogoutURL)
		}
	}
	// Grants only mean something when users need approval (the documentation: profileName and
	// permissionSetName require oauthConfig.isAdminApproved=true).
	for field, names := range map[string][]string{"profileName": a.ProfileName, "permissionSetName": a.PermissionSetName} {
		if len(names) > 0 && !adminApproved {
			invalid(field, "%s can be set only when oauthConfig.isAdminApproved is true (Admin approved users are pre-authorized)", field)
		}
	}
	// Maps above iterate in random order; sort by field so results are stable.
	slices.SortStableFunc(errs, func(x, y Error) int { return strings.Compare(x.Fields[0], y.Fields[0]) })
	return errs
}

func absoluteURL(s string, httpsOnly bool) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	if httpsOnly {
		return u.Scheme == "https" && u.Host != ""
	}
	// Mobile apps register custom schemes (myapp://callback); web schemes need a host.
	if u.Scheme == "http" || u.Scheme == "https" {
		return u.Host != ""
	}
	return u.Opaque != "" || u.Host != "" || u.Path != ""
}

func plausibleEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(s, " \t\r\n<>") && !strings.Contains(domain, "@")
}
