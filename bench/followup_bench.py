"""A follow-up (催收) run for 10,000 customers within the production cron limits (issue 15, Performance):
``sdm.followup._cron_run`` called batch after batch as the cron runner calls it, against
``limit_time_real_cron = 600`` s of config/odoo.prod.conf.

Data: a copy of aging_bench.py's database (``createdb -T sdm_bench_aging``: 1,000,000 receivable items of 10,000
customers, invoices 2024-06-01..2026-08-31 due 30 days later, 15 % unpaid, 20 % partly paid, receipts up to
2026-11-29), with sdm_finance installed in the copy (its default levels: 7 days email; 30 days email + call
activity; 60 days email + call + letter; 90 days email + call + letter + credit hold). The customers get an email
address (the aging data has none) so that every reminder queues a mail. As of ``--today`` (default 2026-11-30,
the day after the last receipt) every customer has items overdue for more than 90 days: each follow-up is the
last level — email, call activity, letter PDF (wkhtmltopdf, one process per letter) and credit hold.

The run: an ``ir.cron.progress`` record of the follow-up cron in the context (as the cron runner sets it), then
``_cron_run(batch_size=200, today=...)`` as the cron user (superuser), a commit after each call, again while the
progress says some remain. Measured per call: seconds, SQL queries, follow-ups made, letters and the seconds
spent rendering them. Mail: the reminders are queued (``mail.mail``, context ``mail_notify_force_send=False``);
no mail is sent (no SMTP server, no mail queue cron) and sending is not timed. Letters: wkhtmltopdf loads the
report's assets from ``report.url``; the bench runs a private Odoo HTTP server on ``--port`` (no cron threads) on
the bench database for that, as a production server serves them.

Usage (the database is copied and sdm_finance installed on the first run; ``--fresh`` copies it again, which is
also how to run the same day again)::

    /root/.cache/sdm-odoo/venv-py311/bin/python bench/followup_bench.py --conf /tmp/sdm_bench_aging.conf \
        [--batches N] [--minutes M] [--no-letters]

``--batches`` / ``--minutes`` stop after that many calls / minutes (the rest is extrapolated from the median
call); ``--no-letters`` turns the levels' letter off in the bench database (to time the rest without
wkhtmltopdf). Results: a table on stdout and bench/results/followup_bench.json.

Runs (bench/README.md has the details): before the letters were batched, one wkhtmltopdf process per letter took
1.63 s a letter (~5 h for 10,000 customers). Run of 2026-11-30 22:05 (letters 20 a run, calls on the production
limits, 25 minutes, 3,239 customers): 0.31 s a letter, calls of 23.7 s (median) and 4.6 s of CPU, every pass of
ten calls under 600 s and 60 s of CPU (max 397 s / 46.3 s); all 10,000 extrapolated to ~1.5 h.
"""

import argparse
import configparser
import datetime
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# credit_bench puts the Odoo source on sys.path.
from credit_bench import ODOO_SRC

import odoo
from odoo import SUPERUSER_ID, api

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "followup_bench.json"
PROD_CONF = ROOT / "config" / "odoo.prod.conf"
CALLS_PER_PASS = 10  # odoo.addons.base.models.ir_cron: MAX_BATCH_PER_CRON_JOB
CUSTOMER_REF = "sdm_bench_aging_"


