# An External Client App for a nightly job: the client credentials flow runs as
# an integration user, and only users granted the app (see
# sfaccess_external_client_app_access) may sign in through it.
resource "sfaccess_external_client_app" "billing_sync" {
  name                    = "Billing_Sync"
  label                   = "Billing Sync"
  contact_email           = "platform@acme.test"
  scopes                  = ["Api", "RefreshToken"]
  callback_url            = "https://billing.acme.test/oauth/callback"
  client_credentials_user = "employee@acme.test"

  # Change this value to rotate the consumer key and secret: Terraform stages new
  # credentials, proves they issue a token, then promotes them.
  consumer_secret_rotation = "2026-06"
}
