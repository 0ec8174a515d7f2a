# The org's External Client App settings are imported with the id ExternalClientApp.
terraform import sfaccess_external_client_app_settings.this ExternalClientApp
