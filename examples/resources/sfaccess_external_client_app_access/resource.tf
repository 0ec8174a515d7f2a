# Admit the users of a permission set ...
resource "sfaccess_external_client_app_access" "billing_users" {
  external_client_app_name = "Billing_Sync"
  permission_set_name      = "Billing_Users"
}

# ... and of a profile.
resource "sfaccess_external_client_app_access" "standard_users" {
  external_client_app_name = "Billing_Sync"
  profile_name             = "Standard User"
}
