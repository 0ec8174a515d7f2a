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

func TestProviderValueValidators(t *testing.T) {
	runValidatorCases(t, stringCheck{check: checkOrgURL}, []validatorCase{
		{"https://acme.my.salesforce.com", ""},
		{"https://acme.my.salesforce.com/", ""},
		{"http://127.0.0.1:8080", ""},
		{"http://[::1]:8080", ""},
		{"http://localhost", ""},
		{"http://acme.my.salesforce.com", "plain http"},
		{"https://acme.my.salesforce.com/services", "has a path"},
		{"acme.my.salesforce.com", "not an absolute http(s) URL"},
		{"ftp://acme", "not an absolute http(s) URL"},
	})
	runValidatorCases(t, stringCheck{check: checkAPIVersion}, []validatorCase{
		{"66.0", ""},
		{"47.0", ""},
		{"46.0", "retired"},
		{"66", "not an API version"},
		{"v66.0", "not an API version"},
	})
	runValidatorCases(t, stringCheck{check: checkDuration}, []validatorCase{
		{"30s", ""},
		{"1m30s", ""},
		{"0s", "not a positive duration"},
		{"-5s", "not a positive duration"},
		{"30", "not a positive duration"},
	})
}
