#!/usr/bin/env bash
# Builds the provider, starts the bundled Sentry API fake with a seeded
# organization, and applies examples/demo through a generated dev_overrides
# CLI configuration (the user's own ~/.terraformrc is never read or changed).
# Against the fake it then renames the project and applies again with the
# new slug: the managed key and its DSN stay the same.
#
# With DEMO_LIVE=1 the fake is skipped and the same example runs against the
# Sentry in SENTRY_BASE_URL (default sentry.io) with SENTRY_AUTH_TOKEN, for the
# organization and project in ORGANIZATION and PROJECT; the key it creates is
# destroyed at the end unless DEMO_KEEP=1.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/.demo"
terraform=${TERRAFORM:-terraform}
organization=${ORGANIZATION:-demo-org}
project=${PROJECT:-web}
keys=${DEMO_KEYS:-300}

mkdir -p "$work/bin" "$work/tf"
echo "==> Building the provider and the Sentry API fake"
go build -o "$work/bin/terraform-provider-sentry" "$root"
go build -o "$work/bin/sentry-fake" "$root/internal/cmd/sentry-fake"

if [ "${DEMO_LIVE:-}" = 1 ]; then
  : "${SENTRY_AUTH_TOKEN:?DEMO_LIVE=1 needs SENTRY_AUTH_TOKEN}"
  echo "==> Using ${SENTRY_BASE_URL:-https://sentry.io/api/} for $organization/$project"
else
  rm -f "$work/url"
  echo "==> Starting the Sentry API fake: organization $organization, project $project with $keys keys"
  "$work/bin/sentry-fake" -listen 127.0.0.1:0 -url-file "$work/url" -profile saas \
    -token demo-token -organization "$organization" -project "$project" -keys "$keys" \
    >"$work/fake.log" 2>&1 &
  fake=$!
  trap 'kill "$fake" 2>/dev/null || true; wait "$fake" 2>/dev/null || true; echo "==> Stopped the Sentry API fake"' EXIT
  for _ in $(seq 100); do
    [ -s "$work/url" ] && break
    kill -0 "$fake" 2>/dev/null || { cat "$work/fake.log"; exit 1; }
    sleep 0.1
  done
  [ -s "$work/url" ] || { echo "the fake did not start"; cat "$work/fake.log"; exit 1; }
  export SENTRY_BASE_URL
  SENTRY_BASE_URL=$(cat "$work/url")
  export SENTRY_AUTH_TOKEN=demo-token
  unset SENTRY_TOKEN
  echo "==> The fake listens on $SENTRY_BASE_URL"
fi

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "sentrykeys/sentry" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
cp "$root"/examples/demo/*.tf "$work/tf/"
rm -f "$work"/tf/terraform.tfstate*

vars=(-var "organization=$organization" -var "project=$project")
echo "==> terraform apply"
"$terraform" -chdir="$work/tf" apply -auto-approve -input=false "${vars[@]}"

# The state is what Sentry answered, so a second plan has nothing to do.
expect_no_changes() {
  echo "==> terraform plan (after the apply: expect no changes)"
  set +e
  "$terraform" -chdir="$work/tf" plan -detailed-exitcode -input=false "${vars[@]}"
  status=$?
  set -e
  if [ "$status" -ne 0 ]; then
    echo "the plan after the apply is not empty (exit status $status)"
    exit 1
  fi
}
expect_no_changes

if [ "${DEMO_LIVE:-}" != 1 ]; then
  # A project renamed in Sentry keeps its keys: the fake renames it (its
  # control endpoint), the configuration follows with the new slug, and the
  # apply is an update in place that keeps the key and its DSN.
  before=$("$terraform" -chdir="$work/tf" output -json managed_key)
  echo "==> Renaming project $project to $project-renamed in the fake"
  curl -fsS -X POST "$SENTRY_BASE_URL/_fake/rename" \
    -d "{\"organization\": \"$organization\", \"project\": \"$project\", \"slug\": \"$project-renamed\"}"
  vars=(-var "organization=$organization" -var "project=$project-renamed")
  echo "==> terraform apply with project = \"$project-renamed\" (expect an update in place, the same DSN)"
  "$terraform" -chdir="$work/tf" apply -auto-approve -input=false "${vars[@]}"
  after=$("$terraform" -chdir="$work/tf" output -json managed_key)
  if [ "$before" != "$after" ]; then
    echo "the managed key changed with the rename: $before -> $after"
    exit 1
  fi
  echo "==> The managed key and its DSN are the same after the rename"
  expect_no_changes
fi

if [ "${DEMO_LIVE:-}" = 1 ] && [ "${DEMO_KEEP:-}" != 1 ]; then
  # Against a real Sentry, remove the key the demo created (DEMO_KEEP=1
  # keeps it).
  echo "==> terraform destroy (the demo's key; DEMO_KEEP=1 keeps it)"
  "$terraform" -chdir="$work/tf" destroy -auto-approve -input=false "${vars[@]}"
fi
