"""Customer defense benchmark: platform analysis recomputation, automatic measures and alerts at volume.

Run inside ``odoo shell`` on a database with the SDM addons and no demo data (``SDM_TEST_DB=sdm_bench_scoring
bash tools/sdm.sh install-test-db`` makes one)::

    SDM_BENCH_CUSTOMERS=10000 bash tools/sdm.sh odoo shell -d sdm_bench_scoring < bench/scoring_bench.py

It loads the volume by SQL in two steps — 10 % of the customers, then the other 90 % — and after each step
measures, as the administrator:

* the scheduled recomputation of the platform analysis (our usage from done deliveries, shares, month-over-month
  change, wall score) for every customer over 12 months, batches of 2,000 customers committed one by one;
* the automatic measures of the seed scorecard for every customer at once (on-time delivery rate from pickings,
  share of usage from the analysis);
* the alerts run (low score, score drop, share drop; activities for the salesperson and the regional manager);
* the baseline: stock Odoo's ``stock.move._read_group`` of the same delivered quantities per customer and month
  (what a stock report would run to get the raw numbers, without scope, returns, units, shares or upsert).

Volume per customer: 12 monthly deliveries of ``SDM_BENCH_MOVES`` (default 8) done moves each, 1 move in 25 a
return, the customer's monthly usage (share 40-95 %, 5 % of the customers lose 20 points in the last month),
a confirmed review for 1 customer in 10. 10,000 customers: 120,000 pickings, 960,000 moves, 120,000 usage rows.
Time is wall time; memory is the Python peak (tracemalloc) of each step. Results: a table on stdout and
bench/results/scoring_bench.json.
"""

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path("bench").resolve()))  # run from the repository root
from bench_common import make_log, measure
from dateutil.relativedelta import relativedelta

TODAY = date(2026, 11, 10)
MONTHS = 12
CUSTOMERS = int(os.environ.get("SDM_BENCH_CUSTOMERS", "10000"))
MOVES = int(os.environ.get("SDM_BENCH_MOVES", "8"))
PRODUCTS = 20
log = make_log("scoring-bench")
RESULTS = Path(os.environ.get("SDM_BENCH_RESULTS", "bench/results/scoring_bench.json"))


def setup(env):
    """Products in scope, regions with managers, the company settings; idempotent."""
    categ = env["product.category"].search([("name", "=", "Bench yarn")], limit=1) or env["product.category"].create(
        {"name": "Bench yarn"}
    )
    products = env["product.product"].search([("categ_id", "=", categ.id)])
    if len(products) < PRODUCTS:
        products |= env["product.product"].create(
            [{"name": f"Bench yarn {i}", "type": "consu", "categ_id": categ.id} for i in range(len(products), PRODUCTS)]
        )
    env.company.write(
        {
            "sdm_usage_categ_ids": [(6, 0, categ.ids)],
            "sdm_usage_basis": "delivered",
            "sdm_usage_months": MONTHS,
            "sdm_alert_score_below": 50,
            "sdm_alert_score_drop": 10,
            "sdm_alert_share_drop": 10,
        }
    )
    regions = env["sdm.region"].search([("code", "like", "BR%")])
    if not regions:
        manager = env["res.users"].create({"name": "Bench manager", "login": "bench.manager"})
        regions = env["sdm.region"].create(
            [{"name": f"Bench region {i}", "code": f"BR{i}", "manager_id": manager.id} for i in range(8)]
        )
    env.cr.commit()
    return products, regions


