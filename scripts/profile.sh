#!/usr/bin/env bash
# Per-alert cost breakdown: runs an unlimited bench (ROWS, USERS), samples the silo's CPU with
# dotnet-trace for SECONDS while it delivers, and sums the exclusive time of the sampled methods by
# what they do (Redis, HTTP, grain calls, parsing, JSON, ...). Writes bench/results/profile-*.txt.
source "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-300000}
USERS=${USERS:-50000}
SECONDS_TO_SAMPLE=${SECONDS:-15}
TOOLS=$ROOT/.tools
out=$ROOT/bench/results/profile-$(date +%Y%m%d-%H%M%S)
mkdir -p "$ROOT/bench/results"
[ -x "$TOOLS/dotnet-trace" ] || dotnet tool install --tool-path "$TOOLS" dotnet-trace --version 10.0.750501 >/dev/null

ROWS=$ROWS USERS=$USERS "$ROOT/scripts/bench.sh" >"$out.bench.txt" 2>&1 &
bench=$!
trap 'kill $bench 2>/dev/null || true' EXIT
silo=""
for _ in $(seq 1 240); do
  silo=$(pgrep -f "Alerts.Silo.dll" | head -1 || true)
  [ -n "$silo" ] && grep -q rows.csv <(ls /tmp/alerts-bench-*/data/inbox/archive 2>/dev/null; ls /tmp/alerts-bench-*/data/inbox 2>/dev/null) && break
  sleep 0.5
done
[ -n "$silo" ] || { echo "no bench silo appeared" >&2; exit 1; }
sleep 3 # past start-up, into steady delivery
"$TOOLS/dotnet-trace" collect -p "$silo" --profile dotnet-sampled-thread-time --duration "00:00:$(printf %02d "$SECONDS_TO_SAMPLE")" -o "$out.nettrace" >/dev/null
"$TOOLS/dotnet-trace" report "$out.nettrace" topN -n 100000 >"$out.methods.txt"
wait $bench || true
python3 "$ROOT/scripts/profile_breakdown.py" "$out.methods.txt" | tee "$out.txt"
grep -E "alerts/s|delivered" "$out.bench.txt" | tee -a "$out.txt"
