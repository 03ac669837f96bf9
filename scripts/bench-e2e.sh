#!/usr/bin/env bash
# End to end: a fresh Redis, notifier and SILOS silos; one generated file of ROWS rows dropped into the
# inbox; reports alerts/s from discovery to completion, peak memory per process and the file's state size.
source "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-100000}
USERS=${USERS:-20000}
SILOS=${SILOS:-1}
RATE=${RATE:-1000000}          # Alerts__Webhook__PermitsPerSecond (per silo today)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

redis_port=$((40000 + RANDOM % 10000)); notifier_port=$((redis_port + 1)); gateway_port=$((redis_port + 2))
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --appendonly yes --save "" >"$work/redis.log" 2>&1 &
pids+=($!)
wait_for "bench redis" 10 redis-cli -p "$redis_port" ping
dotnet "$(dll Notifier)" --urls "http://127.0.0.1:$notifier_port" --Notifier:OutputDir="$work/output" \
  --Notifier:PermitsPerSecond=10000000 --Logging:LogLevel:Default=Warning >"$work/notifier.log" 2>&1 &
pids+=($!); notifier=$!
export ConnectionStrings__Redis=127.0.0.1:$redis_port Orleans__ClusterId=bench Alerts__DataRoot=$work/data
export Alerts__Webhook__Url=http://127.0.0.1:$notifier_port/webhook Alerts__Webhook__PermitsPerSecond=$RATE
silo_pids=()
for n in $(seq 1 "$SILOS"); do
  dotnet "$(dll Silo)" --Orleans:SiloPort=$((redis_port + 10 + n)) --Orleans:GatewayPort=$((redis_port + 30 + n)) \
    --Logging:LogLevel:Default=Warning >"$work/silo-$n.log" 2>&1 &
  pids+=($!); silo_pids+=($!)
done
dotnet "$(dll Gateway)" --urls "http://127.0.0.1:$gateway_port" --Logging:LogLevel:Default=Warning >"$work/gateway.log" 2>&1 &
pids+=($!)
wait_for "the bench cluster" 90 curl -fsS "http://127.0.0.1:$gateway_port/health"

python3 - "$work/rows.csv" "$ROWS" "$USERS" <<'PY'
import sys
path, rows, users = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w") as f:
    f.write("userId,alertMessage\n")
    for i in range(rows):
        f.write(f"user-{i % users},\"bench alert {i}, see the portal\"\n")
PY
file_id=$(sha256sum "$work/rows.csv" | cut -d' ' -f1)
mkdir -p "$work/data/inbox"
mv "$work/rows.csv" "$work/data/inbox/rows.csv"
status_url="http://127.0.0.1:$gateway_port/files/$file_id"
state_max=0
until curl -fsS "$status_url" 2>/dev/null | grep -q '"status":"Completed"'; do
  sleep 2
  size=$(redis-cli -p "$redis_port" --scan --pattern "*file/$file_id*" | head -1 | xargs -r redis-cli -p "$redis_port" memory usage 2>/dev/null || echo 0)
  [ "${size:-0}" -gt "$state_max" ] && state_max=$size
done
summary=$(curl -fsS "$status_url")
peak() { awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$1/status"; }
echo "end to end: $ROWS rows, $USERS users, $SILOS silo(s), send rate limit $RATE/s"
python3 - "$summary" <<'PY'
import json, sys, datetime
s = json.loads(sys.argv[1])
t0 = datetime.datetime.fromisoformat(s["discoveredAt"]); t1 = datetime.datetime.fromisoformat(s["completedAt"])
secs = (t1 - t0).total_seconds()
print(f"  delivered {s['delivered']} of {s['valid']} valid rows in {secs:.1f} s: {s['delivered'] / secs:,.0f} alerts/s")
PY
echo "  rows in the notifier's output: $(wc -l <"$work/output/alerts.csv")"
echo "  peak file-grain state in Redis: $state_max bytes"
for n in $(seq 1 "$SILOS"); do echo "  silo-$n peak memory (VmHWM): $(peak "${silo_pids[$((n - 1))]}")"; done
echo "  notifier peak memory: $(peak "$notifier")"
