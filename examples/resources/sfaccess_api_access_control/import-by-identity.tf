# Terraform 1.12 and later: import the settings by the org's id.
import {
  to = sfaccess_api_access_control.this
  identity = {
    org_id = "00D5g0000000001EAA"
  }
}
