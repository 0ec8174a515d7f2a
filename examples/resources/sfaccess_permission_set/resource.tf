# "Use Any API Client" lets its holders bypass API Access Control entirely (only
# a blocked app still stops them), so keep it in a permission set of its own
# and assign it deliberately.
resource "sfaccess_permission_set" "api_any_client" {
  name             = "API_Any_Client"
  label            = "API: Use Any API Client"
  description      = "Bypasses API Access Control. Integration users only."
  user_permissions = ["ApiEnabled", "UseAnyApiClient"]
}