def log(msg):
    print(f"[followup-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


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


def ensure_database(conf, db, source, fresh):
    """``db``: a copy of ``source`` with sdm_finance installed. Returns seconds spent."""
    started = time.perf_counter()
    env = pg_env()
    exists = (
        subprocess.run(
            ["psql", "-d", "postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{db}'"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        == "1"
    )
    if exists and not fresh:
        return 0.0
    if exists:
        subprocess.run(["dropdb", db], env=env, check=True)
    log(f"{db}: copying {source}")
    subprocess.run(["createdb", "-T", source, db], env=env, check=True)
    copied = time.perf_counter()
    log(f"{db}: installing sdm_finance")
    subprocess.run(
        [
            sys.executable,
            os.path.join(ODOO_SRC, "odoo-bin"),
            "-c",
            conf,
            "-d",
            db,
            "-i",
            "sdm_finance",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        env={**os.environ, "PYTHONPATH": ODOO_SRC},
        check=True,
    )
    log(f"  copy {copied - started:.0f} s, install {time.perf_counter() - copied:.0f} s")
    return time.perf_counter() - started


def start_asset_server(conf, db, port):
    """A private Odoo HTTP server (no cron threads) for wkhtmltopdf's assets."""
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is in use: choose another --port")
    proc = subprocess.Popen(
        [
            sys.executable,
            os.path.join(ODOO_SRC, "odoo-bin"),
            "-c",
            conf,
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            "--max-cron-threads=0",
            "--workers=0",
            "--log-level=warn",
        ],
        env={**os.environ, "PYTHONPATH": ODOO_SRC},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(120):
        time.sleep(1)
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc
    proc.terminate()
    raise SystemExit("the asset server did not start")


def prepare(env, report_url, letters):
    """Customers' emails, report.url, the levels' letter switch."""
    cr = env.cr
    cr.execute(
        "UPDATE res_partner SET email = 'customer' || id || '@example.com' WHERE ref LIKE %s AND email IS NULL",
        [CUSTOMER_REF + "%"],
    )
    env["ir.config_parameter"].set_param("report.url", report_url)
    env["sdm.followup.level"].search([("days", ">=", 60)]).print_letter = letters
    cr.commit()


COUNTS = {
    "followups": "SELECT count(*) FROM sdm_followup",
    "emails": "SELECT count(*) FROM sdm_followup WHERE email_sent",
    "activities": "SELECT count(*) FROM sdm_followup WHERE activity_created",
    "letters": "SELECT count(*) FROM sdm_followup WHERE letter_id IS NOT NULL",
    "credit_holds": "SELECT count(*) FROM sdm_followup WHERE credit_hold_set",
    "mail_mail": "SELECT count(*) FROM mail_mail",
    "mail_mail_outgoing": "SELECT count(*) FROM mail_mail WHERE state = 'outgoing'",
    "mail_activity_call": "SELECT count(*) FROM mail_activity WHERE res_model = 'res.partner'",
}


def counts(cr):
    result = {}
    for key, query in COUNTS.items():
        cr.execute(query)
        result[key] = cr.fetchone()[0]
    return result


def production_limits():
    """limit_time_cpu and limit_time_real_cron of config/odoo.prod.conf."""
    parser = configparser.ConfigParser()
    parser.read(PROD_CONF)
    return {name: int(parser["options"][name]) for name in ("limit_time_cpu", "limit_time_real_cron")}


class LetterTimer:
    """Seconds spent printing letters (``sdm.followup._sdm_print_letters``), letters printed and wkhtmltopdf runs
    (``ir.actions.report._run_wkhtmltopdf``), wrapped on the registry's classes for the run."""

    def __init__(self, registry):
        self.followup_cls = registry["sdm.followup"]
        self.report_cls = registry["ir.actions.report"]
        self.print_original = self.followup_cls._sdm_print_letters
        self.run_original = self.report_cls._run_wkhtmltopdf
        self.seconds, self.count, self.runs = 0.0, 0, 0
        timer = self

        def _sdm_print_letters(self):
            started = time.perf_counter()
            try:
                return timer.print_original(self)
            finally:
                timer.seconds += time.perf_counter() - started
                timer.count += len(self)

        def _run_wkhtmltopdf(self, *args, **kwargs):
            timer.runs += 1
            return timer.run_original(self, *args, **kwargs)

        self.followup_cls._sdm_print_letters = _sdm_print_letters
        self.report_cls._run_wkhtmltopdf = _run_wkhtmltopdf

    def restore(self):
        self.followup_cls._sdm_print_letters = self.print_original
        self.report_cls._run_wkhtmltopdf = self.run_original


def run(registry, today, batch_size, max_batches, max_minutes):
    batches = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cron = env.ref("sdm_finance.ir_cron_sdm_followup")
        progress = env["ir.cron.progress"].create({"cron_id": cron.id, "done": 0, "remaining": 0})
        before = counts(cr)
        cr.commit()
        # Who is due, alone (each call computes it again for every customer), then rolled back.
        company = env.company
        queries, started = cr.sql_log_count, time.perf_counter()
        due = env["sdm.followup"].with_company(company)._sdm_due_customers(company, today)
        due_only = {
            "seconds": round(time.perf_counter() - started, 2),
            "queries": cr.sql_log_count - queries,
            "due": len(due),
            "levels": dict(Counter(row[1].days for row in due)),
        }
        log(f"  who is due, alone: {due_only}")
        cr.rollback()
        env.invalidate_all()
        timer = LetterTimer(registry)
        started_all = time.perf_counter()
        try:
            while True:
                env = api.Environment(
                    cr, SUPERUSER_ID, {"ir_cron_progress_id": progress.id, "mail_notify_force_send": False}
                )
                letter_s, letter_n, runs = timer.seconds, timer.count, timer.runs
                queries = cr.sql_log_count
                started, cpu = time.perf_counter(), time.process_time()
                env["sdm.followup"]._cron_run(batch_size=batch_size, today=today)
                cr.commit()
                elapsed = time.perf_counter() - started
                cpu = time.process_time() - cpu
                env.invalidate_all()
                progress_row = env["ir.cron.progress"].browse(progress.id)
                batch = {
                    "seconds": round(elapsed, 2),
                    "cpu_s": round(cpu, 2),
                    "queries": cr.sql_log_count - queries,
                    "done": progress_row.done,
                    "remaining": progress_row.remaining,
                    "letters": timer.count - letter_n,
                    "letter_s": round(timer.seconds - letter_s, 2),
                    "wkhtmltopdf_runs": timer.runs - runs,
                }
                batches.append(batch)
                log(f"  call {len(batches)}: {batch}")
                if not batch["remaining"] and not batch["done"]:
                    break
                if max_batches and len(batches) >= max_batches:
                    break
                if max_minutes and time.perf_counter() - started_all > max_minutes * 60:
                    break
        finally:
            timer.restore()
        after = counts(cr)
    made = {key: after[key] - before[key] for key in COUNTS}
    return batches, made, due_only


def summary(batches, made, batch_size):
    working = [b for b in batches if b["done"]]
    secs = [b["seconds"] for b in working]
    result = {
        "calls": len(batches),
        "calls_with_work": len(working),
        "batch_max_s": max(secs) if secs else None,
        "batch_median_s": round(statistics.median(secs), 2) if secs else None,
        "queries_median": statistics.median([b["queries"] for b in working]) if working else None,
        "total_s": round(sum(b["seconds"] for b in batches), 1),
        "made": made,
    }
    passes = [batches[i : i + CALLS_PER_PASS] for i in range(0, len(batches), CALLS_PER_PASS)]
    result["pass_max_s"] = round(max(sum(b["seconds"] for b in p) for p in passes), 1) if passes else None
    result["pass_max_cpu_s"] = round(max(sum(b["cpu_s"] for b in p) for p in passes), 1) if passes else None
    result["wkhtmltopdf_runs"] = sum(b["wkhtmltopdf_runs"] for b in batches)
    letters = sum(b["letters"] for b in batches)
    if letters:
        result["letter_s_each"] = round(sum(b["letter_s"] for b in batches) / letters, 3)
    last = batches[-1] if batches else None
    if last and last["remaining"]:
        calls_left = -(-last["remaining"] // batch_size)
        result["remaining"] = last["remaining"]
        result["extrapolated_total_s"] = round(result["total_s"] + calls_left * result["batch_median_s"], 0)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True, help="odoo.conf whose addons_path is this checkout's addons")
    parser.add_argument("--db", default="sdm_bench_followup", help="database (name must start with sdm_bench_followup)")
    parser.add_argument("--source", default="sdm_bench_aging", help="aging_bench.py's database, copied")
    parser.add_argument("--fresh", action="store_true", help="copy the source database again")
    parser.add_argument("--today", default="2026-11-30")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--batches", type=int, default=0, help="stop after this many calls (0: until done)")
    parser.add_argument("--minutes", type=float, default=0, help="stop after this many minutes (0: until done)")
    parser.add_argument("--no-letters", action="store_true", help="levels without letters (bench database only)")
    parser.add_argument("--port", type=int, default=8398, help="the private asset server's port (never 8069)")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    if not args.db.startswith("sdm_bench_followup"):
        parser.error("--db must start with sdm_bench_followup")
    if args.port == 8069:
        parser.error("never port 8069")
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"], setup_logging=True)
    # The production limits, so that each call's time budget (base._sdm_cron_budget) is production's.
    limits = production_limits()
    odoo.tools.config.options.update(limits)
    total = time.perf_counter()
    setup_s = ensure_database(args.conf, args.db, args.source, args.fresh)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        prepare(api.Environment(cr, SUPERUSER_ID, {}), f"http://127.0.0.1:{args.port}", not args.no_letters)
        clock = api.Environment(cr, SUPERUSER_ID, {})["sdm.followup"]._sdm_cron_budget()
        call_budget = {"cpu_s": round(clock.cpu, 2), "wall_s": round(clock.real, 2)}
    server = None if args.no_letters else start_asset_server(args.conf, args.db, args.port)
    try:
        today = odoo.fields.Date.to_date(args.today)
        log(f"follow-up as of {today}, batches of {args.batch_size}, letters {'off' if args.no_letters else 'on'}")
        batches, made, due_only = run(registry, today, args.batch_size, args.batches, args.minutes)
    finally:
        if server:
            server.terminate()
            server.wait(30)
    result = summary(batches, made, args.batch_size)
    result["who_is_due_alone"] = due_only
    meta = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "odoo": odoo.release.version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "db": args.db,
        "today": args.today,
        "batch_size": args.batch_size,
        "letters": not args.no_letters,
        "setup_s": round(setup_s, 1),
        "total_s": round(time.perf_counter() - total, 1),
        "limits": limits,
        "call_budget_s": call_budget,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"meta": meta, "summary": result, "batches": batches}, indent=2) + "\n")
    log(f"written {output}")
    print(f"\nFollow-up of {args.today}, batches of {args.batch_size}, letters {meta['letters']}", end="")
    print(f" (load {meta['loadavg']})")
    print(
        f"{'call':>5} {'seconds':>8} {'cpu s':>6} {'queries':>8} {'done':>5} {'remaining':>9} {'letters':>7} "
        f"{'letter s':>9} {'runs':>5}"
    )
    for number, b in enumerate(batches, 1):
        print(
            f"{number:>5} {b['seconds']:>8.1f} {b['cpu_s']:>6.1f} {b['queries']:>8} {b['done']:>5} "
            f"{b['remaining']:>9} {b['letters']:>7} {b['letter_s']:>9.1f} {b['wkhtmltopdf_runs']:>5}"
        )
    print(json.dumps(result, indent=2))
    # Within the production limits: every pass of the runner (up to ten calls) under both of them.
    within = (result["pass_max_s"] or 0) < limits["limit_time_real_cron"] and (result["pass_max_cpu_s"] or 0) < limits[
        "limit_time_cpu"
    ]
    print(f"passes within the production cron limits {limits}: {'yes' if within else 'NO'}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
