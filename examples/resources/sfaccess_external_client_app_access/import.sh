# A permission set grant is imported as <app name>/<permission set name>.
terraform import sfaccess_external_client_app_access.sync_operators Acme_Sync/Sync_Operators

# A profile grant is imported as <app name>/profile:<profile name>.
terraform import sfaccess_external_client_app_access.read_only 'Acme_Sync/profile:Read Only'
