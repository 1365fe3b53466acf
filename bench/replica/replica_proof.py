"""Proof that SDM's read-only calls are served by a PostgreSQL streaming replica and its writes never go there.

    python bench/replica/replica_proof.py --source-db sdm_load_base [--conf .local/odoo.conf]

1. a PRIVATE PostgreSQL cluster (initdb in a temporary directory, its own port; the shared cluster is only read,
   by pg_dump of ``--source-db``) with ``pg_stat_statements``; the source database is restored into it;
2. a streaming replica made by ``pg_basebackup -R`` of that primary, started on the next port (hot standby);
3. Odoo in prefork (``--workers 2``) with ``db_host``/``db_port`` on the primary and ``db_replica_host`` /
   ``db_replica_port`` on the replica, exactly the production set-up of config/odoo.prod.conf;
4. each call below, over HTTP like the web client (``/web/dataset/call_kw``, portal pages), between two resets
   of ``pg_stat_statements`` on both clusters: how many statements each cluster ran, how many wrote
   (INSERT/UPDATE/DELETE), and whether the call's own table was read on the primary or on the replica.

Results: a table on stdout and bench/results/replica_proof.json. Everything private is removed at the end.
Run as root (the clusters run as the ``postgres`` system user) or as a user that may run initdb.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
ODOO_SRC = os.environ.get("ODOO_SRC", "/opt/odoo/18.0")
PGBIN = os.environ.get("SDM_PGBIN", "/usr/lib/postgresql/15/bin")
sys.path.insert(0, str(ROOT / "tests"))
from odoo_server import free_port, running_server  # noqa: E402


def log(msg):
    print(f"[replica {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Cluster:
    def __init__(self, base, name, port):
        self.dir = Path(base) / name
        self.port = port
        self.user = "postgres" if os.geteuid() == 0 else None

    def run(self, *cmd, **kw):
        cmd = [str(c) for c in cmd]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)

    def start(self):
        self.run(
            f"{PGBIN}/pg_ctl", "-D", self.dir, "-l", self.dir / "server.log", "-w", "-o", f"-p {self.port}", "start"
        )

    def stop(self):
        if self.dir.exists():
            subprocess.run(
                (["runuser", "-u", self.user, "--"] if self.user else [])
                + [f"{PGBIN}/pg_ctl", "-D", str(self.dir), "-m", "fast", "-w", "stop"],
                capture_output=True,
            )

    def sql(self, db, query):
        out = self.run(
            f"{PGBIN}/psql", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "-d", db, "-Atq", "-c", query
        )
        return out.stdout.strip()


def setup_clusters(base, db, source_db, source_env):
    primary = Cluster(base, "primary", free_port())
    replica = Cluster(base, "replica", free_port())
    if primary.user:
        shutil.chown(base, primary.user)
    primary.run(f"{PGBIN}/initdb", "-D", primary.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
    with open(primary.dir / "postgresql.conf", "a") as conf:
        conf.write(
            "\nlisten_addresses = '127.0.0.1'\nwal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
            "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\n"
            "max_connections = 100\nfsync = off\n"
        )
    with open(primary.dir / "pg_hba.conf", "a") as hba:
        hba.write("host replication all 127.0.0.1/32 trust\n")
    primary.start()
    log(f"primary cluster on port {primary.port} ({primary.dir})")
    primary.sql("postgres", "CREATE ROLE odoo LOGIN SUPERUSER PASSWORD 'odoo'")
    primary.sql("postgres", f'CREATE DATABASE "{db}" OWNER odoo')
    started = time.monotonic()
    dump = subprocess.Popen(["pg_dump", "-Fc", source_db], stdout=subprocess.PIPE, env=source_env)
    subprocess.run(
        [f"{PGBIN}/pg_restore", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "odoo", "-d", db, "--no-owner"],
        stdin=dump.stdout,
        check=True,
        capture_output=True,
    )
    dump.wait()
    primary.sql(db, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    log(f"{source_db} restored into the private primary as {db} in {time.monotonic() - started:.0f} s")
    replica.run(
        f"{PGBIN}/pg_basebackup",
        "-h",
        "127.0.0.1",
        "-p",
        primary.port,
        "-U",
        "postgres",
        "-D",
        replica.dir,
        "-R",
        "-c",
        "fast",
        "-X",
        "stream",
    )
    replica.start()
    log(
        f"streaming replica (pg_basebackup -R) on port {replica.port}: in recovery = "
        f"{replica.sql('postgres', 'SELECT pg_is_in_recovery()')}"
    )
    return primary, replica


class Client:
    def __init__(self, url, db):
        self.url, self.db = url, db
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def post(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(self.url + path, body, {"Content-Type": "application/json"})
        with self.opener.open(request, timeout=300) as response:
            data = json.loads(response.read())
        if "error" in data:
            raise RuntimeError(data["error"].get("data", {}).get("message") or data["error"])
        return data["result"]

    def login(self, login, password):
        return self.post("/web/session/authenticate", {"db": self.db, "login": login, "password": password})["uid"]

    def call(self, model, method, *args, **kwargs):
        return self.post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def get(self, path):
        with self.opener.open(self.url + path, timeout=300) as response:
            return response.status, len(response.read())


STATS = """
SELECT coalesce(sum(calls), 0),
       coalesce(sum(calls) FILTER (WHERE query ~* '^\\s*(INSERT|UPDATE|DELETE)'), 0),
       coalesce(sum(calls) FILTER (WHERE query ~* '{marker}'), 0)
  FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '{db}'
