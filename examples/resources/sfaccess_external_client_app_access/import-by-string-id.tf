# A permission set grant is imported as <app name>/<permission set name>.
import {
  to = sfaccess_external_client_app_access.billing_users
  id = "Billing_Sync/Billing_Users"
}

# A profile grant is imported as <app name>/profile:<profile name>.
import {
  to = sfaccess_external_client_app_access.standard_users
  id = "Billing_Sync/profile:Standard User"
}
