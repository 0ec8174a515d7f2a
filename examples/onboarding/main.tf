# The starting point of "Bring an existing org under management": no resources
# yet, only the provider. `terraform query` (Terraform 1.14 or later) fills in
# the rest from onboard.tfquery.hcl.

terraform {
  required_providers {
    sfaccess = {
      source = "sfaccess/sfaccess"
    }
  }
}

# Credentials come from the SFACCESS_* environment variables; for
# sfaccess-mockorg, the ones its startup banner prints.
provider "sfaccess" {}
