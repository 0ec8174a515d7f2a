# Connected apps are imported by their API name.
import {
  to = sfaccess_connected_app.portal_mobile
  id = "Portal_Mobile"
}
