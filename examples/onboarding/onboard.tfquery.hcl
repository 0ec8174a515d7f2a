# Everything sfaccess manages that the org already has. include_resource makes
# Terraform fetch each object in full, which -generate-config-out needs.

list "sfaccess_api_access_control" "org" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_connected_app" "apps" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_connected_app_installation" "installed" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_connected_app_access" "grants" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_permission_set" "sets" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_permission_set_assignment" "assignments" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_external_client_app" "ecas" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_external_client_app_access" "eca_grants" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_external_client_app_settings" "eca_settings" {
  provider         = sfaccess
  include_resource = true
}
