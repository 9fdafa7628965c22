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

# Garage, the S3-compatible server a province can run itself: built once from crates.io when
# missing (about 10 minutes on 2 cores), then a single node on 127.0.0.1 for the tests.
ensure_garage() {
  command -v garage >/dev/null && return 0
  log "cài Garage (máy chủ S3) từ crates.io — chỉ lần đầu, khoảng 10 phút"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install garage --version 2.5.0 --locked
}

start_garage() {
  GARAGE_DIR=$(mktemp -d /tmp/kho-garage.XXXXXX)
  local s3 rpc secret
  s3=$(free_port); rpc=$(free_port)
  secret=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
  printf '%s\n' \
    "metadata_dir = \"$GARAGE_DIR/meta\"" \
    "data_dir = \"$GARAGE_DIR/data\"" \
    'db_engine = "sqlite"' \
    'replication_factor = 1' \
    "rpc_bind_addr = \"127.0.0.1:$rpc\"" \
    "rpc_public_addr = \"127.0.0.1:$rpc\"" \
    "rpc_secret = \"$secret\"" \
    '[s3_api]' \
    's3_region = "garage"' \
    "api_bind_addr = \"127.0.0.1:$s3\"" \
    'root_domain = ".s3.garage.localhost"' >"$GARAGE_DIR/garage.toml"
  local g="garage -c $GARAGE_DIR/garage.toml"
  $g server >"$GARAGE_DIR/log" 2>&1 &
  GARAGE_PID=$!
  # `node id` reads the key file and can answer before the server listens: wait for `status`.
  local node="" up=""
  for _ in $(seq 1 100); do
    if $g status >/dev/null 2>&1; then up=1; break; fi
    sleep 0.2
  done
  node=$($g node id -q 2>/dev/null | cut -d@ -f1)
  [ -n "$up" ] && [ -n "$node" ] || { cat "$GARAGE_DIR/log"; return 1; }
  $g layout assign -z dc1 -c 1G "$node" >/dev/null
  $g layout apply --version 1 >/dev/null
  $g bucket create kho-test >/dev/null
  local key
  key=$($g key create kho-test-key)
  $g bucket allow --read --write --owner kho-test --key kho-test-key >/dev/null
  export KHO_TEST_S3_ENDPOINT="http://127.0.0.1:$s3"
  export KHO_TEST_S3_BUCKET=kho-test
  KHO_TEST_S3_ACCESS_KEY_ID=$(echo "$key" | awk '/Key ID:/ {print $3}')
  KHO_TEST_S3_SECRET_ACCESS_KEY=$(echo "$key" | awk '/Secret key:/ {print $3}')
  export KHO_TEST_S3_ACCESS_KEY_ID KHO_TEST_S3_SECRET_ACCESS_KEY
  log "Garage (S3) chạy tại $KHO_TEST_S3_ENDPOINT"
}

stop_garage() {
  [ -n "${GARAGE_PID:-}" ] && kill "$GARAGE_PID" 2>/dev/null && wait "$GARAGE_PID" 2>/dev/null || true
  [ -n "${GARAGE_DIR:-}" ] && rm -rf "$GARAGE_DIR"
  GARAGE_PID=""; GARAGE_DIR=""
}
