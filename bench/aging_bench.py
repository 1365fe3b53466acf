"""Aged receivables as of a past date: SDM ``sdm.aging.line`` against OCA ``account_financial_report``'s aged
partner balance 18.0, on the same data, in the same database and process.

Volume (set-based SQL, one customer per 100 receivable items, the same mix at every size): posted customer
invoices over 27 months (one receivable item each, due 30 days later, an income line as counterpart), and
receipts (journal entries in the bank journal, one receivable credit item each) reconciled with them — 15 % of
the invoices unpaid, 50 % paid by one receipt, 15 % by two (half, then the rest), 20 % partly paid (30–70 %) —
plus one unapplied receipt per 100 invoices. Everything a reconciliation makes is written as Odoo writes it:
partial reconciliations with their ``max_date``, full reconciliations, ``amount_residual`` and ``reconciled`` of
each item, matching numbers; customers are commercial partners of themselves, attributed to 48 salespeople in
24 branches of 8 regions. SDM's credit aggregates (a trigger on journal items) are rebuilt once after each load.

Loaded in steps (default 100,000 then 1,000,000 receivable items: 1,000 then 10,000 customers); after each step,
as the administrator, for one as-of date (default: 6 months before the last receipt), median of ``--reps`` timed
runs after a warm-up (no tracemalloc while timing; one more run under tracemalloc for the Python peak):

* ``sdm_read_group``: ``sdm.aging.line.read_group`` grouped region, branch, salesperson, customer, bucket (what
  the XLSX export reads); ``sdm_xlsx_rows``: the export's two grouped reads (``_sdm_xlsx_rows``, with the DSO
  period's sales); ``sdm_items``: the item-level query (``_sdm_aging_query``), every row fetched;
* ``oca_summary``: ``report.account_financial_report.aged_partner_balance._get_report_values`` (wizard: all
  receivable accounts, posted entries, all partners, no item details) — what OCA's report and XLSX compute;
  ``oca_items``: the same with item details.

Checks at every size: SDM's total and each customer's open amount equal a plain SQL sum (each item's balance
minus its reconciliations dated up to the date, not read from ``amount_residual``) and OCA's; the totals of
not due / 1–30 / 31–60 / 61–90 / over 90 days equal between the peers; the item counts equal. At the largest
size: ``EXPLAIN (ANALYZE, BUFFERS)`` of SDM's grouped query, then the SDM and OCA runs again with an index on
``account_partial_reconcile.max_date`` (created in the bench database only, dropped afterwards).

Usage (the database is created and filled on the first run, and reused by later runs; ``--fresh`` drops it)::

    /root/.cache/sdm-odoo/venv-py311/bin/python bench/aging_bench.py --conf /tmp/sdm_bench_aging.conf

The conf file is a copy of .local/odoo.conf whose addons_path ends with the OCA addons installed by
``pip install --no-deps --target DIR odoo-addon-account-financial-report==18.0.* odoo-addon-date-range==18.0.*
odoo-addon-report-xlsx==18.0.*`` (DIR/odoo/addons). Results: a table on stdout and
bench/results/aging_bench.json.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from dateutil.relativedelta import relativedelta

sys.path.insert(0, str(Path(__file__).resolve().parent))
# credit_bench puts the Odoo source on sys.path; its database helper is shared, not copied.
from bench_common import recompute_differences
from credit_bench import ODOO_SRC, ensure_database

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "aging_bench.json"
MODULES = ["sale_stock", "account", "sdm_sales", "account_financial_report"]
ITEMS_PER_CUSTOMER = 100
REGIONS, BRANCHES, SALESPEOPLE = 8, 24, 48
FIRST_INVOICE, LAST_INVOICE = datetime.date(2024, 6, 1), datetime.date(2026, 8, 31)
LAST_RECEIPT = datetime.date(2026, 11, 29)
# Receivable items per invoice: 1 + receipts (0.5 × 1 + 0.15 × 2 + 0.2 × 1) + 0.01 unapplied receipt.
ITEMS_PER_INVOICE = 2.01
CUSTOMER_REF = "sdm_bench_aging_"
# Coarse buckets both peers can be compared on (OCA: current, 30, 60, 90 days, then 120 and older).
COARSE = (("not due", 0), ("1-30", 1), ("31-60", 31), ("61-90", 61), ("over 90", 91))
SETUP_CTX = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}


def log(msg):
    print(f"[aging-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- volume
def ensure_organisation(env):
    """8 regions, 24 branches, 48 salespeople (ORM, once)."""
    users = env["res.users"].search([("login", "=like", "sdm.bench.aging.%")], order="id")
    if len(users) == SALESPEOPLE:
        return users
    regions = env["sdm.region"].create([{"name": f"Aging region {i}", "code": f"BAR{i}"} for i in range(REGIONS)])
    teams = env["crm.team"].create(
        [{"name": f"Aging branch {i}", "sdm_region_id": regions[i % REGIONS].id} for i in range(BRANCHES)]
    )
    users = (
        env["res.users"]
        .with_context(no_reset_password=True, **SETUP_CTX)
        .create(
            [
                {
                    "name": f"Aging seller {i}",
                    "login": f"sdm.bench.aging.{i}",
                    "groups_id": [(4, env.ref("sdm_sales.group_sdm_user").id)],
                }
                for i in range(SALESPEOPLE)
            ]
        )
    )
    for index, team in enumerate(teams):
        team.member_ids = users[index::BRANCHES]
    env.cr.commit()
    return users


def loaded_customers(cr):
    cr.execute("SELECT count(*) FROM res_partner WHERE ref LIKE %s", [CUSTOMER_REF + "%"])
    return cr.fetchone()[0]


def load(env, users, first_customer, last_customer, seed):
    """Customers ``first_customer``..``last_customer`` with their invoices, receipts and reconciliations."""
    cr = env.cr
    company = env.company
    sale_journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    bank_journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
    receivable = company.partner_id.with_company(company).property_account_receivable_id
    teams = {team.id: team for team in env["crm.team"].search([("name", "=like", "Aging branch %")])}
    branch_of = {user.id: next(t for t in teams.values() if user in t.member_ids) for user in users}
    params = {
        "company": company.id,
        "currency": company.currency_id.id,
        "sale_journal": sale_journal.id,
        "bank_journal": bank_journal.id,
        "receivable": receivable.id,
        "income": sale_journal.default_account_id.id,
        "bank": bank_journal.default_account_id.id,
        "first": first_customer,
        "last": last_customer,
        "ref": CUSTOMER_REF,
        "users": users.ids,
        "teams": [branch_of[u].id for u in users.ids],
        "regions": [branch_of[u].sdm_region_id.id for u in users.ids],
        "nu": len(users),
        "invoices": round((last_customer - first_customer + 1) * ITEMS_PER_CUSTOMER / ITEMS_PER_INVOICE),
        "first_invoice": FIRST_INVOICE,
        "invoice_days": (LAST_INVOICE - FIRST_INVOICE).days,
        "last_receipt": LAST_RECEIPT,
        "receipt_days": (LAST_RECEIPT - FIRST_INVOICE).days,
        "admin": SUPERUSER_ID,
    }
    started = time.perf_counter()
    cr.execute("SELECT setseed(%s)", [seed])
    # Customers: commercial partners of themselves, with a salesperson, a branch and a region.
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, ref, active, is_company, type, customer_rank, supplier_rank,
                                 autopost_bills, user_id, sdm_branch_id, sdm_region_id, lang,
                                 create_uid, write_uid, create_date, write_date)
        SELECT 'Aging Customer ' || lpad(g::text, 5, '0'), 'Aging Customer ' || lpad(g::text, 5, '0'),
               %(ref)s || g, true, true, 'contact', 1, 0, 'ask',
               (%(users)s::int[])[1 + g %% %(nu)s], (%(teams)s::int[])[1 + g %% %(nu)s],
               (%(regions)s::int[])[1 + g %% %(nu)s], 'en_US', %(admin)s, %(admin)s, now(), now()
          FROM generate_series(%(first)s, %(last)s) g;
        UPDATE res_partner SET commercial_partner_id = id
         WHERE ref LIKE %(ref)s || '%%' AND commercial_partner_id IS NULL;
        CREATE TEMP TABLE bench_customer ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY id) AS n, id, user_id, sdm_branch_id AS team_id, sdm_region_id
          FROM res_partner WHERE ref LIKE %(ref)s || '%%' AND substr(ref, length(%(ref)s) + 1)::int >= %(first)s;
        """,
        params,
    )
    # One row per invoice: its customer, date, amount, payment pattern and the ids of everything it makes.
    cr.execute(
        """
        CREATE TEMP TABLE bench_inv ON COMMIT DROP AS
        SELECT g, 1 + floor(random() * (%(last)s - %(first)s + 1))::int AS cn,
               %(first_invoice)s::date + floor(random() * %(invoice_days)s)::int AS inv_date,
               round((100 + random() * 9900)::numeric, 2) AS amount,
               random() AS r, random() AS f, 10 + floor(random() * 90)::int AS d1, 20 + floor(random() * 90)::int AS d2
          FROM generate_series(1, %(invoices)s) g;
        CREATE TEMP TABLE bench_inv2 ON COMMIT DROP AS
        SELECT i.*, c.id AS partner_id, c.user_id, c.team_id, c.sdm_region_id,
               CASE WHEN r < 0.15 THEN 'u' WHEN r < 0.65 THEN 'f1' WHEN r < 0.80 THEN 'f2' ELSE 'pp' END AS pattern
          FROM bench_inv i JOIN bench_customer c ON c.n = i.cn;
        CREATE TEMP TABLE bench_i ON COMMIT DROP AS
        SELECT i.*, nextval('account_move_id_seq') AS move_id, nextval('account_move_line_id_seq') AS rec_id,
               nextval('account_move_line_id_seq') AS inc_id,
               CASE WHEN pattern <> 'u' THEN nextval('account_move_id_seq') END AS p1_move,
               CASE WHEN pattern <> 'u' THEN nextval('account_move_line_id_seq') END AS p1_rec,
               CASE WHEN pattern <> 'u' THEN nextval('account_move_line_id_seq') END AS p1_bank,
               CASE WHEN pattern <> 'u' THEN nextval('account_partial_reconcile_id_seq') END AS p1_partial,
               CASE WHEN pattern = 'f2' THEN nextval('account_move_id_seq') END AS p2_move,
               CASE WHEN pattern = 'f2' THEN nextval('account_move_line_id_seq') END AS p2_rec,
               CASE WHEN pattern = 'f2' THEN nextval('account_move_line_id_seq') END AS p2_bank,
               CASE WHEN pattern = 'f2' THEN nextval('account_partial_reconcile_id_seq') END AS p2_partial,
               CASE WHEN pattern IN ('f1', 'f2') THEN nextval('account_full_reconcile_id_seq') END AS full_id,
               LEAST(inv_date + d1, %(last_receipt)s::date) AS p1_date,
               LEAST(inv_date + d1 + d2, %(last_receipt)s::date) AS p2_date,
               CASE pattern WHEN 'f1' THEN amount WHEN 'f2' THEN round(amount * 0.5, 2)
                            WHEN 'pp' THEN round(amount * (0.3 + 0.4 * f)::numeric, 2) END AS p1_amount
          FROM bench_inv2 i;
        ALTER TABLE bench_i ADD COLUMN residual numeric;
        UPDATE bench_i SET residual = CASE pattern WHEN 'u' THEN amount WHEN 'pp' THEN amount - p1_amount ELSE 0 END;
        CREATE TEMP TABLE bench_r0 ON COMMIT DROP AS
        SELECT nextval('account_move_id_seq') AS move_id, nextval('account_move_line_id_seq') AS rec_id,
               nextval('account_move_line_id_seq') AS bank_id,
               1 + floor(random() * (%(last)s - %(first)s + 1))::int AS cn,
               %(first_invoice)s::date + floor(random() * %(receipt_days)s)::int AS date,
               round((50 + random() * 4950)::numeric, 2) AS amount
          FROM generate_series(1, %(invoices)s / 100) g;
        CREATE TEMP TABLE bench_r ON COMMIT DROP AS
        SELECT r.*, c.id AS partner_id FROM bench_r0 r JOIN bench_customer c ON c.n = r.cn;
        """,
        params,
    )
    # Moves and their lines, staged with only what varies, then inserted in one statement each.
    cr.execute(
        """
        CREATE TEMP TABLE bench_m ON COMMIT DROP AS
        SELECT move_id AS id, 'BINV/' || move_id AS name, %(sale_journal)s AS journal_id, 'out_invoice' AS move_type,
               inv_date AS date, inv_date AS invoice_date, inv_date + 30 AS due, partner_id, user_id, team_id,
               sdm_region_id, amount, residual,
               CASE WHEN residual = 0 THEN 'paid' WHEN residual = amount THEN 'not_paid' ELSE 'partial' END
                   AS payment_state
          FROM bench_i
        UNION ALL
        SELECT p1_move, 'BRCT/' || p1_move, %(bank_journal)s, 'entry', p1_date, NULL, NULL, partner_id, NULL, NULL,
               NULL, p1_amount, 0, 'not_paid' FROM bench_i WHERE p1_move IS NOT NULL
        UNION ALL
        SELECT p2_move, 'BRCT/' || p2_move, %(bank_journal)s, 'entry', p2_date, NULL, NULL, partner_id, NULL, NULL,
               NULL, amount - p1_amount, 0, 'not_paid' FROM bench_i WHERE p2_move IS NOT NULL
        UNION ALL
        SELECT move_id, 'BRCT/' || move_id, %(bank_journal)s, 'entry', date, NULL, NULL, partner_id, NULL, NULL,
               NULL, amount, 0, 'not_paid' FROM bench_r;

        CREATE TEMP TABLE bench_l ON COMMIT DROP AS
        -- invoice: receivable item (debit) and income line
        SELECT rec_id AS id, move_id, %(sale_journal)s AS journal_id, %(receivable)s AS account_id,
               'payment_term' AS display_type, partner_id, inv_date AS date, inv_date AS invoice_date,
               inv_date + 30 AS date_maturity, amount AS balance,
               residual AS amount_residual, residual = 0 AS reconciled, full_id AS full_reconcile_id,
               CASE WHEN full_id IS NOT NULL THEN full_id::text WHEN p1_partial IS NOT NULL THEN 'P' || p1_partial END
                   AS matching_number, 'BINV/' || move_id AS move_name, 'BINV/' || move_id AS name
          FROM bench_i
        UNION ALL
        SELECT inc_id, move_id, %(sale_journal)s, %(income)s, 'product', partner_id, inv_date, inv_date, NULL, -amount,
               0, false, NULL, NULL, 'BINV/' || move_id, 'Goods' FROM bench_i
        -- first receipt: receivable item (credit, fully applied) and bank line
        UNION ALL
        SELECT p1_rec, p1_move, %(bank_journal)s, %(receivable)s, 'product', partner_id, p1_date, NULL, p1_date,
               -p1_amount, 0, true, full_id, COALESCE(full_id::text, 'P' || p1_partial), 'BRCT/' || p1_move, 'Receipt'
          FROM bench_i WHERE p1_move IS NOT NULL
        UNION ALL
        SELECT p1_bank, p1_move, %(bank_journal)s, %(bank)s, 'product', partner_id, p1_date, NULL, p1_date, p1_amount,
               0, false, NULL, NULL, 'BRCT/' || p1_move, 'Receipt' FROM bench_i WHERE p1_move IS NOT NULL
        -- second receipt (the rest)
        UNION ALL
        SELECT p2_rec, p2_move, %(bank_journal)s, %(receivable)s, 'product', partner_id, p2_date, NULL, p2_date,
               -(amount - p1_amount), 0, true, full_id, full_id::text, 'BRCT/' || p2_move, 'Receipt'
          FROM bench_i WHERE p2_move IS NOT NULL
        UNION ALL
        SELECT p2_bank, p2_move, %(bank_journal)s, %(bank)s, 'product', partner_id, p2_date, NULL, p2_date,
               amount - p1_amount, 0, false, NULL, NULL, 'BRCT/' || p2_move, 'Receipt'
          FROM bench_i WHERE p2_move IS NOT NULL
        -- unapplied receipts: open credit items
        UNION ALL
        SELECT rec_id, move_id, %(bank_journal)s, %(receivable)s, 'product', partner_id, date, NULL, date, -amount,
               -amount, false, NULL, NULL, 'BRCT/' || move_id, 'Receipt on account' FROM bench_r
        UNION ALL
        SELECT bank_id, move_id, %(bank_journal)s, %(bank)s, 'product', partner_id, date, NULL, date, amount,
               0, false, NULL, NULL, 'BRCT/' || move_id, 'Receipt on account' FROM bench_r;
        """,
        params,
    )
    cr.execute("ALTER TABLE account_move_line DISABLE TRIGGER sdm_credit_aml")
    cr.execute(
        """
        INSERT INTO account_move (id, name, journal_id, company_id, currency_id, state, move_type, auto_post, date,
                                  invoice_date, invoice_date_due, partner_id, commercial_partner_id, invoice_user_id,
                                  team_id, sdm_region_id, sequence_prefix, sequence_number, amount_untaxed, amount_tax,
                                  amount_total, amount_residual, amount_untaxed_signed,
                                  amount_untaxed_in_currency_signed, amount_tax_signed, amount_total_signed,
                                  amount_total_in_currency_signed, amount_residual_signed, payment_state,
                                  invoice_currency_rate, invoice_partner_display_name, posted_before, checked,
                                  is_storno, always_tax_exigible, made_sequence_gap, is_manually_modified, is_move_sent,
                                  create_uid, write_uid, create_date, write_date)
        SELECT m.id, m.name, m.journal_id, %(company)s, %(currency)s, 'posted', m.move_type, 'no', m.date,
               m.invoice_date, m.due, m.partner_id, m.partner_id, m.user_id, m.team_id, m.sdm_region_id,
               split_part(m.name, '/', 1) || '/', m.id, m.amount, 0, m.amount, m.residual, m.amount, m.amount, 0,
               m.amount, m.amount, m.residual, m.payment_state, 1, p.name, true, true, false, false, false, false,
               false, %(admin)s, %(admin)s, now(), now()
          FROM bench_m m JOIN res_partner p ON p.id = m.partner_id;
        INSERT INTO account_full_reconcile (id, create_uid, write_uid, create_date, write_date)
        SELECT full_id, %(admin)s, %(admin)s, now(), now() FROM bench_i WHERE full_id IS NOT NULL;
        INSERT INTO account_move_line (id, move_id, journal_id, company_id, company_currency_id, currency_id,
                                       account_id, partner_id, move_name, parent_state, name, display_type, date,
                                       invoice_date, date_maturity, debit, credit, balance, amount_currency,
                                       amount_residual, amount_residual_currency, reconciled, full_reconcile_id,
                                       matching_number, sequence, quantity, price_unit, price_subtotal, price_total,
                                       discount, tax_tag_invert, create_uid, write_uid, create_date, write_date)
        SELECT l.id, l.move_id, l.journal_id, %(company)s, %(currency)s, %(currency)s, l.account_id, l.partner_id,
               l.move_name, 'posted', l.name, l.display_type, l.date, l.invoice_date, l.date_maturity,
               GREATEST(l.balance, 0), GREATEST(-l.balance, 0), l.balance, l.balance, l.amount_residual,
               l.amount_residual, l.reconciled, l.full_reconcile_id, l.matching_number, 10,
               CASE WHEN l.name = 'Goods' THEN 1 END, CASE WHEN l.name = 'Goods' THEN -l.balance END,
               CASE WHEN l.name = 'Goods' THEN -l.balance END, CASE WHEN l.name = 'Goods' THEN -l.balance END, 0,
               l.name = 'Goods', %(admin)s, %(admin)s, now(), now()
          FROM bench_l l;
        INSERT INTO account_partial_reconcile (id, debit_move_id, credit_move_id, full_reconcile_id, debit_currency_id,
                                               credit_currency_id, company_id, max_date, amount, debit_amount_currency,
                                               credit_amount_currency, create_uid, write_uid, create_date, write_date)
        SELECT p1_partial, rec_id, p1_rec, full_id, %(currency)s, %(currency)s, %(company)s,
               GREATEST(inv_date, p1_date), p1_amount, p1_amount, p1_amount, %(admin)s, %(admin)s, now(), now()
          FROM bench_i WHERE p1_partial IS NOT NULL
        UNION ALL
        SELECT p2_partial, rec_id, p2_rec, full_id, %(currency)s, %(currency)s, %(company)s,
               GREATEST(inv_date, p2_date), amount - p1_amount, amount - p1_amount, amount - p1_amount,
               %(admin)s, %(admin)s, now(), now()
          FROM bench_i WHERE p2_partial IS NOT NULL;
        """,
        params,
    )
    cr.execute("ALTER TABLE account_move_line ENABLE TRIGGER sdm_credit_aml")
    env["sdm.credit.bucket"]._sdm_rebuild()
    cr.execute("SELECT count(*) FROM bench_i")
    invoices = cr.fetchone()[0]
    cr.commit()
    for table in ("res_partner", "account_move", "account_move_line", "account_partial_reconcile"):
        cr.execute(f"ANALYZE {table}")
    cr.commit()
    return {"invoices": invoices, "seconds": round(time.perf_counter() - started, 1)}


