# Terraform 1.12 and later: import an assignment by the permission set and the user.
import {
  to = sfaccess_permission_set_assignment.portal_mobile_users["partner@acme.test"]
  identity = {
    permission_set_name = "Portal_Mobile_Users"
    username            = "partner@acme.test"
  }
}
