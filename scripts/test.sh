#!/usr/bin/env bash
# Runs every test: unit, integration, hub and browser end-to-end.
# Installs what a fresh Debian machine lacks: Chromium (browser tests), redis-server and postgresql (Redis-mode and
# PostgreSQL-records tests; the tests start their own servers on free ports, never the system services), nginx and
# docker-compose (deployment tests) and the npm packages (via the build).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || need_apt+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# The deployment tests (tests/Chat.Tests/Deployment): nginx from deploy/nginx.conf in front of two nodes, and
# `docker-compose config` on docker-compose.yml (no Docker engine needed).
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need_apt+=(nginx)
command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing ${need_apt[*]} from Debian packages..."
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium)}"
mkdir -p artifacts/screenshots
rm -f artifacts/attack-table.md   # the attack suite writes it anew

dotnet build Chat.sln -c Release -warnaserror --nologo -v quiet
set +e
dotnet test Chat.sln -c Release --no-build --nologo \
  --logger "console;verbosity=normal" --results-directory artifacts/test-results "$@" 2>&1 | tee artifacts/test-output.log
status=${PIPESTATUS[0]}
set -e

# The attack suite's report (tests/Chat.Tests/Attacks): attack | expected | seen.
if [ -f artifacts/attack-table.md ]; then echo; echo "Attack suite:"; cat artifacts/attack-table.md; echo; fi

# The failed tests by name with the first lines of their messages, last, where a CI excerpt shows them.
if grep -qE '^\s+Failed [A-Za-z]' artifacts/test-output.log; then
  echo "Failed tests:"
  grep -A8 -E '^\s+Failed [A-Za-z]' artifacts/test-output.log | cut -c1-300 | head -60
  echo
fi

# A plain summary line for CI: "N passed, N failed".
passed=$( (grep -E '^\s+Passed: [0-9]+' artifacts/test-output.log || true) | awk '{s+=$2} END {print s+0}')
failed=$( (grep -E '^\s+Failed: [0-9]+' artifacts/test-output.log || true) | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi  # a crash or build error is a failure too
echo "tests: ${passed} passed, ${failed} failed"
exit "$status"
