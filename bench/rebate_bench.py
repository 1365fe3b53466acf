"""Rebate settlement benchmark: SDM ``sdm_finance`` against OCA ``agreement_rebate`` 18.0 on the same data.

Both addons live in one database (SDM's four addons and OCA ``agreement_rebate``, which pulls ``agreement`` and
``account_invoice_refund_link``), so both peers read the very same invoices in the same process::

    /root/.cache/sdm-odoo/venv-py311/bin/pip install --no-deps --target /root/.cache/sdm-odoo/oca-rebate \\
        'odoo-addon-agreement-rebate==18.0.*' 'odoo-addon-agreement==18.0.*' \\
        'odoo-addon-account-invoice-refund-link==18.0.*'
    export SDM_EXTRA_ADDONS=/root/.cache/sdm-odoo/oca-rebate/odoo/addons SDM_TEST_DB=sdm_bench_rebate
    bash tools/sdm.sh install-test-db
    bash tools/sdm.sh odoo -d sdm_bench_rebate -i agreement_rebate --without-demo=all --stop-after-init
    bash tools/sdm.sh odoo shell -d sdm_bench_rebate --log-level=warn < bench/rebate_bench.py

Volume: 200 products (no taxes), 1,000 customers (SQL), and for each customer one SDM agreement and one OCA
agreement for 2026 (ORM). Posted customer invoices of 10 product lines each, all dated in Q1 2026, 1 in 20 a
credit note, are loaded by SQL in steps (``SDM_BENCH_LINES``, default 100,000 then 1,000,000 invoice lines in
all). Amounts are integers: quantity 1-20 times a price fixed per customer (10 to 307), so the customers' net
quarters spread over the three tiers: 0 → 1 %, 50,000 → 2 %, 150,000 → 3 %, retroactive (the whole volume at
the rate of the tier reached).

* SDM: quarterly agreement, basis invoiced net amount, retroactive tiers; activated with ``action_activate``
  (timed once, at setup). Measured: ``sdm.rebate.settlement._sdm_prepare(agreements, 2026-03-31, "final")``,
  the draft settlements of every agreement for Q1 with their counted invoice lines.
* OCA: agreement type "Rebate agreements for sales", ``rebate_type = "section_total"`` ("compute total and
  apply discount rule match": the whole amount at the rate of the section it falls in, i.e. retroactive) with
  sections 0-49,999.99 → 1 %, 50,000-149,999.99 → 2 %, 150,000-10^12 → 3 % (OCA takes the section with
  ``amount_from <= amount <= amount_to``, so the bounds must not touch), 2026-01-01 to 2026-12-31, partner =
  the customer. OCA needs no link between invoices and agreements: it sums ``account.invoice.report``
  (posted, sale journals, ``invoice_date`` in the period, invoice partner child_of the agreement's partner,
  untaxed amount in company currency). Measured: the settlement wizard (``agreement.settlement.create.wiz``,
  2026-01-01 to 2026-03-31, the sales rebate type) ``action_create_settlement``.

Each peer is run twice per step, as the administrator (with the OCA rebate group), the final flush included:
first under tracemalloc for the Python peak, in a savepoint rolled back afterwards (this run also warms the
caches up, for both peers alike; its time, about twice as long because tracemalloc slows Python down, is kept
as ``traced_seconds``), then the run that gives the wall time and the SQL statements (``cr.sql_log_count``, plus
the rows sent through ``cursor.executemany``, which Odoo's counter does not see: counted by a wrapper this
script installs) and whose settlements are kept (``SDM_BENCH_TRACE=0``: the second run only). Both tables are
read once before each step. Settlements and lines are counted by SQL, and the per-customer results of both
peers are checked against an independent SQL sum of the invoice lines. Earlier settlements are deleted by SQL
before each step. An OCA run longer than ``SDM_BENCH_OCA_TIMEOUT`` seconds (default 900) is interrupted and
reported as such. Results: a table on stdout and ``bench/results/rebate_bench.json`` (``SDM_BENCH_RESULTS``).
"""

