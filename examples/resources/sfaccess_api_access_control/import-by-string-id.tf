# The settings are imported by the org's 15- or 18-character id (Setup > Company Information).
import {
  to = sfaccess_api_access_control.this
  id = "00D5g0000000001EAA"
}
