# Permission sets that bypass API Access Control (Use Any API Client).
list "sfaccess_permission_set" "bypass" {
  provider         = sfaccess
  include_resource = true

  config {
    with_permission = "UseAnyApiClient"
  }
}
