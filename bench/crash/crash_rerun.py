"""Crash and rerun against a real prefork server (issue 19): kill -9 the worker running an SDM job, restart
PostgreSQL during a run, run the job again and compare its totals with an uninterrupted run on the same data.

One command (from the repository root; about 20-30 minutes at the default volume on two cores)::

    /root/.cache/sdm-odoo/venv-py311/bin/python bench/crash/crash_rerun.py [--customers 60] [--keep]

What it does:

1. A PRIVATE PostgreSQL cluster (``initdb`` in ``/tmp/sdm_crash/pgdata``, port ``--pg-port``, default 5613; run as
   the ``postgres`` user when started as root), so restarting PostgreSQL disturbs nobody else's databases.
2. A bench database ``sdm_crash_base``: the four SDM addons installed without demo data, then ``--customers``
   customers, each with an invoice from March (overdue), one from October inside the compensation window, one
   from May, and an unapplied receipt; a price notice approved and queued for the background settlement; a
   quarterly rebate agreement over all of them; the follow-up levels without letters (no wkhtmltopdf); every
   scheduled action inactive but the job under test. The jobs' batch sizes are set small in their scheduled
   actions (``--batch``) so that a run takes several calls (the compensation batch is the module's 50 customers).
3. For each job and crash point: a copy of the base (``CREATE DATABASE ... TEMPLATE``), a prefork server on it
   (``--workers=2 --max-cron-threads=1``, production limits), the job started (scheduled action due now and
   ``NOTIFY cron_trigger``; the rebate settlement run through XML-RPC, the wizard with "validate at once"), then
   the crash: ``kill -9`` of the cron worker (found by its PostgreSQL session's lock on ``ir_cron``; the HTTP
   worker by its open transaction) once the job committed k calls, or after a share of the uninterrupted run's
   time; or ``pg_ctl restart -m fast`` of the private cluster. Then the job is run again (triggered again; the
   master has forked a new worker) until it reports nothing remaining, and its totals are compared with the
   uninterrupted copy's. ``sdm.invariant._sdm_check_all`` runs on every copy afterwards.

Prints a table (job, crash point, whether the crash hit the job while it ran, totals uninterrupted and after the
rerun, equal, invariants) and writes it to bench/results/crash_rerun.txt (and .json). ``--keep`` keeps the
cluster running and the copies (``--jobs`` and ``--points`` choose a subset).
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import xmlrpc.client
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
ODOO_SRC = os.environ.get("ODOO_SRC", "/opt/odoo/18.0")
sys.path.insert(0, ODOO_SRC)

import psycopg2  # noqa: E402
from bench_common import make_log  # noqa: E402
from check_invariants import check  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, Command, api  # noqa: E402

log = make_log("crash-rerun")
WORK = Path("/tmp/sdm_crash")
BASE = "sdm_crash_base"
ADDONS = "sdm_sales,sdm_finance,sdm_planning,sdm_crm_scoring"
TODAY = date.today()
RESULTS = ROOT / "bench" / "results"
# The rebate settlement run is one HTTP request (the wizard, validating at once): at 30 customers x 3 quarters it
# did not end within production's limit_time_real of 120 s on this machine (the worker was killed). The bench
# settles an agreement of the first 10 customers, with the limits raised (900 s).
REBATE_CUSTOMERS = 10

# job: scheduled action (None: an HTTP request), the totals that must not change, SQL; shortest jobs first
JOBS = {
    "compensation": {
        "cron": "sdm_sales.ir_cron_sdm_price_notice_settle",
        "totals": """
            SELECT (SELECT state FROM sdm_price_notice ORDER BY id LIMIT 1),
                   COUNT(*), COALESCE(ROUND(SUM(m.amount_total), 2), 0), COUNT(DISTINCT m.partner_id)
              FROM account_move m
             WHERE m.sdm_price_notice_id IS NOT NULL AND m.move_type = 'out_refund' AND m.state = 'posted'""",
        "labels": ("notice", "credit notes", "credited", "customers"),
    },
    "write-off": {
        "cron": "sdm_finance.ir_cron_sdm_write_off",
        "totals": """
            SELECT COUNT(*), ROUND(SUM(pr.amount), 2),
                   (SELECT COUNT(*) FROM account_payment WHERE sdm_writeoff_date IS NOT NULL)
              FROM account_partial_reconcile pr""",
        "labels": ("matches", "applied", "stamped"),
    },
    "follow-up": {
        "cron": "sdm_finance.ir_cron_sdm_followup",
        "totals": """
            SELECT COUNT(*), COALESCE(ROUND(SUM(amount_overdue), 2), 0), COUNT(DISTINCT partner_id),
                   (SELECT COUNT(*) FROM mail_mail)
              FROM sdm_followup""",
        "labels": ("follow-ups", "overdue", "customers", "mails"),
    },
    "platform": {
        "cron": "sdm_crm_scoring.ir_cron_sdm_platform_usage",
        "totals": """
            SELECT COUNT(*), ROUND(SUM(our_usage)::numeric, 2), COUNT(DISTINCT partner_id)
              FROM sdm_platform_usage""",
        "labels": ("rows", "usage", "customers"),
    },
    "rebate": {
        "cron": None,
        "totals": """
            SELECT COUNT(*), COALESCE(ROUND(SUM(s.amount), 2), 0), COUNT(s.move_id),
                   COALESCE(ROUND(SUM(m.amount_total), 2), 0)
              FROM sdm_rebate_settlement s
              LEFT JOIN account_move m ON m.id = s.move_id
             WHERE s.state = 'validated'""",
        "labels": ("settlements", "amount", "credit notes", "credited"),
    },
}
# crash points: ("calls", k) kill -9 once k calls are committed; ("share", f) kill -9 after f × the uninterrupted
# run's time; ("pg", f) restart PostgreSQL after f × that time.
POINTS = {
    "cron": [("calls", 0), ("calls", 1), ("share", 0.5), ("pg", 0.5)],
    "http": [("share", 0.25), ("share", 0.5), ("share", 0.8), ("pg", 0.5)],
}


# ---------------------------------------------------------------------------------------------- PostgreSQL


class Cluster:
    """A private PostgreSQL cluster (initdb) on its own port."""

    def __init__(self, port):
        self.port = port
        self.datadir = WORK / "pgdata"
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        self.bindir = Path(out) if out and (Path(out) / "initdb").exists() else None
        if not self.bindir:
            versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
            if not versions:
                raise SystemExit("initdb not found: install PostgreSQL's server package")
            self.bindir = versions[-1].parent

    def _pg(self, *cmd):
        cmd = [str(self.bindir / cmd[0]), *cmd[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, cwd="/tmp")

    def ensure(self):
        if not (self.datadir / "PG_VERSION").exists():
            log(f"initdb {self.datadir} (port {self.port})")
            self.datadir.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.datadir, "postgres", "postgres")
                shutil.chown(WORK, "postgres", "postgres")
            self._pg("initdb", "-D", str(self.datadir), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        if not self.running():
            self.start()
        cnx = self.connect("postgres", user="postgres")
        with cnx.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_roles WHERE rolname = 'odoo'")
            if not cr.fetchone():
                cr.execute("CREATE ROLE odoo LOGIN SUPERUSER PASSWORD 'odoo'")
        cnx.close()

    def _ctl(self, action, *extra):
        self._pg(
            "pg_ctl",
            "-D",
            str(self.datadir),
            "-l",
            str(self.datadir / "server.log"),
            "-o",
            f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200",
            "-w",
            *extra,
            action,
        )

    def start(self):
        self._ctl("start")

    def restart(self):
        self._ctl("restart", "-m", "fast")

    def stop(self):
        self._ctl("stop", "-m", "fast")

    def running(self):
        try:
            self.connect("postgres", user="postgres").close()
            return True
        except psycopg2.OperationalError:
            return False

    def connect(self, db, user="odoo"):
        cnx = psycopg2.connect(host="127.0.0.1", port=self.port, user=user, password="odoo", dbname=db)
        cnx.autocommit = True
        return cnx

    def query(self, db, sql, params=None):
        cnx = self.connect(db)
        try:
            with cnx.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall() if cr.description else None
        finally:
            cnx.close()

    def copy(self, source, target):
        self.query("postgres", f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        self.query("postgres", f'CREATE DATABASE "{target}" TEMPLATE "{source}"')

    def exists(self, db):
        return bool(self.query("postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [db]))


# ---------------------------------------------------------------------------------------------- Odoo


def write_conf(cluster, http_port):
    conf = WORK / "odoo.conf"
    conf.write_text(
        "[options]\n"
        f"addons_path = {ODOO_SRC}/addons,{ODOO_SRC}/odoo/addons,{ROOT / 'addons'}\n"
        f"data_dir = {WORK / 'data'}\n"
        f"db_host = 127.0.0.1\ndb_port = {cluster.port}\ndb_user = odoo\ndb_password = odoo\n"
        "db_template = template0\n"
        f"http_interface = 127.0.0.1\nhttp_port = {http_port}\ngevent_port = {http_port + 1}\n"
        "workers = 2\nmax_cron_threads = 1\n"
        "limit_time_cpu = 600\nlimit_time_real = 900\nlimit_time_real_cron = 600\n"
        "limit_memory_soft = 2147483648\nlimit_memory_hard = 2684354560\n"
        "list_db = False\nadmin_passwd = bench\nwithout_demo = all\nlog_level = warn\n"
    )
    return conf


def odoo_bin(conf, *args):
    return [sys.executable, os.path.join(ODOO_SRC, "odoo-bin"), "-c", str(conf), *args]


def build_base(cluster, conf, customers, batch):
    if cluster.exists(BASE):
        log(f"{BASE} exists (drop it or remove {WORK} to rebuild)")
        return
    log(f"{BASE}: installing {ADDONS}")
    started = time.time()
    subprocess.run(
        odoo_bin(conf, "-d", BASE, "-i", ADDONS, "--stop-after-init", "--workers=0", "--max-cron-threads=0"),
        check=True,
        env={**os.environ, "PYTHONPATH": ODOO_SRC},
    )
    log(f"  installed in {time.time() - started:.0f} s; loading {customers} customers")
    registry = odoo.modules.registry.Registry(BASE)
    with registry.cursor() as cr:
        load(api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True}), customers, batch)
    odoo.sql_db.close_all()
    log(f"  base ready in {time.time() - started:.0f} s")


def load(env, count, batch):
    """The data every job works on (see the module docstring)."""
    company = env.company
    company.write(
        {
            "sdm_writeoff_on_receipt": "none",
            "sdm_credit_mode": "off",
            "sdm_usage_basis": "invoiced",
            "sdm_compensation_basis": "min",
            "sdm_compensation_lookback_days": 90,
            "sdm_compensation_settlement": "credit_note",
            "sdm_rebate_settlement_mode": "credit_note",
        }
    )
    categ = env["product.category"].create({"name": "Crash bench"})
    company.sdm_usage_categ_ids = categ
    product = env["product.product"].create(
        {"name": "Crash valve", "type": "consu", "categ_id": categ.id, "list_price": 100.0, "taxes_id": [(5,)]}
    )
    for xmlid in ("sdm_sales.product_sdm_compensation", "sdm_finance.product_sdm_rebate"):
        env.ref(xmlid).taxes_id = [(5,)]
    platform = env.ref("sdm_crm_scoring.platform_type_bp")
    partners = env["res.partner"].create(
        [
            {
                "name": f"Crash customer {i:04d}",
                "is_company": True,
                "email": f"crash{i}@example.com",
                "sdm_platform_type_id": platform.id,
            }
            for i in range(count)
        ]
    )
    Move = env["account.move"]
    oct_day = TODAY - timedelta(days=45)
    moves = Move.create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": when,
                "invoice_date_due": when + timedelta(days=days),
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": qty, "price_unit": 100.0, "tax_ids": []})
                ],
            }
            for i, partner in enumerate(partners)
            for when, days, qty in (
                (date(TODAY.year, 3, 10), 30, 2 + i % 3),
                (oct_day, 10, 5),
                (date(TODAY.year, 5, 10), 30, 10 + i % 7),
            )
        ]
    )
    moves.action_post()
    receipts = env["account.payment"].create(
        [
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": 150.0 + i,
                "date": TODAY - timedelta(days=5),
            }
            for i, partner in enumerate(partners)
        ]
    )
    receipts.action_post()
    company.sdm_writeoff_on_receipt = "auto"
    env["sdm.followup.level"].search([]).write({"print_letter": False})
    notice = env["sdm.price.notice"].create(
        {
            "effective_date": TODAY,
            "basis": "invoiced",
            "product_line_ids": [Command.create({"product_id": product.id, "old_price": 100.0, "new_price": 80.0})],
        }
    )
    notice.action_compute()
    notice.action_approve()
    notice.settle_queued = True  # what action_settle does for a large notice
    env["sdm.rebate.agreement"].create(
        {
            "title": "Crash bench volume",
            "partner_ids": [Command.set(partners[:REBATE_CUSTOMERS].ids)],
            "date_start": date(TODAY.year, 1, 1),
            "date_end": date(TODAY.year, 12, 31),
            "frequency": "quarterly",
            "tier_ids": [Command.create({"threshold": t, "rate": r}) for t, r in ((0, 1), (500, 2), (1500, 3))],
        }
    ).action_activate()
    env["ir.cron"].with_context(active_test=False).search([]).write({"active": False})
    codes = {
        "sdm_finance.ir_cron_sdm_write_off": f"model._cron_sdm_write_off(batch_size={batch}, chunk_size=10)",
        "sdm_finance.ir_cron_sdm_followup": f"model._cron_run(batch_size={batch})",
        "sdm_crm_scoring.ir_cron_sdm_platform_usage": f"model._cron_sdm_recompute(batch_size={batch})",
    }
    for xmlid, code in codes.items():
        env.ref(xmlid).code = code
    env.cr.commit()


class Server:
    """A prefork Odoo server on one database."""

    def __init__(self, conf, db, port, logfile):
        self.port = port
        self.log = open(logfile, "ab")
        self.proc = subprocess.Popen(
            odoo_bin(conf, "-d", db, f"--db-filter=^{db}$", f"--http-port={port}", f"--gevent-port={port + 1}"),
            env={**os.environ, "PYTHONPATH": ODOO_SRC},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"the server on {db} did not start (see {logfile})")

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()

    def children(self):
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return {int(pid) for pid in out.stdout.split()}


# ---------------------------------------------------------------------------------------------- a scenario


class Scenario:
    def __init__(self, cluster, conf, job, point, port):
        self.cluster, self.conf, self.job, self.point, self.port = cluster, conf, job, point, port
        label = "clean" if point is None else f"{point[0]}{point[1]}".replace(".", "_")
        self.db = f"sdm_crash_{job.replace('-', '')}_{label}"
        self.spec = JOBS[job]

    # -- database helpers (own connections: they survive nothing, each query reconnects)
    def q(self, sql, params=None):
        for _attempt in range(60):
            try:
                return self.cluster.query(self.db, sql, params)
            except psycopg2.OperationalError:
                time.sleep(1)  # PostgreSQL restarting
        raise SystemExit("PostgreSQL does not answer")

    def cron_id(self):
        module, name = self.spec["cron"].split(".")
        return self.q("SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s", [module, name])[0][0]

    def trigger(self):
        """Make the job due now and wake the cron worker until it takes the job (a notification sent before the
        worker listens is lost; it would sleep a minute)."""
        cron = self.cron_id()
        count = "SELECT COUNT(*) FROM ir_cron_progress WHERE cron_id = %s"
        before = self.q(count, [cron])[0][0]
        self.q(
            "UPDATE ir_cron SET active = true, nextcall = now() at time zone 'utc' - interval '1 minute' WHERE id = %s",
            [cron],
        )
        self.q("INSERT INTO ir_cron_trigger (cron_id, call_at) VALUES (%s, now() at time zone 'utc')", [cron])
        deadline = time.time() + 120
        while time.time() < deadline:
            # The cron worker listens on the "postgres" database (odoo.service.server.WorkerCron.start).
            self.cluster.query("postgres", "SELECT pg_notify('cron_trigger', %s)", [self.db])
            for _i in range(10):
                time.sleep(0.1)
                if self.q(count, [cron])[0][0] > before:
                    return

    def calls_done(self):
        return self.q("SELECT COUNT(*) FROM ir_cron_progress WHERE cron_id = %s AND done > 0", [self.cron_id()])[0][0]

    def cron_finished(self):
        cron = self.cron_id()
        cnx = self.cluster.connect(self.db)
        with cnx.cursor() as cr:
            cnx.autocommit = False
            cr.execute("SELECT id FROM ir_cron WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", [cron])
            free = bool(cr.fetchone())
            cnx.rollback()
            cnx.autocommit = True
            cr.execute(
                "SELECT COUNT(*) FROM ir_cron_trigger WHERE cron_id = %s AND call_at <= now() at time zone 'utc'",
                [cron],
            )
            pending = cr.fetchone()[0]
            cr.execute("SELECT remaining FROM ir_cron_progress WHERE cron_id = %s ORDER BY id DESC LIMIT 1", [cron])
            last = cr.fetchone()
        cnx.close()
        return free and not pending and (last is None or not last[0])

    def cron_worker_pid(self):
        rows = self.q(
            """SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.relation = 'ir_cron'::regclass AND a.datname = current_database()
                  AND a.pid != pg_backend_pid() AND a.application_name LIKE 'odoo-%%'"""
        )
        pids = {int(name.split("-")[1]) for (name,) in rows or []}
        pids &= self.server.children()
        return pids.pop() if pids else None

    def http_worker_pid(self):
        """The worker with an open transaction on the database. HTTP workers connect with the application name
        the master computed before forking, so the process is found by its end of the session's TCP connection."""
        rows = self.q(
            """SELECT client_port FROM pg_stat_activity
                WHERE datname = current_database() AND pid != pg_backend_pid() AND xact_start IS NOT NULL
                  AND client_port IS NOT NULL ORDER BY xact_start"""
        )
        children = self.server.children()
        for (port,) in rows or []:
            out = subprocess.run(["ss", "-tnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
            for pid in re.findall(r"pid=(\d+)", out):
                if int(pid) in children:
                    return int(pid)
        return None

    def totals(self):
        return list(self.q(self.spec["totals"])[0])

    # -- the job
    def run_http(self, results):
        try:
            common = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}/xmlrpc/2/common")
            uid = common.authenticate(self.db, "admin", "admin", {})
            models = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}/xmlrpc/2/object", allow_none=True)
            agreement_ids = models.execute_kw(self.db, uid, "admin", "sdm.rebate.agreement", "search", [[]])
            wizard = models.execute_kw(
                self.db,
                uid,
                "admin",
                "sdm.rebate.settle.wizard",
                "create",
                [{"agreement_ids": [(6, 0, agreement_ids)], "date": TODAY.isoformat(), "validate": True}],
            )
            models.execute_kw(self.db, uid, "admin", "sdm.rebate.settle.wizard", "action_settle", [[wizard]])
            results["ok"] = True
        except Exception as error:
            results["error"] = repr(error)[:200]

    def run(self, reference_seconds=None):
        self.cluster.copy(BASE, self.db)
        self.server = Server(self.conf, self.db, self.port, WORK / f"{self.db}.log")
        outcome = {"job": self.job, "point": self.point, "hit": None}
        try:
            started = time.time()
            if self.spec["cron"]:
                outcome.update(self._run_cron(started, reference_seconds))
            else:
                outcome.update(self._run_http(started, reference_seconds))
            outcome["totals"] = self.totals()
        finally:
            self.server.stop()
        return outcome

    def _crash(self, what):
        if what == "pg":
            log(f"  {self.db}: restarting PostgreSQL")
            self.cluster.restart()
            return True
        pid = self.cron_worker_pid() if self.spec["cron"] else self.http_worker_pid()
        if not pid:
            return False
        log(f"  {self.db}: kill -9 {pid}")
        os.kill(pid, signal.SIGKILL)
        return True

    def _wait_cron(self, timeout=600):
        deadline = time.time() + timeout
        stable = 0
        while time.time() < deadline:
            time.sleep(0.5)
            try:
                stable = stable + 1 if self.cron_finished() else 0
            except psycopg2.OperationalError:
                stable = 0
            if stable >= 3:
                return True
        return False

    def _run_cron(self, started, reference_seconds):
        self.trigger()
        result = {}
        if self.point:
            kind, value = self.point
            hit = False
            deadline = time.time() + 300
            while time.time() < deadline and not hit:
                if kind == "calls":
                    ready = self.calls_done() >= value and self.cron_worker_pid()
                else:
                    ready = time.time() - started >= value * reference_seconds
                if ready:
                    if self.cron_finished():
                        break  # the job ended before the crash point
                    hit = self._crash("pg" if kind == "pg" else "kill")
                    break
                time.sleep(0.05)
            result["hit"] = hit
            result["calls_before"] = self.calls_done()
            time.sleep(2)
            self.trigger()  # run again (the master forked a new cron worker)
        result["finished"] = self._wait_cron()
        result["seconds"] = round(time.time() - started, 1)
        return result

    def _run_http(self, started, reference_seconds):
        results = {}
        thread = threading.Thread(target=self.run_http, args=(results,))
        thread.start()
        result = {}
        if self.point:
            kind, value = self.point
            time.sleep(value * reference_seconds)
            result["hit"] = thread.is_alive() and self._crash("pg" if kind == "pg" else "kill")
            thread.join(timeout=300)
            result["first_call"] = results.get("error", "completed")
            time.sleep(2)
            results.clear()
            self.run_http(results)  # run again
        else:
            thread.join(timeout=300)
        result["finished"] = results.get("ok", False)
        result["error"] = results.get("error")
        result["seconds"] = round(time.time() - started, 1)
        return result


