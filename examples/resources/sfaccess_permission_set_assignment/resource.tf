resource "sfaccess_permission_set" "portal_mobile_users" {
  name  = "Portal_Mobile_Users"
  label = "Portal Mobile Users"
}

# Assign the permission set to each partner who may use the mobile app.
resource "sfaccess_permission_set_assignment" "portal_mobile_users" {
  for_each = toset(["partner@acme.test", "customerplus@acme.test"])

  permission_set_name = sfaccess_permission_set.portal_mobile_users.name
  username            = each.value
}
