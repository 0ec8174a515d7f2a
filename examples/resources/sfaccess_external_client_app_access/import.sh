# A permission set grant is imported as <app name>/<permission set name>.
terraform import sfaccess_external_client_app_access.billing_users Billing_Sync/Billing_Users

# A profile grant is imported as <app name>/profile:<profile name>.
terraform import sfaccess_external_client_app_access.standard_users 'Billing_Sync/profile:Standard User'
