"""Customer profitability benchmark: ``sdm.profitability`` aggregated per customer and month against stock Odoo's
``read_group`` on the same invoice lines (``account.move.line`` grouped by partner and month), in the same run.

Run it in a database with the SDM addons and no bench data yet (a copy of a test database is enough)::

    createdb -h 127.0.0.1 -U odoo -T sdm_profit sdm_profit_bench
    bash tools/sdm.sh odoo shell -d sdm_profit_bench --log-level=warn < bench/profitability_bench.py

Volume, all by SQL: 200 products with a standard cost (a third of the sales price), 10,000 customers spread over
20 salespeople, posted customer invoices of 10 product lines each dated over 2026 (1 in 20 a credit note),
loaded in steps (``SDM_BENCH_LINES``, default 100,000, 300,000 then 1,000,000 invoice lines), and 100,000 sales
expenses (``SDM_BENCH_EXPENSES``) of 2026 loaded with the first step: 2 in 3 borne, 1 in 3 advanced; 9 in 10
approved or posted, the rest draft.

Measured at each step, each run from a cold ORM cache, after one warm-up of each (PostgreSQL's buffers warm alike):

* SDM: ``sdm.profitability._read_group`` on 2026, grouped by customer and ``date:month``, with revenue, cost,
  rebates, compensation, expenses and contribution summed — every source of the view (net sales with their
  cost, rebates settled and accrued, compensation, borne expenses) read in SQL;
* stock: ``account.move.line._read_group`` on the same lines (posted customer invoices and credit notes, product
  lines, 2026), grouped by partner and ``date:month``, balance summed;

wall time (median of ``SDM_BENCH_REPS``, default 3), Python peak (tracemalloc, one traced run), queries, the
number of groups. The SDM total revenue is checked against the stock read_group's balance (same lines). A
table on stdout and ``bench/results/profitability_bench.json``.
"""

import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, "bench")
from bench_common import make_log, measure

YEAR_START = date(2026, 1, 1)
YEAR_END = date(2026, 12, 31)
PRODUCTS = 200
CUSTOMERS = 10000
SALESPEOPLE = 20
LINES_PER_MOVE = 10
STEPS = [int(n) for n in os.environ.get("SDM_BENCH_LINES", "100000,300000,1000000").split(",")]
EXPENSES = int(os.environ.get("SDM_BENCH_EXPENSES", "100000"))
REPS = int(os.environ.get("SDM_BENCH_REPS", "3"))
RESULTS = Path(os.environ.get("SDM_BENCH_RESULTS", "bench/results/profitability_bench.json"))
SALES_ONLY = [("source", "=", "invoice")]
MEASURES = ["revenue", "cost", "rebates", "compensation", "expense", "contribution"]
log = make_log("profitability")


