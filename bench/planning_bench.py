"""Sales plan achievement benchmark: recomputing the achievement of a whole plan at volume.

Run inside ``odoo shell`` on a database with the SDM addons and no demo data (``SDM_TEST_DB=sdm_bench_plan bash
tools/sdm.sh install-test-db`` makes one)::

    SDM_TEST_DB=sdm_bench_plan bash tools/sdm.sh odoo shell -d sdm_bench_plan < bench/planning_bench.py

Structure (ORM): 10 regions, 50 branches, 500 salespeople, a 2026 plan built from it (company, regions, branches,
salespeople: 561 nodes × 12 months) with targets. Volume (SQL): posted customer invoices of 10 lines over 2026
(1 in 20 a credit note), each with its salesperson, branch and region, loaded in two steps, 100,000 then
1,000,000 invoice lines. After each step: ``sdm.sales.achievement._sdm_refresh(plan)`` (actuals of every node and
month by one SQL aggregation, the reporting table rewritten, YTD and forecasts of every node) — wall time, Python
peak (tracemalloc), queries — and the pivot's ``read_group`` on the reporting table (salespeople by quarter).
Baseline in the same process: stock ``account.move.line._read_group`` of the same lines by customer and month.
Results: a table on stdout and bench/results/planning_bench.json.
"""

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path("bench").resolve()))  # run from the repository root
from bench_common import make_log, measure

REGIONS, BRANCHES, SALESPEOPLE = 10, 50, 500
LINES_PER_MOVE = 10
STEPS = [int(n) for n in os.environ.get("SDM_BENCH_LINES", "100000,1000000").split(",")]
log = make_log("planning-bench")
RESULTS = Path(os.environ.get("SDM_BENCH_RESULTS", "bench/results/planning_bench.json"))


def setup(env):
    regions = env["sdm.region"].create([{"name": f"Bench region {i}", "code": f"BPR{i}"} for i in range(REGIONS)])
    teams = env["crm.team"].create(
        [{"name": f"Bench branch {i}", "sdm_region_id": regions[i % REGIONS].id} for i in range(BRANCHES)]
    )
    users = (
        env["res.users"]
        .with_context(no_reset_password=True, tracking_disable=True)
        .create(
            [
                {
                    "name": f"Bench seller {i}",
                    "login": f"bench.seller.{i}",
                    "groups_id": [(4, env.ref("sdm_sales.group_sdm_user").id)],
                }
                for i in range(SALESPEOPLE)
            ]
        )
    )
    for index, team in enumerate(teams):
        team.member_ids = users[index::BRANCHES]
    partners = env["res.partner"].create(
        [{"name": f"Bench buyer {i}", "is_company": True, "user_id": users[i % SALESPEOPLE].id} for i in range(2000)]
    )
    product = env["product.product"].create({"name": "Bench item", "type": "consu", "standard_price": 60})
    plan = env["sdm.sales.plan"].create({"year": 2026})
    plan.action_build_nodes()
    for node in plan.node_ids:
        node.line_ids.write({"amount": 10000.0})
    env.cr.commit()
    return plan, partners, product