import json
import os
import signal
import time
import tracemalloc
from datetime import date
from pathlib import Path

import odoo

PERIOD_START = date(2026, 1, 1)
PERIOD_END = date(2026, 3, 31)
YEAR_END = date(2026, 12, 31)
PRODUCTS = 200
CUSTOMERS = 1000
LINES_PER_MOVE = 10
TIERS = [(0.0, 1.0), (50000.0, 2.0), (150000.0, 3.0)]  # (threshold, rate %), retroactive
OCA_SECTIONS = [(0.0, 49999.99, 1.0), (50000.0, 149999.99, 2.0), (150000.0, 1e12, 3.0)]
STEPS = [int(n) for n in os.environ.get("SDM_BENCH_LINES", "100000,1000000").split(",")]
OCA_TIMEOUT = int(os.environ.get("SDM_BENCH_OCA_TIMEOUT", "900"))
TRACE = os.environ.get("SDM_BENCH_TRACE", "1") != "0"
RESULTS = Path(os.environ.get("SDM_BENCH_RESULTS", "bench/results/rebate_bench.json"))
EXECUTEMANY = {"statements": 0}


def log(msg):
    print(f"[rebate-bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def count_executemany():
    """Odoo's cursor hands ``executemany`` to psycopg2 without counting it: count its statements here."""

    def executemany(self, query, vars_list):
        vars_list = list(vars_list)
        EXECUTEMANY["statements"] += len(vars_list)
        return self._obj.executemany(query, vars_list)

    odoo.sql_db.Cursor.executemany = executemany


# --------------------------------------------------------------------------- data
def setup(env):
    cr = env.cr
    times = {}
    env.ref("base.user_admin").sudo().write(
        {"groups_id": [(4, env.ref("agreement_rebate.group_use_agreement_rebate").id)]}
    )
    categ = env["product.category"].create({"name": "Bench rebate products"})
    products = env["product.product"].create(
        [
            {"name": f"Bench product {i}", "type": "consu", "list_price": 100.0, "categ_id": categ.id, "taxes_id": []}
            for i in range(PRODUCTS)
        ]
    )
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type, autopost_bills, customer_rank,
                                 create_date, write_date)
        SELECT 'Bench rebate customer ' || i, 'Bench rebate customer ' || i, true, true, 'contact', 'ask', 1,
               now(), now()
          FROM generate_series(1, %s) i
        RETURNING id
        """,
        [CUSTOMERS],
    )
    partners = sorted(row[0] for row in cr.fetchall())
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partners])
    env["res.partner"].invalidate_model()

    started = time.monotonic()
    sdm = env["sdm.rebate.agreement"].create(
        [
            {
                "title": f"Bench rebate {partner}",
                "partner_ids": [(6, 0, [partner])],
                "date_start": PERIOD_START,
                "date_end": YEAR_END,
                "frequency": "quarterly",
                "basis": "amount",
                "tier_method": "retroactive",
                "tier_ids": [(0, 0, {"threshold": threshold, "rate": rate}) for threshold, rate in TIERS],
            }
            for partner in partners
        ]
    )
    times["sdm_create_s"] = round(time.monotonic() - started, 2)
    started = time.monotonic()
    sdm.action_activate()
    env.flush_all()
    times["sdm_activate_s"] = round(time.monotonic() - started, 2)

    started = time.monotonic()
    rebate_type = env.ref("agreement_rebate.agreement_type_rebate_sale")
    oca = env["agreement"].create(
        [
            {
                "name": f"Bench rebate {partner}",
                "code": f"BENCH-{partner}",
                "partner_id": partner,
                "agreement_type_id": rebate_type.id,
                "rebate_type": "section_total",
                "start_date": PERIOD_START,
                "end_date": YEAR_END,
                "rebate_section_ids": [
                    (0, 0, {"amount_from": low, "amount_to": high, "rebate_discount": rate})
                    for low, high, rate in OCA_SECTIONS
                ],
            }
            for partner in partners
        ]
    )
    env.flush_all()
    times["oca_create_s"] = round(time.monotonic() - started, 2)
    cr.commit()
    return products, partners, sdm, oca, rebate_type, times


def load_invoices(env, products, partners, first_move, moves):
    """``moves`` posted invoices of Q1 2026 (1 in 20 a credit note), ``LINES_PER_MOVE`` product lines each."""
    cr = env.cr
    company = env.company
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    days = (PERIOD_END - PERIOD_START).days + 1
    cr.execute(
        """
        INSERT INTO account_move (name, journal_id, currency_id, company_id, state, move_type, auto_post, date,
                                  invoice_date, partner_id, commercial_partner_id, create_date, write_date)
        SELECT 'RBENCH/' || i, %(journal)s, %(currency)s, %(company)s, 'posted',
               CASE WHEN (i + i / %(np)s) %% 20 = 0 THEN 'out_refund' ELSE 'out_invoice' END, 'no',
               %(start)s + (i * 37) %% %(days)s, %(start)s + (i * 37) %% %(days)s,
               (%(partners)s::int[])[1 + i %% %(np)s], (%(partners)s::int[])[1 + i %% %(np)s], now(), now()
          FROM generate_series(%(first)s, %(last)s) i
        RETURNING id
        """,
        {
            "journal": journal.id,
            "currency": company.currency_id.id,
            "company": company.id,
            "start": PERIOD_START,
            "days": days,
            "partners": partners,
            "np": len(partners),
            "first": first_move,
            "last": first_move + moves - 1,
        },
    )
    move_ids = [row[0] for row in cr.fetchall()]
    # Integer amounts: quantity 1..20 times the customer's price 10 + 3 * (rank mod 100).
    cr.execute("SELECT setseed(%s)", [0.2026 + first_move / 1e9])
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, currency_id, company_currency_id, company_id, journal_id, account_id,
                                       display_type, partner_id, product_id, product_uom_id, quantity, price_unit,
                                       discount, balance, debit, credit, amount_currency, price_subtotal,
                                       price_total, date, parent_state, name, create_date, write_date)
        SELECT am.id, am.currency_id, am.currency_id, am.company_id, am.journal_id, %(account)s, 'product',
               am.partner_id, (%(products)s::int[])[1 + (c.rank * 7 + k * 13) %% %(nprod)s], %(unit)s,
               v.q, v.p, 0,
               CASE WHEN am.move_type = 'out_refund' THEN v.q * v.p ELSE -v.q * v.p END,
               CASE WHEN am.move_type = 'out_refund' THEN v.q * v.p ELSE 0 END,
               CASE WHEN am.move_type = 'out_refund' THEN 0 ELSE v.q * v.p END,
               CASE WHEN am.move_type = 'out_refund' THEN v.q * v.p ELSE -v.q * v.p END,
               v.q * v.p, v.q * v.p, am.date, 'posted', 'bench', now(), now()
          FROM account_move am
          JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM unnest(%(partners)s::int[]) id) c
            ON c.id = am.partner_id,
               generate_series(1, %(lines)s) k,
               LATERAL (SELECT (1 + (random() * 19)::int + k * 0)::numeric AS q,
                               (10 + 3 * (c.rank %% 100))::numeric AS p) v
         WHERE am.id = ANY(%(moves)s)
        """,
        {
            "account": journal.default_account_id.id,
            "products": products.ids,
            "nprod": len(products),
            "unit": env.ref("uom.product_uom_unit").id,
            "lines": LINES_PER_MOVE,
            "moves": move_ids,
            "partners": partners,
        },
    )
    cr.execute(
        """
        UPDATE account_move am
           SET amount_untaxed = t.total, amount_total = t.total, amount_untaxed_signed = t.signed,
               amount_total_signed = t.signed, amount_total_in_currency_signed = t.signed,
               amount_residual = t.total, amount_residual_signed = t.signed, payment_state = 'not_paid'
          FROM (SELECT move_id, SUM(price_subtotal) AS total, SUM(-balance) AS signed
                  FROM account_move_line WHERE move_id = ANY(%s) GROUP BY move_id) t
         WHERE t.move_id = am.id
        """,
        [move_ids],
    )
    cr.execute("ANALYZE account_move; ANALYZE account_move_line")
    cr.commit()


