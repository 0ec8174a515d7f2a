# The org's one set of External Client App settings.
list "sfaccess_external_client_app_settings" "org" {
  provider         = sfaccess
  include_resource = true
}
