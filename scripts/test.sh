#!/usr/bin/env bash
# Runs every test and ends with one plain line: "N passed, N failed".
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
install_redis # the integration tests start real redis-server processes
install_browser # the status page is tested in a real headless browser
install_iptables # a silo is cut off from the others with iptables
install_npm # the gateway's build fetches the status page's chart library
out=$(mktemp)
set +e
dotnet test Alerts.sln -c "$CONFIG" -nologo --blame-hang-timeout 5m 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
set -e
# dotnet test's summary per test assembly: "Passed!  - Failed: 0, Passed: 43, Skipped: 0, ..."
passed=$(grep -oE 'Passed: +[0-9]+' "$out" | awk '{s += $2} END {print s + 0}' || true)
failed=$(grep -oE 'Failed: +[0-9]+' "$out" | awk '{s += $2} END {print s + 0}' || true)
rm -f "$out"
echo "$passed passed, $failed failed"
exit "$status"
