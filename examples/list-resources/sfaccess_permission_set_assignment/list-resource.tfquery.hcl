# Customers and partners who hold Use Any API Client through a permission set.
list "sfaccess_permission_set_assignment" "external_bypass" {
  provider         = sfaccess
  include_resource = true

  config {
    with_permission = "UseAnyApiClient"
    user_types      = ["PowerPartner", "CustomerSuccess", "PowerCustomerSuccess", "CspLitePortal"]
  }
}

# Who may approve uninstalled connected apps for themselves.
list "sfaccess_permission_set_assignment" "approvers" {
  provider = sfaccess

  config {
    with_permission = "CanApproveUninstalledApps"
  }
}

# Everyone assigned one permission set.
list "sfaccess_permission_set_assignment" "portal_users" {
  provider = sfaccess

  config {
    permission_set_name = "Portal_Mobile_Users"
  }
}
