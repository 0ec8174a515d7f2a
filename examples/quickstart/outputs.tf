# One row per user and client, in the order of local.checks; `make demo` prints
# it as a table.
output "access_checks" {
  description = "Who may reach the API through which client after the apply, and the rule that decides it."
  value = [
    for c in local.checks : {
      username = c.username
      user     = c.user
      client   = c.client
      channel  = c.channel
      allowed  = data.sfaccess_api_access_check.matrix[c.key].allowed
      rule     = data.sfaccess_api_access_check.matrix[c.key].rule
      message  = data.sfaccess_api_access_check.matrix[c.key].message
    }
  ]
}
