# The incident kill switch: end every user's sessions of an app now, leaving it
# installed and unblocked. Run it by hand with
#   terraform apply -invoke=action.sfaccess_revoke_app_sessions.partner_portal_mobile
action "sfaccess_revoke_app_sessions" "partner_portal_mobile" {
  config {
    connected_app_name = "Partner_Portal_Mobile"
  }
}

# Or through review: changing the incident note in a pull request revokes the
# sessions when the change is applied.
resource "terraform_data" "partner_portal_mobile_incident" {
  input = "INC-1042: a partner's phone was stolen"

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.sfaccess_revoke_app_sessions.partner_portal_mobile]
    }
  }
}