def clear_settlements(env):
    cr = env.cr
    cr.execute("DELETE FROM sdm_rebate_settlement")
    cr.execute("DELETE FROM agreement_rebate_settlement_line")
    cr.execute("DELETE FROM agreement_rebate_settlement")
    cr.execute("DELETE FROM agreement_settlement_create_wiz")
    cr.commit()
    env.invalidate_all()


def warm_up(env):
    """Read both tables once so that neither peer pays for the first disk reads."""
    env.cr.execute("SELECT count(*), sum(balance), sum(price_subtotal) FROM account_move_line")
    env.cr.execute("SELECT count(*), count(invoice_date), count(partner_id) FROM account_move")
    env.cr.fetchall()


# --------------------------------------------------------------------------- measurement
class Timeout(Exception):
    pass


def _run(env, func, timeout, traced):
    """One run of ``func`` (and the final flush): (seconds, Python peak, queries, executemany rows, stopped)."""
    env.invalidate_all()
    if timeout:

        def alarm(_signum, _frame):
            raise Timeout(f"stopped after {timeout} s")

        signal.signal(signal.SIGALRM, alarm)
        signal.alarm(timeout)
    if traced:
        tracemalloc.start()
    queries, many = env.cr.sql_log_count, EXECUTEMANY["statements"]
    started = time.monotonic()
    stopped = None
    try:
        func()
        env.flush_all()
    except Timeout as exc:
        stopped = str(exc)
    finally:
        if timeout:
            signal.alarm(0)
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    return seconds, peak, env.cr.sql_log_count - queries, EXECUTEMANY["statements"] - many, stopped


