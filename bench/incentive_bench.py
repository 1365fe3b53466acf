"""Sales incentive settlement at volume: SDM ``sdm.incentive.settlement`` against OCA ``commission_oca`` /
``account_commission_oca`` 18.0, on the same data, in the same database and process.

Organisation (ORM, once): 10 regions, 100 branches (``crm.team``), 1,000 salespeople (``res.users``, 10 per
branch), 10 customers per salesperson, 20 products. A 2026 sales plan built from it (company → regions →
branches → salespeople, one line per month), locked; an incentive plan on it: monthly, measures invoiced sales
60 % and collections 40 %, linear curve (80 % → 50 %, 100 % → 100 %, above it twice as fast), cap 150 %, paid by
role (every salesperson of the plan: 1,000 payees). OCA: each salesperson's partner is an agent (monthly
settlement) with one commission "by sections" on the invoice line's amount (0–299.99: 2 %, 300–699.99: 3 %, 700
and more: 4 %; OCA evaluates sections per invoice line, so this is as close to "per invoice" as it goes), every
customer has its salesperson as agent.

Volume (set-based SQL, what Odoo writes): posted customer invoices of 4 product lines (20 products, 1–10 units
at 80–120) over 2026, each with the customer's salesperson, branch and region; payments (``account.payment`` and
their journal entries in the bank journal, liquidity on the journal's own account) reconciled with them — 12 %
unpaid, 40 % paid by one payment, 30 % by two (half, then the rest), 18 % partly paid (30–70 %): about 0.3
payment per invoice line — with partial and full reconciliations, residuals, payment states as the ORM computes
them. OCA's agent lines (``account_invoice_line_agent``, one per invoice line) are inserted by SQL with the
amount OCA's ``_compute_amount`` gives (the section of the line's subtotal), since computing 1,000,000 of them
through the ORM would take longer than the whole run; the sanity check recomputes a sample through OCA's own
compute methods and finds no difference. Sales targets are set per salesperson and month from the data (0.75–1.25
of their average month), so achievements spread over the curve.

Steps (default 100,000, 300,000, 1,000,000 invoice lines, loaded incrementally); after each, as the
administrator, each measurement in a savepoint (rolled back afterwards, except the achievement refresh):

* ``sdm_refresh``: ``sdm.sales.achievement._sdm_refresh`` of the sales plan (achievement rows from the net sales
  lines and the collection lines, once);
* ``sdm_monthly``: ``sdm.incentive.settlement._sdm_settle(plan, last day of month, "period")`` for the 12 months;
* ``sdm_true_up``: ``_sdm_settle(plan, 2026-12-31, settlement_type="true_up")``;
* ``oca_settle``: OCA's wizard ``commission.make.settle`` (sales invoices) run for each month of 2026, as a
  user would at each month's end (agents monthly, settlement by invoice date).

While the settlement engine is not in this branch the SDM part uses a stand-in, said in the output:
``plan._sdm_estimate`` for every payee and month (what a settlement computes per line, without writing it).

Measured: wall time, queries (``cr.sql_log_count``), Python
peak (tracemalloc, in a separate run: it slows Python down about twofold, so the timed run has none) and process
RSS (peak of the timed run, ``VmHWM`` reset through ``/proc/self/clear_refs``, and its growth). First step only:
sanity checks (net sales per salesperson and month equal Odoo's invoice report, collections equal the invoices'
paid amounts, an ORM recomputation of a sample of invoices, payments and agent lines finds nothing to change).

Usage (the database is created on the first run and reused; ``--fresh`` drops it)::

    /root/.cache/sdm-odoo/venv-py311/bin/pip install --no-deps --target /root/.cache/sdm-odoo/oca-commission \\
        'odoo-addon-commission-oca==18.0.*' 'odoo-addon-account-commission-oca==18.0.*'
    /root/.cache/sdm-odoo/venv-py311/bin/python bench/incentive_bench.py --conf /tmp/sdm_ibench.conf \\
        --sizes 100000,300000,1000000

The conf file is a copy of .local/odoo.conf whose addons_path ends with DIR/odoo/addons. Results: a table on
stdout and bench/results/incentive_bench.json (each step is written as soon as it is measured).
"""

import argparse
import calendar
import datetime
import json
import os
import platform
import signal
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# credit_bench puts the Odoo source on sys.path; its database helper is shared, not copied.
from bench_common import make_log, recompute_differences
from credit_bench import ODOO_SRC, ensure_database

import odoo
from odoo import SUPERUSER_ID, Command, api

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "incentive_bench.json"
MODULES = ["sdm_planning", "account_commission_oca"]
OCA_MODULES = ("commission_oca", "account_commission_oca")
REGIONS, BRANCHES, SALESPEOPLE, CUSTOMERS_PER_SELLER, PRODUCTS = 10, 100, 1000, 10, 20
LINES_PER_INVOICE = 4
YEAR = 2026
SECTIONS = [(0.0, 299.99, 2.0), (300.0, 699.99, 3.0), (700.0, 1e12, 4.0)]
CURVE = [(80.0, 50.0, 0.0), (100.0, 100.0, 200.0)]
TARGET_INCENTIVE = 10000.0
CUSTOMER_REF = "sdm_ibench_"
SETUP_CTX = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}
log = make_log("incentive-bench")


