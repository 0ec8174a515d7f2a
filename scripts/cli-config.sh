#!/usr/bin/env bash
# Prints (or, given a file, writes) the Terraform CLI configuration that makes Terraform use the
# provider `make install` put in DIR instead of asking the registry for it:
#   scripts/cli-config.sh DIR [FILE]
# With dev_overrides, skip `terraform init` (it would still ask the registry) and run plan/apply.
set -euo pipefail
dir=$1
file=${2:-}
config=$(cat <<HCL
provider_installation {
  dev_overrides {
    "registry.terraform.io/sfaccess/sfaccess" = "$dir"
  }
  direct {}
}
HCL
)
if [ -z "$file" ]; then
  echo "Installed terraform-provider-sfaccess and sfaccess-mockorg into $dir."
  echo "Terraform uses this provider build with this CLI configuration (make install CLI_CONFIG=FILE writes it to FILE):"
  echo
  echo "$config"
  echo
  echo "Save it, export TF_CLI_CONFIG_FILE=<that file>, and run terraform plan/apply (no terraform init)."
else
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$config" > "$file"
  echo "Installed terraform-provider-sfaccess and sfaccess-mockorg into $dir."
  echo "Wrote the CLI configuration that uses them to $file:"
  echo "  export TF_CLI_CONFIG_FILE=$file"
  echo "then terraform plan/apply (no terraform init)."
fi
