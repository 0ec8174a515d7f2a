# Read an External Client App's consumer key and secret for this run only, to
# hand them to a secrets manager through a write-only argument; neither value is
# stored in the state or the plan.
ephemeral "sfaccess_external_client_app_credentials" "billing_sync" {
  name = "Billing_Sync"
}
