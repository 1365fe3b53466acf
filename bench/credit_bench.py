"""Credit control benchmark: SDM's credit check against stock Odoo and OCA ``sale_financial_risk``.

For each N (default 10, 1000, 10000) one customer holds N open customer invoices and N uninvoiced
confirmed sale orders (a service product without taxes, 10.00 each, invoices due in a year: the volume loads
fast and nothing is overdue). The script measures, for one more document of that customer,

* ``action_confirm`` of a new sale order (one consumable line, so a delivery is created), and
* ``action_post`` of a new customer invoice not made from an order,

as wall time (median of ``--reps`` runs, each on a fresh document in a savepoint that is rolled back, after a
warm-up run; the scenarios of a database are interleaved run by run, so machine noise hits them alike) and
SQL queries (``cr.sql_log_count``, the final flush included), as the administrator (not the superuser),
in three scenarios:

* ``a``: stock Odoo behaviour (SDM credit mode ``off``, SDM checkpoints off);
* ``b``: SDM credit control, ``block`` mode, sale and invoice checkpoints on, limit high enough to pass;
* ``c``: OCA ``sale_financial_risk`` / ``account_financial_risk`` 18.0, credit limit on the customer with
  open/unpaid invoices and sale orders included, over-risk confirmation and validation not allowed.

OCA's addons store risk fields (``sale.order.line.risk_amount``...), so they live in their own database:
``<prefix>_a`` (sale_stock, account, sdm_sales) for ``a`` and ``b``, ``<prefix>_oca`` (the same +
sale_financial_risk) for ``c`` and, for reference, ``a`` again (OCA installed, over-risk allowed).

Then a two-transaction race per control: limit 1,000, two quotations of 600 (service) for one customer, two threads
with their own cursors take their REPEATABLE READ snapshot, then both confirm (through Odoo's
``retrying``, as an HTTP request would); thread 1 commits after a short wait. Everything the race
commits is removed afterwards.

Usage (the databases are created and filled on the first run, in parallel, and reused afterwards;
``--fresh`` drops them first)::

    /root/.cache/sdm-odoo/venv-py311/bin/python bench/credit_bench.py --conf /tmp/sdm_bench.conf

The conf file is a copy of .local/odoo.conf whose addons_path ends with the OCA addons installed by
``pip install --no-deps --target DIR odoo-addon-sale-financial-risk==18.0.*
odoo-addon-account-financial-risk==18.0.*`` (DIR/odoo/addons). Results: a table on stdout and
bench/results/credit_bench.json.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ODOO_SRC = os.environ.get("ODOO_SRC", "/opt/odoo/18.0")
sys.path.insert(0, ODOO_SRC)

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402
from odoo.exceptions import UserError  # noqa: E402
from odoo.fields import Command  # noqa: E402
from odoo.service.model import retrying  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "credit_bench.json"
BATCH = 500
PRICE = 10.0
BIG_LIMIT = 1e12
SETUP_CTX = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "bypass_risk": True,  # OCA: no risk evaluation while loading the volume
}
BASE_MODULES = ["sale_stock", "account", "sdm_sales"]
OCA_MODULES = ["sale_financial_risk"]


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- databases
def ensure_database(conf, db, modules, fresh):
    """Create ``db`` without demo data and install ``modules`` unless already there. Returns seconds spent."""
    py = sys.executable
    odoo_db = [py, str(ROOT / "tools" / "odoo_db.py"), "-c", conf]
    env = {**os.environ, "ODOO_SRC": ODOO_SRC, "PYTHONPATH": ODOO_SRC}
    if fresh:
        subprocess.run([*odoo_db, "drop", db], check=True, env=env)
    elif subprocess.run([*odoo_db, "installed", db, ",".join(modules)], env=env).returncode == 0:
        return 0.0
    started = time.perf_counter()
    log(f"{db}: creating the database and installing {', '.join(modules)}")
    subprocess.run([*odoo_db, "drop", db], check=True, env=env)
    subprocess.run([*odoo_db, "create", db], check=True, env=env)
    subprocess.run(
        [
            py,
            os.path.join(ODOO_SRC, "odoo-bin"),
            "-c",
            conf,
            "-d",
            db,
            "-i",
            ",".join(modules),
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
        env=env,
    )
    if subprocess.run([*odoo_db, "installed", db, ",".join(modules)], env=env).returncode != 0:
        raise SystemExit(f"{db}: {modules} did not install")
    return time.perf_counter() - started


def has_oca(env):
    return "risk_sale_order_include" in env["res.partner"]._fields


def configure(env, scenario):
    """Company settings of a scenario: 'setup', 'a' (no check), 'b' (SDM block) or 'c' (OCA)."""
    company = env.company
    vals = {
        "sdm_credit_mode": "off",
        "sdm_credit_check_sale": False,
        "sdm_credit_check_invoice": False,
        "sdm_credit_check_delivery": False,
        "sdm_credit_include_draft_invoices": False,
        "sdm_available_qty_mode": "off",
    }
    if scenario == "b":
        vals.update(sdm_credit_mode="block", sdm_credit_check_sale=True, sdm_credit_check_invoice=True)
    if has_oca(env):
        allow = scenario != "c"
        vals.update(allow_overrisk_sale_confirmation=allow, allow_overrisk_invoice_validation=allow)
    elif scenario == "c":
        raise ValueError("scenario c needs sale_financial_risk")
    company.write(vals)
    env.flush_all()


def set_limit(env, partner, limit):
    """Credit limit for both controls (each is inert unless its scenario is configured)."""
    partner.with_company(env.company).write({"sdm_credit_limit": limit})
    if has_oca(env):
        partner.with_company(env.company).write(
            {
                "credit_limit": limit,
                "risk_invoice_draft_include": False,
                "risk_invoice_open_include": True,
                "risk_invoice_unpaid_include": True,
                "risk_sale_order_include": True,
            }
        )


def ensure_products(env):
    products = {}
    for code, vals in (
        ("SDM-BENCH-SVC", {"name": "SDM Bench Service", "type": "service"}),
        ("SDM-BENCH-GOODS", {"name": "SDM Bench Goods", "type": "consu", "is_storable": False}),
    ):
        product = env["product.product"].search([("default_code", "=", code)], limit=1)
        if not product:
            product = env["product.product"].create(
                {
                    **vals,
                    "default_code": code,
                    "list_price": PRICE,
                    "invoice_policy": "order",
                    "taxes_id": [Command.set([])],
                    "supplier_taxes_id": [Command.set([])],
                }
            )
        products[code] = product
    return products["SDM-BENCH-SVC"], products["SDM-BENCH-GOODS"]


def ensure_partner(env, ref, name):
    partner = env["res.partner"].search([("ref", "=", ref)], limit=1)
    if not partner:
        partner = env["res.partner"].create({"name": name, "ref": ref, "is_company": True, "customer_rank": 1})
    return partner


def invoice_vals(partner, product, amount=PRICE):
    today = datetime.date.today()
    return {
        "move_type": "out_invoice",
        "partner_id": partner.id,
        "invoice_date": today,
        # Due in a year: nothing is overdue, so only the limit is evaluated.
        "invoice_date_due": today + datetime.timedelta(days=365),
        "invoice_line_ids": [
            Command.create(
                {"product_id": product.id, "quantity": 1, "price_unit": amount, "tax_ids": [Command.set([])]}
            )
        ],
    }


def order_vals(partner, product, amount=PRICE):
    return {
        "partner_id": partner.id,
        "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1, "price_unit": amount})],
    }


def setup_data(registry, sizes):
    """N posted open invoices and N confirmed uninvoiced orders for one customer per N (idempotent)."""
    timings = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, SETUP_CTX)
        configure(env, "setup")
        service, _goods = ensure_products(env)
        cr.commit()
        for n in sizes:
            partner = ensure_partner(env, f"sdm_bench_{n}", f"SDM Bench Customer N={n}")
            set_limit(env, partner, BIG_LIMIT)
            cr.commit()
            inv_domain = [("partner_id", "=", partner.id), ("move_type", "=", "out_invoice"), ("state", "=", "posted")]
            so_domain = [("partner_id", "=", partner.id), ("state", "=", "sale")]

            def fill(model, domain, make_vals, finish, label, n=n, partner=partner):
                """Create and finish documents in committed batches until ``n`` exist; returns (existing, seconds)."""
                started = time.perf_counter()
                have = existing = env[model].search_count(domain)
                while have < n:
                    k = min(BATCH, n - have)
                    finish(env[model].create([make_vals(partner, service) for _ in range(k)]))
                    cr.commit()
                    env.invalidate_all()
                    have += k
                    log(f"{registry.db_name} N={n}: {have} {label}")
                return existing, time.perf_counter() - started

            existing_invoices, invoices_s = fill(
                "account.move", inv_domain, invoice_vals, lambda moves: moves.action_post(), "invoices"
            )
            existing_orders, orders_s = fill(
                "sale.order", so_domain, order_vals, lambda orders: orders.action_confirm(), "orders"
            )
            timings[n] = {
                "invoices_created": max(n - existing_invoices, 0),
                "invoices_s": round(invoices_s, 1),
                "orders_created": max(n - existing_orders, 0),
                "orders_s": round(orders_s, 1),
            }
    return timings


# --------------------------------------------------------------------------- measurements
def user_env(cr):
    """The administrator, not the superuser: record rules and access rights apply as in a request."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    admin = env.ref("base.user_admin")
    return api.Environment(cr, admin.id, admin.context_get())


