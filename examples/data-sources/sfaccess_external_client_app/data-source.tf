data "sfaccess_external_client_app" "acme_sync" {
  name = "Acme_Sync"
}

output "acme_sync_profiles" {
  value = data.sfaccess_external_client_app.acme_sync.profile_names
}
