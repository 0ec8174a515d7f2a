# A permission set grant is imported as <connected app name>/<permission set name>.
import {
  to = sfaccess_connected_app_access.portal_mobile_users
  id = "Partner_Portal_Mobile/Portal_Mobile_Users"
}

# A profile grant is imported as <connected app name>/profile:<profile name>.
import {
  to = sfaccess_connected_app_access.partner_profile
  id = "Partner_Portal_Mobile/profile:Partner Community User"
}
