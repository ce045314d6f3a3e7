#!/usr/bin/env bash
# Builds a Terraform or OpenTofu CLI from its Go module source into .tools/cli/<name>-<version>/, for the
# acceptance tests that run against more than the terraform on PATH (see .ci/run).
#
#   scripts/build-cli.sh terraform 1.16.0   ->  .tools/cli/terraform-1.16.0/terraform
#   scripts/build-cli.sh tofu 1.12.6        ->  .tools/cli/tofu-1.12.6/tofu
#
# Terraform is licensed BUSL-1.1: the binary built here is for running this repository's tests only. It is
# never shipped, packaged or published (.tools/ is git-ignored and no release step reads it).
#
# Does nothing when the binary is already there and reports the wanted version. Uses the default Go module and
# build caches, so a second build after `rm -rf .tools` is mostly cache hits.
set -euo pipefail

name=${1:?usage: build-cli.sh terraform|tofu VERSION}
version=${2:?usage: build-cli.sh terraform|tofu VERSION}
version=${version#v}

root=$(cd "$(dirname "$0")/.." && pwd)
out_dir="$root/.tools/cli/$name-$version"
bin="$out_dir/$name"
export CHECKPOINT_DISABLE=1

case "$name" in
  terraform) module=github.com/hashicorp/terraform ;;
  tofu) module=github.com/opentofu/opentofu ;;
  *) echo "build-cli.sh: unknown CLI '$name' (terraform or tofu)" >&2; exit 2 ;;
esac

# `terraform -version` prints "Terraform v1.16.0", `tofu -version` "OpenTofu v1.12.6", then the platform and,
# sometimes, a note about newer releases. No CLI configuration: a missing one makes tofu warn on standard output.
reports_version() {
  [ -x "$bin" ] && TF_CLI_CONFIG_FILE=/dev/null "$bin" -version 2>/dev/null | grep -Ex "(Terraform|OpenTofu) v${version//./\\.}" >/dev/null
}

if reports_version; then
  echo "$name $version: $bin is up to date"
  exit 0
fi

echo "$name $version: building $bin from $module@v$version"
# Run go mod download outside this repository so it does not touch our go.mod, and read the folder it reports.
src=$(cd / && go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$src" ] && [ -d "$src" ] || { echo "build-cli.sh: go mod download $module@v$version gave no source folder" >&2; exit 1; }

scratch="$root/.tools/cli/src/$name-$version"
rm -rf "$scratch"
mkdir -p "$(dirname "$scratch")" "$out_dir"
cp -R "$src" "$scratch"
chmod -R u+w "$scratch"
cd "$scratch"

case "$name" in
  terraform)
    # The module zip leaves out the nested modules of these state backends and of internal/legacy, yet go.mod
    # requires and replaces them with local folders. Drop them from go.mod, and drop the backends' imports and
    # registrations from the backend list; nothing else outside tests imports them.
    nested='internal/backend/remote-state/(azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3)|internal/legacy'
    sed -E -i "\#github\.com/hashicorp/terraform/($nested)([[:space:]]|\$)#d" go.mod
    init=internal/backend/init/init.go
    sed -E -i '/backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)[ .]/d' "$init"
    if grep -Eq "$nested" go.mod || grep -Eq 'backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)\b' "$init"; then
      echo "build-cli.sh: the Terraform $version sources changed shape; update the patch in $0" >&2
      exit 1
    fi
    go build -mod=mod -ldflags "-X github.com/hashicorp/terraform/version.dev=no" -o "$bin" .
    ;;
  tofu)
    go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$bin" ./cmd/tofu
    ;;
esac

cd "$root"
rm -rf "$scratch"
if ! reports_version; then
  echo "build-cli.sh: $bin does not report $name v$version:" >&2
  TF_CLI_CONFIG_FILE=/dev/null "$bin" -version >&2 || true
  exit 1
fi
echo "$name $version: built $bin"
