package provider

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// Values of the OAuth metadata fields the app resources validate at plan time, as orgapi holds
// them. The schema descriptions are built from the same lists so the documentation cannot drift
// from the checks.
var (
	ipRelaxationValues    = orgapi.IPRelaxationValues()
	ecaIPRelaxationValues = orgapi.ECAIPRelaxationValues()

	// connectedAppScopes are the scopes Salesforce keeps as sent. The scopes it folds on read are
	// in foldedScopes instead: accepting them would make every plan show a diff between the
	// configured name and the one Salesforce returns, so the validator rejects them and names the
	// scope to write. Rejecting is clearer than silently rewriting the user's set: the
	// configuration then says exactly what the org stores, and a reviewer sees no hidden mapping.
	connectedAppScopes = orgapi.OAuthScopes()
	foldedScopes       = orgapi.FoldedScopes()
)

const (
	// connectedAppLabelMaxLength matches the Setup page's "Connected App Name" field, stored in
	// the same 80-character column.
	connectedAppLabelMaxLength = 80
	// Salesforce phone fields hold 40 characters.
	contactPhoneMaxLength = 40
	// Long text fields on Setup metadata such as the connected app description hold 256.
	connectedAppDescriptionMaxLength = 256
	// consumerKey and consumerSecret: 8 to 256 letters and digits (ConnectedAppOauthConfig).
	consumerCredentialMinLength = 8
	consumerCredentialMaxLength = 256
)

var consumerCredentialPattern = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// validLabel rejects blank labels (Salesforce requires one) and labels longer than its column.
func validLabel() validator.String {
	return stringCheck{
		description: fmt.Sprintf("must be 1 to %d characters and not only spaces", connectedAppLabelMaxLength),
		check: func(v string) string {
			if strings.TrimSpace(v) == "" {
				return "The label must not be empty: Salesforce requires a connected app label."
			}
			if n := len([]rune(v)); n > connectedAppLabelMaxLength {
				return fmt.Sprintf("The label has %d characters; Salesforce allows at most %d.", n, connectedAppLabelMaxLength)
			}
			return ""
		},
	}
}

// validMaxLength is for optional free text: an empty string is refused because Salesforce stores
// it as absent, so "" in the configuration would differ from what every refresh reads back.
func validMaxLength(what string, maxLength int) validator.String {
	return stringCheck{
		description: fmt.Sprintf("must be 1 to %d characters", maxLength),
		check: func(v string) string {
			if v == "" {
				return fmt.Sprintf("The %s must not be an empty string: Salesforce stores an empty value as absent. Remove the attribute instead.", what)
			}
			if n := len([]rune(v)); n > maxLength {
				return fmt.Sprintf("The %s has %d characters; Salesforce allows at most %d.", what, n, maxLength)
			}
			return ""
		},
	}
}

func validContactEmail() validator.String {
	return stringCheck{
		description: "must be a plain email address such as `admin@example.com`",
		check: func(v string) string {
			addr, err := mail.ParseAddress(v)
			if err != nil || addr.Address != v || addr.Name != "" || !strings.Contains(v[strings.LastIndex(v, "@")+1:], ".") {
				return fmt.Sprintf("%q is not a valid email address; write a plain address such as admin@example.com, without a display name.", v)
			}
			return ""
		},
	}
}

// validWebURL checks the info and start URLs, pages a browser opens: https only.
func validWebURL(what string) validator.String {
	return stringCheck{
		description: "must be an absolute `https://` URL",
		check:       func(v string) string { return checkOAuthURL(what, v, false) },
	}
}

// validCallbackURL checks OAuth redirect URLs. Following RFC 8252 (OAuth 2.0 for native apps),
// plain http is accepted only for loopback redirects, which local tools use, and a private-use
// scheme such as com.acme.mobile:/oauth or acmemobile://callback is accepted because mobile apps
// receive their redirect through one. Everything else must be https so authorization codes never
// cross the network in clear text; schemes that a browser would execute or read locally
// (javascript:, data:, file: …) are refused.
func validCallbackURL() validator.String {
	return stringCheck{
		description: "must be an absolute `https://` URL; `http://` only for `localhost` or a loopback address; or a native app's private-use scheme such as `com.acme.mobile:/oauth`",
		check:       func(v string) string { return checkOAuthURL("callback URL", v, true) },
	}
}

// schemesNeverRedirected are schemes that cannot be a safe OAuth redirect target.
var schemesNeverRedirected = map[string]bool{
	"javascript": true, "vbscript": true, "data": true, "file": true, "blob": true, "about": true, "ftp": true, "ws": true, "wss": true,
}

