"""Automatic write-off benchmark: receipts written off against customers' open receivable items.

Run inside ``odoo shell`` on a database with the SDM addons and no demo data (``SDM_TEST_DB=sdm_bench_wo bash
tools/sdm.sh install-test-db`` makes one)::

    SDM_TEST_DB=sdm_bench_wo bash tools/sdm.sh odoo shell -d sdm_bench_wo < bench/writeoff_bench.py

Volume (ORM, committed once, reused by later runs): C customers, each with one posted journal entry of I open
receivable items (amounts 100–1,000, due dates spread over a year) and one of R receipt items (credits of 200–2,000,
so some receipts pay several items, partially). ``SDM_BENCH_WO`` sets ``CxIxR`` steps (default ``100x50x10,
400x50x10``). For each step, on the same data, each in a savepoint rolled back afterwards:

* **sdm**: ``sdm.writeoff._sdm_write_off`` on all the step's receipt items at once (customer lock, one query for
  the pairs, one ``_reconcile_plan``), the way the cron's batch and the posting of receipts run it;
* **stock**: per receipt item, Odoo's ``reconcile()`` on it and all its customer's open receivable items (found
  with ``search``), oldest first — what a user or a script does with stock Odoo (``js_assign_outstanding_line``
  reconciles the same way, one item at a time).

Both must reconcile the same total; printed: seconds, queries, partials, ratio stock / sdm. Results also in
bench/results/writeoff_bench.json.

Run of 2026-11-30 on the shared 2-core machine (load average 3.2, other test suites running), one step per run:

| customers × items | receipts | partials | sdm | stock | stock / sdm |
|---|---|---|---|---|---|
| 100 × 50 | 1,000 | 2,982 | 13.6 s (481 queries) | 104.2 s (14,602 queries) | 7.7× |
| 300 × 50 | 3,000 | 8,983 | 47.0 s (1,384 queries) | 230.9 s | 4.9× |

Most of the sdm time is Odoo's own reconciliation (partials, full reconciles, residuals); the pairs query takes
under a second for 1,000 receipts. Not measured: the issue's 100,000 receipts against 1,000,000 items (the volume
is loaded through the ORM here, about 2 minutes per 300 customers).
"""

import json
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path("bench").resolve()))  # run from the repository root
from bench_common import make_log, measure

from odoo import Command

log = make_log("writeoff-bench")
STEPS = [
    tuple(int(n) for n in step.split("x")) for step in os.environ.get("SDM_BENCH_WO", "100x50x10,400x50x10").split(",")
]
RESULTS = Path(os.environ.get("SDM_BENCH_RESULTS", "bench/results/writeoff_bench.json"))
PREFIX = "Bench write-off customer"


def setup(env, customers, items, receipts):
    """Customers ``PREFIX n`` with their open items and receipt items; existing ones are reused, more are made."""
    Partner = env["res.partner"]
    existing = Partner.search([("name", "=like", f"{PREFIX} %")])
    if len(existing) >= customers:
        return existing.sorted("id")[:customers]
    company = env.company
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.ids)], limit=1
    )
    income = env["account.account"].search(
        [("account_type", "=", "income"), ("company_ids", "in", company.ids)], limit=1
    )
    journal = env["account.journal"].search([("type", "=", "general"), ("company_id", "=", company.id)], limit=1)
    rng = random.Random(2026)
    Move = env["account.move"].with_context(tracking_disable=True)
    for index in range(len(existing), customers):
        partner = Partner.create({"name": f"{PREFIX} {index}", "is_company": True})
        debit = [rng.randrange(100, 1000) for _ in range(items)]
        credit = [rng.randrange(200, 2000) for _ in range(receipts)]
        for amounts, sign, when in ((debit, 1, date(2026, 1, 1)), (credit, -1, date(2026, 6, 1))):
            lines = [
                Command.create(
                    {
                        "account_id": receivable.id,
                        "partner_id": partner.id,
                        "balance": sign * amount,
                        "date_maturity": when + timedelta(days=(n * 7) % 365),
                    }
                )
                for n, amount in enumerate(amounts)
            ]
            lines.append(Command.create({"account_id": income.id, "balance": -sign * sum(amounts)}))
            Move.create({"journal_id": journal.id, "date": when, "line_ids": lines}).action_post()
        if index % 50 == 49:
            env.cr.commit()
            log(f"{index + 1} customers loaded")
    env.cr.commit()
    return Partner.search([("name", "=like", f"{PREFIX} %")]).sorted("id")[:customers]


def open_items(env, partners, credit):
    return env["account.move.line"].search(
        [
            ("partner_id", "in", partners.ids),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "<" if credit else ">", 0),
        ],
        order="date_maturity, date, id",
    )


def reconciled_total(env, receipt_lines):
    env.flush_all()
    env.cr.execute(
        "SELECT count(*), COALESCE(sum(amount), 0) FROM account_partial_reconcile WHERE credit_move_id = ANY(%s)",
        [receipt_lines.ids],
    )
    count, total = env.cr.fetchone()
    return {"partials": count, "total": float(total)}


def run_sdm(env, receipt_lines):
    env["sdm.writeoff"]._sdm_write_off(receipt_lines)
    return reconciled_total(env, receipt_lines)


def run_stock(env, receipt_lines):
    for receipt in receipt_lines:
        items = open_items(env, receipt.partner_id, credit=False)
        (receipt | items).reconcile()
    return reconciled_total(env, receipt_lines)


def main(env):
    results = []
    for customers, items, receipts in STEPS:
        partners = setup(env, customers, items, receipts)
        receipt_lines = open_items(env, partners, credit=True)
        label = f"{customers} customers × {items} items, {len(receipt_lines)} receipts"
        log(f"{label}: {len(open_items(env, partners, credit=False))} open items")
        row = {"customers": customers, "items": items, "receipts": len(receipt_lines)}
        for name, func in (("sdm", run_sdm), ("stock", run_stock)):
            env.cr.execute("SAVEPOINT writeoff_bench")
            row[name] = measure(env, log, f"{label} — {name}", lambda func=func, lines=receipt_lines: func(env, lines))
            env.cr.execute("ROLLBACK TO SAVEPOINT writeoff_bench")
            env.invalidate_all()
        same = row["sdm"]["result"]["total"] == row["stock"]["result"]["total"]
        row["ratio"] = round(row["stock"]["seconds"] / row["sdm"]["seconds"], 2)
        log(f"{label}: stock / sdm = {row['ratio']}×, same total reconciled: {same}")
        results.append(row)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1))
    print("| customers | items each | receipts | sdm s | partials | stock s | stock / sdm | same total |")
    print("|---|---|---|---|---|---|---|---|")
    for row in results:
        print(
            f"| {row['customers']} | {row['items']} | {row['receipts']} | {row['sdm']['seconds']} | "
            f"{row['sdm']['result']['partials']} partials | {row['stock']['seconds']} | {row['ratio']}× | "
            f"{row['sdm']['result']['total'] == row['stock']['result']['total']} |"
        )


main(env)  # noqa: F821 (odoo shell)
