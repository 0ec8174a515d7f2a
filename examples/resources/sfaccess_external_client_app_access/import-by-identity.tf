# Terraform 1.12 and later: import a grant by the app and the permission set ...
import {
  to = sfaccess_external_client_app_access.sync_operators
  identity = {
    external_client_app_name = "Acme_Sync"
    permission_set_name      = "Sync_Operators"
  }
}

# ... or by the app and the profile.
import {
  to = sfaccess_external_client_app_access.read_only
  identity = {
    external_client_app_name = "Acme_Sync"
    profile_name             = "Read Only"
  }
}