def volume(cr, company_id):
    cr.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE aml.amount_residual <> 0), count(DISTINCT aml.partner_id),
               (SELECT count(*) FROM account_partial_reconcile WHERE company_id = %(company)s), max(aml.date)
          FROM account_move_line aml JOIN account_account a ON a.id = aml.account_id
         WHERE a.account_type = 'asset_receivable' AND aml.parent_state = 'posted' AND aml.company_id = %(company)s
        """,
        {"company": company_id},
    )
    items, open_today, customers, partials, last = cr.fetchone()
    return {"items": items, "open_today": open_today, "customers": customers, "partials": partials, "last": last}


# --------------------------------------------------------------------------- the two peers
LEVELS = ("sdm_region_id", "team_id", "user_id", "partner_id")


def user_env(registry_cr):
    env = api.Environment(registry_cr, SUPERUSER_ID, {})
    admin = env.ref("base.user_admin")
    return api.Environment(registry_cr, admin.id, admin.context_get())


def sdm_lines(env, as_of, company):
    return env["sdm.aging.line"].with_context(
        sdm_as_of=odoo.fields.Date.to_string(as_of), allowed_company_ids=[company.id]
    )


def sdm_read_group(env, as_of, company):
    return sdm_lines(env, as_of, company).read_group(
        [], ["amount_residual:sum", "amount_overdue:sum"], [*LEVELS, "bucket_id"], lazy=False
    )


def sdm_xlsx_rows(env, as_of, company):
    return env["sdm.aging.report"]._sdm_xlsx_rows(as_of, company)


def sdm_items(env, as_of, company):
    # jit off as the model's own reads (search_fetch, _read_group) set it.
    env["sdm.aging.line"]._sdm_without_jit()
    env.cr.execute(sdm_lines(env, as_of, company)._sdm_aging_query(as_of, [company.id]))
    return env.cr.fetchall()


def oca_wizard(env, as_of, company, details):
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.ids)]
    )
    return env["aged.partner.balance.report.wizard"].create(
        {
            "date_at": as_of,
            "company_id": company.id,
            "target_move": "posted",
            "account_ids": [(6, 0, receivable.ids)],
            "receivable_accounts_only": True,
            "show_move_line_details": details,
        }
    )


def oca_report(env, wizard):
    """What OCA's report action computes (HTML, PDF and XLSX all call ``_get_report_values``)."""
    data = wizard._prepare_report_data()
    data["date_at"] = odoo.fields.Date.to_string(data["date_at"])  # as it comes back from the client
    return env["report.account_financial_report.aged_partner_balance"]._get_report_values(wizard.ids, data)


