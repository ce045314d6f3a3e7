#!/usr/bin/env bash
# make demo: build the provider, start the emulator, apply examples/demo, change something by hand through the
# API as an admin would, show `terraform plan -detailed-exitcode` catching it, apply the fix, clean up.
# KEEP=1 leaves the emulator running with the demo's state, and prints how to go on and how to stop.
# TF names the CLI (default terraform): TF=tofu, or a path such as .tools/cli/tofu-1.12.6/tofu.
set -euo pipefail
keep=${KEEP:-}
TF=${TF:-terraform}

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/confluence-demo.XXXXXX")
emulator_pid=""
cleanup() {
  if [ -n "$keep" ] && [ "${demo_done:-}" = 1 ]; then
    return
  fi
  if [ -n "$emulator_pid" ]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n==> %s\n' "$*"; }
tf() { "$TF" "$@" -input=false -no-color; }

command -v "$TF" >/dev/null || { echo "$TF is not on PATH: install Terraform (>= 1.11) or OpenTofu, or set TF to its path" >&2; exit 1; }
# A relative path stays valid after the cd into the demo's folder below.
case "$TF" in */*) TF=$(cd "$(dirname "$TF")" && pwd)/$(basename "$TF") ;; esac
cli=$(basename "$TF")
version=$("$TF" -version) || { echo "$TF -version failed" >&2; exit 1; }
echo "    CLI: ${version%%$'\n'*}"

say "Building the provider and the emulator"
(cd "$root" && go build -o "$work/bin/terraform-provider-confluence" . && go build -o "$work/emulator" ./internal/emulator/cmd/emulator)

say "Starting the emulator (an in-memory Atlassian Cloud on loopback)"
"$work/emulator" -env-file "$work/emulator.env" >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/emulator.env" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/emulator.env" ] || { echo "the emulator did not start" >&2; exit 1; }
set -a
# shellcheck disable=SC1091
. "$work/emulator.env"
set +a
echo "    site $CONFLUENCE_SITE_URL, SCIM directory $ATLASSIAN_SCIM_DIRECTORY_URL"

# The CLI uses the freshly built provider through dev_overrides (under both registry hosts, for Terraform and for
# OpenTofu): no init, nothing downloaded.
cat >"$work/terraformrc" <<CONF
provider_installation {
  dev_overrides {
    "registry.terraform.io/accessplane/confluence" = "$work/bin"
    "registry.opentofu.org/accessplane/confluence" = "$work/bin"
  }
  direct {}
}
CONF
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_VAR_admin_email="$CONFLUENCE_EMAIL"
mkdir -p "$work/demo"
cp -R "$root/examples/demo/." "$work/demo/"
cd "$work/demo"

say "$cli apply: directory users and groups, group mappings with product access, the ENG access table"
tf apply -auto-approve >"$work/apply.log" 2>&1 || { cat "$work/apply.log"; exit 1; }
grep -E '^Apply complete' "$work/apply.log"
"$TF" output -no-color groups

say "Three changes made by hand, as an admin would, through the real APIs"
group_id=$("$TF" output -raw engineering_group_id)
user_id=$("$TF" output -raw contractor_user_id)
account_id=$("$TF" output -raw contractor_account_id)
ops_wiki=$("$TF" output -raw ops_wiki_group_id)
ops_wiki_dir=$("$TF" output -raw ops_wiki_directory_id)
api() { curl -fsS -o /dev/null "$@"; }
api -X PATCH -H "Authorization: Bearer $ATLASSIAN_SCIM_API_KEY" -H "Content-Type: application/scim+json" \
  --data "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"$user_id\"}]}]}" \
  "$ATLASSIAN_SCIM_DIRECTORY_URL/Groups/$group_id"
echo "    SCIM:          the contractor is added to the engineering group"
api -X POST -H "Authorization: Bearer $ATLASSIAN_ADMIN_API_KEY" -H "Content-Type: application/json" \
  --data "{\"accountId\":\"$account_id\"}" \
  "$ATLASSIAN_ADMIN_API_URL/admin/v2/orgs/$ATLASSIAN_ORGANIZATION_ID/directories/$ops_wiki_dir/groups/$ops_wiki/memberships"
echo "    Admin API:     the contractor is added to ops-wiki-editors, the mirror of operations"
for op in read create; do
  target=space; [ "$op" = create ] && target=page
  api -X POST -u "$CONFLUENCE_EMAIL:$CONFLUENCE_API_TOKEN" -H "Content-Type: application/json" \
    --data "{\"subject\":{\"type\":\"user\",\"identifier\":\"$account_id\"},\"operation\":{\"key\":\"$op\",\"target\":\"$target\"}}" \
    "$CONFLUENCE_SITE_URL/wiki/rest/api/space/ENG/permission"
done
echo "    Confluence v1: the contractor gets a direct grant in ENG (read/space, create/page)"

say "$cli plan -detailed-exitcode: drift detection"
set +e
tf plan -detailed-exitcode >"$work/plan.log" 2>&1
code=$?
set -e
grep -E '^  # |^ +[~+-] [a-z_]+ +=|^ +[+-] "|^Plan:' "$work/plan.log" || true
# The plan's warnings name who gains or loses access.
awk '/^Warning: (Access|Membership) changes/ {w = 1; b = 0; next} w && /^$/ {if (++b == 3) w = 0; next} w && b == 2 {print "    " $0}' "$work/plan.log"
if [ "$code" -ne 2 ]; then
  cat "$work/plan.log"
  echo "expected exit code 2 (changes present), got $code" >&2
  exit 1
fi
echo "    exit code 2: every manual change was caught"
echo "    ($user_id is the contractor's SCIM id, $account_id their Atlassian account, $group_id the engineering group, $ops_wiki ops-wiki-editors)"

say "$cli apply: put it back"
tf apply -auto-approve >"$work/apply.log" 2>&1 || { cat "$work/apply.log"; exit 1; }
grep -E '^Apply complete' "$work/apply.log"
tf plan -detailed-exitcode >"$work/plan.log" 2>&1 || { cat "$work/plan.log"; echo "plan still shows changes" >&2; exit 1; }
echo "    plan is clean again (exit code 0)"

say "Ken leaves: security suspends his access at once, through the Admin API"
api -X POST -H "Authorization: Bearer $ATLASSIAN_ADMIN_API_KEY" \
  "$ATLASSIAN_ADMIN_API_URL/admin/v2/orgs/$ATLASSIAN_ORGANIZATION_ID/directories/${ATLASSIAN_SCIM_DIRECTORY_URL##*/}/users/$account_id/suspend"
