# Permission sets are imported by their API name.
import {
  to = sfaccess_permission_set.api_any_client
  id = "API_Any_Client"
}
