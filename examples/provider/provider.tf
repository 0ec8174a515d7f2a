# Client credentials flow: the consumer key and secret of a connected app whose
# "Run As" user is an admin (see "Using a real org" for the permissions it needs).
# Every argument falls back to its SFACCESS_* environment variable, so secrets
# can stay out of the configuration altogether.
provider "sfaccess" {
  instance_url  = "https://acme.my.salesforce.com"
  client_id     = var.salesforce_client_id
  client_secret = var.salesforce_client_secret
}

variable "salesforce_client_id" {
  description = "Consumer key of the connected app Terraform authenticates through."
  type        = string
}

variable "salesforce_client_secret" {
  description = "Consumer secret of that connected app."
  type        = string
  sensitive   = true
}
