# The org's External Client App settings are imported with the id ExternalClientApp
# or with the org id.
terraform import sfaccess_external_client_app_settings.this ExternalClientApp
