data "sfaccess_external_client_app" "billing_sync" {
  name = "Billing_Sync"
}

output "billing_sync_profiles" {
  value = data.sfaccess_external_client_app.billing_sync.profile_names
}