def new_transaction(env, jit):
    """What a new request's transaction starts with: SDM's reads set ``jit = off`` for the rest of their
    transaction (``SET LOCAL``); the bench runs every peer in one transaction, so each run starts again from the
    server's setting (``jit``: 'on' by default, 'off' for ``--jit-test``)."""
    env.cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))


def timed(env, func, reps, peak=True, jit="on"):
    """Warm-up, then ``reps`` timed runs from a cold ORM cache; one more under tracemalloc for the peak."""
    times, queries = [], []
    result = None
    for run in range(reps + 1):
        env.invalidate_all()
        new_transaction(env, jit)
        count = env.cr.sql_log_count
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
        if run:
            times.append(elapsed)
            queries.append(env.cr.sql_log_count - count)
    peak_mib = None
    if peak:
        env.invalidate_all()
        new_transaction(env, jit)
        tracemalloc.start()
        func()
        peak_mib = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    return result, {
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "runs_s": [round(t, 3) for t in times],
        "queries": queries[-1],
        "peak_mib": peak_mib,
    }


# --------------------------------------------------------------------------- checks
def orm_check(env, sample=1000):
    """Recompute with the ORM what the load wrote by SQL, on a sample of receivable items and their documents:
    the fields the two reports read must come out the same (rolled back)."""
    cr = env.cr
    cr.execute(
        """SELECT aml.id FROM account_move_line aml JOIN account_account a ON a.id = aml.account_id
            WHERE a.account_type = 'asset_receivable' AND aml.move_name LIKE 'B%%/%%'
            ORDER BY md5(aml.id::text) LIMIT %s""",
        [sample],
    )
    lines = env["account.move.line"].browse(row[0] for row in cr.fetchall())
    moves = lines.move_id
    partials = lines.matched_debit_ids | lines.matched_credit_ids
    differences = recompute_differences(
        env,
        [
            (lines, ["amount_residual", "amount_residual_currency", "reconciled"]),
            (moves, ["amount_total", "amount_residual", "amount_total_signed", "commercial_partner_id"]),
            (partials, ["max_date"]),
        ],
    )
    return {
        "lines": len(lines),
        "moves": len(moves),
        "partials": len(partials),
        "differences": differences,
    }


