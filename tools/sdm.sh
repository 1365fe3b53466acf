#!/usr/bin/env bash
# SDM for Odoo - one small CLI behind the Makefile targets.
#
#   tools/sdm.sh run            set everything up, install the demo database, serve http://localhost:8069
#   tools/sdm.sh test [ARGS]    fresh test database + every test through pytest-odoo (ARGS go to pytest)
#   tools/sdm.sh e2e [ARGS]     fresh e2e database + the browser/API suite in tests/e2e (Playwright + odoorpc)
#   tools/sdm.sh test-odoo      stock Odoo's sale / sale_stock / account tests with our addons installed
#   tools/sdm.sh lint           pre-commit (ruff + pylint-odoo)
#   tools/sdm.sh pot            regenerate addons/*/i18n/*.pot and merge them into zh_CN.po
#   tools/sdm.sh backup [DB]    timestamped zip (dump + filestore) of DB (default the demo database) in
#                               SDM_BACKUP_DIR (default .local/backups), keeping the newest SDM_BACKUP_KEEP (14)
#   tools/sdm.sh restore FILE NEWDB   restore a backup as a copy under a new name
#   tools/sdm.sh restore-drill [DB]   back up, restore as a copy, compare totals, drop the copy (exit 1 if unequal)
#   tools/sdm.sh setup          venv + PostgreSQL + odoo.conf only
#   tools/sdm.sh db-stop        stop the PostgreSQL server this script started
#
# Everything is idempotent: a second run reuses the virtualenv, the PostgreSQL server and the Odoo source.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${SDM_STATE_DIR:-$ROOT/.local}"
ODOO_SRC="${ODOO_SRC:-/opt/odoo/18.0}"
ODOO_BRANCH_URL="${ODOO_BRANCH_URL:-https://github.com/odoo/odoo.git}"
PYTHON="${SDM_PYTHON:-python3.11}"
VENV="${SDM_VENV:-$HOME/.cache/sdm-odoo/venv-py311}"
DB_USER="${SDM_DB_USER:-odoo}"
DB_PASSWORD="${SDM_DB_PASSWORD:-odoo}"
DEMO_DB="${SDM_DB:-sdm_demo}"
TEST_DB="${SDM_TEST_DB:-sdm_test}"
REGRESS_DB="${SDM_REGRESS_DB:-sdm_regress}"
E2E_DB="${SDM_E2E_DB:-sdm_e2e}"
E2E_VENV="${SDM_E2E_VENV:-$HOME/.cache/sdm-odoo/venv-e2e}"
HTTP_PORT="${SDM_HTTP_PORT:-8069}"
SDM_ADDONS="sdm_sales,sdm_finance,sdm_planning,sdm_crm_scoring"
CONF="$STATE/odoo.conf"
PG_VERSION="${SDM_PG_VERSION:-15}"
# A private cluster (non-root users) lives here, on its own port.
PRIVATE_PGDATA="$STATE/pgdata"
PRIVATE_PGPORT="${SDM_PRIVATE_PGPORT:-5544}"

log() { printf '\033[1;34m[sdm]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[sdm] %s\033[0m\n' "$*" >&2; exit 1; }

# --------------------------------------------------------------------------- Odoo source
ensure_odoo_src() {
    if [ -f "$ODOO_SRC/odoo/release.py" ]; then
        return
    fi
    if command -v git >/dev/null && git ls-remote --heads "$ODOO_BRANCH_URL" 18.0 >/dev/null 2>&1; then
        log "No Odoo source at $ODOO_SRC: shallow-cloning the official 18.0 branch"
        mkdir -p "$(dirname "$ODOO_SRC")"
        git clone --depth 1 --branch 18.0 "$ODOO_BRANCH_URL" "$ODOO_SRC"
        return
    fi
    die "Odoo 18.0 source not found at $ODOO_SRC and the official repository is not reachable.
Provide an Odoo 18.0 Community source tree (the directory that holds odoo-bin and odoo/release.py)
and point ODOO_SRC at it, e.g.:  ODOO_SRC=/path/to/odoo-18.0 make test"
}