def setup(env):
    cr = env.cr
    company = env.company
    categ = env["product.category"].create({"name": "Bench profitability products"})
    products = env["product.product"].create(
        [
            {"name": f"Bench product {i}", "type": "consu", "list_price": 100.0, "categ_id": categ.id, "taxes_id": []}
            for i in range(PRODUCTS)
        ]
    )
    env.flush_all()
    cr.execute(
        "UPDATE product_product SET standard_price = jsonb_build_object(%s::text, 3 + id %% 50) WHERE id = ANY(%s)",
        [company.id, products.ids],
    )
    users = env["res.users"].create(
        [{"name": f"Bench salesperson {i}", "login": f"bench.profit.{i}"} for i in range(SALESPEOPLE)]
    )
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type, autopost_bills, customer_rank,
                                 user_id, create_date, write_date)
        SELECT 'Bench profit customer ' || i, 'Bench profit customer ' || i, true, true, 'contact', 'ask', 1,
               (%s::int[])[1 + i %% %s], now(), now()
          FROM generate_series(1, %s) i
        RETURNING id
        """,
        [users.ids, SALESPEOPLE, CUSTOMERS],
    )
    partners = sorted(row[0] for row in cr.fetchall())
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partners])
    env["res.partner"].invalidate_model()
    cr.commit()
    return products, partners, users


def load_invoices(env, products, partners, users, first_move, moves):
    """``moves`` posted invoices of 2026 (1 in 20 a credit note), ``LINES_PER_MOVE`` product lines each."""
    cr = env.cr
    company = env.company
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    days = (YEAR_END - YEAR_START).days + 1
    cr.execute(
        """
        INSERT INTO account_move (name, journal_id, currency_id, company_id, state, move_type, auto_post, date,
                                  invoice_date, partner_id, commercial_partner_id, invoice_user_id,
                                  create_date, write_date)
        SELECT 'PBENCH/' || i, %(journal)s, %(currency)s, %(company)s, 'posted',
               CASE WHEN (i + i / %(np)s) %% 20 = 0 THEN 'out_refund' ELSE 'out_invoice' END, 'no',
               %(start)s + (i * 37) %% %(days)s, %(start)s + (i * 37) %% %(days)s,
               (%(partners)s::int[])[1 + i %% %(np)s], (%(partners)s::int[])[1 + i %% %(np)s],
               (%(users)s::int[])[1 + (1 + i %% %(np)s) %% %(nu)s], now(), now()
          FROM generate_series(%(first)s, %(last)s) i
        RETURNING id
        """,
        {
            "journal": journal.id,
            "currency": company.currency_id.id,
            "company": company.id,
            "start": YEAR_START,
            "days": days,
            "partners": partners,
            "np": len(partners),
            "users": users.ids,
            "nu": len(users),
            "first": first_move,
            "last": first_move + moves - 1,
        },
    )
    move_ids = [row[0] for row in cr.fetchall()]
    cr.execute("SELECT setseed(%s)", [0.2026 + first_move / 1e9])
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, currency_id, company_currency_id, company_id, journal_id, account_id,
                                       display_type, partner_id, product_id, product_uom_id, quantity, price_unit,
                                       discount, balance, debit, credit, amount_currency, price_subtotal,
                                       price_total, date, parent_state, name, create_date, write_date)
        SELECT am.id, am.currency_id, am.currency_id, am.company_id, am.journal_id, %(account)s, 'product',
               am.partner_id, (%(products)s::int[])[1 + (am.id * 7 + k * 13) %% %(nprod)s], %(unit)s,
               v.q, v.p, 0,
               CASE WHEN am.move_type = 'out_refund' THEN v.q * v.p ELSE -v.q * v.p END,
               CASE WHEN am.move_type = 'out_refund' THEN v.q * v.p ELSE 0 END,
               CASE WHEN am.move_type = 'out_refund' THEN 0 ELSE v.q * v.p END,
               CASE WHEN am.move_type = 'out_refund' THEN v.q * v.p ELSE -v.q * v.p END,
               v.q * v.p, v.q * v.p, am.date, 'posted', 'bench', now(), now()
          FROM account_move am,
               generate_series(1, %(lines)s) k,
               LATERAL (SELECT (1 + (random() * 19)::int + k * 0)::numeric AS q,
                               (10 + (am.id * 3 + k) %% 100)::numeric AS p) v
         WHERE am.id = ANY(%(moves)s)
        """,
        {
            "account": journal.default_account_id.id,
            "products": products.ids,
            "nprod": len(products),
            "unit": env.ref("uom.product_uom_unit").id,
            "lines": LINES_PER_MOVE,
            "moves": move_ids,
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


def load_expenses(env, partners, users):
    cr = env.cr
    company = env.company
    account = env["account.account"].search([("account_type", "=", "expense")], limit=1)
    types = env["sdm.expense.type"].create(
        [
            {"name": "Bench freight", "nature": "borne", "account_id": account.id, "approval_amount": 1e9},
            {"name": "Bench advance", "nature": "advanced", "account_id": account.id, "approval_amount": 1e9},
        ]
    )
    env.flush_all()
    cr.execute(
        """
        INSERT INTO sdm_sales_expense (name, state, company_id, expense_type_id, nature, amount, date, partner_id,
                                       user_id, create_date, write_date)
        SELECT 'PBENCH-EXP/' || i,
               CASE WHEN i %% 10 = 0 THEN 'draft' WHEN i %% 2 = 0 THEN 'posted' ELSE 'approved' END,
               %(company)s, CASE WHEN i %% 3 = 0 THEN %(advanced)s ELSE %(borne)s END,
               CASE WHEN i %% 3 = 0 THEN 'advanced' ELSE 'borne' END,
               10 + i %% 500, %(start)s + (i * 11) %% 365,
               (%(partners)s::int[])[1 + i %% %(np)s], (%(users)s::int[])[1 + (1 + i %% %(np)s) %% %(nu)s],
               now(), now()
          FROM generate_series(1, %(n)s) i
        """,
        {
            "company": company.id,
            "advanced": types[1].id,
            "borne": types[0].id,
            "start": YEAR_START,
            "partners": partners,
            "np": len(partners),
            "users": users.ids,
            "nu": len(users),
            "n": EXPENSES,
        },
    )
    cr.execute("ANALYZE sdm_sales_expense")
    cr.commit()


def run_sdm(env, domain=()):
    groups = env["sdm.profitability"]._read_group(
        [("date", ">=", YEAR_START), ("date", "<=", YEAR_END), *domain],
        ["partner_id", "date:month"],
        [f"{name}:sum" for name in MEASURES],
    )
    return {"groups": len(groups), "revenue": round(sum(group[2] for group in groups), 2)}


def run_stock(env):
    groups = env["account.move.line"]._read_group(
        [
            ("parent_state", "=", "posted"),
            ("move_id.move_type", "in", ("out_invoice", "out_refund")),
            ("display_type", "=", "product"),
            ("date", ">=", YEAR_START),
            ("date", "<=", YEAR_END),
        ],
        ["partner_id", "date:month"],
        ["balance:sum"],
    )
    return {"groups": len(groups), "revenue": round(-sum(group[2] for group in groups), 2)}


def timed(env, label, func):
    """Warm-up, one traced run (Python peak), then REPS timed runs: the median."""
    func()
    traced = measure(env, log, f"{label} (traced)", func)
    times = []
    for _rep in range(REPS):
        env.invalidate_all()
        queries = env.cr.sql_log_count
        started = time.monotonic()
        result = func()
        times.append(time.monotonic() - started)
        queries = env.cr.sql_log_count - queries
    seconds = statistics.median(times)
    log(f"{label}: median {seconds:.2f} s of {[round(t, 2) for t in times]}, {queries} queries, {result}")
    return {"seconds": round(seconds, 3), "peak_mib": traced["peak_mib"], "queries": queries, **result}


def main(env):
    admin = env.ref("base.user_admin")
    env = env(user=admin.id, context={"tracking_disable": True, "mail_create_nolog": True})
    if env["product.category"].search_count([("name", "=", "Bench profitability products")]):
        raise SystemExit("bench data already loaded: use a fresh database (see the docstring)")
    begun = time.monotonic()
    products, partners, users = setup(env)
    started = time.monotonic()
    load_expenses(env, partners, users)
    log(f"setup: {PRODUCTS} products, {CUSTOMERS} customers, {EXPENSES} expenses ({time.monotonic() - started:.1f} s)")
    rows, loaded = [], 0
    for target in STEPS:
        started = time.monotonic()
        load_invoices(env, products, partners, users, loaded // LINES_PER_MOVE + 1, (target - loaded) // LINES_PER_MOVE)
        loaded = target
        log(f"{loaded} invoice lines loaded ({time.monotonic() - started:.1f} s)")
        sdm = timed(env, f"{loaded} SDM profitability", lambda: run_sdm(env))
        sales = timed(env, f"{loaded} SDM profitability, invoice lines only", lambda: run_sdm(env, SALES_ONLY))
        stock = timed(env, f"{loaded} stock read_group", lambda: run_stock(env))
        if abs(sdm["revenue"] - stock["revenue"]) > 0.01 or sales["groups"] != stock["groups"]:
            log(f"MISMATCH: SDM revenue {sdm['revenue']} vs stock {stock['revenue']}, groups {sales['groups']}")
        rows.append({"lines": loaded, "expenses": EXPENSES, "sdm": sdm, "sdm_sales": sales, "stock": stock})
        print_table(rows)
    total = round(time.monotonic() - begun, 1)
    print(f"\ntotal run time {total} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "date": str(date.today()),
                "cpus": os.cpu_count(),
                "loadavg": [round(x, 2) for x in os.getloadavg()],
                "total_s": total,
                "rows": rows,
            },
            indent=2,
        )
        + "\n"
    )
    log(f"written {RESULTS}")


def print_table(rows):
    first = rows[0]
    print(
        "\n|     lines | SDM all s | MiB | groups | SDM invoice lines s | MiB | groups | stock s | MiB | groups "
        "| all / stock | invoice lines / stock |"
    )
    print("| --------: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        cells = [f"{row['lines']:>9,}"]
        for key in ("sdm", "sdm_sales", "stock"):
            cells += [f"{row[key]['seconds']:.2f}", f"{row[key]['peak_mib']:.1f}", f"{row[key]['groups']:,}"]
        cells += [
            f"{row['sdm']['seconds'] / row['stock']['seconds']:.2f}×",
            f"{row['sdm_sales']['seconds'] / row['stock']['seconds']:.2f}×",
        ]
        print("| " + " | ".join(cells) + " |")
    if len(rows) > 1:
        last = rows[-1]
        factor = last["lines"] / first["lines"]
        for key in ("sdm", "sdm_sales", "stock"):
            growth = last[key]["seconds"] / first[key]["seconds"]
            print(f"{key}: time × {growth:.2f} for lines × {factor:.1f}", flush=True)


main(env)  # noqa: F821 - odoo shell provides env