# ---------------------------------------------------------------------------------------------- main


def invariants(db):
    report, _text = check(db)
    odoo.sql_db.close_db(db)
    return [code for code, result in report.items() if not result["ok"]]


def point_label(point):
    if point is None:
        return "none (uninterrupted)"
    kind, value = point
    return {
        "calls": f"kill -9 cron worker after {value} committed call(s)",
        "share": f"kill -9 worker at {value:.0%} of the run",
        "pg": f"PostgreSQL restart at {value:.0%} of the run",
    }[kind]


def main():
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(1))  # stop the servers on the way out
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=60)
    parser.add_argument("--batch", type=int, default=10, help="batch size set in the jobs' scheduled actions")
    parser.add_argument("--pg-port", type=int, default=5613)
    parser.add_argument("--http-port", type=int, default=8491)
    parser.add_argument("--jobs", default=",".join(JOBS))
    parser.add_argument("--keep", action="store_true", help="keep the cluster running and the copies")
    parser.add_argument("--no-pg", action="store_true", help="no PostgreSQL restart (another run shares the cluster)")
    parser.add_argument("--out", default="crash_rerun", help="name of the result files in bench/results/")
    parser.add_argument(
        "--invariants", action="store_true", help="run sdm.invariant on every copy (a registry load each, ~30 s)"
    )
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(args.pg_port)
    cluster.ensure()
    conf = write_conf(cluster, args.http_port)
    odoo.tools.config.parse_config(["-c", str(conf), "--log-level=warn"])
    build_base(cluster, conf, args.customers, args.batch)
    rows = []
    for job in args.jobs.split(","):
        spec = JOBS[job]
        log(f"{job}: uninterrupted run")
        clean = Scenario(cluster, conf, job, None, args.http_port).run()
        clean["invariants"] = invariants(f"sdm_crash_{job.replace('-', '')}_clean") if args.invariants else None
        rows.append(clean)
        save(rows, args)
        log(f"  {clean['seconds']} s, totals {dict(zip(spec['labels'], clean['totals'], strict=True))}")
        for point in POINTS["cron" if spec["cron"] else "http"]:
            if args.no_pg and point[0] == "pg":
                continue
            scenario = Scenario(cluster, conf, job, point, args.http_port)
            outcome = scenario.run(reference_seconds=max(clean["seconds"] - 2, 1))
            outcome["equal"] = outcome["totals"] == clean["totals"]
            # Always when the totals differ (what broke?), on every copy with --invariants.
            outcome["invariants"] = invariants(scenario.db) if args.invariants or not outcome["equal"] else None
            outcome["expected"] = clean["totals"]
            rows.append(outcome)
            log(f"  {point_label(point)}: hit={outcome['hit']} equal={outcome['equal']} {outcome['totals']}")
            if not args.keep:
                cluster.query("postgres", f'DROP DATABASE IF EXISTS "{scenario.db}" WITH (FORCE)')
            save(rows, args)  # after each scenario: a run cut short keeps what it measured
    print(save(rows, args))
    if not args.keep:
        cluster.stop()


