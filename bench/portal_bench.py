"""The distributor portal (issue 16, Performance): ``/my`` and each SDM portal list render in a number of queries that
does not grow with the distributor's number of documents.

Data: a copy of aging_bench.py's database (``createdb -T sdm_bench_aging``: 1,000,000 receivable items of 10,000
customers), sdm_finance installed in the copy. Two distributors are made from it by SQL: *big* receives the
invoices of other customers until it has ``--invoices`` (default 10,000) posted invoices (moves and their journal
items re-pointed; the credit aggregates refreshed), *small* keeps ``--small`` (default 10) of its own (the rest
goes to a third customer). Each gets a portal contact (``base.group_portal``), a customer statement of the whole
history (sent) and the items of its own the pages read.

The run: a private Odoo HTTP server on ``--port`` (threaded, no cron, ``--log-level=info``: Odoo's request log line
carries each request's query count and SQL time); each portal user logs in and every page is fetched ``--repeat``
times (the first is a warm-up): queries, SQL seconds and wall seconds per page for small and big, and their
ratio. The numbers come from the server's request log, not from the pages.

Usage::

    /root/.cache/sdm-odoo/venv-py311/bin/python bench/portal_bench.py --conf /tmp/sdm_bench_fu.conf [--fresh]

Results: a table on stdout and bench/results/portal_bench.json. Exit 1 when a page's query count grows with the
documents (big > small + ``--slack``) or a page does not answer 200.
"""

import argparse
import datetime
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
# credit_bench puts the Odoo source on sys.path.
from credit_bench import ODOO_SRC

import odoo
from odoo import SUPERUSER_ID, api

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "portal_bench.json"
CUSTOMER_REF = "sdm_bench_aging_"
PASSWORD = "portal-bench-1"
# The portal pages of SDM (issue 16) and Odoo's own invoice list beside them, as a reference.
PAGES = [
    "/my",
    "/my/sdm/credit",
    "/my/sdm/invoices",
    "/my/sdm/statements",
    "/my/sdm/statements/{statement}",
    "/my/sdm/rebates",
    "/my/sdm/compensation",
    "/my/sdm/balances",
    "/my/sdm/channel-stock",
    "/my/invoices",
    "/my/counters",  # the home's counters (one JSON request of the home page)
]
COUNTERS = [
    "invoice_count",
    "sdm_invoice_count",
    "sdm_notice_count",
    "sdm_statement_count",
    "sdm_agreement_count",
    "sdm_channel_stock_count",
]
# "GET /my/sdm/credit HTTP/1.1" 200 - 45 0.030 0.120
REQUEST_LOG = re.compile(
    r'"(?:GET|POST) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d+) - (?P<queries>\d+) (?P<sql>[\d.]+) (?P<rest>[\d.]+)'
)


