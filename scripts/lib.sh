# Shared by the scripts: where things live and how to start and find processes.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONFIG=${CONFIG:-Release}
DATA=${ALERTS_DATA:-$ROOT/data}
RUN=$DATA/run
LOGS=$DATA/logs
REDIS_PORT=${REDIS_PORT:-6379}
GATEWAY_URL=${GATEWAY_URL:-http://127.0.0.1:5000}
NOTIFIER_URL=${NOTIFIER_URL:-http://127.0.0.1:5080}
mkdir -p "$RUN" "$LOGS"

export ConnectionStrings__Redis=${ConnectionStrings__Redis:-127.0.0.1:$REDIS_PORT}
export Alerts__DataRoot=${Alerts__DataRoot:-$DATA}
export Notifier__OutputDir=${Notifier__OutputDir:-$DATA/output}
# The silos deliver to the notifier these scripts start, on whatever port it was given, unless told otherwise.
export Alerts__Webhook__Url=${Alerts__Webhook__Url:-$NOTIFIER_URL/webhook}

dll() { echo "$ROOT/src/$1/bin/$CONFIG/net10.0/Alerts.$1.dll"; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start NAME LOGFILE COMMAND...: runs COMMAND in the background, records its pid as $RUN/NAME.pid
start() {
  local name=$1 log=$2; shift 2
  nohup "$@" >>"$log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  echo "started $name (pid $!, log ${log#$ROOT/})"
}

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND until it succeeds or the time is up
wait_for() {
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 2))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "timed out after ${seconds}s waiting for $what" >&2
  return 1
}

# install_browser: installs Debian's chromium and chromium-driver when missing (the status page's browser tests)
install_browser() {
  command -v chromium >/dev/null && command -v chromedriver >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium and chromium-driver with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "chromium and chromedriver are missing: install them (Debian: sudo apt-get install chromium chromium-driver)" >&2
    exit 1
  fi
}

# install_npm: installs Node.js and npm with apt-get when missing (the build fetches the status page's chart library with npm)
install_npm() {
  command -v npm >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing nodejs and npm with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "npm is missing: install it (Debian: sudo apt-get install nodejs npm)" >&2
    return 1
  fi
}

# install_redis: installs redis-server with apt-get when it is missing (make up and make test both need it)
install_redis() {
  command -v redis-server >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing redis-server with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis-server is missing: install it (Debian: sudo apt-get install redis-server) or set ConnectionStrings__Redis" >&2
    exit 1
  fi
}

# install_iptables: installs iptables with apt-get when it is missing and we are root (the partition tests and
# SCENARIO=partition cut a silo off with it); without root the partition tests say why they cannot run
install_iptables() {
  command -v iptables >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing iptables with apt-get"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null; } ||
      echo "iptables could not be installed: the partition tests will say why they are skipped" >&2
  fi
}
