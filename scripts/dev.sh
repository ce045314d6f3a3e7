#!/usr/bin/env bash
# make dev: build the provider into .tools/dev/bin and write a Terraform CLI config whose dev_overrides send
# accessplane/confluence (on both the Terraform and the OpenTofu registry) to that build. Prints the one line
# that makes a shell use it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dev="$root/.tools/dev"
mkdir -p "$dev/bin"
(cd "$root" && go build -o "$dev/bin/terraform-provider-confluence" .)
cat >"$dev/terraformrc" <<CONF
provider_installation {
  dev_overrides {
    "registry.terraform.io/accessplane/confluence" = "$dev/bin"
    "registry.opentofu.org/accessplane/confluence" = "$dev/bin"
  }
  direct {}
}
CONF
echo "Built $dev/bin/terraform-provider-confluence. To use it, run:"
echo
echo "  export TF_CLI_CONFIG_FILE=$dev/terraformrc"
echo
echo "Terraform then takes this build for accessplane/confluence without terraform init (it warns that"
echo "dev_overrides are in effect). Run make dev again after changing the code."