def measure(env, label, func, timeout=None):
    """Two runs: one under tracemalloc for the Python peak, in a savepoint rolled back afterwards (it also warms
    the caches up, for both peers alike), then the run that counts for time and queries (tracemalloc slows Python
    code down about twofold) and whose results are kept."""
    row = {}
    if TRACE:
        savepoint = env.cr.savepoint()
        try:
            seconds, peak, _queries, _many, stopped = _run(env, func, timeout, traced=True)
        finally:
            savepoint.close(rollback=True)
            env.invalidate_all()
        row.update(traced_seconds=round(seconds, 3), peak_mib=round(peak / 2**20, 2))
        if stopped:
            row.update(seconds=seconds, queries=0, executemany_statements=0, statements=0, stopped=stopped)
            log(f"{label}: traced run {stopped}")
            return row
    seconds, _peak, queries, many, stopped = _run(env, func, timeout, traced=False)
    row.update(seconds=round(seconds, 3), queries=queries, executemany_statements=many, statements=queries + many)
    if stopped:
        row["stopped"] = stopped
    log(
        f"{label}: {seconds:.2f} s (traced run {row.get('traced_seconds', 0):.2f} s, peak "
        f"{row.get('peak_mib', 0):.1f} MiB), {queries} queries + {many} executemany statements"
        f"{' - ' + stopped if stopped else ''}"
    )
    return row


def expected_rebates(env):
    """{partner: (net amount, rebate)} straight from the invoice lines, retroactive tiers."""
    env.cr.execute(
        """
        SELECT am.commercial_partner_id, SUM(-aml.balance)
          FROM account_move_line aml JOIN account_move am ON am.id = aml.move_id
         WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
           AND aml.display_type = 'product' AND am.invoice_date BETWEEN %s AND %s
         GROUP BY 1
        """,
        [PERIOD_START, PERIOD_END],
    )
    result = {}
    for partner, amount in env.cr.fetchall():
        amount = float(amount)
        rate = max((r for threshold, r in TIERS if amount >= threshold), default=0.0) if amount > 0 else 0.0
        result[partner] = (amount, round(amount * rate / 100.0, 2))
    return result