"""


def measure(primary, replica, db, label, marker, func):
    for cluster in (primary, replica):
        cluster.sql(db, "SELECT pg_stat_statements_reset()")
    result = func()
    figures = {"call": label, "marker": marker}
    for name, cluster in (("primary", primary), ("replica", replica)):
        total, writes, hits = (int(x) for x in cluster.sql(db, STATS.format(marker=marker, db=db)).split("|"))
        figures[name] = {"statements": total, "writes": writes, "marker_hits": hits}
        figures[name]["write_statements"] = cluster.sql(
            db,
            "SELECT string_agg(left(regexp_replace(query, '\\s+', ' ', 'g'), 70), ' | ') FROM pg_stat_statements s "
            f"JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '{db}' AND query ~* '^\\s*(INSERT|UPDATE|DELETE)'",
        )
    figures["served_by"] = (
        "replica"
        if figures["replica"]["marker_hits"] and not figures["primary"]["marker_hits"]
        else "primary"
        if figures["primary"]["marker_hits"] and not figures["replica"]["marker_hits"]
        else "both"
        if figures["primary"]["marker_hits"]
        else "?"
    )
    figures["result"] = result
    log(
        f"{label:52} primary {figures['primary']['statements']:4} stmts ({figures['primary']['writes']:3} writes, "
        f"{figures['primary']['marker_hits']:3} on {marker}) | replica {figures['replica']['statements']:4} stmts "
        f"({figures['replica']['writes']} writes, {figures['replica']['marker_hits']:3} on {marker}) -> "
        f"{figures['served_by']}"
    )
    return figures


def scenario(client, primary, replica, db):
    """The marked calls, then writes. Each: (label, marker regexp of its own table, callable)."""
    year = time.strftime("%Y")
    plans = client.call("sdm.sales.plan", "search", [])
    calls = [
        (
            "aging analysis (web_read_group)",
            "sdm_aging_line|account_partial_reconcile",
            lambda: len(
                client.call("sdm.aging.line", "web_read_group", [], ["amount_residual:sum"], ["bucket_id"])["groups"]
            ),
        ),
        (
            "aging per customer (web_search_read)",
            "account_move_line",
            lambda: client.call(
                "sdm.aging.customer", "web_search_read", [], {"partner_id": {}, "amount_residual": {}}, limit=80
            )["length"],
        ),
        (
            "profitability analysis (web_read_group)",
            "sdm_profitability|account_move_line",
            lambda: len(
                client.call("sdm.profitability", "web_read_group", [], ["contribution:sum"], ["partner_id"], limit=80)[
                    "groups"
                ]
            ),
        ),
        (
            "achievement analysis (web_read_group)",
            "sdm_sales_achievement",
            lambda: len(
                client.call("sdm.sales.achievement", "web_read_group", [], ["actual_amount:sum"], ["level"])["groups"]
            ),
        ),
        (
            "platform analysis (web_read_group)",
            "sdm_platform_usage",
            lambda: len(client.call("sdm.platform.usage", "web_read_group", [], [], ["partner_id"])["groups"]),
        ),
    ]
    rows = [measure(primary, replica, db, label, marker, func) for label, marker, func in calls]
    wizard = client.call("sdm.aging.report", "create", {})
    rows.append(
        measure(
            primary,
            replica,
            db,
            "aging XLSX: action_xlsx (@api.readonly)",
            "account_move_line",
            lambda: client.call("sdm.aging.report", "action_xlsx", [wizard])["url"],
        )
    )
    if plans:
        export = client.call("sdm.sales.plan.actual.export", "create", {"plan_id": plans[0]})
        rows.append(
            measure(
                primary,
                replica,
                db,
                "plan vs actual XLSX (not readonly: refreshes)",
                "sdm_sales_plan_node",
                lambda: client.call("sdm.sales.plan.actual.export", "action_export", [export])["url"],
            )
        )
    customer = client.call("res.partner", "search", [("is_company", "=", True), ("customer_rank", ">", 0)], limit=1)
    if customer:
        client.call(
            "res.users",
            "create",
            {
                "name": "Replica Portal",
                "login": "replica.portal",
                "password": "replica.portal",
                "partner_id": customer[0],
                "groups_id": [
                    (6, 0, [client.call("ir.model.data", "check_object_reference", "base", "group_portal")[1]])
                ],
            },
        )
        portal = Client(client.url, db)
        time.sleep(1)  # the new user reaches the replica
        portal.login("replica.portal", "replica.portal")
        rows.append(
            measure(
                primary,
                replica,
                db,
                "portal page GET /my/sdm/credit (readonly route)",
                "sdm_credit_approval",
                lambda: portal.get("/my/sdm/credit"),
            )
        )
        rows.append(
            measure(
                primary,
                replica,
                db,
                "portal page GET /my/sdm/invoices (readonly route)",
                "account_move_line",
                lambda: portal.get("/my/sdm/invoices"),
            )
        )
    rows.append(
        measure(
            primary,
            replica,
            db,
            "writes: res.partner create + write",
            "res_partner",
            lambda: client.call(
                "res.partner",
                "write",
                [client.call("res.partner", "create", {"name": f"Replica proof {year}"})],
                {"ref": "RP"},
            ),
        )
    )
    partner = client.call("res.partner", "search", [("is_company", "=", True)], limit=1)[0]
    rows.append(
        measure(
            primary,
            replica,
            db,
            "writes: sale.order create (not readonly)",
            "sale_order",
            lambda: client.call(
                "sale.order",
                "create",
                {"partner_id": partner},
            ),
        )
    )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-db", required=True, help="database of the shared cluster to copy (pg_dump)")
    parser.add_argument("--conf", default=str(ROOT / ".local" / "odoo.conf"))
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    args = parser.parse_args()
    source_env = dict(
        os.environ,
        PGHOST=os.environ.get("PGHOST", "127.0.0.1"),
        PGPORT=os.environ.get("PGPORT", "5432"),
        PGUSER=os.environ.get("PGUSER", "odoo"),
        PGPASSWORD=os.environ.get("PGPASSWORD", "odoo"),
    )
    db = "sdm_replica_proof"
    base = tempfile.mkdtemp(prefix="sdm_replica.")
    clusters = []
    try:
        primary, replica = setup_clusters(base, db, args.source_db, source_env)
        clusters = [replica, primary]
        port = free_port()
        odoo_bin = os.path.join(ODOO_SRC, "odoo-bin")
        cmd = [
            sys.executable,
            odoo_bin,
            "-c",
            args.conf,
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            "--db_host=127.0.0.1",
            f"--db_port={primary.port}",
            "--db_user=odoo",
            "--db_password=odoo",
            "--db_replica_host=127.0.0.1",
            f"--db_replica_port={replica.port}",
            "--workers=2",
            "--max-cron-threads=0",
            "--gevent-port=0",
            "--log-level=warn",
            f"--logfile={base}/odoo.log",
        ]

        def why_dead(_proc):
            return Path(f"{base}/odoo.log").read_text()[-3000:]

        with running_server(cmd, port, why_dead, stderr=subprocess.DEVNULL) as url:
            log(f"Odoo prefork on {url}: db {primary.port}, replica {replica.port}")
            client = Client(url, db)
            client.login(args.login, args.password)
            client.call("res.partner", "search", [], limit=1)  # warm the workers' registries
            rows = scenario(client, primary, replica, db)
            replica_writes = sum(r["replica"]["writes"] for r in rows)
            lag = replica.sql("postgres", "SELECT coalesce(pg_last_wal_replay_lsn()::text, '')")
        result = {
            "primary_port": primary.port,
            "replica_port": replica.port,
            "source_db": args.source_db,
            "calls": rows,
            "writes_on_replica": replica_writes,
            "replica_replay_lsn": lag,
        }
        out = ROOT / "bench" / "results" / "replica_proof.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(result, indent=1))
        log(f"writes executed on the replica: {replica_writes}; results in {out.relative_to(ROOT)}")
        return 0 if replica_writes == 0 else 1
    finally:
        for cluster in clusters:
            cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
