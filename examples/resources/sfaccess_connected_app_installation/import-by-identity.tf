# Terraform 1.12 and later: import an installation by the app's API name.
import {
  to = sfaccess_connected_app_installation.partner_portal_mobile
  identity = {
    connected_app_name = "Partner_Portal_Mobile"
  }
}
