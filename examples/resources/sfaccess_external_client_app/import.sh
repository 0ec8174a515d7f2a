# An External Client App is imported by its API name.
terraform import sfaccess_external_client_app.billing_sync Billing_Sync
