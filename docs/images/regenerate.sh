#!/usr/bin/env bash
# Regenerates the README's screenshots of the admin UI: runs the two browser tests that take them (a real control
# plane on PostgreSQL and Redis, Debian's Chromium; ./guidon test's needs, which this installs or starts the same
# way) and copies their PNGs here. Usage: docs/images/regenerate.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../../guidon
source ./guidon
find_java
ensure_postgres
ensure_redis
ensure_chromium
export JAVA_HOME
JAVA_HOME="$(cd "$(dirname "$(readlink -f "$JAVA")")/.." && pwd)"
./mvnw -B -q verify -pl guidon-control-plane -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='FlagListBrowserIT,FlagPageBrowserIT' -Dfailsafe.failIfNoSpecifiedTests=false
cp target/ui-screenshots/flags-list.png docs/images/ui-flags.png
cp target/ui-screenshots/flag-page.png docs/images/ui-flag.png
echo "docs/images/ui-flags.png and docs/images/ui-flag.png regenerated"
