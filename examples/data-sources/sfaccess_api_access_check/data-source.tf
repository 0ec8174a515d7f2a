# Ask the org's live settings whether a user may reach the API through an app,
# and which rule decides it. The answer is computed from the same rules
# Salesforce applies; use it to prove a change does what it should.
data "sfaccess_api_access_check" "customer_via_workbench" {
  username           = "customer@acme.test"
  connected_app_name = "Workbench"
}

# The same question for a Visualforce page that hands its session id to a client.
data "sfaccess_api_access_check" "partner_via_visualforce" {
  username = "partner@acme.test"
  channel  = "visualforce"
}

# On a fresh org this check already holds: customer@acme.test never authorized
# Workbench, and Salesforce refuses an uninstalled app to a user who never
# authorized it (rule uninstalled_app_restricted). Ask the same for
# partner@acme.test, who did authorize it, and the check fails until the
# external-user limit of sfaccess_api_access_control is on (rule
# external_app_not_installed): failing is what the check is for.
check "customers_locked_out_of_workbench" {
  assert {
    condition     = !data.sfaccess_api_access_check.customer_via_workbench.allowed
    error_message = "customer@acme.test can reach the API through Workbench (rule ${data.sfaccess_api_access_check.customer_via_workbench.rule})."
  }
}

output "partner_via_visualforce" {
  value = "${data.sfaccess_api_access_check.partner_via_visualforce.allowed ? "allowed" : "denied"}: ${data.sfaccess_api_access_check.partner_via_visualforce.message}"
}
