#!/usr/bin/env bash
# The README's first-flag walk-through as a script (QuickstartIT runs it against a real control plane).
# GUIDON_URL: the control plane (default http://localhost:8080); GUIDON_KEY: the admin key that
# `./guidon admin bootstrap --tenant acme` printed.
set -euo pipefail
CP="${GUIDON_URL:-http://localhost:8080}"
KEY="${GUIDON_KEY:?set GUIDON_KEY to the admin key printed by ./guidon admin bootstrap}"
AUTH="Authorization: Bearer $KEY"
JSON="Content-Type: application/json"

# An environment.
curl -sS --fail-with-body -H "$AUTH" -H "$JSON" -X POST "$CP/api/v1/environments" \
  -d '{"key": "production", "name": "Production"}'
echo

# A flag: defined once for the tenant, disabled (serving "off") in every environment until configured.
curl -sS --fail-with-body -H "$AUTH" -H "$JSON" -X POST "$CP/api/v1/flags" \
  -d '{"key": "new-checkout", "description": "New checkout flow", "tags": ["checkout"],
       "variants": {"on": true, "off": false}}'
echo

# Turn it on in production for 10% of users.
curl -sS --fail-with-body -H "$AUTH" -H "$JSON" -X PUT \
  "$CP/api/v1/environments/production/flags/new-checkout/enabled" -d '{"enabled": true}'
echo
curl -sS --fail-with-body -H "$AUTH" -H "$JSON" -X PUT \
  "$CP/api/v1/environments/production/flags/new-checkout/rollout" -d '{"percentage": 10}'
echo

# A key for the production sidecar (shown once), and the flag document the sidecar reads with it.
SIDECAR_KEY=$(curl -sS --fail-with-body -H "$AUTH" -H "$JSON" -X POST "$CP/api/v1/keys" \
  -d '{"name": "production sidecar", "role": "sidecar", "environment": "production"}' \
  | sed -n 's/.*"key":"\(gdn_[^"]*\)".*/\1/p')
curl -sS --fail-with-body -H "Authorization: Bearer $SIDECAR_KEY" "$CP/api/v1/sidecar/flags"
echo
