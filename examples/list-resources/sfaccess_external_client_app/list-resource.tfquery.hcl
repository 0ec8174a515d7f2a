# External Client Apps created in the org whose OAuth plugin is switched on.
list "sfaccess_external_client_app" "enabled" {
  provider         = sfaccess
  include_resource = true

  config {
    oauth_plugin_enabled = true
  }
}

# Apps every user may self-authorize, with a name starting with "Partner_".
list "sfaccess_external_client_app" "self_authorized" {
  provider = sfaccess

  config {
    name_prefix               = "Partner_"
    admin_approved_users_only = false
  }
}
