# Profiles and permission sets decide who may use a connected app only when its
# Permitted Users are "Admin approved users are pre-authorized"
# (admin_approved_users_only = true); an app that lets users self-authorize
# ignores them, and the provider warns that such a grant restricts nobody.
# Partner_Portal_Mobile lets users self-authorize in the embedded mock org, so
# this example brings the existing app under management (import) and makes it
# admin-approved before granting it. Making it admin-approved cuts off whoever
# uses it without a grant, and the plan says so first, as
# API Access Impact of sfaccess_connected_app "Partner_Portal_Mobile":
# the customers who use the app in the embedded mock org.
import {
  to = sfaccess_connected_app.partner_portal_mobile
  id = "Partner_Portal_Mobile"
}

resource "sfaccess_connected_app" "partner_portal_mobile" {
  name                      = "Partner_Portal_Mobile"
  label                     = "Partner Portal Mobile"
  contact_email             = "mobile@acme.test"
  callback_urls             = ["acmemobile://oauth/callback"]
  scopes                    = ["Api", "RefreshToken"]
  admin_approved_users_only = true
}

# Grant the app through a permission set ...
resource "sfaccess_permission_set" "portal_mobile_users" {
  name  = "Portal_Mobile_Users"
  label = "Portal Mobile Users"
}

resource "sfaccess_connected_app_access" "portal_mobile_users" {
  connected_app_name  = sfaccess_connected_app.partner_portal_mobile.name
  permission_set_name = sfaccess_permission_set.portal_mobile_users.name
}

# ... or through a profile.
resource "sfaccess_connected_app_access" "partner_profile" {
  connected_app_name = sfaccess_connected_app.partner_portal_mobile.name
  profile_name       = "Partner Community User"
}
