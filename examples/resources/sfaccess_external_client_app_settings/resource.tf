# Let the sfaccess_external_client_app_credentials ephemeral resource and
# consumer_secret_rotation read consumer secrets through the REST API.
resource "sfaccess_external_client_app_settings" "this" {
  allow_consumer_secrets_via_rest_api = true
}
