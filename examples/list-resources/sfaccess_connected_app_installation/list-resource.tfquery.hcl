# Every installed connected app, whether created in the org, packaged or from another org.
list "sfaccess_connected_app_installation" "all" {
  provider         = sfaccess
  include_resource = true
}

# Installed apps that are blocked.
list "sfaccess_connected_app_installation" "blocked" {
  provider = sfaccess

  config {
    blocked = true
  }
}
