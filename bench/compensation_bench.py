"""Price adjustment compensation benchmark: computing a notice at volume.

Run inside ``odoo shell`` on a database with the SDM addons and no demo data (``SDM_TEST_DB=sdm_bench_comp
bash tools/sdm.sh install-test-db`` makes one)::

    SDM_TEST_DB=sdm_bench_comp bash tools/sdm.sh odoo shell -d sdm_bench_comp < bench/compensation_bench.py

Volume, loaded by SQL: 200 products, 1,000 customers, 20,000 channel stock reports (each with a quantity sold
since the previous report), and posted customer invoices of 10 lines each over the 6 months before the
effective date, 1 in 20 a credit note. The invoice lines are loaded in two steps, 10,000 then 100,000 in all;
after each step a notice for the 200 products (150 → 100, every customer, basis "the smaller of channel stock
and invoiced net of refunds and sell-through", FIFO prices) is computed as the administrator:
``action_compute`` wall time, Python peak memory (tracemalloc), queries and lines written. The baseline, in the
same process: stock Odoo's ``account.move.line._read_group`` of the same invoice lines per customer and product
(quantity and amount, the raw figures without windows, refunds order, FIFO or stock reports).
Results: a table on stdout and bench/results/compensation_bench.json.
"""

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path("bench").resolve()))  # run from the repository root
from bench_common import make_log, measure

EFFECTIVE = date(2026, 10, 1)
PRODUCTS = 200
CUSTOMERS = 1000
REPORTS = 20000
LINES_PER_MOVE = 10
STEPS = [int(n) for n in os.environ.get("SDM_BENCH_LINES", "10000,100000").split(",")]
log = make_log("compensation-bench")
RESULTS = Path(os.environ.get("SDM_BENCH_RESULTS", "bench/results/compensation_bench.json"))


def setup(env):
    cr = env.cr
    categ = env["product.category"].create({"name": "Bench valves"})
    products = env["product.product"].create(
        [
            {"name": f"Bench valve {i}", "type": "consu", "list_price": 150.0, "categ_id": categ.id, "taxes_id": []}
            for i in range(PRODUCTS)
        ]
    )
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type, autopost_bills, customer_rank,
                                 create_date, write_date)
        SELECT 'Bench distributor ' || i, 'Bench distributor ' || i, true, true, 'contact', 'ask', 1, now(), now()
          FROM generate_series(1, %s) i
        RETURNING id
        """,
        [CUSTOMERS],
    )
    partners = [row[0] for row in cr.fetchall()]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partners])
    # Each customer buys from an assortment of 20 of the 200 products and reports its stock of each once.
    cr.execute("SELECT setseed(0.2026)")
    cr.execute(
        """
        INSERT INTO sdm_channel_stock (partner_id, product_id, company_id, source, date, quantity, quantity_sold,
                                       create_date, write_date)
        SELECT (%(partners)s::int[])[c], (%(products)s::int[])[1 + (c * 7 + j) %% %(nprod)s],
               %(company)s, 'import', %(date)s - (random() * 120)::int, 5 + (random() * 40)::int,
               (random() * 7)::int, now(), now()
          FROM generate_series(1, %(np)s) c, generate_series(0, %(per)s - 1) j
        """,
        {
            "partners": partners,
            "np": len(partners),
            "products": products.ids,
            "nprod": len(products),
            "company": env.company.id,
            "date": EFFECTIVE,
            "per": REPORTS // len(partners),
        },
    )
    cr.commit()
    return products, partners


def load_invoices(env, products, partners, first_move, moves):
    """``moves`` posted invoices (1 in 20 a credit note) of ``LINES_PER_MOVE`` lines, by SQL."""
    cr = env.cr
    company = env.company
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    account = journal.default_account_id
    unit = env.ref("uom.product_uom_unit").id
    cr.execute(
        """
        INSERT INTO account_move (name, journal_id, currency_id, company_id, state, move_type, auto_post, date,
                                  invoice_date, partner_id, commercial_partner_id, create_date, write_date)
        SELECT 'BENCH/' || i, %(journal)s, %(currency)s, %(company)s, 'posted',
               CASE WHEN i %% 20 = 0 THEN 'out_refund' ELSE 'out_invoice' END, 'no',
               %(date)s - 1 - (i * 37) %% 180, %(date)s - 1 - (i * 37) %% 180,
               (%(partners)s::int[])[1 + i %% %(np)s], (%(partners)s::int[])[1 + i %% %(np)s], now(), now()
          FROM generate_series(%(first)s, %(last)s) i
        RETURNING id
        """,
        {
            "journal": journal.id,
            "currency": company.currency_id.id,
            "company": company.id,
            "date": EFFECTIVE,
            "partners": partners,
            "np": len(partners),
            "first": first_move,
            "last": first_move + moves - 1,
        },
    )
    move_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, currency_id, company_currency_id, company_id, journal_id, account_id,
                                       display_type, partner_id, product_id, product_uom_id, quantity, price_unit,
                                       discount, balance, debit, credit, amount_currency, price_subtotal, date,
                                       parent_state, name, create_date, write_date)
        SELECT am.id, am.currency_id, am.currency_id, am.company_id, am.journal_id, %(account)s, 'product',
               am.partner_id,
               (%(products)s::int[])[1 + (c.rank * 7 + (random() * %(per)s)::int %% %(per)s) %% %(nprod)s],
               %(unit)s,
               q, p, 0,
               CASE WHEN am.move_type = 'out_refund' THEN q * p ELSE -q * p END,
               CASE WHEN am.move_type = 'out_refund' THEN q * p ELSE 0 END,
               CASE WHEN am.move_type = 'out_refund' THEN 0 ELSE q * p END,
               CASE WHEN am.move_type = 'out_refund' THEN q * p ELSE -q * p END,
               q * p, am.date, 'posted', 'bench', now(), now()
          FROM account_move am
          JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM unnest(%(partners)s::int[]) id) c
            ON c.id = am.partner_id,
               generate_series(1, %(lines)s) k,
               LATERAL (SELECT (1 + (random() * 19)::int + k * 0)::numeric AS q,
                               (120 + (random() * 29)::int + k * 0)::numeric AS p) v
         WHERE am.id = ANY(%(moves)s)
        """,
        {
            "account": account.id,
            "products": products.ids,
            "nprod": len(products),
            "unit": unit,
            "lines": LINES_PER_MOVE,
            "moves": move_ids,
            "partners": partners,
            "per": REPORTS // len(partners),
        },
    )
    cr.execute("ANALYZE account_move; ANALYZE account_move_line; ANALYZE sdm_channel_stock")
    cr.commit()


