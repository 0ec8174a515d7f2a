# Since Spring '26 Salesforce refuses to create connected apps (help 005228017)
# unless Support re-enabled creation for the org; existing apps can still be
# imported (see import.sh), updated and deleted. New integrations use External
# Client Apps. To rehearse this example, run sfaccess-mockorg with a --seed file
# whose organization allows creation, as orgs did before Spring '26:
# "organization": { "connectedAppCreationAllowed": true }.
#
# A connected app for a partner portal's mobile client. Only users whose profile
# or permission set is granted the app may use it (see sfaccess_connected_app_access).
resource "sfaccess_connected_app" "portal_mobile" {
  name          = "Portal_Mobile"
  label         = "Portal Mobile"
  contact_email = "platform-team@acme.example"
  description   = "The partner portal's mobile app."
  info_url      = "https://portal.acme.example/mobile"
  callback_urls = ["https://portal.acme.example/oauth/callback"]
  scopes        = ["Api", "RefreshToken"]

  admin_approved_users_only = true
  pkce_required             = true
  ip_relaxation             = "ENFORCE"
  refresh_token_policy      = "specific_inactivity:7:DAYS"

  # A public mobile client cannot keep a secret, so its refresh tokens are
  # accepted without one (Salesforce's default, true, requires it).
  refresh_token_requires_secret = false

  # The consumer secret is write-only (Terraform 1.11 and later): it is sent
  # when the app is created and never stored in state or plans.
  consumer_secret_wo         = var.portal_mobile_consumer_secret
  consumer_secret_wo_version = 1
}

# A secret has no default: give it when Terraform asks, or in the environment,
# e.g. export TF_VAR_portal_mobile_consumer_secret=PortalMobileSecret0001
variable "portal_mobile_consumer_secret" {
  description = "Consumer secret for the Portal_Mobile app, 8 to 256 letters and digits."
  type        = string
  sensitive   = true
  ephemeral   = true
}

# An integration that uses the client credentials flow: server to server, with
# no person signing in, acting as an existing, active user. In your org, make
# that a dedicated API-only integration user; the embedded mock org (Acme) has
# none, so this example names one of its users.
resource "sfaccess_connected_app" "erp_sync" {
  name                      = "ERP_Sync"
  label                     = "ERP Sync"
  contact_email             = "platform-team@acme.example"
  callback_urls             = ["https://erp.acme.example/oauth/callback"]
  scopes                    = ["Api"]
  admin_approved_users_only = true
  client_credentials_user   = "employee@acme.test"
}
