package provider

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// Shared plan-time validators. Each message says what is allowed, so a failed plan tells the user
// how to fix the value.

// markdownList renders names as "`A`, `B`, `C`" for attribute descriptions.
func markdownList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}
	return strings.Join(quoted, ", ")
}

// userTypeNames are the User.UserType values, from the access rules.
func userTypeNames() []string {
	names := make([]string, len(access.UserTypes))
	for i, t := range access.UserTypes {
		names[i] = string(t)
	}
	return names
}

// stringCheck adapts a check function (returning "" for a valid value, or the reason) to a
// framework string validator; unknown and null values are left alone.
type stringCheck struct {
	description string
	check       func(string) string
}

var _ validator.String = stringCheck{}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.check(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value", msg)
	}
}

// apiNamePattern is Salesforce's rule for API (developer) names.
var apiNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

const maxAPINameLength = 80

// checkAPIName returns why name is not a Salesforce API name, or "".
func checkAPIName(name string) string {
	const rule = "API names start with a letter, contain only letters, digits and single underscores, do " +
		"not end with an underscore, and have at most 80 characters (e.g. Partner_Portal_Mobile)."
	switch {
	case name == "":
		return "The API name is empty. " + rule
	case len(name) > maxAPINameLength:
		return fmt.Sprintf("%q has %d characters. %s", name, len(name), rule)
	case !apiNamePattern.MatchString(name), strings.Contains(name, "__"), strings.HasSuffix(name, "_"):
		return fmt.Sprintf("%q is not a valid API name. %s", name, rule)
	}
	return ""
}

// apiNameValidator validates Salesforce API names of connected apps and permission sets.
func apiNameValidator() validator.String {
	return stringCheck{
		description: "must be a Salesforce API name: a letter first, then letters, digits and single underscores, at most 80 characters",
		check:       checkAPIName,
	}
}

// checkUsername returns why s is not a Salesforce username (which has the form of an email
// address), or "".
func checkUsername(s string) string {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") {
		return fmt.Sprintf("%q is not a Salesforce username; usernames have the form of an email address, e.g. partner@acme.test.", s)
	}
	if len(s) > 80 {
		return fmt.Sprintf("%q has %d characters; Salesforce usernames have at most 80.", s, len(s))
	}
	return ""
}

// usernameValidator validates Salesforce usernames.
func usernameValidator() validator.String {
	return stringCheck{description: "must be a Salesforce username in the form of an email address", check: checkUsername}
}

// oneOfCheck returns a check that accepts exactly the given names, matched case-sensitively as the
// org does, and suggests the intended name on a case mistake.
func oneOfCheck(kind string, allowed []string) func(string) string {
	return func(s string) string {
		for _, a := range allowed {
			if s == a {
				return ""
			}
		}
		for _, a := range allowed {
			if strings.EqualFold(s, a) {
				return fmt.Sprintf("%q is not a known %s; names are case-sensitive: did you mean %q? Allowed: %s.",
					s, kind, a, strings.Join(allowed, ", "))
			}
		}
		return fmt.Sprintf("%q is not a known %s. Allowed: %s.", s, kind, strings.Join(allowed, ", "))
	}
}

// userPermissionValidator validates a user permission name against the names the org knows.
func userPermissionValidator() validator.String {
	names := orgapi.UserPermissions()
	return stringCheck{
		description: "must be one of " + strings.Join(names, ", "),
		check:       oneOfCheck("user permission", names),
	}
}

// userTypeValidator validates a User.UserType value.
func userTypeValidator() validator.String {
	names := userTypeNames()
	return stringCheck{description: "must be one of " + strings.Join(names, ", "), check: oneOfCheck("user type", names)}
}

// noControlCharacters refuses control characters (U+0000–U+001F, U+007F–U+009F) in a label, and
// in a description all but line breaks and tabs: the org does not store them as sent (the
// Metadata API's XML cannot carry most of them, and a carriage return comes back as a line
// break), so a value holding one would read back different and leave the resource tainted.
func noControlCharacters(what string, multiline bool) validator.String {
	allowed := "no control characters"
	if multiline {
		allowed = "no control characters other than line breaks (\\n) and tabs"
	}
	return stringCheck{
		description: "must contain " + allowed,
		check: func(v string) string {
			for i, r := range v {
				lineBreakOrTab := r == '\n' || r == '\t'
				if (r < 0x20 || (r >= 0x7f && r <= 0x9f)) && (!multiline || !lineBreakOrTab) {
					return fmt.Sprintf("The %s has the control character U+%04X at byte %d; it may contain %s.", what, r, i, allowed)
				}
			}
			return ""
		},
	}
}
