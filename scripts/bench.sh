#!/usr/bin/env bash
# make bench: the bench tool (bench/Bench) starts its own Redis, notifier, SILOS silos and gateway,
# sends one generated file of ROWS rows end to end, then the same rows from a plain HttpClient loop
# to a fresh notifier; prints a table and writes JSON and an SVG chart to bench/results/.
#   ROWS (100000, or 20 s at the lower of RATE and RECEIVER_RATE when one is set)  USERS (20000)
#   SILOS (1)  RATE: the send budget, 0 = none (0)
#   RECEIVER_RATE: the notifier's limit, 0 = none (0)  CONCURRENCY: baseline workers (64)
#   FILES: split the rows into that many files, dropped at once (1). PIN=C: each silo on C cores of its own
#   (taskset), Redis, the notifier and the gateway on the cores left: separate hosts on one big machine.
#   SCALE=1: instead of the baseline, the same rows through one silo and through SILOS (2 when
#   not set), RUNS times (3) back to back; prints each run, the medians and the ratio.
#   SCENARIO=one-429|retry-after|outage|outage-503|redirect|lower-limit|memory|heavy-user|scattered-429|freeze|partition|join|
#   pause|eta|cancel|priority|schedule|all (comma-separated): instead, the sender against a misbehaving receiver or silo,
#   or an operator's controls, each checked against its target; RATE defaults to 200 there (1,000 for lower-limit,
#   freeze, partition, pause, eta, cancel, priority and schedule; 2,000 for join), SILOS to 2 (3 for freeze and partition;
#   join starts one, then adds one), OUTAGE to
#   120 seconds (45 for freeze, 60 for partition). SCALE and SCENARIO default SILOS to 2, anything else to 1.
#   COLD=1: the silos get no warm-up file and the runtime no bench-only setting: the first file on a fresh cluster.
#   BENCH_KEEP=1 keeps each cluster's scratch folder, logs included (a failed run always keeps it).
#   Any Notifier__Chaos__* variable (LatencyMs, JitterMs, …) also reaches the bench's notifiers, e.g.
#   Notifier__Chaos__LatencyMs=50 make bench.
source "$(dirname "$0")/lib.sh"
install_redis
case "${SCENARIO:-}" in *partition*|all) install_iptables ;; esac
# The runtime moves a hot method to optimized code only after 100 ms without new first compiles, which a
# process starting to deliver keeps putting off: after the warm-up file, the measured run still spent about
# 5 % of the silo's CPU compiling. Without the delay every process it starts is warm when measured, as a
# silo that has run a minute is (8-9 µs less silo CPU per alert at 100,000 rows, the steady figure unchanged).
[ -n "${COLD:-}" ] || export DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-0}
exec dotnet "$ROOT/bench/Bench/bin/$CONFIG/net10.0/Alerts.Bench.dll" \
  ${ROWS:+--rows "$ROWS"} --users "${USERS:-20000}" ${SILOS:+--silos "$SILOS"} \
  --rate "${RATE:-0}" --receiver-rate "${RECEIVER_RATE:-0}" --concurrency "${CONCURRENCY:-64}" \
  --runs "${RUNS:-3}" --files "${FILES:-1}" --pin "${PIN:-0}" ${SCALE:+--scale} ${SCENARIO:+--scenario "$SCENARIO"} ${OUTAGE:+--outage "$OUTAGE"} ${COLD:+--cold}
