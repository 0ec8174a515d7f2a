# Install an app on the Connected Apps OAuth Usage page, so that customers and
# partners may use it while sfaccess_api_access_control limits them to installed
# apps. Destroying the resource uninstalls the app. Needs the sfaccess setup
# extension: Salesforce has no public API for this page.
resource "sfaccess_connected_app_installation" "partner_portal_mobile" {
  connected_app_name = "Partner_Portal_Mobile"
}

# Keep an app installed but blocked: nobody, not even users with "Use Any API
# Client", can use it, and its existing tokens stop working at once. The plan
# says whom that cuts off, from the org's OAuth usage, as
# API Access Impact of sfaccess_connected_app_installation "Workbench":
# the users of Workbench in the embedded mock org.
resource "sfaccess_connected_app_installation" "workbench" {
  connected_app_name = "Workbench"
  blocked            = true
}

# An allowlisted app keeps the scopes it had when it was installed until it is
# blocked and unblocked. Tie the trigger to the app's scopes and Terraform does
# that whenever they change. This app is created here, which only an org that
# may still create connected apps allows (see sfaccess_connected_app): with
# sfaccess-mockorg, a --seed file with
# "organization": { "connectedAppCreationAllowed": true }.
resource "sfaccess_connected_app" "portal_mobile" {
  name          = "Portal_Mobile"
  label         = "Portal Mobile"
  contact_email = "platform-team@acme.example"
  callback_urls = ["https://portal.acme.example/oauth/callback"]
  scopes        = ["Api", "RefreshToken"]
}

resource "sfaccess_connected_app_installation" "portal_mobile" {
  connected_app_name    = sfaccess_connected_app.portal_mobile.name
  scope_refresh_trigger = join(",", sort(sfaccess_connected_app.portal_mobile.scopes))
}