def log(msg):
    print(f"[portal-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def pg_env():
    cfg = odoo.tools.config
    env = dict(os.environ)
    for key, name in (
        ("PGHOST", "db_host"),
        ("PGPORT", "db_port"),
        ("PGUSER", "db_user"),
        ("PGPASSWORD", "db_password"),
    ):
        if cfg.get(name):
            env[key] = str(cfg[name])
    return env


def odoo_bin(conf, *args, **popen):
    command = [sys.executable, os.path.join(ODOO_SRC, "odoo-bin"), "-c", conf, *args]
    return command, {"env": {**os.environ, "PYTHONPATH": ODOO_SRC}, **popen}


def ensure_database(conf, db, source, fresh):
    env = pg_env()
    exists = subprocess.run(
        ["psql", "-d", "postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{db}'"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists == "1" and not fresh:
        return False
    if exists == "1":
        subprocess.run(["dropdb", db], env=env, check=True)
    log(f"{db}: copying {source}")
    subprocess.run(["createdb", "-T", source, db], env=env, check=True)
    log(f"{db}: installing sdm_finance, upgrading sdm_sales (the copy's may be older)")
    command, kwargs = odoo_bin(
        conf, "-d", db, "-i", "sdm_finance", "-u", "sdm_sales", "--without-demo=all", "--stop-after-init"
    )
    subprocess.run(command, check=True, **kwargs)
    return True


def make_distributors(env, invoices, small_count):
    """The big and the small distributor (commercial partners) with their portal contacts and statements."""
    cr = env.cr
    cr.execute(
        """SELECT partner_id, count(*) FROM account_move
            WHERE move_type = 'out_invoice' AND state = 'posted' AND partner_id IN (
                  SELECT id FROM res_partner WHERE ref LIKE %s)
            GROUP BY partner_id ORDER BY count(*) DESC, partner_id LIMIT 3""",
        [CUSTOMER_REF + "%"],
    )
    (big, big_count), (small, _small_count), (third, _n) = cr.fetchall()
    if big_count < invoices:
        cr.execute(
            """SELECT id FROM account_move
                WHERE move_type = 'out_invoice' AND state = 'posted' AND partner_id NOT IN %s
                ORDER BY id LIMIT %s""",
            [(big, small, third), invoices - big_count],
        )
        moved = [row[0] for row in cr.fetchall()]
        repoint(cr, moved, big)
    cr.execute(
        """SELECT id FROM account_move WHERE move_type = 'out_invoice' AND partner_id = %s ORDER BY id OFFSET %s""",
        [small, small_count],
    )
    repoint(cr, [row[0] for row in cr.fetchall()], third)
    env.invalidate_all()
    env.registry.clear_cache()
    # The credit aggregates of the three customers, from the ledger.
    partners = env["res.partner"].browse([big, small, third])
    env["sdm.credit.bucket"]._sdm_rebuild()  # the credit aggregates from the ledger (set-based)
    portal = env.ref("base.group_portal")
    users = {}
    for name, partner in (("big", partners[0]), ("small", partners[1])):
        login = f"portal-bench-{name}"
        user = env["res.users"].search([("login", "=", login)])
        if not user:
            contact = env["res.partner"].create({"name": f"{partner.name} contact", "parent_id": partner.id})
            user = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {"login": login, "password": PASSWORD, "partner_id": contact.id, "groups_id": [(6, 0, portal.ids)]}
                )
            )
        Statement = env["sdm.customer.statement"]
        statement = Statement.search([("partner_id", "=", partner.id)], limit=1)
        if not statement:
            statement = Statement.create({"partner_id": partner.id, "date_from": "2024-01-01", "date_to": "2026-11-30"})
            statement.action_refresh()
            statement.with_context(mail_notify_force_send=False).action_send()
        cr.execute(
            "SELECT count(*) FROM account_move WHERE move_type = 'out_invoice' AND partner_id = %s", [partner.id]
        )
        users[name] = {
            "login": login,
            "partner": partner.id,
            "invoices": cr.fetchone()[0],
            "statement": statement.id,
            "statement_lines": len(statement.line_ids),
        }
    env.cr.commit()
    return users


def repoint(cr, move_ids, partner_id):
    if not move_ids:
        return
    cr.execute(
        "UPDATE account_move SET partner_id = %s, commercial_partner_id = %s WHERE id = ANY(%s)",
        [partner_id, partner_id, move_ids],
    )
    cr.execute("UPDATE account_move_line SET partner_id = %s WHERE move_id = ANY(%s)", [partner_id, move_ids])


def start_server(conf, db, port, logfile):
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is in use: choose another --port")
    command, kwargs = odoo_bin(
        conf,
        "-d",
        db,
        f"--db-filter=^{db}$",
        f"--http-port={port}",
        "--http-interface=127.0.0.1",
        "--max-cron-threads=0",
        "--workers=0",
        "--log-level=info",
        f"--logfile={logfile}",
    )
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    for _ in range(120):
        time.sleep(1)
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc
    proc.terminate()
    raise SystemExit("the server did not start")


def fetch_pages(base, db, user, repeat):
    session = requests.Session()
    answer = session.post(
        f"{base}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": db, "login": user["login"], "password": PASSWORD}},
        timeout=120,
    )
    answer.raise_for_status()
    if answer.json().get("error"):
        raise SystemExit(f"login of {user['login']}: {answer.json()['error']}")
    statuses = {}
    for page in PAGES:
        path = page.format(statement=user["statement"])
        for _ in range(repeat):
            if path == "/my/counters":
                response = session.post(
                    base + path, json={"jsonrpc": "2.0", "params": {"counters": COUNTERS}}, timeout=600
                )
            else:
                response = session.get(base + path, timeout=600, allow_redirects=False)
            statuses[path] = response.status_code
    return statuses