def run_sdm(env, agreements):
    Settlement = env["sdm.rebate.settlement"]
    row = measure(env, "SDM _sdm_prepare", lambda: Settlement._sdm_prepare(agreements, PERIOD_END, "final"))
    env.cr.execute(
        """
        SELECT count(*), COALESCE(SUM(amount), 0), COALESCE(SUM(basis_amount), 0),
               (SELECT count(*) FROM sdm_rebate_settlement_line)
          FROM sdm_rebate_settlement
        """
    )
    row["settlements"], total, basis, row["settlement_lines"] = env.cr.fetchone()
    row["total_rebate"], row["total_basis"] = float(total), float(basis)
    env.cr.execute("SELECT partner_id, basis_amount, amount FROM sdm_rebate_settlement")
    per_partner = {p: (float(b), float(a)) for p, b, a in env.cr.fetchall()}
    env.cr.commit()
    return row, per_partner


def run_oca(env, rebate_type, timeout):
    def settle():
        wizard = env["agreement.settlement.create.wiz"].create(
            {
                "date": PERIOD_END,
                "date_from": PERIOD_START,
                "date_to": PERIOD_END,
                "domain": "sale",
                "agreement_type_ids": [(6, 0, rebate_type.ids)],
            }
        )
        wizard.action_create_settlement()

    row = measure(env, "OCA settlement wizard", settle, timeout=timeout)
    if row.get("stopped"):
        env.cr.rollback()
        env.invalidate_all()
        return row, {}
    env.cr.execute(
        """
        SELECT count(*), COALESCE(SUM(amount_rebate), 0), COALESCE(SUM(amount_invoiced), 0),
               (SELECT count(*) FROM agreement_rebate_settlement_line)
          FROM agreement_rebate_settlement
        """
    )
    row["settlements"], total, basis, row["settlement_lines"] = env.cr.fetchone()
    row["total_rebate"], row["total_basis"] = float(total), float(basis)
    env.cr.execute("SELECT partner_id, amount_invoiced, amount_rebate FROM agreement_rebate_settlement_line")
    per_partner = {p: (float(b), float(a)) for p, b, a in env.cr.fetchall()}
    env.cr.commit()
    return row, per_partner