# --------------------------------------------------------------------------- virtualenv
ensure_venv() {
    local stamp="$VENV/.sdm-requirements" want
    want="$(cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements.txt" | sha1sum | cut -c1-40)"
    if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return
    fi
    command -v "$PYTHON" >/dev/null || die "$PYTHON not found (Odoo 18 needs Python 3.10-3.12); set SDM_PYTHON"
    log "Preparing virtualenv $VENV"
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    # Odoo's pinned sdists import pkg_resources in setup.py: setuptools < 70 in every build env.
    local constraints="$VENV/constraints.txt"
    echo 'setuptools<70' >"$constraints"
    # python-ldap is only needed by auth_ldap and needs libldap headers: left out.
    grep -v -i '^python-ldap' "$ODOO_SRC/requirements.txt" >"$VENV/odoo-requirements.txt"
    PIP_CONSTRAINT="$constraints" "$VENV/bin/pip" install -q 'setuptools<70' wheel
    PIP_CONSTRAINT="$constraints" "$VENV/bin/pip" install -q -r "$VENV/odoo-requirements.txt" -r "$ROOT/requirements.txt"
    echo "$want" >"$stamp"
}

# --------------------------------------------------------------------------- PostgreSQL
pg_answers() { pg_isready -q -h "$1" -p "$2" -t 3 >/dev/null 2>&1; }

ensure_postgres() {
    export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}"
    if pg_answers "$PGHOST" "$PGPORT"; then
        log "PostgreSQL answers on $PGHOST:$PGPORT"
    elif [ "$(id -u)" = 0 ]; then
        command -v pg_ctlcluster >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
        if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$PG_VERSION main"; then
            log "Creating Debian cluster $PG_VERSION/main"
            pg_createcluster "$PG_VERSION" main --port "$PGPORT" >/dev/null
        fi
        PGPORT="$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1==v && $2=="main" {print $3}')"
        export PGPORT
        log "Starting Debian cluster $PG_VERSION/main on port $PGPORT (stop: tools/sdm.sh db-stop)"
        pg_ctlcluster "$PG_VERSION" main start || true
        for _ in $(seq 30); do pg_answers "$PGHOST" "$PGPORT" && break; sleep 1; done
        pg_answers "$PGHOST" "$PGPORT" || die "PostgreSQL did not start; see /var/log/postgresql/"
    else
        local bindir
        bindir="$(pg_config --bindir 2>/dev/null || echo "/usr/lib/postgresql/$PG_VERSION/bin")"
        export PGHOST=127.0.0.1 PGPORT="$PRIVATE_PGPORT"
        if ! pg_answers "$PGHOST" "$PGPORT"; then
            if [ ! -f "$PRIVATE_PGDATA/PG_VERSION" ]; then
                log "Creating a private PostgreSQL cluster in $PRIVATE_PGDATA"
                mkdir -p "$PRIVATE_PGDATA"
                printf '%s\n' "$DB_PASSWORD" >"$STATE/.pgpass-init"
                "$bindir/initdb" -D "$PRIVATE_PGDATA" -U "$DB_USER" --pwfile="$STATE/.pgpass-init" \
                    -A scram-sha-256 -E UTF8 --locale=C >/dev/null
                rm -f "$STATE/.pgpass-init"
            fi
            log "Starting the private cluster on port $PGPORT (stop: tools/sdm.sh db-stop)"
            "$bindir/pg_ctl" -D "$PRIVATE_PGDATA" -l "$STATE/postgresql.log" -w \
                -o "-p $PGPORT -k $PRIVATE_PGDATA -c listen_addresses=127.0.0.1" start >/dev/null
        fi
    fi
    export PGUSER="$DB_USER" PGPASSWORD="$DB_PASSWORD"
    if ! psql -d postgres -qtA -c 'SELECT 1' >/dev/null 2>&1 && [ "$(id -u)" = 0 ] &&
        [ -d /var/run/postgresql ] && id postgres >/dev/null 2>&1; then
        # Our own Debian cluster: create the Odoo role (never "postgres") through the local socket.
        log "Creating PostgreSQL role $DB_USER"
        env -u PGUSER -u PGPASSWORD runuser -u postgres -- psql -U postgres -h /var/run/postgresql \
            -p "$PGPORT" -q -d postgres -c \
            "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'" || true
    fi
    psql -d postgres -qtA -c 'SELECT 1' >/dev/null 2>&1 ||
        die "Cannot log in to PostgreSQL $PGHOST:$PGPORT as $DB_USER (set SDM_DB_USER / SDM_DB_PASSWORD)"
}

