#!/usr/bin/env bash
# Starts Redis, one silo, the gateway and the notifier in the background; logs under data/logs.
source "$(dirname "$0")/lib.sh"

ensure_redis() {
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    echo "Redis already answers on port $REDIS_PORT: using it"
    return
  fi
  install_redis
  mkdir -p "$DATA/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DATA/redis" --appendonly yes \
    --daemonize yes --pidfile "$RUN/redis.pid" --logfile "$LOGS/redis.log"
  wait_for "Redis" 10 redis-cli -p "$REDIS_PORT" ping
  echo "started redis on port $REDIS_PORT (AOF in ${DATA#$ROOT/}/redis)"
}

# A process already on the notifier's or gateway's port (another checkout's, say) would answer in
# place of ours and quietly take its alerts: refuse instead.
ensure_free() {
  local what=$1 port=${2##*:} setting=$3
  if port_in_use "$port"; then
    echo "$what port $port is already in use (another make up?): stop that process or set $setting" >&2
    exit 1
  fi
}

ensure_free "the notifier's" "$NOTIFIER_URL" NOTIFIER_URL
ensure_free "the gateway's" "$GATEWAY_URL" GATEWAY_URL
ensure_redis
start notifier "$LOGS/notifier.log" dotnet "$(dll Notifier)" --urls "$NOTIFIER_URL"
"$ROOT/scripts/silo.sh"
start gateway "$LOGS/gateway.log" dotnet "$(dll Gateway)" --urls "$GATEWAY_URL"
wait_for "the gateway's /health" 90 curl -fsS "$GATEWAY_URL/health"
wait_for "the notifier's /stats" 30 curl -fsS "$NOTIFIER_URL/stats"
echo "up: the status page at $GATEWAY_URL/ (dashboard at /dashboard, API at /docs); drop files into ${DATA#$ROOT/}/inbox; delivered rows in ${Notifier__OutputDir#$ROOT/}"