def save(rows, args):
    table = render(rows, args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out}.txt").write_text(table + "\n")
    (RESULTS / f"{args.out}.json").write_text(json.dumps(rows, indent=1, default=str))
    return table


def render(rows, args):
    lines = [
        f"crash_rerun.py — {time.strftime('%Y-%m-%d %H:%M')} — {args.customers} customers, batch {args.batch}, "
        "prefork --workers=2 --max-cron-threads=1, private PostgreSQL cluster",
        "",
        "| job | crash point | crash hit the run | totals uninterrupted | totals after rerun | equal | invariants |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        labels = JOBS[row["job"]]["labels"]
        totals = ", ".join(f"{label} {value}" for label, value in zip(labels, row["totals"], strict=True))
        expected = row.get("expected")
        expected = (
            ", ".join(f"{label} {value}" for label, value in zip(labels, expected, strict=True)) if expected else ""
        )
        equal = "" if row["point"] is None else ("yes" if row["equal"] else "**NO**")
        hit = "" if row["point"] is None else ("yes" if row["hit"] else "no (ended first)")
        failed = "not run" if row["invariants"] is None else (", ".join(row["invariants"]) or "all hold")
        if row["point"] is None:
            lines.append(f"| {row['job']} | {point_label(None)} | | {totals} | | | {failed} |")
        else:
            lines.append(
                f"| {row['job']} | {point_label(row['point'])} | {hit} | {expected} | {totals} | {equal} | {failed} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