def load(env, partners, product, first_move, moves):
    cr = env.cr
    company = env.company
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    cr.execute("SELECT setseed(0.2026)")
    cr.execute(
        """
        INSERT INTO account_move (name, journal_id, currency_id, company_id, state, move_type, auto_post, date,
                                  invoice_date, partner_id, commercial_partner_id, invoice_user_id, team_id,
                                  sdm_region_id, create_date, write_date)
        SELECT 'BENCHPLAN/' || i, %(journal)s, %(currency)s, %(company)s, 'posted',
               CASE WHEN i %% 20 = 0 THEN 'out_refund' ELSE 'out_invoice' END, 'no', d, d,
               p.id, p.id, p.user_id, p.sdm_branch_id, p.sdm_region_id, now(), now()
          FROM generate_series(%(first)s, %(last)s) i
          JOIN LATERAL (SELECT DATE '2026-01-01' + (random() * 364)::int AS d) dd ON true
          JOIN res_partner p ON p.id = (%(partners)s::int[])[1 + (i * 7919) %% %(np)s]
        RETURNING id
        """,
        {
            "journal": journal.id,
            "currency": company.currency_id.id,
            "company": company.id,
            "first": first_move,
            "last": first_move + moves - 1,
            "partners": partners.ids,
            "np": len(partners),
        },
    )
    move_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, currency_id, company_currency_id, company_id, journal_id, account_id,
                                       display_type, partner_id, product_id, product_uom_id, quantity, price_unit,
                                       balance, debit, credit, amount_currency, price_subtotal, date, parent_state,
                                       name, create_date, write_date)
        SELECT am.id, am.currency_id, am.currency_id, am.company_id, am.journal_id, %(account)s, 'product',
               am.partner_id, %(product)s, %(unit)s, v.q, v.p,
               CASE WHEN am.move_type = 'out_refund' THEN v.q * v.p ELSE -v.q * v.p END,
               CASE WHEN am.move_type = 'out_refund' THEN v.q * v.p ELSE 0 END,
               CASE WHEN am.move_type = 'out_refund' THEN 0 ELSE v.q * v.p END,
               CASE WHEN am.move_type = 'out_refund' THEN v.q * v.p ELSE -v.q * v.p END,
               v.q * v.p, am.date, 'posted', 'bench', now(), now()
          FROM account_move am, generate_series(1, %(lines)s) k,
               LATERAL (SELECT (1 + (random() * 9)::int + k * 0)::numeric AS q,
                               (80 + (random() * 40)::int + k * 0)::numeric AS p) v
         WHERE am.id = ANY(%(moves)s)
        """,
        {
            "account": journal.default_account_id.id,
            "product": product.id,
            "unit": env.ref("uom.product_uom_unit").id,
            "lines": LINES_PER_MOVE,
            "moves": move_ids,
        },
    )
    cr.execute("ANALYZE account_move; ANALYZE account_move_line")
    cr.commit()


def main(env):
    env = env(user=env.ref("base.user_admin").id, context={"tracking_disable": True})
    if env["sdm.region"].search_count([("code", "=", "BPR0")]):
        raise SystemExit("bench data already loaded: use a fresh database (tools/sdm.sh install-test-db)")
    started = time.monotonic()
    plan, partners, product = setup(env)
    log(f"structure: {len(plan.node_ids)} nodes in {time.monotonic() - started:.1f} s")
    Achievement = env["sdm.sales.achievement"]
    rows, loaded = [], 0
    for target in STEPS:
        started = time.monotonic()
        load(env, partners, product, loaded // LINES_PER_MOVE + 1, (target - loaded) // LINES_PER_MOVE)
        loaded = target
        log(f"{loaded} invoice lines loaded ({time.monotonic() - started:.1f} s)")
        row = {"invoice_lines": loaded}
        row["baseline"] = measure(
            env,
            log,
            "stock read_group (baseline)",
            lambda: len(
                env["account.move.line"]._read_group(
                    [
                        ("parent_state", "=", "posted"),
                        ("move_id.move_type", "in", ("out_invoice", "out_refund")),
                        ("display_type", "=", "product"),
                    ],
                    ["partner_id", "date:month"],
                    ["balance:sum"],
                )
            ),
        )
        row["refresh"] = measure(
            env,
            log,
            "achievement refresh",
            lambda: Achievement._sdm_refresh(plan, as_of=date(2026, 12, 31)) and len(plan.node_ids),
        )
        env.cr.commit()
        row["pivot"] = measure(
            env,
            log,
            "pivot read_group",
            lambda: len(
                Achievement.read_group(
                    [("plan_id", "=", plan.id), ("level", "=", "salesperson")],
                    ["target_amount", "actual_amount", "achievement"],
                    ["user_id", "month:quarter"],
                    lazy=False,
                )
            ),
        )
        rows.append(row)
    print()
    print(f"{'invoice lines':>14} {'refresh':>9} {'peak MiB':>9} {'pivot':>8} {'baseline':>9}")
    for row in rows:
        print(
            f"{row['invoice_lines']:>14} {row['refresh']['seconds']:>8.2f}s {row['refresh']['peak_mib']:>9.1f} "
            f"{row['pivot']['seconds'] * 1000:>6.0f}ms {row['baseline']['seconds']:>8.2f}s"
        )
    if len(rows) > 1:
        growth = rows[-1]["refresh"]["seconds"] / rows[0]["refresh"]["seconds"]
        print(
            f"\nrefresh grows {growth:.1f}x for {rows[-1]['invoice_lines'] / rows[0]['invoice_lines']:.0f}x the lines"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"date": str(date.today()), "rows": rows}, indent=2, default=str))


main(env)  # noqa: F821 - odoo shell provides env
