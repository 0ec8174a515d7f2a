# An installed app keeps the scopes it had when it was installed. The action
# blocks and unblocks it after every in-place update of the app, so a change of
# scopes reaches users (their sessions end, and they log in again).
resource "sfaccess_connected_app" "portal_mobile" {
  name          = "Partner_Portal_Mobile"
  label         = "Partner Portal Mobile"
  contact_email = "mobile-team@acme.test"
  callback_urls = ["com.acme.partners:/oauth/callback"]
  scopes        = ["Api", "RefreshToken", "OpenID"]

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.sfaccess_refresh_app_scopes.portal_mobile]
    }
  }
}

resource "sfaccess_connected_app_installation" "portal_mobile" {
  connected_app_name = sfaccess_connected_app.portal_mobile.name
}

action "sfaccess_refresh_app_scopes" "portal_mobile" {
  config {
    connected_app_name = sfaccess_connected_app.portal_mobile.name
  }
}
