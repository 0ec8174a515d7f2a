# Who bypasses API Access Control, and through which profile or permission set.
data "sfaccess_users" "bypass" {
  with_permission = "UseAnyApiClient"
}

# Customers and partners: the users the external-user limit governs.
data "sfaccess_users" "external" {
  user_types = ["PowerPartner", "PowerCustomerSuccess", "CustomerSuccess", "CspLitePortal"]
}

output "api_bypass_holders" {
  value = [for u in data.sfaccess_users.bypass.users : u.username]
}

output "external_usernames" {
  value = [for u in data.sfaccess_users.external.users : u.username]
}