def measure_once(cr, scenario, make_doc, action):
    """Wall time (ms) and queries of ``action(doc)`` on a fresh document, in a savepoint rolled back after."""
    uenv = user_env(cr)
    senv = api.Environment(cr, SUPERUSER_ID, SETUP_CTX)
    savepoint = cr.savepoint()
    try:
        configure(senv, scenario)
        doc = make_doc(senv)
        senv.flush_all()
        senv.invalidate_all()  # a request starts with an empty cache
        doc = doc.with_env(uenv)
        count = cr.sql_log_count
        start = time.perf_counter()
        result = action(doc)
        uenv.flush_all()
        elapsed = time.perf_counter() - start
        count = cr.sql_log_count - count
        if isinstance(result, dict) and result.get("res_model") == "partner.risk.exceeded.wiz":
            raise RuntimeError(f"OCA refused the document: {result}")
    finally:
        savepoint.close(rollback=True)
    return elapsed * 1000, count


def check_only(cr, scenario, partner_id, reps):
    """Time of the credit evaluation alone (SDM: its rule and SQL position; OCA: the partner's risk fields)."""
    senv = api.Environment(cr, SUPERUSER_ID, SETUP_CTX)
    savepoint = cr.savepoint()
    try:
        configure(senv, scenario)
        env = user_env(cr)
        partner = env["res.partner"].browse(partner_id)
        times = []
        for run in range(reps + 1):
            env.invalidate_all()
            start = time.perf_counter()
            if scenario == "b":
                result = partner._sdm_credit_evaluate(env.company, PRICE)
                exposure = result["exposure"]
            else:
                partner.risk_exception  # noqa: B018 - the risk fields OCA's check reads
                exposure = partner.risk_total
            if run:
                times.append((time.perf_counter() - start) * 1000)
    finally:
        savepoint.close(rollback=True)
    return round(statistics.median(times), 2), exposure


