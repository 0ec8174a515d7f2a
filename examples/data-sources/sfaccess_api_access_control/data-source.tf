# Read the org's API Access Control settings without managing them.
data "sfaccess_api_access_control" "current" {}

output "external_users_limited" {
  value = data.sfaccess_api_access_control.current.limit_external_users_to_installed_apps
}

# false until Salesforce Support has enabled API Access Control for the org;
# the limits cannot be switched on before that.
output "api_access_control_available" {
  value = data.sfaccess_api_access_control.current.feature_provisioned
}
