data "sfaccess_external_client_apps" "all" {}

# External Client Apps someone holds a token for.
output "external_client_apps_in_use" {
  value = [for app in data.sfaccess_external_client_apps.all.external_client_apps : app.name if app.user_count > 0]
}
