# External Client Apps are imported by their API name.
import {
  to = sfaccess_external_client_app.billing_sync
  id = "Billing_Sync"
}
