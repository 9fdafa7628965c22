# Shared helpers for Kho's scripts: install what is missing, start and stop servers.
# Sourced by scripts/demo and scripts/test; every server binds 127.0.0.1 only.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs the Debian packages named, only those not installed yet.
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "cài đặt gói Debian: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

ensure_rust() {
  command -v cargo >/dev/null || { echo "cần Rust (cargo): https://rustup.rs" >&2; exit 1; }
}

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts a throw-away PostgreSQL 15 cluster on 127.0.0.1 and exports KHO_TEST_POSTGRES_URL.
PG_DIR=""
start_postgres() {
  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  PG_DIR=$(mktemp -d /tmp/kho-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  local port; port=$(free_port)
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_DIR"
    as_pg() { su postgres -s /bin/sh -c "$*"; }
  else
    as_pg() { sh -c "$*"; }
  fi
  as_pg "$pgbin/initdb -D $PG_DIR/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
  as_pg "$pgbin/pg_ctl -D $PG_DIR/data -l $PG_DIR/log -o '-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c max_connections=300' -w start" >/dev/null
  PG_STOP="$pgbin/pg_ctl -D $PG_DIR/data -m fast stop"
  export KHO_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
  log "PostgreSQL chạy tại 127.0.0.1:$port"
}

stop_postgres() {
  [ -n "$PG_DIR" ] || return 0
  as_pg "$PG_STOP" >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"; PG_DIR=""
}
