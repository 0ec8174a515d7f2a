# Who may use the portal app: its grants to permission sets and profiles.
list "sfaccess_connected_app_access" "portal_mobile" {
  provider         = sfaccess
  include_resource = true

  config {
    connected_app_name = "Partner_Portal_Mobile"
  }
}

# Which apps one permission set grants.
list "sfaccess_connected_app_access" "portal_users" {
  provider = sfaccess

  config {
    permission_set_name = "Portal_Mobile_Users"
  }
}
