# A permission set grant is imported as <app name>/<permission set name>.
import {
  to = sfaccess_external_client_app_access.sync_operators
  id = "Acme_Sync/Sync_Operators"
}

# A profile grant is imported as <app name>/profile:<profile name>.
import {
  to = sfaccess_external_client_app_access.read_only
  id = "Acme_Sync/profile:Read Only"
}
