# Acme_Sync, an External Client App of the embedded mock org, admits the users of
# the System Administrator and Standard User profiles ("Admin approved users are
# pre-authorized"). Admit the users of a permission set ...
resource "sfaccess_permission_set" "sync_operators" {
  name  = "Sync_Operators"
  label = "Sync Operators"
}

resource "sfaccess_external_client_app_access" "sync_operators" {
  external_client_app_name = "Acme_Sync"
  permission_set_name      = sfaccess_permission_set.sync_operators.name
}

# ... and of another profile.
resource "sfaccess_external_client_app_access" "read_only" {
  external_client_app_name = "Acme_Sync"
  profile_name             = "Read Only"
}