def cross_check(expected, results):
    """Mismatches of each peer against the direct SQL sum, and a few customers side by side."""
    check = {"customers": len(expected), "tiers": {}}
    for amount, _rebate in expected.values():
        tier = max((t for t, _r in TIERS if amount >= t), default=None) if amount > 0 else None
        key = "none" if tier is None else f">={tier:.0f}"
        check["tiers"][key] = check["tiers"].get(key, 0) + 1
    for name, per_partner in results.items():
        if per_partner is None:
            continue
        bad = []
        for partner, (amount, rebate) in expected.items():
            got_amount, got_rebate = per_partner.get(partner, (0.0, 0.0))
            if rebate and (abs(got_amount - amount) > 0.005 or abs(got_rebate - rebate) > 0.005):
                bad.append(partner)
        extra = [p for p in per_partner if p not in expected or not expected[p][1]]
        check[f"{name}_mismatches"] = len(bad)
        check[f"{name}_unexpected"] = len(extra)
        check[f"{name}_examples"] = bad[:5]
    ordered = sorted(expected, key=lambda p: expected[p][0])
    samples = [ordered[0], ordered[len(ordered) // 3], ordered[len(ordered) // 2], ordered[-len(ordered) // 5]]
    samples.append(ordered[-1])
    check["samples"] = []
    for partner in samples:
        sample = {"partner_id": partner, "net": expected[partner][0], "expected_rebate": expected[partner][1]}
        for name, per_partner in results.items():
            if per_partner is not None:
                sample[f"{name}_basis"], sample[f"{name}_rebate"] = per_partner.get(partner, (None, None))
        check["samples"].append(sample)
        log(f"check {sample}")
    log(
        f"check: {check['customers']} customers, tiers {check['tiers']}, "
        + ", ".join(f"{k} {v}" for k, v in check.items() if k.endswith(("mismatches", "unexpected")))
    )
    return check


def run(env, sdm, rebate_type, lines):
    clear_settlements(env)
    warm_up(env)
    row = {"invoice_lines": lines}
    row["sdm"], sdm_partners = run_sdm(env, sdm)
    row["oca"], oca_partners = run_oca(env, rebate_type, OCA_TIMEOUT)
    expected = expected_rebates(env)
    row["expected_total_rebate"] = round(sum(r for _a, r in expected.values()), 2)
    row["check"] = cross_check(expected, {"sdm": sdm_partners, "oca": oca_partners if oca_partners else None})
    if not row["oca"].get("stopped"):
        row["ratio_sdm_oca"] = round(row["sdm"]["seconds"] / row["oca"]["seconds"], 3)
    return row


def print_table(rows):
    print()
    head = (
        f"{'lines':>9} | {'SDM s':>8} {'MiB':>6} {'queries':>9} | {'OCA s':>8} {'MiB':>6} {'queries':>9} | "
        f"{'SDM/OCA':>7} | {'settlements':>11} | {'rebate SDM':>13} {'rebate OCA':>13}"
    )
    print(head)
    print("-" * len(head))
    for row in rows:
        s, o = row["sdm"], row["oca"]
        stopped = o.get("stopped")
        oca_cells = (
            f"{'>' + str(OCA_TIMEOUT):>8} {'':>6} {'':>9}"
            if stopped
            else f"{o['seconds']:>8.2f} {o['peak_mib']:>6.1f} {o['statements']:>9}"
        )
        ratio = f"{row['ratio_sdm_oca']:>6.2f}x" if "ratio_sdm_oca" in row else f"{'-':>7}"
        settlements = f"{s['settlements']}/{o.get('settlements', '-')}"
        oca_total = f"{o['total_rebate']:>13,.2f}" if not stopped else f"{'-':>13}"
        print(
            f"{row['invoice_lines']:>9,} | {s['seconds']:>8.2f} {s['peak_mib']:>6.1f} {s['statements']:>9} | "
            f"{oca_cells} | {ratio} | {settlements:>11} | {s['total_rebate']:>13,.2f} {oca_total}"
        )
    print(
        "queries = cr.sql_log_count + rows sent through executemany (SDM: "
        + ", ".join(f"{r['sdm']['executemany_statements']}" for r in rows)
        + "); settlements SDM/OCA; target SDM <= 0.3x OCA"
    )


def main(env):
    admin = env.ref("base.user_admin")
    env = env(user=admin.id, context={"tracking_disable": True, "mail_create_nolog": True})
    if env["product.category"].search_count([("name", "=", "Bench rebate products")]):
        raise SystemExit("bench data already loaded: use a fresh database (see the docstring)")
    count_executemany()
    begun = time.monotonic()
    products, partners, sdm, _oca, rebate_type, setup_times = setup(env)
    env = env(user=admin.id)  # the group added to the administrator
    log(f"setup: {PRODUCTS} products, {CUSTOMERS} customers and agreements: {setup_times}")
    rows, loaded = [], 0
    for target in STEPS:
        started = time.monotonic()
        load_invoices(env, products, partners, loaded // LINES_PER_MOVE + 1, (target - loaded) // LINES_PER_MOVE)
        loaded = target
        log(f"{loaded} invoice lines loaded ({time.monotonic() - started:.1f} s)")
        rows.append(run(env, sdm, rebate_type, loaded))
        print_table(rows)
    total = round(time.monotonic() - begun, 1)
    print(f"\ntotal run time {total} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "date": str(date.today()),
                "odoo": odoo.release.version,
                "oca_agreement_rebate": odoo.modules.module.load_manifest("agreement_rebate").get("version"),
                "cpus": os.cpu_count(),
                "loadavg": [round(x, 2) for x in os.getloadavg()],
                "setup": setup_times,
                "total_s": total,
                "rows": rows,
            },
            indent=2,
            default=str,
        )
        + "\n"
    )
    log(f"written {RESULTS}")


main(env)  # noqa: F821 - odoo shell provides env
