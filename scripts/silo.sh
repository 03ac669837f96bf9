#!/usr/bin/env bash
# Starts one more silo on the next free silo, gateway and metrics ports (11111/30000/9464, then
# 11112/30001/9465, ...); its Prometheus text is at http://host:METRICS_PORT/metrics.
source "$(dirname "$0")/lib.sh"

n=1
while [ -f "$RUN/silo-$n.pid" ] && kill -0 "$(cat "$RUN/silo-$n.pid")" 2>/dev/null; do n=$((n + 1)); done
silo_port=$((11110 + n)); gateway_port=$((29999 + n)); metrics_port=$((9463 + n))
while port_in_use "$silo_port" || port_in_use "$gateway_port" || port_in_use "$metrics_port"; do
  silo_port=$((silo_port + 1)); gateway_port=$((gateway_port + 1)); metrics_port=$((metrics_port + 1))
done
# The server GC runs a thread per heap, one per core by default, and every collection's threads wait for each other:
# on cores shared with more silos, Redis and the gateway, much of that wait is spinning, so a silo gets a heap per two
# cores (at least one). A silo with a host of its own can be given DOTNET_GCHeapCount (hexadecimal) = its cores.
export DOTNET_GCHeapCount=${DOTNET_GCHeapCount:-$(printf '%x' $(( $(nproc) / 2 > 1 ? $(nproc) / 2 : 1 )))}
start "silo-$n" "$LOGS/silo-$n.log" dotnet "$(dll Silo)" \
  --Orleans:SiloPort="$silo_port" --Orleans:GatewayPort="$gateway_port" --Alerts:MetricsPort="$metrics_port"
wait_for "silo-$n's gateway port $gateway_port" 60 port_in_use "$gateway_port"
# Until it is an active member: users are placed on the silos active when they first get an alert, so a file
# uploaded the moment this returns still gives the new silo its share.
wait_for "silo-$n to join the cluster (its /health/ready)" 90 curl -fsS "http://localhost:$metrics_port/health/ready"
