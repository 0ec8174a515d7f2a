# The Connected Apps OAuth Usage list: every app the org knows, installed or not.
data "sfaccess_connected_apps" "all" {}

output "installed_apps" {
  value = sort([for app in data.sfaccess_connected_apps.all.connected_apps : app.name if app.installed == true])
}

output "blocked_apps" {
  value = sort([for app in data.sfaccess_connected_apps.all.connected_apps : app.name if app.blocked == true])
}
