# Let the sfaccess_external_client_app_credentials ephemeral resource and
# consumer_secret_rotation read consumer secrets through the REST API.
#
# A singleton: creating it takes over the org's settings, and the plan says so, as
# sfaccess_external_client_app_settings Adopts the Org's Settings;
# destroying it restores the defaults. Import it (id ExternalClientApp) to see
# the current values in the plan first.
resource "sfaccess_external_client_app_settings" "this" {
  allow_consumer_secrets_via_rest_api = true
}
