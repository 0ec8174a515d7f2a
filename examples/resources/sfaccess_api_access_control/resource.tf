# Setup > Security > API Access Control. A singleton: one per org. Destroying it
# restores Salesforce's defaults (every option off).
#
# Creating it takes over the settings the org has now, and the plan says so, as
# sfaccess_api_access_control Adopts the Org's Settings;
# import it by the org id instead to see the current values in the plan first.
#
# The plan that switches a limit on warns, as
# API Access Impact of sfaccess_api_access_control,
# which users it cuts off, from the org's OAuth usage: in the embedded mock org,
# the customers and partners who use apps that are not installed. Read it before
# you apply; access_loss = "fail" on the provider makes it an error in pipelines.
resource "sfaccess_api_access_control" "this" {
  # "For customers and partners, limit API access to only installed connected apps":
  # Experience Cloud users reach the API only through apps installed (and not
  # blocked) on the Connected Apps OAuth Usage page.
  limit_external_users_to_installed_apps = true

  # "For admin-approved users, limit API access to only allowlisted connected apps":
  # the same for every user, employees included. Users with the "Use Any API
  # Client" permission bypass both limits.
  limit_all_users_to_approved_apps = false

  # "Allow Visualforce pages to access APIs": lets Visualforce pages that call the
  # API with their session id keep working under the limits. Salesforce has no
  # public API for this option, so it needs the sfaccess setup extension.
  allow_visualforce_api_access = false
}