def confirm(order):
    result = order.action_confirm()
    if order.state != "sale":
        raise RuntimeError(f"order not confirmed ({order.state})")
    return result


def post(move):
    result = move.action_post()
    if move.state != "posted":
        raise RuntimeError(f"invoice not posted ({move.state})")
    return result


def run_database(registry, scenarios, sizes, reps):
    """Measure the scenarios of one database, interleaved run by run (machine noise hits them alike)."""
    rows = []
    with registry.cursor() as cr:
        senv = api.Environment(cr, SUPERUSER_ID, SETUP_CTX)
        configure(senv, "a")
        cr.commit()
        _service, goods = ensure_products(senv)
        for n in sizes:
            partner = ensure_partner(senv, f"sdm_bench_{n}", f"SDM Bench Customer N={n}")
            operations = {
                "confirm": (lambda e, p=partner: e["sale.order"].create(order_vals(p, goods)), confirm),
                "post": (lambda e, p=partner: e["account.move"].create(invoice_vals(p, goods)), post),
            }
            samples = {(s, op): ([], []) for s in scenarios for op in operations}
            for run in range(reps + 1):  # run 0 warms the caches up and is not counted
                for scenario in scenarios if run % 2 else scenarios[::-1]:
                    for op, (make_doc, action) in operations.items():
                        ms, count = measure_once(cr, scenario, make_doc, action)
                        if run:
                            samples[scenario, op][0].append(ms)
                            samples[scenario, op][1].append(count)
            for scenario in scenarios:
                row = {"n": n, "scenario": scenario, "db": registry.db_name}
                for op in operations:
                    times, counts = samples[scenario, op]
                    row[f"{op}_ms"] = round(statistics.median(times), 1)
                    row[f"{op}_ms_min"] = round(min(times), 1)
                    row[f"{op}_queries"] = int(statistics.median(counts))
                    row[f"{op}_runs_ms"] = [round(t, 1) for t in times]
                    row[f"{op}_runs_queries"] = counts
                if scenario in ("b", "c"):
                    row["check_only_ms"], row["exposure"] = check_only(cr, scenario, partner.id, reps)
                rows.append(row)
                log(
                    f"{registry.db_name} {scenario} N={n}: confirm {row['confirm_ms']} ms / "
                    f"{row['confirm_queries']} q, post {row['post_ms']} ms / {row['post_queries']} q"
                )
        cr.rollback()
    return rows


