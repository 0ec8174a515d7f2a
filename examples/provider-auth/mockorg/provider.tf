# Against a local sfaccess-mockorg (`make mockorg`): its embedded org's fixed
# development credentials, like LocalStack's. Plain http is accepted for
# loopback addresses only.
provider "sfaccess" {
  instance_url  = "http://127.0.0.1:8484"
  client_id     = "MockorgAdminKey0001"
  client_secret = "MockorgAdminSecret0001"
}