func checkOAuthURL(what, v string, callback bool) string {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" {
		return fmt.Sprintf("The %s %q is not an absolute URL; write it as https://host/path.", what, v)
	}
	if u.Fragment != "" || strings.HasSuffix(v, "#") {
		return fmt.Sprintf("The %s %q has a fragment (#...); OAuth URLs must not contain one.", what, v)
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "https":
		if u.Host == "" {
			return fmt.Sprintf("The %s %q has no host; write it as https://host/path.", what, v)
		}
		return ""
	case scheme == "http" && callback:
		if u.Host != "" && orgapi.IsLoopback(u.Hostname()) {
			return ""
		}
		return fmt.Sprintf("The %s %q uses http://; only https:// is allowed, except for localhost or a loopback address (127.0.0.1, [::1]).", what, v)
	case scheme == "http":
		return fmt.Sprintf("The %s %q uses http://; only https:// is allowed.", what, v)
	case callback && !schemesNeverRedirected[scheme] && (u.Host != "" || u.Path != "" || u.Opaque != ""):
		return ""
	case callback:
		return fmt.Sprintf("The %s %q uses the scheme %q, which cannot receive an OAuth redirect; use https://, http://localhost for local tools, or your mobile app's own scheme.", what, v, u.Scheme)
	}
	return fmt.Sprintf("The %s %q uses the scheme %q; only https:// is allowed.", what, v, u.Scheme)
}

// validScope accepts the scopes Salesforce keeps as written and explains, for the ones it folds,
// which scope to write instead.
func validScope() validator.String {
	return stringCheck{
		description: "must be one of " + markdownList(connectedAppScopes),
		check: func(v string) string {
			if into, folded := foldedScopes[v]; folded {
				return fmt.Sprintf("Use %s instead of %s: Salesforce stores %s as %s, so %s would show a diff on every plan.", into, v, v, into, v)
			}
			for _, s := range connectedAppScopes {
				if s == v {
					return ""
				}
				if strings.EqualFold(s, v) {
					return fmt.Sprintf("Scope names are case-sensitive: write %s instead of %s.", s, v)
				}
			}
			return fmt.Sprintf("%q is not a connected app OAuth scope. Allowed: %s.", v, strings.Join(connectedAppScopes, ", "))
		},
	}
}

func validIPRelaxation() validator.String {
	return stringCheck{
		description: "must be one of " + markdownList(ipRelaxationValues),
		check: func(v string) string {
			for _, s := range ipRelaxationValues {
				if s == v {
					return ""
				}
			}
			return fmt.Sprintf("%q is not an IP relaxation policy. Allowed: %s (ENFORCE enforces the user's IP restrictions, BYPASS_2FACTOR relaxes them when the user has completed two-factor authentication, BYPASS ignores them, ENFORCE_RELAXREFRESH enforces them except for refresh tokens).", v, strings.Join(ipRelaxationValues, ", "))
		},
	}
}

func validRefreshTokenPolicy() validator.String {
	return stringCheck{
		description: "must be `zero`, `infinite`, `specific_lifetime:<n>:HOURS|DAYS|MONTHS` or `specific_inactivity:<n>:HOURS|DAYS|MONTHS`",
		check: func(v string) string {
			if orgapi.ValidRefreshTokenPolicy(v) {
				return ""
			}
			return fmt.Sprintf("%q is not a refresh token policy. Write zero (expire immediately), infinite (valid until revoked), specific_lifetime:<n>:<unit> (expire n units after issue) or specific_inactivity:<n>:<unit> (expire after n units unused), where n is a positive whole number and unit is HOURS, DAYS or MONTHS, for example specific_lifetime:30:DAYS.", v)
		},
	}
}

// validCertificate requires one PEM "CERTIFICATE" block holding an X.509 certificate: the JWT
// bearer flow verifies assertions with its public key, so anything else would break logins at
// run time rather than at plan time.
func validCertificate() validator.String {
	return stringCheck{
		description: "must be a PEM-encoded X.509 certificate (`-----BEGIN CERTIFICATE-----`)",
		check: func(v string) string {
			block, rest := pem.Decode([]byte(v))
			if block == nil {
				return "The certificate is not PEM-encoded; paste the whole -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- block, or use file(\"cert.pem\")."
			}
			if block.Type != "CERTIFICATE" {
				return fmt.Sprintf("The PEM block is a %q, not a CERTIFICATE. Give the certificate whose private key signs the JWT assertions, never the private key itself.", block.Type)
			}
			if _, err := x509.ParseCertificate(block.Bytes); err != nil {
				return fmt.Sprintf("The certificate cannot be parsed as X.509: %s.", err)
			}
			if strings.TrimSpace(string(rest)) != "" {
				return "The value holds more than one PEM block; Salesforce takes exactly one certificate."
			}
			return ""
		},
	}
}

// validConsumerCredential applies Salesforce's rule for consumer keys and secrets.
func validConsumerCredential(what string) validator.String {
	return stringCheck{
		description: fmt.Sprintf("must be %d to %d letters and digits", consumerCredentialMinLength, consumerCredentialMaxLength),
		check: func(v string) string {
			// The value may be a secret: the message never repeats it.
			if n := len(v); n < consumerCredentialMinLength || n > consumerCredentialMaxLength {
				return fmt.Sprintf("The %s has %d characters; Salesforce requires %d to %d.", what, n, consumerCredentialMinLength, consumerCredentialMaxLength)
			}
			if !consumerCredentialPattern.MatchString(v) {
				return fmt.Sprintf("The %s may contain only letters and digits.", what)
			}
			return ""
		},
	}
}

// sortedFoldedScopes lists the folded scope names in a stable order for documentation.
func sortedFoldedScopes() []string {
	names := make([]string, 0, len(foldedScopes))
	for n := range foldedScopes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
