# Connected apps created in the org that are installed and not blocked.
list "sfaccess_connected_app" "in_use" {
  provider         = sfaccess
  include_resource = true

  config {
    installed = true
    blocked   = false
  }
}

# Connected apps whose API name starts with "Portal_".
list "sfaccess_connected_app" "portal" {
  provider = sfaccess

  config {
    name_prefix = "Portal_"
  }
}
