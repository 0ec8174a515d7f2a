# An installation is imported by the connected app's API name.
import {
  to = sfaccess_connected_app_installation.partner_portal_mobile
  id = "Partner_Portal_Mobile"
}
