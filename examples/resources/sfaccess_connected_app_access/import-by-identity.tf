# Terraform 1.12 and later: import a grant by the app and the permission set ...
import {
  to = sfaccess_connected_app_access.portal_mobile_users
  identity = {
    connected_app_name  = "Partner_Portal_Mobile"
    permission_set_name = "Portal_Mobile_Users"
  }
}

# ... or by the app and the profile.
import {
  to = sfaccess_connected_app_access.partner_profile
  identity = {
    connected_app_name = "Partner_Portal_Mobile"
    profile_name       = "Partner Community User"
  }
}