db_stop() {
    if [ -f "$PRIVATE_PGDATA/PG_VERSION" ] && [ "$(id -u)" != 0 ]; then
        "$(pg_config --bindir)/pg_ctl" -D "$PRIVATE_PGDATA" stop
    elif [ "$(id -u)" = 0 ]; then
        pg_ctlcluster "$PG_VERSION" main stop
    fi
}

# --------------------------------------------------------------------------- system packages
# PDF reports need wkhtmltopdf, and Chinese text in them (and in screenshots) needs CJK fonts.
ensure_debian_packages() {
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "Installing ${missing[*]}"
        { apt-get install -y -qq "${missing[@]}" || { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; }; } \
            >/dev/null 2>&1 || log "could not install ${missing[*]}: PDF reports may fail or lack Chinese glyphs"
    else
        log "Please install ${missing[*]} (as root: apt-get install ${missing[*]}) for PDF reports with Chinese text"
    fi
}

# --------------------------------------------------------------------------- odoo.conf
write_conf() {
    mkdir -p "$STATE/data"
    local addons="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ROOT/addons"
    [ -n "${SDM_EXTRA_ADDONS:-}" ] && addons="$addons,$SDM_EXTRA_ADDONS"
    sed -e "s#@ADDONS_PATH@#$addons#" -e "s#@DATA_DIR@#$STATE/data#" \
        -e "s#@DB_HOST@#$PGHOST#" -e "s#@DB_PORT@#$PGPORT#" \
        -e "s#@DB_USER@#$DB_USER#" -e "s#@DB_PASSWORD@#$DB_PASSWORD#" \
        -e "s#@HTTP_PORT@#$HTTP_PORT#" "$ROOT/config/odoo.dev.conf" >"$CONF"
}

setup() {
    mkdir -p "$STATE"
    ensure_odoo_src
    ensure_venv
    ensure_postgres
    write_conf
    export PATH="$VENV/bin:$PATH" PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}"
}

odoo_bin() { "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" "$@"; }
odoo_db() { "$VENV/bin/python" "$ROOT/tools/odoo_db.py" -c "$CONF" "$@"; }

# --------------------------------------------------------------------------- commands
cmd_run() {
    setup
    ensure_debian_packages wkhtmltopdf fonts-noto-cjk
    if ! odoo_db installed "$DEMO_DB" "$SDM_ADDONS"; then
        log "Creating the demo database $DEMO_DB (Chinese company, demo data, zh_CN loaded)"
        odoo_db drop "$DEMO_DB"
        odoo_db create "$DEMO_DB" --demo --country CN --lang en_US
        odoo_bin -d "$DEMO_DB" -i "$SDM_ADDONS" --load-language=zh_CN --stop-after-init --log-level=warn
        odoo_db installed "$DEMO_DB" "$SDM_ADDONS" || die "the SDM addons did not install in $DEMO_DB"
    elif [ -n "${SDM_UPDATE:-}" ]; then
        odoo_bin -d "$DEMO_DB" -u "$SDM_ADDONS" --stop-after-init --log-level=warn
    fi
    cat >&2 <<MSG

  SDM for Odoo is starting:   http://localhost:$HTTP_PORT
  Database: $DEMO_DB
  Login (English):  admin / admin          (SDM Administrator)
  Login (简体中文): sdm_zh / sdm_zh        (SDM Administrator, user language 简体中文)
  Salesperson:      wang.fang / wang.fang  (华东 region, own customers only)
  Stop with Ctrl+C; stop PostgreSQL with: tools/sdm.sh db-stop

MSG
    [ -n "${SDM_NO_SERVE:-}" ] && return
    exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$DEMO_DB" --db-filter="^$DEMO_DB\$" \
        --http-port="$HTTP_PORT"
}