def coarse_bucket(days):
    return next(label for label, start in reversed(COARSE) if max(days, 0) >= start)


def plain_sql_by_customer(cr, as_of, company_id):
    """Each customer's open amount on ``as_of`` from balances and reconciliation dates alone."""
    cr.execute(
        """
        SELECT p.name, SUM(aml.balance - COALESCE(d.amount, 0) + COALESCE(c.amount, 0))
          FROM account_move_line aml
          JOIN account_account a ON a.id = aml.account_id AND a.account_type = 'asset_receivable'
          JOIN res_partner p ON p.id = aml.partner_id
          LEFT JOIN (SELECT debit_move_id AS id, SUM(amount) AS amount FROM account_partial_reconcile
                      WHERE max_date <= %(as_of)s GROUP BY 1) d ON d.id = aml.id
          LEFT JOIN (SELECT credit_move_id AS id, SUM(amount) AS amount FROM account_partial_reconcile
                      WHERE max_date <= %(as_of)s GROUP BY 1) c ON c.id = aml.id
         WHERE aml.parent_state = 'posted' AND aml.date <= %(as_of)s AND aml.company_id = %(company)s
         GROUP BY p.name
        """,
        {"as_of": as_of, "company": company_id},
    )
    return {name: float(amount) for name, amount in cr.fetchall()}


