# Who may use the billing app: the permission sets and profiles of its OAuth policies.
list "sfaccess_external_client_app_access" "billing_sync" {
  provider         = sfaccess
  include_resource = true

  config {
    external_client_app_name = "Billing_Sync"
  }
}

# Which External Client Apps the Standard User profile is granted.
list "sfaccess_external_client_app_access" "standard_users" {
  provider = sfaccess

  config {
    profile_name = "Standard User"
  }
}
