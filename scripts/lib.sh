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

# eark-validator (E-ARK's own package checker, from PyPI) in a venv of its own; exports
# KHO_EARK_PYTHON, which scripts/check_package.py runs under (offline: it serves the validator's
# bundled vocabularies instead of fetching them).
ensure_eark() {
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/kho/eark-venv"
  if ! "$venv/bin/python" -c 'import eark_validator' 2>/dev/null; then
    log "cài eark-validator 1.1.3 (kiểm tra gói E-ARK) vào $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check eark-validator==1.1.3
  fi
  export KHO_EARK_PYTHON="$venv/bin/python"
}

# One Garage node's configuration: garage_config DIR FACTOR SECRET TOKEN → prints its S3 and
# admin ports; the node listens on 127.0.0.1 only.
garage_config() {
  local dir=$1 factor=$2 secret=$3 token=$4 s3 rpc admin
  s3=$(free_port); rpc=$(free_port); admin=$(free_port)
  mkdir -p "$dir"
  printf '%s\n' \
    "metadata_dir = \"$dir/meta\"" \
    "data_dir = \"$dir/data\"" \
    'db_engine = "sqlite"' \
    "replication_factor = $factor" \
    "rpc_bind_addr = \"127.0.0.1:$rpc\"" \
    "rpc_public_addr = \"127.0.0.1:$rpc\"" \
    "rpc_secret = \"$secret\"" \
    '[s3_api]' \
    's3_region = "garage"' \
    "api_bind_addr = \"127.0.0.1:$s3\"" \
    'root_domain = ".s3.garage.localhost"' \
    '[admin]' \
    "api_bind_addr = \"127.0.0.1:$admin\"" \
    "admin_token = \"$token\"" >"$dir/garage.toml"
  echo "$s3 $admin"
}

# Starts a node in the background (its PID appended to GARAGE_PIDS) and waits for it to answer.
garage_node() {
  local dir=$1
  garage -c "$dir/garage.toml" server >"$dir/log" 2>&1 &
  GARAGE_PIDS="$GARAGE_PIDS $!"
  echo $! >"$dir/pid"
  for _ in $(seq 1 100); do
    garage -c "$dir/garage.toml" status >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  cat "$dir/log"; return 1
}

# A bucket kho-test and a key for it, on the cluster NODE belongs to: prints "ID SECRET".
garage_bucket() {
  local g="garage -c $1/garage.toml" key
  $g bucket create kho-test >/dev/null
  key=$($g key create kho-test-key)
  $g bucket allow --read --write --owner kho-test --key kho-test-key >/dev/null
  echo "$(echo "$key" | awk '/Key ID:/ {print $3}') $(echo "$key" | awk '/Secret key:/ {print $3}')"
}

# Two Garage clusters for the tests, on 127.0.0.1: one node keeping one copy (KHO_TEST_S3_*),
# and three nodes keeping three (KHO_TEST_GARAGE3_*), whose own replication is the second copy
# Kho checks through the admin API.
GARAGE_DIR=""
GARAGE_PIDS=""
start_garage() {
  GARAGE_DIR=$(mktemp -d /tmp/kho-garage.XXXXXX)
  local secret token ports key
  secret=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
  token=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
  ports=$(garage_config "$GARAGE_DIR/one" 1 "$secret" "$token")
  garage_node "$GARAGE_DIR/one"
  local node
  node=$(garage -c "$GARAGE_DIR/one/garage.toml" node id -q 2>/dev/null | cut -d@ -f1)
  garage -c "$GARAGE_DIR/one/garage.toml" layout assign -z dc1 -c 1G "$node" >/dev/null
  garage -c "$GARAGE_DIR/one/garage.toml" layout apply --version 1 >/dev/null
  key=$(garage_bucket "$GARAGE_DIR/one")
  export KHO_TEST_S3_ENDPOINT="http://127.0.0.1:${ports%% *}"
  export KHO_TEST_S3_BUCKET=kho-test
  export KHO_TEST_S3_ADMIN_ENDPOINT="http://127.0.0.1:${ports##* }" KHO_TEST_S3_ADMIN_TOKEN="$token"
  export KHO_TEST_S3_ACCESS_KEY_ID="${key%% *}" KHO_TEST_S3_SECRET_ACCESS_KEY="${key##* }"
  log "Garage (S3, một bản) chạy tại $KHO_TEST_S3_ENDPOINT"

  secret=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
  local first="" i
  for i in 1 2 3; do
    ports=$(garage_config "$GARAGE_DIR/three-$i" 3 "$secret" "$token")
    [ "$i" = 1 ] && first=$ports
    garage_node "$GARAGE_DIR/three-$i"
  done
  local g="garage -c $GARAGE_DIR/three-1/garage.toml"
  for i in 2 3; do
    $g node connect "$(garage -c "$GARAGE_DIR/three-$i/garage.toml" node id -q)" >/dev/null
  done
  for i in 1 2 3; do
    $g layout assign -z "dc$i" -c 1G "$(garage -c "$GARAGE_DIR/three-$i/garage.toml" node id -q | cut -d@ -f1)" >/dev/null
  done
  $g layout apply --version 1 >/dev/null
  key=$(garage_bucket "$GARAGE_DIR/three-1")
  export KHO_TEST_GARAGE3_S3_ENDPOINT="http://127.0.0.1:${first%% *}"
  export KHO_TEST_GARAGE3_ADMIN_ENDPOINT="http://127.0.0.1:${first##* }" KHO_TEST_GARAGE3_ADMIN_TOKEN="$token"
  export KHO_TEST_GARAGE3_ACCESS_KEY_ID="${key%% *}" KHO_TEST_GARAGE3_SECRET_ACCESS_KEY="${key##* }"
  # The test that stops a node to see the cluster degrade, then starts it again.
  export KHO_TEST_GARAGE3_SPARE_PID KHO_TEST_GARAGE3_SPARE_CONFIG="$GARAGE_DIR/three-3/garage.toml" \
    KHO_TEST_GARAGE3_FIRST_CONFIG="$GARAGE_DIR/three-1/garage.toml"
  KHO_TEST_GARAGE3_SPARE_PID=$(cat "$GARAGE_DIR/three-3/pid")
  log "Garage (S3, cụm ba máy, ba bản) chạy tại $KHO_TEST_GARAGE3_S3_ENDPOINT"
}

stop_garage() {
  local pid
  for pid in $GARAGE_PIDS; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  # A node a test started again is not our child: found by its configuration's folder.
  [ -n "${GARAGE_DIR:-}" ] && pkill -f "garage -c $GARAGE_DIR/" 2>/dev/null || true
  [ -n "${GARAGE_DIR:-}" ] && rm -rf "$GARAGE_DIR"
  GARAGE_PIDS=""; GARAGE_DIR=""
}