def compare(env, as_of, company, groups, sdm_rows, oca_summary, oca_items):
    """Totals and per-customer open amounts of SDM, OCA and plain SQL; coarse bucket totals of SDM and OCA."""
    buckets = {b.id: b.days_from for b in env["sdm.aging.bucket"].search([("company_id", "=", company.id)])}
    sdm_by_customer, sdm_coarse = {}, dict.fromkeys([label for label, _ in COARSE], 0.0)
    for group in groups:
        name = group["partner_id"][1]
        sdm_by_customer[name] = sdm_by_customer.get(name, 0.0) + group["amount_residual"]
        sdm_coarse[coarse_bucket(buckets[group["bucket_id"][0]])] += group["amount_residual"]
    oca_by_customer, oca_coarse = {}, dict.fromkeys([label for label, _ in COARSE], 0.0)
    for account in oca_summary["aged_partner_balance"]:
        for partner in account["partners"]:
            oca_by_customer[partner["name"]] = oca_by_customer.get(partner["name"], 0.0) + partner["residual"]
        oca_coarse["not due"] += account["current"]
        oca_coarse["1-30"] += account["30_days"]
        oca_coarse["31-60"] += account["60_days"]
        oca_coarse["61-90"] += account["90_days"]
        oca_coarse["over 90"] += account["120_days"] + account["older"]
    sql_by_customer = plain_sql_by_customer(env.cr, as_of, company.id)
    sql_by_customer = {k: v for k, v in sql_by_customer.items() if abs(v) >= 0.005}

    def mismatches(left, right):
        return sorted(k for k in set(left) | set(right) if abs(left.get(k, 0.0) - right.get(k, 0.0)) >= 0.005)

    oca_item_count = sum(
        len(partner["move_lines"]) for account in oca_items["aged_partner_balance"] for partner in account["partners"]
    )
    checks = {
        "total_sdm": round(sum(sdm_by_customer.values()), 2),
        "total_oca": round(sum(oca_by_customer.values()), 2),
        "total_sql": round(sum(sql_by_customer.values()), 2),
        "customers_open": len(sql_by_customer),
        "customers_sdm_vs_sql_mismatch": mismatches(sdm_by_customer, sql_by_customer)[:5],
        "customers_oca_vs_sql_mismatch": mismatches(oca_by_customer, sql_by_customer)[:5],
        "coarse_sdm": {k: round(v, 2) for k, v in sdm_coarse.items()},
        "coarse_oca": {k: round(v, 2) for k, v in oca_coarse.items()},
        "items_sdm": len(sdm_rows),
        "items_oca": oca_item_count,
        "xlsx_customers": None,
    }
    checks["ok"] = (
        abs(checks["total_sdm"] - checks["total_sql"]) < 0.01
        and abs(checks["total_oca"] - checks["total_sql"]) < 0.01
        and not checks["customers_sdm_vs_sql_mismatch"]
        and not checks["customers_oca_vs_sql_mismatch"]
        and all(abs(sdm_coarse[k] - oca_coarse[k]) < 0.01 for k in sdm_coarse)
        and checks["items_sdm"] == checks["items_oca"]
    )
    return checks


