variable "integration_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "partner_portal_private_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

# A token for the execution user of the Integration app (client credentials
# flow), valid for this plan or apply only: it is never written to the plan or
# the state, and the provider revokes it when Terraform closes it.
ephemeral "sfaccess_access_token" "integration" {
  client_id     = "IntegrationConsumerKey0001"
  client_secret = var.integration_client_secret
}

# A token that acts as one user through the JWT bearer flow. The org applies its
# API Access Control rules: a user the rules refuse gets the org's message.
ephemeral "sfaccess_access_token" "partner" {
  client_id   = "PartnerPortalMobileKey01"
  username    = "partner@acme.test"
  private_key = var.partner_portal_private_key
}

# Any provider that takes a bearer token can use it, e.g. the http provider with
# request_headers = { Authorization = "Bearer ${ephemeral.sfaccess_access_token.integration.access_token}" }.
# Here a second sfaccess configuration reads the org as the integration user.
provider "sfaccess" {
  alias        = "integration"
  instance_url = ephemeral.sfaccess_access_token.integration.instance_url
  access_token = ephemeral.sfaccess_access_token.integration.access_token
}

data "sfaccess_api_access_control" "as_integration" {
  provider = sfaccess.integration
}
