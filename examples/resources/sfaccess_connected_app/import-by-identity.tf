# Terraform 1.12 and later: import a connected app by its API name.
import {
  to = sfaccess_connected_app.portal_mobile
  identity = {
    name = "Portal_Mobile"
  }
}
