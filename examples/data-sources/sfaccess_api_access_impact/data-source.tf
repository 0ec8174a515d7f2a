# Who would lose API access if the external-user limit were switched on and
# Workbench blocked? Only users who actually use an app (the org's OAuth usage)
# count; arguments left out keep the org's current settings.
data "sfaccess_api_access_impact" "external_limit" {
  limit_external_users_to_installed_apps = true
  blocked_apps                           = ["Workbench"]
}

# Print the report a plan would show: grouped by app and rule, most recently
# active users first.
output "who_loses_access" {
  value = data.sfaccess_api_access_impact.external_limit.summary
}

# Or keep a pipeline honest: nobody outside a reviewed list may lose access. On
# the embedded mock org the list below is exactly who uses Workbench and
# Partner_Portal_Mobile today; the day someone else starts to use either app,
# the check fails and names them, which is what it is for.
variable "reviewed_losses" {
  type = list(string)
  default = [
    "partner@acme.test", "customerplus@acme.test", "employee@acme.test",
    "customer@acme.test", "highvolume@acme.test",
  ]
}

check "only_reviewed_users_lose_access" {
  assert {
    condition = alltrue([
      for loss in data.sfaccess_api_access_impact.external_limit.losses : contains(var.reviewed_losses, loss.username)
    ])
    error_message = "Switching the external limit on would also cut off: ${join(", ", [for l in data.sfaccess_api_access_impact.external_limit.losses : "${l.username} (${l.connected_app_name}, ${l.rule})" if !contains(var.reviewed_losses, l.username)])}"
  }
}

# In terraform console, try other settings:
#   > data.sfaccess_api_access_impact.external_limit.lost_users
