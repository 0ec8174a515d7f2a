# A pre-issued access token, for example from `sf org display --json`.
# Tokens expire; prefer the client credentials or JWT bearer flow in pipelines.
provider "sfaccess" {
  instance_url = "https://acme.my.salesforce.com"
  access_token = var.salesforce_access_token
}

variable "salesforce_access_token" {
  description = "An OAuth access token or session id of an admin user."
  type        = string
  sensitive   = true
}
