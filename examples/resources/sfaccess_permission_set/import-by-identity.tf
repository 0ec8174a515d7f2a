# Terraform 1.12 and later: import a permission set by its API name.
import {
  to = sfaccess_permission_set.api_any_client
  identity = {
    name = "API_Any_Client"
  }
}
