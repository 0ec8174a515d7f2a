# Grant users access to an app whose Permitted Users are "Admin approved users
# are pre-authorized": through a permission set ...
resource "sfaccess_permission_set" "portal_mobile_users" {
  name  = "Portal_Mobile_Users"
  label = "Portal Mobile Users"
}

resource "sfaccess_connected_app_access" "portal_mobile_users" {
  connected_app_name  = "Partner_Portal_Mobile"
  permission_set_name = sfaccess_permission_set.portal_mobile_users.name
}

# ... or through a profile.
resource "sfaccess_connected_app_access" "partner_profile" {
  connected_app_name = "Partner_Portal_Mobile"
  profile_name       = "Partner Community User"
}