# --------------------------------------------------------------------------- measurements
PEERS = ("sdm_read_group", "sdm_xlsx_rows", "sdm_items", "oca_summary", "oca_items")


def measure_all(env, as_of, company, reps, oca_reps, peak=True, jit="on"):
    wizards = {details: oca_wizard(env, as_of, company, details) for details in (False, True)}
    funcs = {
        "sdm_read_group": (lambda: sdm_read_group(env, as_of, company), reps),
        "sdm_xlsx_rows": (lambda: sdm_xlsx_rows(env, as_of, company), reps),
        "sdm_items": (lambda: sdm_items(env, as_of, company), reps),
        "oca_summary": (lambda: oca_report(env, wizards[False]), oca_reps),
        "oca_items": (lambda: oca_report(env, wizards[True]), oca_reps),
    }
    results, outputs = {}, {}
    for name, (func, n) in funcs.items():
        outputs[name], results[name] = timed(env, func, n, peak, jit)
        log(
            f"  {name}: median {results[name]['median_s']} s {results[name]['runs_s']}, "
            f"{results[name]['queries']} queries, peak {results[name]['peak_mib']} MiB"
        )
    return results, outputs


def capture_sql(env, func):
    """The SQL statements ``func`` runs (with their parameters), for EXPLAIN."""
    cr = env.cr
    statements = []
    execute = cr.execute

    def spy(query, params=None, log_exceptions=True):
        code, args = (query.code, query.params) if isinstance(query, SQL) else (query, params)
        statements.append(cr._obj.mogrify(code, args).decode())
        return execute(query, params, log_exceptions)

    cr.execute = spy
    try:
        func()
    finally:
        del cr.execute
    return statements


