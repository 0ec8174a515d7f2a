# The starting point of "Bring an existing org under management": no resources
# yet, only the provider. `terraform query` fills in the rest.

terraform {
  required_version = ">= 1.14.0"

  required_providers {
    sfaccess = {
      source = "sfaccess/sfaccess"
    }
  }
}

# Credentials come from the SFACCESS_* environment variables; for
# sfaccess-mockorg, the ones its startup banner prints.
provider "sfaccess" {}
