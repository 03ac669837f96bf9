#!/usr/bin/env bash
# Where the silo's CPU goes: runs an unlimited bench (ROWS, USERS), samples the silo with perf for
# SECONDS once delivery is under way (JIT'd code named through the runtime's perf map), and sorts
# the samples by activity with scripts/perf_breakdown.py. Installs linux-perf with apt if missing.
source "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-400000}
USERS=${USERS:-100000}
SAMPLE_SECONDS=${SECONDS_TO_SAMPLE:-10}
command -v perf >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null; }
mkdir -p "$ROOT/bench/results"
out=$ROOT/bench/results/profile-$(date +%Y%m%d-%H%M%S)
before=$(ls -d /tmp/alerts-bench-* 2>/dev/null || true)

# Perf maps name JIT'd methods; without W^X the code is mapped where perf can see it.
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 ROWS=$ROWS USERS=$USERS "$ROOT/scripts/bench.sh" >"$out.bench.txt" 2>&1 &
bench=$!
work=""
for _ in $(seq 1 240); do
  work=$(ls -td /tmp/alerts-bench-* 2>/dev/null | grep -vxF -f <(printf '%s\n' $before) | head -1 || true)
  [ -n "$work" ] && [ -f "$work/output/alerts.csv" ] && [ "$(wc -l <"$work/output/alerts.csv")" -gt $((ROWS / 5)) ] && break
  sleep 0.5
done
silo=$(pgrep -f "$ROOT/src/Silo/bin/.*Alerts.Silo.dll" | head -1 || true) # this checkout's silo, not another run's
[ -n "$silo" ] || { echo "no bench silo is delivering" >&2; exit 1; }
perf record -F 499 -g -p "$silo" -o "$out.perf.data" -- sleep "$SAMPLE_SECONDS" >/dev/null 2>&1
perf script -i "$out.perf.data" 2>/dev/null >"$out.perf.txt"
wait $bench || true
python3 "$ROOT/scripts/perf_breakdown.py" "$out.perf.txt" | tee "$out.txt"
grep -E "alerts/s|CPU µs|Redis per" "$out.bench.txt" | tee -a "$out.txt"