def explain(env, as_of, company):
    statements = capture_sql(env, lambda: sdm_read_group(env, as_of, company))
    grouped = next(s for s in statements if "sdm_aging_bucket" in s and "GROUP BY" in s)
    env.cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + grouped)
    return grouped, [row[0] for row in env.cr.fetchall()]


# --------------------------------------------------------------------------- main
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True, help="odoo.conf whose addons_path includes the OCA addons")
    parser.add_argument("--sizes", default="100000,1000000", help="receivable items after each step")
    parser.add_argument("--reps", type=int, default=5, help="timed runs per SDM figure (median)")
    parser.add_argument("--oca-reps", type=int, default=3, help="timed runs per OCA figure (median)")
    parser.add_argument("--as-of", help="as-of date (default: 6 months before the last receivable item)")
    parser.add_argument("--db", default="sdm_bench_aging", help="database (name must start with sdm_bench_aging)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument("--no-index-test", action="store_true", help="skip the max_date index measurement")
    parser.add_argument("--jit-test", action="store_true", help="at the largest size, measure again with jit off")
    parser.add_argument(
        "--experiments-only", action="store_true", help="skip the main measurements (index / JIT tests only)"
    )
    parser.add_argument("--no-peak", action="store_true", help="skip the runs under tracemalloc (Python peak)")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",") if s]
    if not args.db.startswith("sdm_bench_aging"):
        parser.error("--db must start with sdm_bench_aging")
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"], setup_logging=True)
    if not odoo.modules.module.get_module_path("account_financial_report", display_warning=False):
        parser.error("account_financial_report is not in the addons_path of %s" % args.conf)
    total = time.perf_counter()
    install_s = ensure_database(args.conf, args.db, MODULES, args.fresh)
    registry = odoo.modules.registry.Registry(args.db)
    steps = []
    with registry.cursor() as cr:
        senv = api.Environment(cr, SUPERUSER_ID, SETUP_CTX)
        users = ensure_organisation(senv)
        company = senv.company
        for size in args.sizes:
            want = size // ITEMS_PER_CUSTOMER
            have = loaded_customers(cr)
            load_info = None
            if have < want:
                log(f"loading customers {have + 1}..{want}")
                load_info = load(senv, users, have + 1, want, seed=(want % 997) / 1000)
                log(f"  loaded {load_info}")
            elif have > want:
                log(f"{have} customers already loaded: size {size} skipped (use --fresh)")
                continue
            vol = volume(cr, company.id)
            as_of = odoo.fields.Date.to_date(args.as_of) if args.as_of else vol["last"] - relativedelta(months=6)
            log(f"size {size}: {vol}, as of {as_of}")
            env = user_env(cr)
            company_u = env["res.company"].browse(company.id)
            if args.experiments_only:
                steps.append({"size": size, "as_of": as_of, "volume": vol, "load": load_info, "results": None})
                continue
            orm = orm_check(senv) if not steps else None
            if orm:
                log(f"  ORM recomputation of a sample: {json.dumps(orm, default=str)}")
            results, outputs = measure_all(env, as_of, company_u, args.reps, args.oca_reps, not args.no_peak)
            checks = compare(
                env,
                as_of,
                company_u,
                outputs["sdm_read_group"],
                outputs["sdm_items"],
                outputs["oca_summary"],
                outputs["oca_items"],
            )
            checks["xlsx_customers"] = len(outputs["sdm_xlsx_rows"])
            log(f"  checks: {json.dumps(checks, default=str)}")
            step = {
                "size": size,
                "as_of": as_of,
                "volume": vol,
                "load": load_info,
                "orm_check": orm,
                "results": results,
                "checks": checks,
            }
            steps.append(step)
            cr.rollback()  # the OCA wizards
        last = steps[-1] if steps else None
        if last:
            env = user_env(cr)
            company_u = env["res.company"].browse(company.id)
            query, plan = explain(env, last["as_of"], company_u)
            last["explain_query"] = query
            last["explain"] = plan
            log("EXPLAIN (ANALYZE, BUFFERS):\n" + "\n".join(plan))
            if not args.no_index_test:
                cr.execute("CREATE INDEX sdm_bench_aging_apr_max_date ON account_partial_reconcile (max_date)")
                cr.execute("ANALYZE account_partial_reconcile")
                results, _outputs = measure_all(env, last["as_of"], company_u, args.reps, 1, peak=False)
                last["with_max_date_index"] = results
                _q, plan = explain(env, last["as_of"], company_u)
                last["explain_with_index"] = plan
                log("EXPLAIN with the max_date index:\n" + "\n".join(plan))
                cr.rollback()  # drops the index
            if args.jit_test:
                cr.execute("SET jit = off")
                results, _outputs = measure_all(env, last["as_of"], company_u, args.reps, 1, peak=False, jit="off")
                last["with_jit_off"] = results
                _q, plan = explain(env, last["as_of"], company_u)
                last["explain_with_jit_off"] = plan
                log("EXPLAIN with jit off:\n" + "\n".join(plan))
                cr.execute("RESET jit")
                cr.rollback()
    meta = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "odoo": odoo.release.version,
        "oca": {
            name: odoo.modules.module.load_manifest(name).get("version")
            for name in ("account_financial_report", "date_range", "report_xlsx")
        },
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "reps": args.reps,
        "oca_reps": args.oca_reps,
        "db": args.db,
        "install_s": round(install_s, 1),
        "total_s": round(time.perf_counter() - total, 1),
        "odoo_src": ODOO_SRC,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"meta": meta, "steps": steps}, indent=2, default=str) + "\n")
    log(f"written {output} (total {meta['total_s']} s)")
    print_table(steps, meta)
    return 0 if all(step.get("checks", {}).get("ok", True) for step in steps) else 1


