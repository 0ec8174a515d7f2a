# The configuration `make demo` applies to sfaccess-mockorg's embedded org
# "Acme". It locks customers and partners out of every API client but the one
# app the org installs, and proves it with sfaccess_api_access_check.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    sfaccess = {
      source = "sfaccess/sfaccess"
    }
  }
}

# Unset variables fall back to the SFACCESS_* environment variables, which is
# how `make demo` points the provider at the mock org it started.
provider "sfaccess" {
  instance_url  = var.instance_url
  client_id     = var.client_id
  client_secret = var.client_secret
}

# 1. The partner portal's mobile app is installed on the Connected Apps OAuth
#    Usage page, so customers and partners may keep using it. Workbench is left
#    uninstalled: once the limit is on, they can no longer reach the API through it.
#    Since September 2025 Salesforce also refuses an uninstalled third-party app
#    to every user who never authorized it, whatever the limits say: only the
#    users who approved Workbench before (and admins with "Approve Uninstalled
#    Connected Apps") keep it.
resource "sfaccess_connected_app_installation" "partner_portal_mobile" {
  connected_app_name = "Partner_Portal_Mobile"
}

# 2. Setup > Security > API Access Control: "For customers and partners, limit
#    API access to only installed connected apps". It waits for the installation
#    and for the integration's bypass (3.), so the partners' app and the
#    integration keep working throughout the apply. The plan warns who loses API
#    access.
resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = true

  depends_on = [
    sfaccess_connected_app_installation.partner_portal_mobile,
    sfaccess_permission_set_assignment.integration,
  ]
}

# 3. One customer account runs a trusted integration that needs any API client:
#    a permission set with "Use Any API Client", assigned to it alone.
resource "sfaccess_permission_set" "api_any_client" {
  name             = "API_Any_Client"
  label            = "API: Use Any API Client"
  description      = "Bypasses API Access Control. Assigned to integration accounts only."
  user_permissions = ["ApiEnabled", "UseAnyApiClient"]
}

resource "sfaccess_permission_set_assignment" "integration" {
  permission_set_name = sfaccess_permission_set.api_any_client.name
  username            = "customerplus@acme.test"
}

# 4. Ask the org, once the changes above are applied, who may now reach the API
#    through which client, and why.
locals {
  users = [
    { username = "employee@acme.test", kind = "employee" },
    { username = "readonly@acme.test", kind = "employee, never used Workbench" },
    { username = "partner@acme.test", kind = "partner" },
    { username = "customer@acme.test", kind = "customer" },
    { username = "customerplus@acme.test", kind = "customer, Use Any API Client" },
  ]

  # "visualforce" stands for a Visualforce page that hands its session id to a client.
  clients = ["Partner_Portal_Mobile", "Workbench", "visualforce"]

  checks = flatten([
    for u in local.users : [
      for client in local.clients : {
        key      = "${u.username} via ${client}"
        username = u.username
        user     = u.kind
        client   = client
      }
    ]
  ])
}

data "sfaccess_api_access_check" "matrix" {
  for_each = { for c in local.checks : c.key => c }

  username           = each.value.username
  connected_app_name = each.value.client == "visualforce" ? null : each.value.client
  channel            = each.value.client == "visualforce" ? "visualforce" : null

  depends_on = [
    sfaccess_api_access_control.this,
    sfaccess_connected_app_installation.partner_portal_mobile,
    sfaccess_permission_set_assignment.integration,
  ]
}

# The point of it all: partners cannot use Workbench. Checked during the apply
# that makes the change (the matrix reads after it), and on every plan after it.
check "partners_locked_out_of_workbench" {
  assert {
    condition     = !data.sfaccess_api_access_check.matrix["partner@acme.test via Workbench"].allowed
    error_message = "partner@acme.test can still reach the API through Workbench."
  }
}