def run(env, products, lines):
    row = {"invoice_lines": lines}

    def baseline():
        groups = env["account.move.line"]._read_group(
            [
                ("parent_state", "=", "posted"),
                ("move_id.move_type", "in", ("out_invoice", "out_refund")),
                ("product_id", "in", products.ids),
                ("date", "<", EFFECTIVE),
            ],
            ["partner_id", "product_id"],
            ["quantity:sum", "price_subtotal:sum"],
        )
        return len(groups)

    row["baseline_read_group"] = measure(env, log, "stock read_group (baseline)", baseline)
    notice = env["sdm.price.notice"].create(
        {
            "effective_date": EFFECTIVE,
            "basis": "min",
            "lookback_days": 180,
            "product_line_ids": [(0, 0, {"product_id": p.id, "old_price": 150, "new_price": 100}) for p in products],
        }
    )

    def compute():
        notice.action_compute()
        env.cr.execute(
            "SELECT count(DISTINCT l.id), count(s.id) FROM sdm_price_notice_line l "
            "LEFT JOIN sdm_price_notice_source s ON s.line_id = l.id WHERE l.notice_id = %s",
            [notice.id],
        )
        lines, sources = env.cr.fetchone()
        return {"lines": lines, "sources": sources, "amount": notice.amount_total}

    row["compute"] = measure(env, log, "notice compute", compute)
    env.cr.commit()
    return row


def main(env):
    env = env(user=env.ref("base.user_admin").id, context={"tracking_disable": True})
    if env["product.category"].search_count([("name", "=", "Bench valves")]):
        raise SystemExit("bench data already loaded: use a fresh database (tools/sdm.sh install-test-db)")
    started = time.monotonic()
    products, partners = setup(env)
    log(f"{PRODUCTS} products, {CUSTOMERS} customers, {REPORTS} stock reports in {time.monotonic() - started:.1f} s")
    rows, loaded = [], 0
    for target in STEPS:
        started = time.monotonic()
        moves = (target - loaded) // LINES_PER_MOVE
        load_invoices(env, products, partners, loaded // LINES_PER_MOVE + 1, moves)
        loaded = target
        log(f"{loaded} invoice lines loaded ({time.monotonic() - started:.1f} s)")
        rows.append(run(env, products, loaded))
    print()
    print(f"{'invoice lines':>14} {'compute':>9} {'peak MiB':>9} {'lines':>7} {'baseline':>9} {'ratio':>6}")
    for row in rows:
        compute, base = row["compute"], row["baseline_read_group"]
        print(
            f"{row['invoice_lines']:>14} {compute['seconds']:>8.2f}s {compute['peak_mib']:>9.1f} "
            f"{compute['result']['lines']:>7} {base['seconds']:>8.2f}s {compute['seconds'] / base['seconds']:>5.1f}x"
        )
    if len(rows) > 1:
        growth = rows[-1]["compute"]["seconds"] / rows[0]["compute"]["seconds"]
        volume = rows[-1]["invoice_lines"] / rows[0]["invoice_lines"]
        print(f"\ncompute time grows {growth:.1f}x for {volume:.0f}x the invoice lines")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"date": str(date.today()), "rows": rows}, indent=2, default=str))


main(env)  # noqa: F821 - odoo shell provides env
