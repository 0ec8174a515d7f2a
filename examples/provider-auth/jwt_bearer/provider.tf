# JWT bearer flow: no secret leaves your pipeline, only a signed assertion.
# The connected app holds the certificate of this key ("Use digital signatures")
# and must pre-authorize the user (admin approved, profile or permission set granted).
provider "sfaccess" {
  instance_url = "https://acme.my.salesforce.com"
  login_url    = "https://login.salesforce.com" # https://test.salesforce.com for sandboxes
  client_id    = var.salesforce_client_id
  username     = "terraform@acme.example"
  private_key  = file(var.private_key_path)
}

variable "salesforce_client_id" {
  description = "Consumer key of the connected app that holds the certificate."
  type        = string
}

variable "private_key_path" {
  description = "Path to the PEM-encoded RSA private key that signs the assertion."
  type        = string
}
