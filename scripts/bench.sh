#!/usr/bin/env bash
# Benchmarks. Today: the plain baseline — what a fresh notifier sustains on loopback when a tight
# HttpClient loop posts straight to it (each 200 = row fsynced by group commit). Results in bench/results.
source "$(dirname "$0")/lib.sh"
REQUESTS=${REQUESTS:-50000}
CONCURRENCY=${CONCURRENCY:-64}
RUNS=${RUNS:-3}
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
trap 'kill $notifier 2>/dev/null; wait $notifier 2>/dev/null; rm -rf "$work"' EXIT

dotnet "$(dll Notifier)" --urls "http://127.0.0.1:$port" --Notifier:OutputDir="$work/output" \
  --Notifier:PermitsPerSecond=10000000 --Logging:LogLevel:Default=Warning >"$work/notifier.log" 2>&1 &
notifier=$!
wait_for "the bench notifier" 30 curl -fsS "http://127.0.0.1:$port/stats"

mkdir -p "$ROOT/bench/results"
echo "notifier baseline: $REQUESTS requests x $RUNS runs, $CONCURRENCY concurrent, loopback, $(nproc) cores"
dotnet "$ROOT/bench/Bench/bin/$CONFIG/net10.0/Alerts.Bench.dll" --url "http://127.0.0.1:$port/webhook" \
  --requests "$REQUESTS" --concurrency "$CONCURRENCY" --runs "$RUNS" | tee "$ROOT/bench/results/notifier-baseline.txt"
echo "rows on disk: $(wc -l <"$work/output/alerts.csv")"
