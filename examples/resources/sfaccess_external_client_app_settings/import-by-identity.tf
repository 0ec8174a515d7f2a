# Terraform 1.12 and later: import the settings by the id of the org they belong to.
import {
  to = sfaccess_external_client_app_settings.this
  identity = {
    org_id = "00D5g0000000001EAA"
  }
}
