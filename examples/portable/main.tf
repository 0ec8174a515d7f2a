# One configuration for mockorg and for a real org. A real org has no public API for installing or
# blocking connected apps, nor for the checks that depend on it (sfaccess-mockorg serves them
# through its setup extension), so those resources are counted in only where it exists:
#
#   terraform apply -var setup_extension=true    # against sfaccess-mockorg
#   terraform plan  -var setup_extension=false   # against a real org (or sfaccess-mockorg
#                                                # --without-setup-extension to rehearse it)
#
# On a real org, install Partner_Portal_Mobile in Setup > Connected Apps OAuth Usage before the
# apply that switches the limit on. The first plan warns that sfaccess_api_access_control adopts
# the org's settings: the org has one set, and destroying the resource restores the defaults.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    sfaccess = {
      source = "sfaccess/sfaccess"
    }
  }
}

variable "setup_extension" {
  description = "Whether the org serves sfaccess-mockorg's setup extension: true for sfaccess-mockorg, false for a real org."
  type        = bool
  default     = false
}

provider "sfaccess" {}

resource "sfaccess_connected_app_installation" "partner_portal_mobile" {
  count = var.setup_extension ? 1 : 0

  connected_app_name = "Partner_Portal_Mobile"
}

resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = true

  depends_on = [sfaccess_connected_app_installation.partner_portal_mobile]
}

resource "sfaccess_permission_set" "api_any_client" {
  name             = "API_Any_Client"
  label            = "API: Use Any API Client"
  user_permissions = ["ApiEnabled", "UseAnyApiClient"]
}

data "sfaccess_api_access_check" "partner_via_workbench" {
  count = var.setup_extension ? 1 : 0

  username           = "partner@acme.test"
  connected_app_name = "Workbench"

  depends_on = [sfaccess_api_access_control.this]
}

check "partners_locked_out_of_workbench" {
  assert {
    condition     = alltrue([for c in data.sfaccess_api_access_check.partner_via_workbench : !c.allowed])
    error_message = "partner@acme.test can still reach the API through Workbench."
  }
}
