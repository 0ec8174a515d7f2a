# Step 1: the External Client App beside the connected app it replaces, with the
# same Permitted Users policy and the same grants, and a check that the same
# users get through both.
terraform {
  required_providers {
    sfaccess = {
      source = "sfaccess/sfaccess"
    }
  }
}

locals {
  # The users whose access must not change; list the people and integration
  # users of your org. The first must get through.
  users = ["employee@acme.test", "partner@acme.test"]
}

# The connected app as it is today (imported, or created before Spring '26).
resource "sfaccess_connected_app" "ledger" {
  name                      = "Ledger_Legacy"
  label                     = "Ledger"
  contact_email             = "platform@acme.test"
  callback_urls             = ["https://ledger.acme.test/oauth/callback"]
  scopes                    = ["Api", "RefreshToken"]
  admin_approved_users_only = true
}

resource "sfaccess_connected_app_access" "ledger_standard_users" {
  connected_app_name = sfaccess_connected_app.ledger.name
  profile_name       = "Standard User"
}

# Its successor, with the same policy and grants.
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

data "sfaccess_api_access_check" "via_connected_app" {
  count              = length(local.users)
  username           = local.users[count.index]
  connected_app_name = sfaccess_connected_app.ledger.name

  depends_on = [sfaccess_connected_app_access.ledger_standard_users]
}

data "sfaccess_api_access_check" "via_external_client_app" {
  count                    = length(local.users)
  username                 = local.users[count.index]
  channel                  = "external_client_app"
  external_client_app_name = sfaccess_external_client_app.ledger.name

  depends_on = [sfaccess_external_client_app_access.ledger_standard_users]
}

check "same_users_get_through" {
  assert {
    condition = alltrue([
      for i in range(length(local.users)) :
      data.sfaccess_api_access_check.via_connected_app[i].allowed == data.sfaccess_api_access_check.via_external_client_app[i].allowed
    ])
    error_message = "The External Client App does not admit the same users as the connected app."
  }
}

# The rule that decides each user, through each app.
output "access" {
  value = {
    for i, u in local.users : u => {
      connected_app       = data.sfaccess_api_access_check.via_connected_app[i].rule
      external_client_app = data.sfaccess_api_access_check.via_external_client_app[i].rule
    }
  }
}