# --------------------------------------------------------------------------- concurrency
def race(registry, scenario, limit=1000.0, amount=600.0, hold=1.0):
    """Two transactions confirm one order each for a customer whose limit only fits one."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, SETUP_CTX)
        configure(env, scenario)
        service, _goods = ensure_products(env)
        partner = env["res.partner"].create(
            {"name": f"SDM Bench Race {scenario} {time.time():.0f}", "is_company": True, "customer_rank": 1}
        )
        set_limit(env, partner, limit)
        orders = env["sale.order"].create([order_vals(partner, service, amount) for _ in range(2)])
        order_ids, partner_id = orders.ids, partner.id
        cr.commit()

    barrier = threading.Barrier(2)
    events = [[], []]
    started = time.perf_counter()

    def stamp():
        return round(time.perf_counter() - started, 2)

    def worker(index):
        attempts = 0
        with registry.cursor() as cr:
            env = user_env(cr)

            def confirm():
                nonlocal attempts
                attempts += 1
                if attempts == 1:
                    cr.execute("SELECT 1")  # REPEATABLE READ: the snapshot is taken here
                    barrier.wait()
                    if index:
                        time.sleep(0.2)  # thread 1 confirms first
                order = env["sale.order"].browse(order_ids[index])
                events[index].append(f"t={stamp()}s attempt {attempts}: confirming {order.name}")
                try:
                    result = order.action_confirm()
                    env.flush_all()
                except Exception as exc:
                    kind = type(exc).__name__
                    text = str(exc).splitlines()[0] if str(exc) else ""
                    events[index].append(f"t={stamp()}s attempt {attempts}: {kind}: {text[:220]}")
                    raise
                if order.state == "sale":
                    events[index].append(f"t={stamp()}s attempt {attempts}: confirmed")
                else:
                    wizard = isinstance(result, dict) and result.get("res_model")
                    events[index].append(f"t={stamp()}s attempt {attempts}: not confirmed (returned {wizard})")
                if index == 0:
                    time.sleep(hold)  # keep the transaction open a little
                events[index].append(f"t={stamp()}s attempt {attempts}: committing")
                return result

            try:
                retrying(confirm, env)
                events[index].append(f"t={stamp()}s committed")
            except UserError as exc:
                events[index].append(f"t={stamp()}s refused, rolled back: {str(exc).splitlines()[0][:220]}")
            except Exception as exc:  # pylint: disable=broad-except
                events[index].append(f"t={stamp()}s failed: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, SETUP_CTX)
        orders = env["sale.order"].browse(order_ids)
        states = orders.mapped("state")
        confirmed = sum(o.amount_total for o in orders if o.state == "sale")
        # Clean up what the race committed.
        orders.filtered(lambda o: o.state == "sale")._action_cancel()
        orders.unlink()
        partner = env["res.partner"].browse(partner_id)
        try:
            with cr.savepoint():
                partner.unlink()
        except Exception:  # pylint: disable=broad-except
            partner.active = False
        configure(env, "a")
        cr.commit()
    return {
        "scenario": scenario,
        "db": registry.db_name,
        "limit": limit,
        "orders": [amount, amount],
        "final_states": states,
        "confirmed_total": confirmed,
        "over_limit": confirmed > limit,
        "thread_1": events[0],
        "thread_2": events[1],
    }


# --------------------------------------------------------------------------- report
def ratio(x, y):
    return round(x / y, 2) if y else None


def add_ratios(rows):
    base = {(r["db"], r["n"]): r for r in rows if r["scenario"] == "a"}
    main_db = next((r["db"] for r in rows if r["scenario"] == "b"), None)
    for row in rows:
        if row["scenario"] == "a":
            continue
        same = base.get((row["db"], row["n"]))
        if same:
            row["confirm_ratio"] = ratio(row["confirm_ms"], same["confirm_ms"])
            row["post_ratio"] = ratio(row["post_ms"], same["post_ms"])
            row["confirm_ratio_min"] = ratio(row["confirm_ms_min"], same["confirm_ms_min"])
            row["post_ratio_min"] = ratio(row["post_ms_min"], same["post_ms_min"])
        stock = base.get((main_db, row["n"]))
        if stock and row["scenario"] == "c":
            row["confirm_ratio_vs_a_main_db"] = ratio(row["confirm_ms"], stock["confirm_ms"])
            row["post_ratio_vs_a_main_db"] = ratio(row["post_ms"], stock["post_ms"])


def print_table(rows, races, meta):
    columns = [
        ("N", 6),
        ("  scenario", 18),
        ("confirm ms", 11),
        ("queries", 8),
        ("post ms", 9),
        ("queries", 8),
        ("b|c/a confirm", 14),
        ("b|c/a post", 11),
        ("conf min", 9),
        ("post min", 9),
        ("check ms", 9),
    ]
    head = "".join(f"{name:<{width}}" if name.strip() == "scenario" else f"{name:>{width}}" for name, width in columns)
    print()
    print(
        f"Credit control benchmark: median of {meta['reps']} runs (min also shown); ratios against 'a' in the "
        "same database; check ms = the credit evaluation alone"
    )
    print(head)
    print("-" * len(head))
    labels = {"a": "  a stock", "b": "  b SDM block", "c": "  c OCA risk"}

    def fmt_ratio(value):
        return f"{value:.2f}x" if value else ""

    for row in sorted(rows, key=lambda r: (r["n"], r["db"] != meta["db_main"], r["scenario"])):
        label = labels[row["scenario"]]
        if row["db"] != meta["db_main"] and row["scenario"] == "a":
            label += " (OCA db)"
        cells = [
            row["n"],
            label,
            f"{row['confirm_ms']:.1f}",
            row["confirm_queries"],
            f"{row['post_ms']:.1f}",
            row["post_queries"],
            fmt_ratio(row.get("confirm_ratio")),
            fmt_ratio(row.get("post_ratio")),
            f"{row['confirm_ms_min']:.1f}",
            f"{row['post_ms_min']:.1f}",
            row.get("check_only_ms", ""),
        ]
        print(
            "".join(
                f"{cell!s:<{width}}" if name.strip() == "scenario" else f"{cell!s:>{width}}"
                for cell, (name, width) in zip(cells, columns, strict=True)
            )
        )
    for race_ in races:
        print()
        print(
            f"Race ({race_['scenario']}, {race_['db']}): limit {race_['limit']:,.0f}, two orders of "
            f"{race_['orders'][0]:,.0f}; final states {race_['final_states']}, "
            f"confirmed {race_['confirmed_total']:,.0f}"
            f"{' > limit' if race_['over_limit'] else ' <= limit'}"
        )
        for name in ("thread_1", "thread_2"):
            for event in race_[name]:
                print(f"  {name}: {event}")
    print()
    print("Setup:", json.dumps(meta["setup"]))


# --------------------------------------------------------------------------- main
def prepare(args, db, modules):
    """Database + volume (run in a subprocess per database, both in parallel)."""
    install_s = ensure_database(args.conf, db, modules, args.fresh)
    registry = odoo.modules.registry.Registry(db)
    started = time.perf_counter()
    data = setup_data(registry, args.sizes)
    return {"db": db, "install_s": round(install_s, 1), "data_s": round(time.perf_counter() - started, 1), "data": data}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True, help="odoo.conf whose addons_path includes the OCA addons")
    parser.add_argument("--sizes", default="10,1000,10000", help="comma-separated N (default 10,1000,10000)")
    parser.add_argument("--reps", type=int, default=7, help="measured runs per figure (median)")
    parser.add_argument("--prefix", default="sdm_bench", help="database name prefix (must start with sdm_bench)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the databases")
    parser.add_argument("--serial", action="store_true", help="prepare the two databases one after the other")
    parser.add_argument("--prepare-only", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",") if s]
    if not args.prefix.startswith("sdm_bench"):
        parser.error("--prefix must start with sdm_bench")
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"], setup_logging=True)
    db_main, db_oca = f"{args.prefix}_a", f"{args.prefix}_oca"
    modules = {db_main: BASE_MODULES, db_oca: BASE_MODULES + OCA_MODULES}

    if args.prepare_only:
        print("PREPARED " + json.dumps(prepare(args, args.prepare_only, modules[args.prepare_only])), flush=True)
        return 0

    if not odoo.modules.module.get_module_path("sale_financial_risk", display_warning=False):
        parser.error("sale_financial_risk is not in the addons_path of %s" % args.conf)
    total = time.perf_counter()
    setup = {}
    base_cmd = [sys.executable, __file__, "--conf", args.conf, "--sizes", ",".join(map(str, args.sizes))]
    base_cmd += ["--prefix", args.prefix] + (["--fresh"] if args.fresh else [])
    procs = []
    for db in (db_main, db_oca):
        proc = subprocess.Popen([*base_cmd, "--prepare-only", db], stdout=subprocess.PIPE, text=True)
        if args.serial:
            procs.append((db, proc, proc.communicate()[0]))
        else:
            procs.append((db, proc, None))
    for db, proc, out in procs:
        out = out if out is not None else proc.communicate()[0]
        if proc.returncode:
            raise SystemExit(f"preparing {db} failed")
        line = next(line for line in out.splitlines() if line.startswith("PREPARED "))
        setup[db] = json.loads(line[len("PREPARED ") :])
    setup["wall_s"] = round(time.perf_counter() - total, 1)
    log(f"setup done in {setup['wall_s']} s")

    rows, races = [], []
    reg_main = odoo.modules.registry.Registry(db_main)
    reg_oca = odoo.modules.registry.Registry(db_oca)
    started = time.perf_counter()
    rows += run_database(reg_main, ["a", "b"], args.sizes, args.reps)
    rows += run_database(reg_oca, ["a", "c"], args.sizes, args.reps)
    measure_s = time.perf_counter() - started
    races.append(race(reg_main, "b"))
    races.append(race(reg_oca, "c"))
    add_ratios(rows)
    meta = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "odoo": odoo.release.version,
        "oca": {
            name: odoo.modules.module.load_manifest(name).get("version")
            for name in ("account_financial_risk", "sale_financial_risk")
        },
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "reps": args.reps,
        "sizes": args.sizes,
        "db_main": db_main,
        "db_oca": db_oca,
        "setup": setup,
        "measure_s": round(measure_s, 1),
        "total_s": round(time.perf_counter() - total, 1),
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"meta": meta, "results": rows, "concurrency": races}, indent=2) + "\n")
    log(f"written {output} (total {meta['total_s']} s)")
    print_table(rows, races, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
