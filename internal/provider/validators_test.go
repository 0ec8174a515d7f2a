package provider

import (
	"strings"
	"testing"
)

func TestAPINameValidator(t *testing.T) {
	runValidatorCases(t, apiNameValidator(), []validatorCase{
		{"Partner_Portal_Mobile", ""},
		{"A", ""},
		{"a1_b2", ""},
		{strings.Repeat("a", 80), ""},
		{strings.Repeat("a", 81), "has 81 characters"},
		{"1App", "is not a valid API name"},
		{"_App", "is not a valid API name"},
		{"My App", "is not a valid API name"},
		{"My__App", "is not a valid API name"},
		{"MyApp_", "is not a valid API name"},
		{"My-App", "start with a letter"},
		{"", "empty"},
	})
}

func TestUsernameValidator(t *testing.T) {
	runValidatorCases(t, usernameValidator(), []validatorCase{
		{"partner@acme.test", ""},
		{"first.last+tag@sub.acme.com", ""},
		{"partner", "form of an email address"},
		{"partner@acme", "form of an email address"},
		{"Partner <partner@acme.test>", "form of an email address"},
		{"", "form of an email address"},
		{strings.Repeat("a", 75) + "@a.test", "at most 80"},
	})
}

func TestUserPermissionValidator(t *testing.T) {
	runValidatorCases(t, userPermissionValidator(), []validatorCase{
		{"UseAnyApiClient", ""},
		{"ApiEnabled", ""},
		{"CanApproveUninstalledApps", ""},
		{"useanyapiclient", `did you mean "UseAnyApiClient"`},
		{"ViewAllData", "is not a known user permission. Allowed: ApiEnabled, ApiUserOnly"},
	})
}

func TestUserTypeValidator(t *testing.T) {
	runValidatorCases(t, userTypeValidator(), []validatorCase{
		{"PowerPartner", ""},
		{"Guest", ""},
		{"Partner", "is not a known user type. Allowed: Standard, PowerPartner"},
		{"powerpartner", `did you mean "PowerPartner"`},
	})
}
