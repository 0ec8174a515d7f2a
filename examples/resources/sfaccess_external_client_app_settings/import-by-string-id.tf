# The org's External Client App settings are imported with the id ExternalClientApp.
import {
  to = sfaccess_external_client_app_settings.this
  id = "ExternalClientApp"
}