# --------------------------------------------------------------------------- organisation and plans (ORM, once)
def ensure_organisation(env):
    """Regions, branches, salespeople (agents for OCA), customers, products, the OCA commission. Returns users."""
    users = env["res.users"].search([("login", "=like", "sdm.ibench.%")], order="id")
    if len(users) == SALESPEOPLE:
        return users
    started = time.perf_counter()
    env.ref("base.user_admin").write({"groups_id": [(4, env.ref("sdm_sales.group_sdm_admin").id)]})
    regions = env["sdm.region"].create([{"name": f"Incentive region {i}", "code": f"IBR{i}"} for i in range(REGIONS)])
    teams = env["crm.team"].create(
        [{"name": f"Incentive branch {i}", "sdm_region_id": regions[i % REGIONS].id} for i in range(BRANCHES)]
    )
    users = env["res.users"].create(
        [
            {
                "name": f"Incentive seller {i}",
                "login": f"sdm.ibench.{i}",
                "groups_id": [(4, env.ref("sdm_sales.group_sdm_user").id)],
            }
            for i in range(SALESPEOPLE)
        ]
    )
    for index, team in enumerate(teams):
        team.member_ids = users[index::BRANCHES]
    commission = env["commission"].create(
        {
            "name": "Sectioned per invoice line",
            "commission_type": "section",
            "amount_base_type": "gross_amount",
            "invoice_state": "open",
            "settlement_type": "sale_invoice",
            "section_ids": [
                Command.create({"amount_from": low, "amount_to": high, "percent": rate}) for low, high, rate in SECTIONS
            ],
        }
    )
    users.partner_id.write({"agent": True, "commission_id": commission.id, "settlement": "monthly"})
    env["product.product"].create(
        [
            {"name": f"Incentive item {i}", "type": "consu", "list_price": 100, "standard_price": 60}
            for i in range(PRODUCTS)
        ]
    )
    branch_of = {user.id: team for team in teams for user in team.member_ids}
    env.cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, ref, active, is_company, type, customer_rank, supplier_rank,
                                 autopost_bills, user_id, sdm_branch_id, sdm_region_id, lang,
                                 create_uid, write_uid, create_date, write_date)
        SELECT 'Incentive customer ' || lpad(g::text, 5, '0'), 'Incentive customer ' || lpad(g::text, 5, '0'),
               %(ref)s || g, true, true, 'contact', 1, 0, 'ask', u.user_id, u.team_id, u.region_id, 'en_US',
               %(admin)s, %(admin)s, now(), now()
          FROM generate_series(0, %(customers)s - 1) g
          JOIN unnest(%(users)s::int[], %(teams)s::int[], %(regions)s::int[]) WITH ORDINALITY
               AS u(user_id, team_id, region_id, n) ON u.n = 1 + g %% %(nu)s;
        UPDATE res_partner SET commercial_partner_id = id WHERE ref LIKE %(ref)s || '%%';
        INSERT INTO partner_agent_rel (partner_id, agent_id)
        SELECT c.id, u.partner_id FROM res_partner c JOIN res_users u ON u.id = c.user_id
         WHERE c.ref LIKE %(ref)s || '%%';
        """,
        {
            "ref": CUSTOMER_REF,
            "admin": SUPERUSER_ID,
            "customers": SALESPEOPLE * CUSTOMERS_PER_SELLER,
            "users": users.ids,
            "teams": [branch_of[u].id for u in users.ids],
            "regions": [branch_of[u].sdm_region_id.id for u in users.ids],
            "nu": len(users),
        },
    )
    env.cr.commit()
    log(f"organisation: {len(users)} salespeople, {BRANCHES} branches in {time.perf_counter() - started:.0f} s")
    return users


def has_engine(env):
    return "sdm.incentive.settlement" in env.registry


def ensure_plans(env):
    """The locked 2026 sales plan (targets set per step by ``set_targets``) and the active incentive plan."""
    plan = env["sdm.incentive.plan"].search([("name", "=", "Incentive bench")], limit=1)
    if plan and hasattr(plan, "_sdm_payees") and plan.participant_ids.user_id:
        # A database made before role payees existed: pay by role, as the plan should.
        plan.participant_ids.unlink()
        plan.participant_ids = [Command.create({"role": "salesperson", "target_incentive": TARGET_INCENTIVE})]
        env.cr.commit()
    if plan:
        return ensure_rules(plan)
    started = time.perf_counter()
    sales_plan = env["sdm.sales.plan"].create({"year": YEAR, "use_collections": True})
    sales_plan.action_build_nodes()
    nodes = sales_plan.node_ids
    nodes.filtered(lambda n: n.level == "salesperson").line_ids.write({"amount": 1000.0, "collections": 800.0})
    nodes.filtered("child_ids").write({"variance_accepted": True})
    sales_plan.action_submit()
    sales_plan.action_approve()
    sales_plan.action_lock()
    vals = {
        "name": "Incentive bench",
        "year": YEAR,
        "sales_plan_id": sales_plan.id,
        "period": "month",
        "curve_type": "linear",
        "cap_percent": 150.0,
        "measure_ids": [
            Command.create({"measure": "invoiced", "weight": 60.0}),
            Command.create({"measure": "collections", "weight": 40.0}),
        ],
        "tier_ids": [
            Command.create({"achievement_from": start, "payout_percent": payout, "rate": rate})
            for start, payout, rate in CURVE
        ],
    }
    if hasattr(env["sdm.incentive.plan"], "_sdm_payees"):
        # Paid by role: every salesperson of the sales plan in force.
        vals["participant_ids"] = [Command.create({"role": "salesperson", "target_incentive": TARGET_INCENTIVE})]
    else:
        # Before role payees existed: one named participant per salesperson (the same 1,000 payees).
        sellers = nodes.filtered(lambda n: n.level == "salesperson").user_id
        vals["participant_ids"] = [
            Command.create({"user_id": user.id, "target_incentive": TARGET_INCENTIVE}) for user in sellers
        ]
    plan = env["sdm.incentive.plan"].create(vals)
    plan.action_activate()
    env.cr.commit()
    log(f"plans: {len(nodes)} nodes × 12 months, incentive plan {plan.id} in {time.perf_counter() - started:.0f} s")
    return ensure_rules(plan)


def ensure_rules(plan):
    """The settlement's rules, so that every part of it runs: a collections gate (70 %), 10 % of receivables
    overdue by more than 60 days deducted, clawback within 6 months (the data has no refund or bad debt, so the
    clawback query runs and finds nothing)."""
    if "gate_ids" in plan._fields and not plan.gate_ids:
        plan.write(
            {
                "gate_ids": [Command.create({"measure": "collections", "minimum_percent": 70.0})],
                "overdue_days": 60,
                "overdue_deduction_percent": 10.0,
                "clawback_months": 6,
            }
        )
        plan.env.cr.commit()
    return plan


def payees(plan):
    if hasattr(plan, "_sdm_payees"):
        return plan._sdm_payees()
    return [(participant, participant.user_id) for participant in plan.participant_ids]


# --------------------------------------------------------------------------- volume (SQL)
def loaded_lines(cr):
    cr.execute("SELECT count(*) FROM account_move_line WHERE move_name LIKE 'IBINV/%%' AND display_type = 'product'")
    return cr.fetchone()[0]


def load(env, invoices, seed):
    """``invoices`` more posted invoices of 2026 with their payments, reconciliations and OCA agent lines."""
    cr = env.cr
    company = env.company
    sale_journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    bank_journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
    method_line = bank_journal.inbound_payment_method_line_ids[:1]
    receivable = company.partner_id.with_company(company).property_account_receivable_id
    products = env["product.product"].search([("name", "=like", "Incentive item %")])
    params = {
        "company": company.id,
        "currency": company.currency_id.id,
        "sale_journal": sale_journal.id,
        "bank_journal": bank_journal.id,
        "receivable": receivable.id,
        "income": sale_journal.default_account_id.id,
        "bank": bank_journal.default_account_id.id,
        "method_line": method_line.id,
        "method": method_line.payment_method_id.id,
        "products": products.ids,
        "np": len(products),
        "unit": env.ref("uom.product_uom_unit").id,
        "ref": CUSTOMER_REF,
        "invoices": invoices,
        "lines": LINES_PER_INVOICE,
        "year_start": datetime.date(YEAR, 1, 1),
        "year_end": datetime.date(YEAR, 12, 31),
        "admin": SUPERUSER_ID,
    }
    started = time.perf_counter()
    cr.execute("SELECT setseed(%s)", [seed])
    cr.execute(
        """
        CREATE TEMP TABLE ib_customer ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY id) AS n, id, user_id, sdm_branch_id AS team_id, sdm_region_id
          FROM res_partner WHERE ref LIKE %(ref)s || '%%';
        CREATE TEMP TABLE ib_inv0 ON COMMIT DROP AS
        SELECT 1 + floor(random() * (SELECT count(*) FROM ib_customer))::int AS cn,
               %(year_start)s::date + floor(random() * 365)::int AS inv_date,
               random() AS r, random() AS f, 10 + floor(random() * 80)::int AS d1, 10 + floor(random() * 60)::int AS d2
          FROM generate_series(1, %(invoices)s) g;
        CREATE TEMP TABLE ib_inv ON COMMIT DROP AS
        SELECT i.*, c.id AS partner_id, c.user_id, c.team_id, c.sdm_region_id,
               nextval('account_move_id_seq') AS move_id, nextval('account_move_line_id_seq') AS rec_id,
               CASE WHEN r < 0.12 THEN 'u' WHEN r < 0.52 THEN 'f1' WHEN r < 0.82 THEN 'f2' ELSE 'pp' END AS pattern
          FROM ib_inv0 i JOIN ib_customer c ON c.n = i.cn;
        CREATE TEMP TABLE ib_line ON COMMIT DROP AS
        SELECT i.move_id, nextval('account_move_line_id_seq') AS id, k,
               (%(products)s::int[])[1 + floor(random() * %(np)s)::int] AS product_id,
               (1 + floor(random() * 10))::numeric AS qty, round((80 + random() * 40)::numeric, 2) AS price
          FROM ib_inv i CROSS JOIN generate_series(1, %(lines)s) k;
        ALTER TABLE ib_line ADD COLUMN subtotal numeric;
        UPDATE ib_line SET subtotal = round(qty * price, 2);
        CREATE TEMP TABLE ib_i ON COMMIT DROP AS
        SELECT i.*, a.amount,
               CASE WHEN pattern <> 'u' THEN nextval('account_payment_id_seq') END AS p1_pay,
               CASE WHEN pattern <> 'u' THEN nextval('account_move_id_seq') END AS p1_move,
               CASE WHEN pattern <> 'u' THEN nextval('account_move_line_id_seq') END AS p1_rec,
               CASE WHEN pattern <> 'u' THEN nextval('account_move_line_id_seq') END AS p1_bank,
               CASE WHEN pattern <> 'u' THEN nextval('account_partial_reconcile_id_seq') END AS p1_partial,
               CASE WHEN pattern = 'f2' THEN nextval('account_payment_id_seq') END AS p2_pay,
               CASE WHEN pattern = 'f2' THEN nextval('account_move_id_seq') END AS p2_move,
               CASE WHEN pattern = 'f2' THEN nextval('account_move_line_id_seq') END AS p2_rec,
               CASE WHEN pattern = 'f2' THEN nextval('account_move_line_id_seq') END AS p2_bank,
               CASE WHEN pattern = 'f2' THEN nextval('account_partial_reconcile_id_seq') END AS p2_partial,
               CASE WHEN pattern IN ('f1', 'f2') THEN nextval('account_full_reconcile_id_seq') END AS full_id,
               LEAST(inv_date + d1, %(year_end)s::date) AS p1_date,
               LEAST(inv_date + d1 + d2, %(year_end)s::date) AS p2_date,
               CASE pattern WHEN 'f1' THEN a.amount WHEN 'f2' THEN round(a.amount * 0.5, 2)
                            WHEN 'pp' THEN round(a.amount * (0.3 + 0.4 * f)::numeric, 2) END AS p1_amount
          FROM ib_inv i JOIN (SELECT move_id, SUM(subtotal) AS amount FROM ib_line GROUP BY move_id) a
               ON a.move_id = i.move_id;
        ALTER TABLE ib_i ADD COLUMN residual numeric;
        UPDATE ib_i SET residual = CASE pattern WHEN 'u' THEN amount WHEN 'pp' THEN amount - p1_amount ELSE 0 END;
        CREATE TEMP TABLE ib_pay ON COMMIT DROP AS
        SELECT p1_pay AS pay_id, p1_move AS move_id, p1_rec AS rec_id, p1_bank AS bank_id, p1_date AS date,
               p1_amount AS amount, partner_id, full_id, p1_partial AS partial_id, rec_id AS inv_rec_id, inv_date
          FROM ib_i WHERE p1_pay IS NOT NULL
        UNION ALL
        SELECT p2_pay, p2_move, p2_rec, p2_bank, p2_date, amount - p1_amount, partner_id, full_id, p2_partial, rec_id,
               inv_date
          FROM ib_i WHERE p2_pay IS NOT NULL;
        """,
        params,
    )
    cr.execute("ALTER TABLE account_move_line DISABLE TRIGGER sdm_credit_aml")
    cr.execute(
        """
        -- account_payment.move_id and account_move.origin_payment_id refer to each other: the move comes after
        INSERT INTO account_payment (id, move_id, name, date, journal_id, company_id, currency_id, state, partner_id,
                                     partner_type, payment_type, amount, amount_company_currency_signed,
                                     payment_method_line_id, payment_method_id, outstanding_account_id,
                                     destination_account_id, is_reconciled, is_matched, is_sent, memo,
                                     create_uid, write_uid, create_date, write_date)
        SELECT pay_id, NULL, 'IBPAY/' || move_id, date, %(bank_journal)s, %(company)s, %(currency)s, 'paid',
               partner_id, 'customer', 'inbound', amount, amount, %(method_line)s, %(method)s, %(bank)s,
               %(receivable)s, true, true, false, 'IBPAY/' || move_id, %(admin)s, %(admin)s, now(), now()
          FROM ib_pay;
        INSERT INTO account_move (id, name, journal_id, company_id, currency_id, state, move_type, auto_post, date,
                                  invoice_date, invoice_date_due, partner_id, commercial_partner_id, invoice_user_id,
                                  team_id, sdm_region_id, origin_payment_id, sequence_prefix, sequence_number,
                                  amount_untaxed, amount_tax, amount_total, amount_residual, amount_untaxed_signed,
                                  amount_untaxed_in_currency_signed, amount_tax_signed, amount_total_signed,
                                  amount_total_in_currency_signed, amount_residual_signed, payment_state,
                                  invoice_currency_rate, invoice_partner_display_name, posted_before, checked,
                                  is_storno, always_tax_exigible, made_sequence_gap, is_manually_modified,
                                  is_move_sent, commission_total, create_uid, write_uid, create_date, write_date)
        SELECT i.move_id, 'IBINV/' || i.move_id, %(sale_journal)s, %(company)s, %(currency)s, 'posted', 'out_invoice',
               'no', i.inv_date, i.inv_date, i.inv_date + 30, i.partner_id, i.partner_id, i.user_id, i.team_id,
               i.sdm_region_id, NULL, 'IBINV/', i.move_id, i.amount, 0, i.amount, i.residual, i.amount, i.amount, 0,
               i.amount, i.amount, i.residual,
               CASE WHEN i.residual = 0 THEN 'paid' WHEN i.residual = i.amount THEN 'not_paid' ELSE 'partial' END,
               1, p.name, true, true, false, false, false, false, false, 0, %(admin)s, %(admin)s, now(), now()
          FROM ib_i i JOIN res_partner p ON p.id = i.partner_id
        UNION ALL
        SELECT y.move_id, 'IBPAY/' || y.move_id, %(bank_journal)s, %(company)s, %(currency)s, 'posted', 'entry', 'no',
               y.date, NULL, NULL, y.partner_id, y.partner_id, NULL, NULL, NULL, y.pay_id, 'IBPAY/', y.move_id,
               0, 0, y.amount, 0, 0, 0, 0, y.amount, y.amount, 0, 'not_paid', 1, NULL, true, true, false, true,
               false, false, false, 0, %(admin)s, %(admin)s, now(), now()
          FROM ib_pay y;
        UPDATE account_payment p SET move_id = y.move_id FROM ib_pay y WHERE p.id = y.pay_id;
        INSERT INTO account_full_reconcile (id, create_uid, write_uid, create_date, write_date)
        SELECT full_id, %(admin)s, %(admin)s, now(), now() FROM ib_i WHERE full_id IS NOT NULL;
        INSERT INTO account_move_line (id, move_id, journal_id, company_id, company_currency_id, currency_id,
                                       account_id, partner_id, move_name, parent_state, name, display_type, date,
                                       invoice_date, date_maturity, debit, credit, balance, amount_currency,
                                       amount_residual, amount_residual_currency, reconciled, full_reconcile_id,
                                       matching_number, sequence, product_id, product_uom_id, quantity, price_unit,
                                       price_subtotal, price_total, discount, tax_tag_invert, commission_free,
                                       create_uid, write_uid, create_date, write_date)
        -- invoice: product lines, then the receivable item
        SELECT l.id, l.move_id, %(sale_journal)s, %(company)s, %(currency)s, %(currency)s, %(income)s, i.partner_id,
               'IBINV/' || l.move_id, 'posted', 'Incentive item', 'product', i.inv_date, i.inv_date, NULL, 0,
               l.subtotal, -l.subtotal, -l.subtotal, 0, 0, false, NULL, NULL, 10 + l.k, l.product_id, %(unit)s, l.qty,
               l.price, l.subtotal, l.subtotal, 0, true, false, %(admin)s, %(admin)s, now(), now()
          FROM ib_line l JOIN ib_i i ON i.move_id = l.move_id
        UNION ALL
        SELECT rec_id, move_id, %(sale_journal)s, %(company)s, %(currency)s, %(currency)s, %(receivable)s, partner_id,
               'IBINV/' || move_id, 'posted', 'IBINV/' || move_id, 'payment_term', inv_date, inv_date, inv_date + 30,
               amount, 0, amount, amount, residual, residual, residual = 0, full_id,
               CASE WHEN full_id IS NOT NULL THEN full_id::text WHEN p1_partial IS NOT NULL THEN 'P' || p1_partial END,
               100, NULL, NULL, NULL, NULL, NULL, NULL, 0, false, false, %(admin)s, %(admin)s, now(), now()
          FROM ib_i
        -- payments: receivable item (credit, fully applied) and liquidity line
        UNION ALL
        SELECT y.rec_id, y.move_id, %(bank_journal)s, %(company)s, %(currency)s, %(currency)s, %(receivable)s,
               y.partner_id, 'IBPAY/' || y.move_id, 'posted', 'IBPAY/' || y.move_id, 'product', y.date, NULL, y.date,
               0, y.amount, -y.amount, -y.amount, 0, 0, true, y.full_id, COALESCE(y.full_id::text, 'P' || y.partial_id),
               20, NULL, NULL, NULL, NULL, NULL, NULL, 0, false, false, %(admin)s, %(admin)s, now(), now()
          FROM ib_pay y
        UNION ALL
        SELECT y.bank_id, y.move_id, %(bank_journal)s, %(company)s, %(currency)s, %(currency)s, %(bank)s,
               y.partner_id, 'IBPAY/' || y.move_id, 'posted', 'IBPAY/' || y.move_id, 'product', y.date, NULL, y.date,
               y.amount, 0, y.amount, y.amount, 0, 0, false, NULL, NULL, 10, NULL, NULL, NULL, NULL, NULL, NULL, 0,
               false, false, %(admin)s, %(admin)s, now(), now()
          FROM ib_pay y;
        INSERT INTO account_partial_reconcile (id, debit_move_id, credit_move_id, full_reconcile_id, debit_currency_id,
                                               credit_currency_id, company_id, max_date, amount, debit_amount_currency,
                                               credit_amount_currency, create_uid, write_uid, create_date, write_date)
        SELECT y.partial_id, y.inv_rec_id, y.rec_id, y.full_id, %(currency)s, %(currency)s, %(company)s,
               GREATEST(y.inv_date, y.date), y.amount, y.amount, y.amount, %(admin)s, %(admin)s, now(), now()
          FROM ib_pay y;
        -- OCA: one agent line per invoice line (the customer's agent), the amount of the line's section
        INSERT INTO account_invoice_line_agent (object_id, agent_id, commission_id, amount, invoice_id, invoice_date,
                                                settled, company_id, create_uid, write_uid, create_date, write_date)
        SELECT l.id, rel.agent_id, ag.commission_id, round(l.subtotal * s.percent::numeric / 100, 2), l.move_id,
               i.inv_date, false, %(company)s, %(admin)s, %(admin)s, now(), now()
          FROM ib_line l
          JOIN ib_i i ON i.move_id = l.move_id
          JOIN partner_agent_rel rel ON rel.partner_id = i.partner_id
          JOIN res_partner ag ON ag.id = rel.agent_id
          LEFT JOIN commission_section s ON s.commission_id = ag.commission_id
                AND l.subtotal BETWEEN s.amount_from AND s.amount_to;
        UPDATE account_move am SET commission_total = c.total
          FROM (SELECT invoice_id, SUM(amount) AS total FROM account_invoice_line_agent a
                 WHERE invoice_id IN (SELECT move_id FROM ib_i) GROUP BY invoice_id) c
         WHERE am.id = c.invoice_id;
        """,
        params,
    )
    cr.execute("ALTER TABLE account_move_line ENABLE TRIGGER sdm_credit_aml")
    if "sdm.credit.bucket" in env.registry:
        env["sdm.credit.bucket"]._sdm_rebuild()
    cr.execute("SELECT count(*), (SELECT count(*) FROM ib_pay) FROM ib_i")
    made, payments = cr.fetchone()
    cr.commit()
    tables = ("account_move", "account_move_line", "account_partial_reconcile", "account_payment")
    for table in (*tables, "account_invoice_line_agent"):
        cr.execute(f"ANALYZE {table}")
    cr.commit()
    env.invalidate_all()
    return {"invoices": made, "payments": payments, "seconds": round(time.perf_counter() - started, 1)}


def set_targets(env, plan):
    """Each salesperson's monthly targets: their average month of invoiced sales and of collections so far,
    divided by 0.75–1.25 (by salesperson), so achievements spread around 100 %. Written by SQL on the locked plan's
    lines (the bench's data, not a user's change; the nodes' stored totals are not read by the settlement)."""
    env.cr.execute(
        """
        WITH sales AS (SELECT invoice_user_id AS user_id, SUM(amount_untaxed) / 12 AS amount
                         FROM account_move WHERE name LIKE 'IBINV/%%' GROUP BY 1),
             coll AS (SELECT am.invoice_user_id AS user_id, SUM(apr.amount) / 12 AS amount
                        FROM account_partial_reconcile apr
                        JOIN account_move_line aml ON aml.id = apr.debit_move_id
                        JOIN account_move am ON am.id = aml.move_id AND am.name LIKE 'IBINV/%%' GROUP BY 1)
        UPDATE sdm_sales_plan_line l
           SET amount = round(s.amount / (0.75 + 0.5 * ((n.user_id * 37) %% 101) / 100.0), 2),
               collections = round(COALESCE(c.amount, 0) / (0.75 + 0.5 * ((n.user_id * 53) %% 101) / 100.0), 2)
          FROM sdm_sales_plan_node n
          JOIN sales s ON s.user_id = n.user_id
          LEFT JOIN coll c ON c.user_id = n.user_id
         WHERE l.node_id = n.id AND n.plan_id = %(plan)s AND n.level = 'salesperson'
        """,
        {"plan": plan.sales_plan_id.id},
    )
    env.cr.commit()
    env.invalidate_all()


# --------------------------------------------------------------------------- sanity checks (first step)
def sanity_checks(env):
    """Our net sales and collections against Odoo's own figures, and an ORM recomputation of a sample."""
    cr = env.cr
    company = env.company
    lines = env["sdm.net.sales.line"]._sdm_net_sales_query(company_ids=[company.id])
    cr.execute(
        odoo.tools.SQL(
            "SELECT user_id, date_trunc('month', invoice_date)::date, SUM(amount) FROM (%s) l GROUP BY 1, 2", lines
        )
    )
    ours = {(u, m): float(a) for u, m, a in cr.fetchall()}
    report = env["account.invoice.report"]._read_group(
        [("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "posted"), ("company_id", "=", company.id)],
        ["invoice_user_id", "invoice_date:month"],
        ["price_subtotal:sum"],
    )
    odoo_report = {(u.id, m): s for u, m, s in report}
    sales_mismatch = sorted(
        str(k) for k in set(ours) | set(odoo_report) if abs(ours.get(k, 0.0) - odoo_report.get(k, 0.0)) >= 0.01
    )
    collections = env["sdm.collection.line"]._sdm_collection_query(company_ids=[company.id], applied=True)
    cr.execute(odoo.tools.SQL("SELECT COALESCE(SUM(amount), 0), count(*) FROM (%s) c", collections))
    collected, collection_rows = cr.fetchone()
    cr.execute(
        "SELECT SUM(amount_total - amount_residual), count(*) FILTER (WHERE payment_state = 'paid') "
        "FROM account_move WHERE name LIKE 'IBINV/%%'"
    )
    paid, paid_invoices = cr.fetchone()
    cr.execute("SELECT count(*) FROM account_payment WHERE name LIKE 'IBPAY/%%'")
    payments = cr.fetchone()[0]
    # ORM recomputation of a sample: invoices, their receivable items, payments, reconciliations, agent lines.
    cr.execute("SELECT id FROM account_move WHERE name LIKE 'IBINV/%%' ORDER BY md5(id::text) LIMIT 300")
    moves = env["account.move"].browse(r[0] for r in cr.fetchall())
    items = moves.line_ids.filtered(lambda line: line.display_type == "payment_term")
    partials = items.matched_credit_ids
    receipts = partials.credit_move_id
    pays = receipts.move_id.origin_payment_id
    agent_lines = moves.invoice_line_ids.agent_ids
    differences = recompute_differences(
        env,
        [
            (moves, ["amount_untaxed", "amount_total", "amount_residual", "payment_state", "commission_total"]),
            (items | receipts, ["amount_residual", "reconciled", "matching_number"]),
            (partials, ["max_date"]),
            (pays, ["state", "is_reconciled", "is_matched"]),
            (agent_lines, ["amount", "invoice_id", "invoice_date", "company_id", "settled", "commission_id"]),
        ],
    )
    checks = {
        "net_sales_total": round(sum(ours.values()), 2),
        "invoice_report_total": round(sum(odoo_report.values()), 2),
        "salesperson_months": len(ours),
        "salesperson_months_mismatch": sales_mismatch[:5],
        "collections_applied": round(float(collected), 2),
        "collection_rows": collection_rows,
        "invoices_paid_amount": round(float(paid), 2),
        "invoices_fully_paid": paid_invoices,
        "payments": payments,
        "orm_sample": {
            "invoices": len(moves),
            "receivable_items": len(items | receipts),
            "payments": len(pays),
            "agent_lines": len(agent_lines),
            "differences": differences,
        },
    }
    checks["ok"] = (
        not sales_mismatch
        and abs(checks["net_sales_total"] - checks["invoice_report_total"]) < 0.01
        and abs(checks["collections_applied"] - checks["invoices_paid_amount"]) < 0.01
        and collection_rows == payments
        and not differences
    )
    return checks


# --------------------------------------------------------------------------- the two peers
def month_ends():
    return [datetime.date(YEAR, m, calendar.monthrange(YEAR, m)[1]) for m in range(1, 13)]


def summarize_settlements(settlements):
    """Lines and total of SDM settlements, whatever the engine calls them."""
    lines = settlements.line_ids if "line_ids" in settlements._fields else settlements.browse()
    total = 0.0
    for name in ("amount", "payout_amount", "amount_total"):
        if lines and name in lines._fields:
            total = sum(lines.mapped(name))
            break
    summary = {"settlements": len(settlements), "lines": len(lines), "total": round(total, 2)}
    if "sdm.incentive.settlement.source" in settlements.env:
        sources = settlements.env["sdm.incentive.settlement.source"]
        summary["sources"] = sources.search_count([("settlement_id", "in", settlements.ids)])
    return summary


def sdm_refresh(env, plan):
    env["sdm.sales.achievement"]._sdm_refresh(plan.sales_plan_id, as_of=datetime.date(YEAR, 12, 31))
    env.cr.execute("SELECT count(*) FROM sdm_sales_achievement WHERE plan_id = %s", [plan.sales_plan_id.id])
    return {"achievement_rows": env.cr.fetchone()[0]}


def sdm_monthly(env, plan):
    if has_engine(env):
        Settlement = env["sdm.incentive.settlement"]
        settlements = Settlement.browse()
        for day in month_ends():
            settlements |= Settlement._sdm_settle(plan, day, settlement_type="period")
        return summarize_settlements(settlements)
    # Stand-in until the engine is merged: each payee's estimate for each month (no records written).
    total, count = 0.0, 0
    takes_user = "user" in plan._sdm_estimate.__code__.co_varnames
    for day in month_ends():
        for participant, user in payees(plan):
            estimate = (
                plan._sdm_estimate(participant, day, user) if takes_user else plan._sdm_estimate(participant, day)
            )
            total += estimate["payout_amount"]
            count += 1
    return {"stand_in": "_sdm_estimate per payee and month", "lines": count, "total": round(total, 2)}


def lock_monthly(env, plan):
    """What a true-up needs first (untimed): the 12 monthly settlements, locked. Their review, approval and
    lock are the finance workflow's, not the settlement's: written directly here."""
    if not has_engine(env):
        return
    sdm_monthly(env, plan)
    env.flush_all()
    env.cr.execute(
        "UPDATE sdm_incentive_settlement SET state = 'locked' WHERE plan_id = %s AND settlement_type = 'period'",
        [plan.id],
    )
    env.invalidate_all()


def sdm_true_up(env, plan):
    if not has_engine(env):
        return {"skipped": "no settlement engine in this branch"}
    year_end = datetime.date(YEAR, 12, 31)
    settlement = env["sdm.incentive.settlement"]._sdm_settle(plan, year_end, settlement_type="true_up")
    return summarize_settlements(settlement)


def oca_settle(env):
    """OCA's wizard for each month of the year, as run at each month's end."""
    Wizard = env["commission.make.settle"]
    started = time.perf_counter()
    for day in month_ends():
        Wizard.create({"date_to": day + datetime.timedelta(days=1), "settlement_type": "sale_invoice"}).action_settle()
        log(f"    OCA: {day:%B} settled at {time.perf_counter() - started:.0f} s")
    env.flush_all()
    env.cr.execute(
        "SELECT count(DISTINCT s.id), count(l.id), COALESCE(SUM(l.settled_amount), 0) FROM commission_settlement s "
        "LEFT JOIN commission_settlement_line l ON l.settlement_id = s.id"
    )
    settlements, lines, total = env.cr.fetchone()
    return {"settlements": settlements, "lines": lines, "total": round(float(total), 2)}


# --------------------------------------------------------------------------- measurement
class Timeout(Exception):
    pass


def _status(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024  # MiB
    return 0.0


def _reset_peak_rss():
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def run_once(env, func, traced, keep, timeout=None, prepare=None):
    """One run of ``func`` from a cold ORM cache, flush included; rolled back unless ``keep``. ``prepare``: run
    first in the same savepoint, not timed."""
    cr = env.cr
    env.invalidate_all()
    savepoint = None if keep else cr.savepoint()
    if prepare:
        prepare()
        env.invalidate_all()
    if timeout:

        def alarm(_signum, _frame):
            raise Timeout(f"stopped after {timeout} s")

        signal.signal(signal.SIGALRM, alarm)
        signal.alarm(timeout)
    rss_reset = _reset_peak_rss()
    rss_before = _status("VmRSS")
    if traced:
        tracemalloc.start()
    queries = cr.sql_log_count
    started = time.perf_counter()
    result, stopped = None, None
    try:
        result = func()
        env.flush_all()
    except Timeout as exc:
        stopped = str(exc)
    finally:
        if timeout:
            signal.alarm(0)
    seconds = time.perf_counter() - started
    row = {"seconds": round(seconds, 3), "queries": cr.sql_log_count - queries, "result": result}
    if traced:
        row["python_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    row["rss_peak_mib" if rss_reset else "rss_peak_mib_process"] = round(_status("VmHWM"), 1)
    row["rss_growth_mib"] = round(_status("VmRSS") - rss_before, 1)
    if stopped:
        row["stopped"] = stopped
    if savepoint:
        savepoint.close(rollback=True)
        env.invalidate_all()
    elif not stopped:
        cr.commit()
    return row


def measure(env, label, func, traced=True, keep=False, timeout=None, prepare=None):
    """A run under tracemalloc for the Python peak (rolled back; also warms the caches for both peers alike),
    then the timed run."""
    row = {}
    if traced:
        first = run_once(env, func, traced=True, keep=False, timeout=timeout, prepare=prepare)
        row.update(traced_seconds=first["seconds"], python_peak_mib=first["python_peak_mib"])
        if first.get("stopped"):
            row.update(stopped=first["stopped"], seconds=None)
            log(f"  {label}: traced run {first['stopped']}")
            return row
    timed = run_once(env, func, traced=False, keep=keep, timeout=timeout, prepare=prepare)
    row.update({k: v for k, v in timed.items() if k != "python_peak_mib"})
    log(
        f"  {label}: {row['seconds']} s, {row['queries']} queries, Python peak {row.get('python_peak_mib')} MiB, "
        f"RSS peak {row.get('rss_peak_mib')} MiB (+{row['rss_growth_mib']}), {row['result']}"
        f"{' - ' + row['stopped'] if row.get('stopped') else ''}"
    )
    return row


def admin_env(cr):
    env = api.Environment(cr, SUPERUSER_ID, {})
    admin = env.ref("base.user_admin")
    return api.Environment(cr, admin.id, {**admin.context_get(), **SETUP_CTX})


# --------------------------------------------------------------------------- main
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True, help="odoo.conf whose addons_path includes the OCA addons")
    parser.add_argument("--sizes", default="100000,300000,1000000", help="invoice lines after each step")
    parser.add_argument("--db", default="sdm_ibench", help="database (name must start with sdm_ibench)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument("--oca-timeout", type=int, default=3600, help="stop an OCA run after this many seconds")
    parser.add_argument(
        "--oca-trace-max", type=int, default=100000, help="largest size at which OCA also runs under tracemalloc"
    )
    parser.add_argument("--no-oca", action="store_true", help="measure SDM only")
    parser.add_argument("--oca-only", action="store_true", help="measure OCA only (and skip the sanity checks)")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",") if s]
    if not args.db.startswith("sdm_ibench"):
        parser.error("--db must start with sdm_ibench")
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"], setup_logging=True)
    if not odoo.modules.module.get_module_path("account_commission_oca", display_warning=False):
        parser.error(f"account_commission_oca is not in the addons_path of {args.conf}")
    total = time.perf_counter()
    install_s = ensure_database(args.conf, args.db, MODULES, args.fresh)
    registry = odoo.modules.registry.Registry(args.db)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "odoo": odoo.release.version,
        "oca": {m: odoo.modules.module.load_manifest(m).get("version") for m in OCA_MODULES},
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "db": args.db,
        "install_s": round(install_s, 1),
        "odoo_src": ODOO_SRC,
    }
    steps = []
    earlier = json.loads(output.read_text()).get("steps", []) if output.exists() else []
    with registry.cursor() as cr:
        env = admin_env(cr)
        meta["engine"] = "sdm.incentive.settlement" if has_engine(env) else "stand-in: _sdm_estimate per payee"
        log(f"SDM side: {meta['engine']}")
        ensure_organisation(env)
        plan = ensure_plans(env)
        meta["payees"] = len(payees(plan))
        for size in args.sizes:
            have = loaded_lines(cr)
            load_info = None
            if have < size:
                log(f"loading {size - have} invoice lines")
                load_info = load(env, (size - have) // LINES_PER_INVOICE, seed=(size % 997) / 1000)
                log(f"  loaded {load_info}")
                set_targets(env, plan)
            elif have > size:
                log(f"{have} invoice lines already loaded: size {size} skipped (use --fresh)")
                continue
            cr.execute(
                "SELECT count(*), (SELECT count(*) FROM account_payment), "
                "(SELECT count(*) FROM account_invoice_line_agent) FROM account_move_line "
                "WHERE display_type = 'product' AND move_name LIKE 'IBINV/%%'"
            )
            lines, payments, agent_lines = cr.fetchone()
            step = {
                "size": size,
                "invoice_lines": lines,
                "payments": payments,
                "agent_lines": agent_lines,
                "load": load_info,
                "loadavg": [round(x, 2) for x in os.getloadavg()],
            }
            log(f"size {size}: {lines} invoice lines, {payments} payments, {agent_lines} agent lines")
            if not steps and not args.oca_only:
                step["checks"] = sanity_checks(env)
                log(f"  sanity checks: {json.dumps(step['checks'], default=str)}")
            if not args.oca_only:
                step["sdm_refresh"] = measure(env, "SDM achievement refresh", lambda: sdm_refresh(env, plan), keep=True)
                step["sdm_monthly"] = measure(env, "SDM 12 monthly settlements", lambda: sdm_monthly(env, plan))
                step["sdm_true_up"] = measure(
                    env,
                    "SDM year-end true-up",
                    lambda: sdm_true_up(env, plan),
                    prepare=lambda: lock_monthly(env, plan),
                )
            if not args.no_oca:
                step["oca_settle"] = measure(
                    env,
                    "OCA commission.make.settle × 12",
                    lambda: oca_settle(env),
                    traced=size <= args.oca_trace_max,
                    timeout=args.oca_timeout,
                )
            step["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
            steps.append(step)
            meta["total_s"] = round(time.perf_counter() - total, 1)
            merged = merge_steps(earlier, steps)
            output.write_text(json.dumps({"meta": meta, "steps": merged}, indent=2, default=str) + "\n")
            log(f"written {output}")
    print_table(merge_steps(earlier, steps), meta)
    return 0 if all(step.get("checks", {}).get("ok", True) for step in steps) else 1


def merge_steps(earlier, steps):
    """The steps of this run and those of earlier runs at other sizes (the results file is kept across runs)."""
    sizes = {step["size"] for step in steps}
    for step in steps:
        # A run of one peer only (--no-oca, --oca-only) keeps the other's measurement of an earlier run at the
        # same size, said so.
        old = next((old for old in earlier if old["size"] == step["size"]), {})
        for key in (*SDM_PARTS, "oca_settle"):
            if key not in step and key in old:
                step[key] = {**old[key], "from_earlier_run": True}
    return sorted([old for old in earlier if old["size"] not in sizes] + steps, key=lambda step: step["size"])


SDM_PARTS = ("sdm_refresh", "sdm_monthly", "sdm_true_up")


def sdm_seconds(step):
    parts = [step[k]["seconds"] for k in SDM_PARTS]
    return sum(parts)


def print_table(steps, meta):
    print()
    print(f"Incentive settlement, SDM ({meta['engine']}) vs OCA commission_oca {meta['oca']}, {meta['payees']} payees")
    head = (
        f"{'lines':>10} {'payments':>9} {'refresh':>8} {'12 months':>10} {'true-up':>8} {'SDM':>8} {'OCA':>9} "
        f"{'SDM/OCA':>8} {'SDM s/100k':>11} {'OCA s/100k':>11} {'SDM MiB':>8} {'OCA MiB':>8} {'SDM q':>7} {'OCA q':>8}"
    )
    print(head)
    print("-" * len(head))
    for step in steps:
        sdm = sdm_seconds(step)
        oca = step.get("oca_settle", {})
        oca_s = oca.get("seconds")
        per = step["invoice_lines"] / 100000
        queries = sum(step[k]["queries"] for k in SDM_PARTS)
        peak = max(step[k].get("python_peak_mib") or 0 for k in SDM_PARTS)
        stopped = ">" if oca.get("stopped") else " "  # OCA stopped: it takes longer, the ratio is smaller
        print(
            f"{step['invoice_lines']:>10,} {step['payments']:>9,} {step['sdm_refresh']['seconds']:>7.2f}s "
            f"{step['sdm_monthly']['seconds']:>9.2f}s {step['sdm_true_up']['seconds']:>7.2f}s {sdm:>7.2f}s "
            + (f"{stopped}{oca_s:>7.2f}s {sdm / oca_s:>7.3f}x " if oca_s else f"{'-':>9} {'-':>8} ")
            + f"{sdm / per:>10.2f}s "
            + (f"{oca_s / per:>10.2f}s " if oca_s else f"{'-':>11} ")
            + f"{peak:>8.1f} {oca.get('python_peak_mib') or 0:>8.1f} {queries:>7} {oca.get('queries', 0):>8}"
        )


if __name__ == "__main__":
    sys.exit(main())
