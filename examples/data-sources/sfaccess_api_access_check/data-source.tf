# Ask the org's live settings whether a user may reach the API through an app,
# and which rule decides it. The answer is computed from the same rules
# Salesforce applies; use it to prove a change does what it should.
data "sfaccess_api_access_check" "partner_via_workbench" {
  username           = "partner@acme.test"
  connected_app_name = "Workbench"
}

# The same question for a Visualforce page that hands its session id to a client.
data "sfaccess_api_access_check" "partner_via_visualforce" {
  username = "partner@acme.test"
  channel  = "visualforce"
}

check "partners_locked_out_of_workbench" {
  assert {
    condition     = !data.sfaccess_api_access_check.partner_via_workbench.allowed
    error_message = "partner@acme.test can reach the API through Workbench (rule ${data.sfaccess_api_access_check.partner_via_workbench.rule})."
  }
}

output "partner_via_visualforce" {
  value = "${data.sfaccess_api_access_check.partner_via_visualforce.allowed ? "allowed" : "denied"}: ${data.sfaccess_api_access_check.partner_via_visualforce.message}"
}
