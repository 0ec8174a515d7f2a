# Terraform 1.12 and later: import an External Client App by its API name.
import {
  to = sfaccess_external_client_app.billing_sync
  identity = {
    name = "Billing_Sync"
  }
}
