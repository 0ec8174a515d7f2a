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

# Or keep a pipeline honest: nobody but the known partner may lose access.
check "only_the_partner_loses_access" {
  assert {
    condition = alltrue([
      for loss in data.sfaccess_api_access_impact.external_limit.losses : contains(["partner@acme.test"], loss.username)
    ])
    error_message = "Switching the external limit on would cut off: ${join(", ", [for l in data.sfaccess_api_access_impact.external_limit.losses : "${l.username} (${l.connected_app_name}, ${l.rule})"])}"
  }
}

# In terraform console, try other settings:
#   > data.sfaccess_api_access_impact.external_limit.lost_users