tf apply -refresh-only -auto-approve >"$work/refresh.log" 2>&1 || { cat "$work/refresh.log"; exit 1; }
echo "    can reach ENG:  $("$TF" output -no-color -json eng_reachable_by)"
dormant=$("$TF" output -no-color -json eng_dormant)
echo "    dormant in ENG: $dormant"
case "$dormant" in *ken.contract@example.com*) ;; *) echo "expected Ken among the dormant entries" >&2; exit 1 ;; esac
echo "    Ken is gone from the entries, but his group still holds him: restored, he would get it all back"

say "$cli apply: offboarding (Ken is taken out of his teams and deactivated through SCIM)"
export TF_VAR_leavers='["ken.contract@example.com"]'
tf apply -auto-approve >"$work/apply.log" 2>&1 || { cat "$work/apply.log"; exit 1; }
grep -E '^Apply complete' "$work/apply.log"
tf apply -refresh-only -auto-approve >"$work/refresh.log" 2>&1 || { cat "$work/refresh.log"; exit 1; }
dormant=$("$TF" output -no-color -json eng_dormant)
echo "    dormant in ENG: $dormant"
[ "$dormant" = "[]" ] || { echo "expected no dormant entries" >&2; exit 1; }
tf plan -detailed-exitcode >"$work/plan.log" 2>&1 || { cat "$work/plan.log"; echo "plan still shows changes" >&2; exit 1; }
echo "    no access left, direct or inherited, and the plan is clean (exit code 0)"

demo_done=1
if [ -n "$keep" ]; then
  say "Kept: the emulator (pid $emulator_pid) and the demo's state, to explore"
  cat <<EOF
    cd $work/demo
    export TF_CLI_CONFIG_FILE=$work/terraformrc
    set -a; . $work/emulator.env; set +a
    export TF_VAR_admin_email=$CONFLUENCE_EMAIL
    $TF plan          # or edit main.tf there and apply it
  Stop with:
    kill $emulator_pid; rm -rf $work
EOF
  exit 0
fi
say "Stopping the emulator and removing temporary files"