def read_log(logfile, paths, skip):
    """Per path: the request log's rows after the first ``skip`` (warm-up)."""
    rows = {}
    with open(logfile, encoding="utf-8") as lines:
        for line in lines:
            match = REQUEST_LOG.search(line)
            if match and match["path"] in paths:
                rows.setdefault(match["path"], []).append(
                    (int(match["queries"]), float(match["sql"]), float(match["sql"]) + float(match["rest"]))
                )
    return {path: found[skip:] for path, found in rows.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True, help="odoo.conf whose addons_path is this checkout's addons")
    parser.add_argument("--db", default="sdm_bench_portal", help="database (name must start with sdm_bench_portal)")
    parser.add_argument("--source", default="sdm_bench_aging", help="aging_bench.py's database, copied")
    parser.add_argument("--fresh", action="store_true", help="copy the source database again")
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="fetches per page (the first is a warm-up)")
    parser.add_argument("--slack", type=int, default=2, help="queries a big page may take beyond the small one")
    parser.add_argument("--port", type=int, default=8395, help="the private server's port (never 8069)")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    if not args.db.startswith("sdm_bench_portal"):
        parser.error("--db must start with sdm_bench_portal")
    if args.port == 8069:
        parser.error("never port 8069")
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"], setup_logging=True)
    started = time.perf_counter()
    ensure_database(args.conf, args.db, args.source, args.fresh)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        users = make_distributors(api.Environment(cr, SUPERUSER_ID, {}), args.invoices, args.small)
    log(f"distributors: {users}")
    logfile = f"/tmp/{args.db}-http.log"
    Path(logfile).unlink(missing_ok=True)
    server = start_server(args.conf, args.db, args.port, logfile)
    base = f"http://127.0.0.1:{args.port}"
    results = {}
    try:
        for name in ("small", "big"):
            user = users[name]
            statuses = fetch_pages(base, args.db, user, args.repeat)
            time.sleep(1)  # the log line is written after the response
            rows = read_log(logfile, set(statuses), 0)
            for path in set(statuses) - set(rows):
                log(f"{path}: no request log line; last lines: {Path(logfile).read_text().splitlines()[-3:]}")
            Path(logfile).write_text("")  # the next user's lines only
            results[name] = {
                path: {
                    "status": statuses[path],
                    "queries": [r[0] for r in rows.get(path, [])][1:],
                    "sql_s": [r[1] for r in rows.get(path, [])][1:],
                    "wall_s": [r[2] for r in rows.get(path, [])][1:],
                }
                for path in statuses
            }
    finally:
        server.terminate()
        server.wait(30)
    failures = []
    table = []
    for page in PAGES:
        small_path = page.format(statement=users["small"]["statement"])
        big_path = page.format(statement=users["big"]["statement"])
        small, big = results["small"][small_path], results["big"][big_path]
        row = {
            "page": page,
            "status": (small["status"], big["status"]),
            "queries": (max(small["queries"], default=None), max(big["queries"], default=None)),
            "wall_s": (
                round(statistics.median(small["wall_s"]), 3) if small["wall_s"] else None,
                round(statistics.median(big["wall_s"]), 3) if big["wall_s"] else None,
            ),
        }
        table.append(row)
        if row["status"] != (200, 200):
            failures.append(f"{page}: status {row['status']}")
        elif None in row["queries"] or row["queries"][1] > row["queries"][0] + args.slack:
            failures.append(f"{page}: queries {row['queries']}")
    meta = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "odoo": odoo.release.version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "db": args.db,
        "users": users,
        "total_s": round(time.perf_counter() - started, 1),
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"meta": meta, "pages": table, "failures": failures}, indent=2) + "\n")
    print(
        f"\nPortal pages: small = {users['small']['invoices']} invoices, big = {users['big']['invoices']} invoices "
        f"(statement lines {users['small']['statement_lines']} / {users['big']['statement_lines']}); "
        f"load {meta['loadavg']}"
    )
    print(f"{'page':<34} {'status':>10} {'queries small/big':>18} {'wall s small/big (median)':>27}")
    for row in table:
        queries = f"{row['queries'][0]}/{row['queries'][1]}"
        wall = f"{row['wall_s'][0]}/{row['wall_s'][1]}"
        print(f"{row['page']:<34} {str(row['status']):>10} {queries:>18} {wall:>27}")
    for failure in failures:
        print(f"FAILED {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