def print_table(steps, meta):
    print()
    print(
        f"Aged receivables as of a past date, SDM vs OCA account_financial_report (median of {meta['reps']} SDM / "
        f"{meta['oca_reps']} OCA runs; load {meta['loadavg']})"
    )
    head = f"{'items':>10} {'customers':>9} {'as of':>10} " + "".join(f"{p:>15}" for p in PEERS)
    head += f"{'RG/OCA':>8} {'items/OCA':>10}"
    print(head)
    print("-" * len(head))
    variants = (("with_max_date_index", "+ max_date index"), ("with_jit_off", "+ jit off"))
    for step in steps:
        prefix = f"{step['volume']['items']:>10,} {step['volume']['customers']:>9,} {step['as_of']!s:>10}"
        res = step["results"]
        if res:
            cells = "".join(f"{res[p]['median_s']:>14.2f}s" for p in PEERS)
            rg = res["sdm_read_group"]["median_s"] / res["oca_summary"]["median_s"]
            it = res["sdm_items"]["median_s"] / res["oca_items"]["median_s"]
            print(f"{prefix} {cells}{rg:>7.2f}x {it:>9.2f}x")
        else:
            print(f"{prefix} (main measurements skipped)")
        for key, label in variants:
            if key not in step:
                continue
            res = step[key]
            cells = "".join(f"{res[p]['median_s']:>14.2f}s" for p in PEERS)
            rg = res["sdm_read_group"]["median_s"] / res["oca_summary"]["median_s"]
            it = res["sdm_items"]["median_s"] / res["oca_items"]["median_s"]
            print(f"{label:>31} {cells}{rg:>7.2f}x {it:>9.2f}x")
    steps = [step for step in steps if step["results"]]
    if len(steps) > 1:
        first, last = steps[0], steps[-1]
        factor = last["volume"]["items"] / first["volume"]["items"]
        growth = "  ".join(
            f"{p} {last['results'][p]['median_s'] / first['results'][p]['median_s']:.1f}x" for p in PEERS
        )
        print(f"\nGrowth for {factor:.1f}x the items: {growth}")
    for step in steps:
        c = step["checks"]
        print(
            f"\n{step['volume']['items']:,} items: checks {'OK' if c['ok'] else 'FAILED'}: totals SDM "
            f"{c['total_sdm']:,.2f} / OCA {c['total_oca']:,.2f} / SQL {c['total_sql']:,.2f}; "
            f"{c['customers_open']:,} customers; items SDM {c['items_sdm']:,} / OCA {c['items_oca']:,}; "
            f"buckets SDM {c['coarse_sdm']} OCA {c['coarse_oca']}"
        )


if __name__ == "__main__":
    sys.exit(main())
