# Terraform 1.12 and later: import a grant by the app and the permission set ...
import {
  to = sfaccess_external_client_app_access.billing_users
  identity = {
    external_client_app_name = "Billing_Sync"
    permission_set_name      = "Billing_Users"
  }
}

# ... or by the app and the profile.
import {
  to = sfaccess_external_client_app_access.standard_users
  identity = {
    external_client_app_name = "Billing_Sync"
    profile_name             = "Standard User"
  }
}
