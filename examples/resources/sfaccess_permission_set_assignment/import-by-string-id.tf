# An assignment is imported as <permission set name>/<username>.
import {
  to = sfaccess_permission_set_assignment.portal_mobile_users["partner@acme.test"]
  id = "Portal_Mobile_Users/partner@acme.test"
}