def load(env, products, regions, first, last):
    """Customers ``first``..``last`` (1-based) with their deliveries, usage and reviews, by SQL."""
    cr = env.cr
    company = env.company.id
    out_type = env.ref("stock.picking_type_out")
    stock, customers = env.ref("stock.stock_location_stock").id, env.ref("stock.stock_location_customers").id
    platforms = [env.ref(f"sdm_crm_scoring.platform_type_{c}").id for c in ("bp", "wp", "mp")]
    template = env.ref("sdm_crm_scoring.scorecard_wall_criteria").id
    started = time.monotonic()
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type, autopost_bills, customer_rank,
                                 sdm_region_id, sdm_platform_type_id, company_id, create_date, write_date)
        SELECT 'Bench customer ' || i, 'Bench customer ' || i, true, true, 'contact', 'ask', 1,
               (%(regions)s::int[])[1 + i %% %(nregions)s], (%(platforms)s::int[])[1 + i %% 3], NULL,
               now(), now()
          FROM generate_series(%(first)s, %(last)s) i
        RETURNING id
        """,
        {"regions": regions.ids, "nregions": len(regions), "platforms": platforms, "first": first, "last": last},
    )
    partner_ids = [row[0] for row in cr.fetchall()]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partner_ids])
    months = [TODAY.replace(day=1) - relativedelta(months=m) for m in range(MONTHS)]
    cr.execute(
        """
        INSERT INTO stock_picking (name, partner_id, picking_type_id, location_id, location_dest_id, move_type,
                                   state, scheduled_date, date_deadline, date_done, company_id, create_date,
                                   write_date)
        SELECT 'BENCH/' || p || '/' || to_char(m, 'YYYYMM'), p, %(type)s, %(stock)s, %(customers)s, 'direct', 'done',
               m + INTERVAL '10 days', m + INTERVAL '10 days',
               m + INTERVAL '10 days' + (CASE WHEN (p + extract(month FROM m)::int) %% 10 = 0
                                              THEN INTERVAL '3 days' ELSE INTERVAL '0 days' END),
               %(company)s, now(), now()
          FROM unnest(%(partners)s::int[]) p, unnest(%(months)s::date[]) m
        """,
        {
            "type": out_type.id,
            "stock": stock,
            "customers": customers,
            "company": company,
            "partners": partner_ids,
            "months": months,
        },
    )
    cr.execute(
        """
        INSERT INTO stock_move (name, picking_id, partner_id, company_id, product_id, product_uom, product_uom_qty,
                                quantity, product_qty, location_id, location_dest_id, location_final_id,
                                procure_method, state, date, picking_type_id, create_date, write_date)
        SELECT 'bench', sp.id, sp.partner_id, sp.company_id, (%(products)s::int[])[1 + (sp.id + k) %% %(nproducts)s],
               %(uom)s, q, q, q,
               CASE WHEN (sp.id + k) %% 25 = 0 THEN %(customers)s ELSE %(stock)s END,
               CASE WHEN (sp.id + k) %% 25 = 0 THEN %(stock)s ELSE %(customers)s END,
               NULL, 'make_to_stock', 'done', sp.date_done, sp.picking_type_id, now(), now()
          FROM stock_picking sp, generate_series(1, %(moves)s) k,
               LATERAL (SELECT (5 + (sp.id * 7 + k * 13) %% 20)::numeric AS q) qty
         WHERE sp.partner_id = ANY(%(partners)s)
        """,
        {
            "products": products.ids,
            "nproducts": len(products),
            "uom": env.ref("uom.product_uom_unit").id,
            "stock": stock,
            "customers": customers,
            "moves": MOVES,
            "partners": partner_ids,
        },
    )
    # Monthly usage: our delivered quantity / a share of 40-95 % with ±2 points of noise; 5 % of the customers
    # lose 20 points in the last complete month.
    last_month = TODAY.replace(day=1) - relativedelta(months=1)
    cr.execute(
        """
        INSERT INTO sdm_platform_usage (partner_id, month, company_id, total_usage, our_usage, share_known_usage,
                                        sdm_region_id, platform_type_id, create_date, write_date)
        SELECT o.partner_id, o.month, %(company)s,
               round(o.qty / ((40 + o.partner_id %% 56 + (o.month - DATE '2000-01-01') %% 5 - 2
                               - CASE WHEN o.partner_id %% 20 = 0 AND o.month = %(last_month)s THEN 20 ELSE 0 END
                              ) / 100.0), 2),
               0, 0, p.sdm_region_id, p.sdm_platform_type_id, now(), now()
          FROM (SELECT sp.partner_id, date_trunc('month', sm.date)::date AS month,
                       SUM(CASE WHEN sm.location_dest_id = %(customers)s THEN sm.quantity ELSE -sm.quantity END) AS qty
                  FROM stock_move sm JOIN stock_picking sp ON sp.id = sm.picking_id
                 WHERE sp.partner_id = ANY(%(partners)s)
                 GROUP BY 1, 2) o
          JOIN res_partner p ON p.id = o.partner_id
        """,
        {"company": company, "customers": customers, "partners": partner_ids, "last_month": last_month},
    )
    cr.execute(
        """
        INSERT INTO sdm_defense_review (name, partner_id, template_id, company_id, state, review_date, score,
                                        target_score, gap, weighted_total, create_date, write_date)
        SELECT 'BENCH-' || p, p, %(template)s, %(company)s, 'confirmed', %(when)s, 30 + p %% 60, 90, 0, 0, now(), now()
          FROM unnest(%(partners)s::int[]) p
         WHERE p %% 10 = 0
        """,
        {"template": template, "company": company, "when": TODAY - relativedelta(months=2), "partners": partner_ids},
    )
    cr.execute("ANALYZE stock_move; ANALYZE stock_picking; ANALYZE res_partner; ANALYZE sdm_platform_usage")
    cr.commit()
    env.invalidate_all()
    cr.execute("SELECT count(*) FROM stock_move WHERE name = 'bench'")
    moves = cr.fetchone()[0]
    log(f"loaded customers {first}-{last} in {time.monotonic() - started:.1f} s; {moves} bench moves in all")
    return moves


def run(env, customers_count, moves):
    Usage = env["sdm.platform.usage"]
    partners = env["res.partner"].search([("name", "like", "Bench customer %")])
    seed = env.ref("sdm_crm_scoring.scorecard_wall_criteria").criterion_ids
    delivery = seed.filtered(lambda c: c.measure == "on_time_delivery")
    share = seed.filtered(lambda c: c.measure == "share_of_usage")
    date_from = TODAY.replace(day=1) - relativedelta(months=MONTHS - 1)
    row = {"customers": customers_count, "moves": moves}

    def baseline():
        groups = env["stock.move"]._read_group(
            [
                ("state", "=", "done"),
                ("location_dest_id.usage", "=", "customer"),
                ("date", ">=", date_from),
                ("picking_id.partner_id", "in", partners.ids),
            ],
            ["partner_id", "date:month"],
            ["quantity:sum"],
        )
        return len(groups)

    row["baseline_read_group"] = measure(env, log, "stock read_group (baseline)", baseline)
    row["recompute"] = measure(
        env,
        log,
        "platform analysis recompute",
        lambda: (
            Usage._cron_sdm_recompute(batch_size=2000, today=TODAY)
            and Usage.search_count([("partner_id", "in", partners.ids)])
        ),
    )
    row["measure_on_time"] = measure(
        env, log, "on-time delivery measure", lambda: len(delivery._sdm_measure(partners, TODAY))
    )
    row["measure_share"] = measure(env, log, "share of usage measure", lambda: len(share._sdm_measure(partners, TODAY)))
    row["alerts"] = measure(
        env,
        log,
        "alerts",
        lambda: (
            env["res.partner"]._cron_sdm_defense_alerts(today=TODAY)
            and env["res.partner"].search_count([("sdm_at_risk", "=", True)])
        ),
    )
    env.cr.commit()
    return row


def main(env):
    env = env(user=env.ref("base.user_admin").id)
    products, regions = setup(env)
    env.cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE 'Bench customer %%'")
    if env.cr.fetchone()[0]:
        raise SystemExit("bench data already loaded: use a fresh database (tools/sdm.sh install-test-db)")
    rows = []
    tenth = CUSTOMERS // 10
    for first, last in ((1, tenth), (tenth + 1, CUSTOMERS)):
        moves = load(env, products, regions, first, last)
        rows.append(run(env, last, moves))
    small, big = rows
    print()
    print(f"{'step':32} {'10 %':>10} {'100 %':>10} {'growth':>8} {'peak MiB 10%/100%':>18}")
    for key in ("baseline_read_group", "recompute", "measure_on_time", "measure_share", "alerts"):
        a, b = small[key], big[key]
        growth = b["seconds"] / a["seconds"] if a["seconds"] else float("nan")
        print(
            f"{key:32} {a['seconds']:>9.2f}s {b['seconds']:>9.2f}s {growth:>7.1f}x "
            f"{a['peak_mib']:>8.1f} / {b['peak_mib']:<8.1f}"
        )
    ratio = big["recompute"]["seconds"] / big["baseline_read_group"]["seconds"]
    print(f"\nrecompute / stock read_group at 100 %: {ratio:.1f}x ({big['moves']} moves, {big['customers']} customers)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"date": str(date.today()), "rows": rows}, indent=2))


main(env)  # noqa: F821 - odoo shell provides env
