# Step 2: once clients use the External Client App's consumer key, the connected
# app and its grant leave the configuration, and Terraform deletes them. The
# check keeps proving who gets through.
terraform {
  required_providers {
    sfaccess = {
      source = "sfaccess/sfaccess"
    }
  }
}

locals {
  users = ["employee@acme.test", "partner@acme.test"]
}

resource "sfaccess_external_client_app" "ledger" {
  name                      = "Ledger"
  label                     = "Ledger"
  contact_email             = "platform@acme.test"
  callback_url              = "https://ledger.acme.test/oauth/callback"
  scopes                    = ["Api", "RefreshToken"]
  admin_approved_users_only = true
}

resource "sfaccess_external_client_app_access" "ledger_standard_users" {
  external_client_app_name = sfaccess_external_client_app.ledger.name
  profile_name             = "Standard User"
}

data "sfaccess_api_access_check" "via_external_client_app" {
  count                    = length(local.users)
  username                 = local.users[count.index]
  channel                  = "external_client_app"
  external_client_app_name = sfaccess_external_client_app.ledger.name

  depends_on = [sfaccess_external_client_app_access.ledger_standard_users]
}

check "employees_get_through" {
  assert {
    condition     = data.sfaccess_api_access_check.via_external_client_app[0].allowed
    error_message = "Employees no longer reach the API through the External Client App."
  }
}

output "access" {
  value = { for i, u in local.users : u => data.sfaccess_api_access_check.via_external_client_app[i].rule }
}
