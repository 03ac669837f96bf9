#!/usr/bin/env bash
# Stops exactly the processes the scripts started (their pid files), gracefully first.
source "$(dirname "$0")/lib.sh"

stop() {
  local pidfile=$1 name pid
  name=$(basename "$pidfile" .pid)
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { echo "$name did not stop in 30 s: killing it"; kill -KILL "$pid"; }
    echo "stopped $name"
  fi
  rm -f "$pidfile"
}

shopt -s nullglob
for f in "$RUN"/gateway.pid "$RUN"/silo-*.pid "$RUN"/notifier.pid "$RUN"/redis.pid; do stop "$f"; done
