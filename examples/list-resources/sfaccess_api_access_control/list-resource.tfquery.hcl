# The org's one set of API Access Control settings.
list "sfaccess_api_access_control" "org" {
  provider         = sfaccess
  include_resource = true
}
