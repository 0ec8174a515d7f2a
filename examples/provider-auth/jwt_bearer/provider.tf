# JWT bearer flow: no secret leaves your pipeline, only a signed assertion.
# The connected app holds the certificate of this key ("Use digital signatures")
# and must pre-authorize the user (admin approved, profile or permission set granted);
# an app whose users self-authorize refuses a user who never approved it.
# The token request goes to the My Domain URL, while the assertion's audience
# stays Salesforce's login host: jwt_audience defaults to https://login.salesforce.com
# (https://test.salesforce.com when login_url is test.salesforce.com).
provider "sfaccess" {
  instance_url = "https://acme.my.salesforce.com"
  login_url    = "https://acme.my.salesforce.com"
  jwt_audience = "https://login.salesforce.com" # https://test.salesforce.com for a sandbox
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