# A fresh database with the four addons, no demo data, 简体中文 loaded (kept when SDM_REUSE_DB is set).
prepare_db() {
    local db=$1 what=$2
    if [ -n "${SDM_REUSE_DB:-}" ] && odoo_db installed "$db" "$SDM_ADDONS"; then
        log "Reusing $what database $db (SDM_REUSE_DB is set)"
        return
    fi
    log "Creating a fresh $what database $db and installing $SDM_ADDONS"
    odoo_db drop "$db"
    odoo_db create "$db" --lang en_US
    odoo_bin -d "$db" -i "$SDM_ADDONS" --without-demo=all --load-language=zh_CN --stop-after-init --log-level=warn
    odoo_db installed "$db" "$SDM_ADDONS" || die "the SDM addons did not install in $db"
}

prepare_test_db() { prepare_db "$TEST_DB" test; }

cmd_test() {
    setup
    local started=$SECONDS
    prepare_test_db
    local targets=("$@")
    if [ ${#targets[@]} -eq 0 ]; then
        # Every addon's tests, then the cross-addon tests (which end with the uninstall test).
        targets=()
        for d in "$ROOT"/addons/*/tests; do targets+=("$d"); done
        targets+=("$ROOT/tests")
    fi
    # tests/e2e drives a browser from its own virtualenv: `make e2e`.
    targets+=("--ignore=$ROOT/tests/e2e")
    log "Running pytest-odoo on ${targets[*]}"
    set +e
    (cd "$ROOT" && SDM_ODOO_CONF="$CONF" SDM_ODOO_SRC="$ODOO_SRC" \
        "$VENV/bin/python" -m pytest -p no:cacheprovider --odoo-database="$TEST_DB" --odoo-config="$CONF" \
        --odoo-http --odoo-log-level=warn --odoo-extra=max-cron-threads=0 "${targets[@]}")
    local rc=$?
    set -e
    log "test command finished in $((SECONDS - started)) s (exit $rc)"
    return $rc
}

ensure_e2e_venv() {
    local stamp="$E2E_VENV/.sdm-requirements" want
    want="$(sha1sum "$ROOT/requirements-e2e.txt" | cut -c1-40)"
    if [ -x "$E2E_VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return
    fi
    log "Preparing the end-to-end virtualenv $E2E_VENV (Playwright without its browsers, odoorpc)"
    [ -x "$E2E_VENV/bin/python" ] || "$PYTHON" -m venv "$E2E_VENV"
    "$E2E_VENV/bin/pip" install -q -r "$ROOT/requirements-e2e.txt"
    echo "$want" >"$stamp"
}

cmd_e2e() {
    setup
    local started=$SECONDS
    # Debian's browser and driver; CJK fonts so that 简体中文 screens render.
    ensure_debian_packages chromium chromium-driver fonts-noto-cjk
    command -v chromium >/dev/null || die "Debian's chromium is missing (as root: apt-get install chromium chromium-driver)"
    ensure_e2e_venv
    prepare_db "$E2E_DB" e2e
    log "Running the end-to-end suite (tests/e2e) against $E2E_DB"
    set +e
    (cd "$ROOT" && SDM_ODOO_CONF="$CONF" SDM_ODOO_SRC="$ODOO_SRC" SDM_ODOO_PYTHON="$VENV/bin/python" \
        SDM_E2E_DB="$E2E_DB" "$E2E_VENV/bin/python" -m pytest -p no:cacheprovider "${@:-tests/e2e}")
    local rc=$?
    set -e
    log "e2e command finished in $((SECONDS - started)) s (exit $rc)"
    return $rc
}

cmd_test_odoo() {
    setup
    local started=$SECONDS rc port log="$STATE/test-odoo.log"
    ensure_debian_packages wkhtmltopdf
    command -v wkhtmltopdf >/dev/null || log "wkhtmltopdf is missing: one stock account test will error"
    # Its own free port: a running `make run` (8069) must neither stop the HttpCase tests nor hide that they failed.
    port="${SDM_REGRESS_PORT:-$("$VENV/bin/python" -c "import sys; sys.path.insert(0, '$ROOT/tests'); \
from odoo_server import free_port; print(free_port())")}"
    odoo_db drop "$REGRESS_DB"
    odoo_db create "$REGRESS_DB" --demo --lang en_US
    log "Running stock Odoo tests on $REGRESS_DB, HTTP port $port"
    set +e
    odoo_bin -d "$REGRESS_DB" -i "$SDM_ADDONS" --test-tags "${SDM_ODOO_TAGS:-/sale,/sale_stock,/account}" \
        --http-port="$port" --stop-after-init --log-level=test 2>&1 | tee "$log" |
        grep -E "ERROR|FAIL|CRITICAL|tests in|Ran |tests when loading database"
    rc=${PIPESTATUS[0]}
    set -e
    log "stock test run took $((SECONDS - started)) s (odoo exit $rc); full log: $log"
    # Passed only with Odoo's own summary saying 0 failed, 0 error(s) of N > 0 tests, and a zero exit.
    "$VENV/bin/python" "$ROOT/tools/odoo_test_summary.py" "$log" || return 1
    [ "$rc" = 0 ] || { log "odoo-bin exited with $rc"; return 1; }
}

cmd_lint() {
    setup_lint_only
    (cd "$ROOT" && "$VENV/bin/pre-commit" run --all-files --show-diff-on-failure)
}

setup_lint_only() {
    ensure_odoo_src
    ensure_venv
    export PATH="$VENV/bin:$PATH"
}

# Backups. SDM_ODOO_CONF points at another server's configuration (production); the default is this checkout's.
db_tool() { "$VENV/bin/python" "$ROOT/tools/odoo_db.py" -c "${SDM_ODOO_CONF:-$CONF}" "$@"; }

cmd_backup() {
    setup
    db_tool backup "${1:-$DEMO_DB}" "${SDM_BACKUP_DIR:-$STATE/backups}" --keep "${SDM_BACKUP_KEEP:-14}"
}

cmd_restore() {
    [ $# -eq 2 ] || die "usage: tools/sdm.sh restore FILE NEWDB"
    setup
    db_tool restore "$1" "$2"
}

cmd_restore_drill() {
    setup
    db_tool drill "${1:-$DEMO_DB}" ${SDM_BACKUP_DIR:+"$SDM_BACKUP_DIR"}
}

cmd_pot() {
    setup
    local db="${SDM_POT_DB:-$TEST_DB}"
    odoo_db installed "$db" "$SDM_ADDONS" || prepare_test_db
    IFS=, read -r -a mods <<<"$SDM_ADDONS"
    for m in "${mods[@]}"; do
        mkdir -p "$ROOT/addons/$m/i18n"
        odoo_bin -d "$db" --i18n-export="$ROOT/addons/$m/i18n/$m.pot" --modules="$m" --stop-after-init \
            --log-level=warn
        if [ -f "$ROOT/addons/$m/i18n/zh_CN.po" ]; then
            msgmerge --quiet --no-fuzzy-matching --update --backup=none \
                "$ROOT/addons/$m/i18n/zh_CN.po" "$ROOT/addons/$m/i18n/$m.pot"
        else
            msginit --no-translator --locale=zh_CN --input="$ROOT/addons/$m/i18n/$m.pot" \
                --output-file="$ROOT/addons/$m/i18n/zh_CN.po"
        fi
        log "$m: $(msgfmt --statistics -o /dev/null "$ROOT/addons/$m/i18n/zh_CN.po" 2>&1)"
    done
}

case "${1:-}" in
    run) shift; cmd_run "$@" ;;
    test) shift; cmd_test "$@" ;;
    test-odoo) shift; cmd_test_odoo "$@" ;;
    e2e) shift; cmd_e2e "$@" ;;
    lint) shift; cmd_lint "$@" ;;
    pot) shift; cmd_pot "$@" ;;
    backup) shift; cmd_backup "$@" ;;
    restore) shift; cmd_restore "$@" ;;
    restore-drill) shift; cmd_restore_drill "$@" ;;
    setup) shift; setup; log "ready: $CONF" ;;
    install-test-db) shift; setup; prepare_test_db ;;
    db-stop) shift; db_stop ;;
    odoo)
        shift
        setup
        case "${1:-}" in
            shell | db | neutralize | obfuscate | populate | cloc)
                sub=$1
                shift
                "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "$sub" -c "$CONF" "$@"
                ;;
            *) odoo_bin "$@" ;;
        esac
        ;;
    *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
