#!/usr/bin/env bash
# SDM load test: bash bench/load/run.sh [minutes] [users...]     (default: 10 minutes, 20 and 50 users)
#
# 1. builds the bench database once (bench/load/build_db.py: 1,000 customers, 50 salespeople, a year of history);
# 2. for each user count, two phases on fresh copies of it (createdb -T), the SDM phase and the stock baseline,
#    in alternating order (SDM first at the first count, stock first at the next...), each against its own prefork
#    server (--workers 4, --max-cron-threads 1, loopback only) driven by Locust headless for [minutes];
#      sdm:   credit control on (company mode "block", one customer in five "approval"), automatic write-off of
#             receipts, SDM's settlement / accrual / write-off / achievement-refresh crons every minute;
#      stock: the same database and mix with SDM's checks off (credit check off, write-off on receipt "none",
#             every SDM cron inactive) - stock Odoo's flows with the SDM addons installed;
# 3. prints orders per minute, p50/p95 per request type, error rate, credit blocks / approvals, serialization
#    retries (server log), the SDM/stock ratios; JSON + text in bench/results/load_*.
#
# Environment: SDM_LOAD_DB (database prefix, default sdm_load), SDM_LOAD_PORT (default $SDM_HTTP_PORT or 8414),
# SDM_LOAD_MAX_REQUESTS (stop a phase after that many requests, default 200000), SDM_LOAD_CONF (odoo.conf,
# default .local/odoo.conf written by `make test`/`make run`), SDM_LOAD_CUSTOMERS / SDM_LOAD_SALESPEOPLE.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
MINUTES="${1:-10}"
shift || true
USERS=("$@")
[ ${#USERS[@]} -gt 0 ] || USERS=(20 50)
PREFIX="${SDM_LOAD_DB:-sdm_load}"
PORT="${SDM_LOAD_PORT:-${SDM_HTTP_PORT:-8414}}"
CONF="${SDM_LOAD_CONF:-$ROOT/.local/odoo.conf}"
MAX_REQUESTS="${SDM_LOAD_MAX_REQUESTS:-200000}"
ODOO_SRC="${ODOO_SRC:-/opt/odoo/18.0}"
PY="${SDM_VENV:-$HOME/.cache/sdm-odoo/venv-py311}/bin/python"
BENCH_VENV="${SDM_BENCH_VENV:-$HOME/.cache/sdm-odoo/venv-bench}"
OUT="$ROOT/bench/results"
WORK="$(mktemp -d /tmp/sdm_load.XXXXXX)"
mkdir -p "$OUT"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-odoo}" PGPASSWORD="${PGPASSWORD:-odoo}"
log() { printf '[load %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

[ -f "$CONF" ] || { echo "no $CONF: run 'make test' or 'bash tools/sdm.sh setup' first" >&2; exit 1; }
if [ ! -x "$BENCH_VENV/bin/locust" ]; then
    log "creating the bench virtualenv $BENCH_VENV (bench/requirements-bench.txt)"
    "${SDM_PYTHON:-python3.11}" -m venv "$BENCH_VENV"
    "$BENCH_VENV/bin/pip" install -q -r bench/requirements-bench.txt
fi

"$PY" bench/load/build_db.py --conf "$CONF" --db "${PREFIX}_base" \
    --customers "${SDM_LOAD_CUSTOMERS:-1000}" --salespeople "${SDM_LOAD_SALESPEOPLE:-50}"

SERVER_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID"
        for _ in $(seq 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT

prepare_db() {  # $1 mode, $2 database
    dropdb --if-exists "$2"
    createdb -T "${PREFIX}_base" "$2"
    # the copy's attachments (avatars, assets) live in the filestore, next to the database
    local store
    store="$(sed -n 's/^data_dir *= *//p' "$CONF")/filestore"
    rm -rf "${store:?}/$2"
    [ ! -d "$store/${PREFIX}_base" ] || cp -r "$store/${PREFIX}_base" "$store/$2"
    local crons="SELECT res_id FROM ir_model_data WHERE model = 'ir.cron' AND module LIKE 'sdm\\_%'"
    local active="'ir_cron_sdm_price_notice_settle', 'ir_cron_sdm_rebate_accrual', 'ir_cron_sdm_write_off',
                  'ir_cron_sdm_sales_achievement'"
    if [ "$1" = sdm ]; then
        psql -q -d "$2" -v ON_ERROR_STOP=1 -c "
            UPDATE res_company SET sdm_credit_mode = 'block', sdm_credit_check_sale = true,
                   sdm_writeoff_on_receipt = 'auto';
            UPDATE ir_cron SET active = false WHERE id IN ($crons);
            UPDATE ir_cron SET active = true, interval_number = 1, interval_type = 'minutes',
                   nextcall = now() AT TIME ZONE 'UTC'
             WHERE id IN ($crons AND name IN ($active));"
    else
        psql -q -d "$2" -v ON_ERROR_STOP=1 -c "
            UPDATE res_company SET sdm_credit_mode = 'off', sdm_credit_check_sale = false,
                   sdm_credit_check_delivery = false, sdm_credit_check_invoice = false,
                   sdm_writeoff_on_receipt = 'none';
            UPDATE ir_cron SET active = false WHERE id IN ($crons);"
    fi
}

run_phase() {  # $1 mode, $2 users
    local mode="$1" users="$2" db="${PREFIX}_run" tag="load_${1}_${2}u"
    log "phase $mode, $users users, $MINUTES min: preparing $db"
    prepare_db "$mode" "$db"
    local started
    started="$(psql -Atq -d "$db" -c "SELECT now() AT TIME ZONE 'UTC'")"
    "$PY" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$db" --db-filter="^${db}\$" --http-interface=127.0.0.1 \
        --http-port="$PORT" --workers=4 --max-cron-threads=1 --gevent-port=0 --limit-time-real=300 \
        --limit-time-cpu=240 --log-level=info --logfile="$WORK/$tag.server.log" &
    SERVER_PID=$!
    for _ in $(seq 120); do
        curl -sf -o /dev/null "http://127.0.0.1:$PORT/web/login" && break
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$WORK/$tag.server.log"; exit 1; }
        sleep 1
    done
    "$BENCH_VENV/bin/locust" -f bench/load/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
        --odoo-db "$db" -u "$users" -r "$(( users / 10 > 0 ? users / 10 : 1 ))" -t "${MINUTES}m" \
        --max-requests "$MAX_REQUESTS" --stop-timeout 30 --only-summary --csv "$WORK/$tag" \
        > "$WORK/$tag.locust.log" 2>&1 || true
    stop_server
    "$PY" bench/load/report.py phase --mode "$mode" --users "$users" --minutes "$MINUTES" --db "$db" \
        --since "$started" --csv "$WORK/${tag}_stats.csv" --locust-log "$WORK/$tag.locust.log" \
        --server-log "$WORK/$tag.server.log" --out "$OUT/$tag.json"
    cp "$WORK/$tag.server.log" "$OUT/$tag.server.log.txt" 2>/dev/null || true
    dropdb --if-exists "$db"
}

first=sdm
for users in "${USERS[@]}"; do
    if [ "$first" = sdm ]; then run_phase sdm "$users"; run_phase stock "$users"; first=stock
    else run_phase stock "$users"; run_phase sdm "$users"; first=sdm; fi
done
"$PY" bench/load/report.py summary --minutes "$MINUTES" --users "${USERS[@]}" --results "$OUT" \
    | tee "$OUT/load_summary.txt"
