"""Build the load-test database: the four SDM addons, 1,000 customers, 50 salespeople with logins and a year of
history (posted invoices, part of them paid), through Odoo's own flows (ORM), then credit limits set near each
customer's open exposure so that the load test's orders sometimes pass, sometimes block and sometimes wait for a
credit approval.

Run by bench/load/run.sh (python of the project venv)::

    python bench/load/build_db.py --conf .local/odoo.conf --db sdm_load_base [--customers 1000] [--salespeople 50]

The database is created (``-i`` the SDM addons, no demo data) when missing; an existing one with the
``sdm_load_built`` parameter is kept as it is. Every salesperson's login and password is ``salesNN``.
"""

import argparse
import datetime
import os
import random
import subprocess
import sys
import time

ODOO_SRC = os.environ.get("ODOO_SRC", "/opt/odoo/18.0")
sys.path.insert(0, ODOO_SRC)

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402
from odoo.fields import Command  # noqa: E402

MODULES = "sdm_sales,sdm_finance,sdm_planning,sdm_crm_scoring"
CTX = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True, "mail_notrack": True}
PRICES = [50.0, 80.0, 120.0, 200.0, 350.0]


def log(msg):
    print(f"[build {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def install(conf, db):
    cmd = [sys.executable, os.path.join(ODOO_SRC, "odoo-bin"), "-c", conf, "-d", db, "-i", MODULES]
    cmd += ["--without-demo=all", "--stop-after-init", "--log-level=warn", "--max-cron-threads=0", "--workers=0"]
    log(f"installing {MODULES} in {db}")
    subprocess.run(cmd, check=True)


def build(env, n_customers, n_sales, invoices_per_customer):
    rng = random.Random(19)
    company = env.company
    today = datetime.date.today()
    # Company settings of the SDM run (run.sh switches them off for the stock baseline).
    company.write({"sdm_credit_mode": "block", "sdm_credit_check_sale": True, "sdm_writeoff_on_receipt": "none"})
    products = env["product.product"].create(
        [
            {"name": f"Load Product {i}", "type": "consu", "list_price": price, "taxes_id": [Command.clear()]}
            for i, price in enumerate(PRICES)
        ]
    )
    groups = [
        env.ref("sdm_sales.group_sdm_user").id,
        env.ref("stock.group_stock_user").id,
        env.ref("account.group_account_invoice").id,
    ]
    started = time.monotonic()
    users = env["res.users"].create(
        [
            {
                "name": f"Salesperson {i:02d}",
                "login": f"sales{i:02d}",
                "password": f"sales{i:02d}",
                "email": f"sales{i:02d}@load.example.com",  # the chatter needs an author's address
                "lang": "en_US",  # the load test reads the credit messages in English
                "groups_id": [Command.set(groups)],
            }
            for i in range(1, n_sales + 1)
        ]
    )
    log(f"{len(users)} salespeople in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    partners = env["res.partner"].create(
        [
            {"name": f"Load Customer {i:04d}", "is_company": True, "user_id": users[i % n_sales].id}
            for i in range(n_customers)
        ]
    )
    log(f"{len(partners)} customers in {time.monotonic() - started:.0f} s")
    # A year of history: invoices spread over the last 365 days, due in 30 days; the older half paid.
    started = time.monotonic()
    journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
    batch = []
    for partner in partners:
        for _ in range(invoices_per_customer):
            day = today - datetime.timedelta(days=rng.randint(1, 365))
            batch.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": day,
                    "invoice_date_due": day + datetime.timedelta(days=30),
                    "invoice_user_id": partner.user_id.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": rng.choice(products).id,
                                "quantity": rng.randint(1, 5),
                            }
                        )
                    ],
                }
            )
    invoices = env["account.move"]
    for i in range(0, len(batch), 500):
        chunk = env["account.move"].create(batch[i : i + 500])
        chunk.action_post()
        invoices |= chunk
        env.cr.commit()
    log(f"{len(invoices)} posted invoices in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    old = invoices.filtered(lambda m: m.invoice_date < today - datetime.timedelta(days=180))
    for i in range(0, len(old), 500):
        chunk = old[i : i + 500]
        payments = env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": inv.partner_id.id,
                    "amount": inv.amount_total,
                    "date": inv.invoice_date + datetime.timedelta(days=20),
                    "journal_id": journal.id,
                }
                for inv in chunk
            ]
        )
        payments.action_post()
        for inv, pay in zip(chunk, payments, strict=True):
            lines = (inv.line_ids | pay.move_id.line_ids).filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
            )
            lines.reconcile()
        env.cr.commit()
    log(f"{len(old)} invoices paid in {time.monotonic() - started:.0f} s")
    # Credit limits near the open exposure: orders of 50-5,250 sometimes pass, sometimes not. One customer in five
    # waits for a credit approval instead of being blocked.
    env.invalidate_all()
    open_by_partner = dict(
        env["account.move"]._read_group(
            [("move_type", "=", "out_invoice"), ("state", "=", "posted"), ("payment_state", "!=", "paid")],
            ["partner_id"],
            ["amount_residual:sum"],
        )
    )
    for i, partner in enumerate(partners):
        exposure = open_by_partner.get(partner, 0.0)
        partner.with_company(company).write(
            {
                "sdm_credit_limit": round(exposure + rng.uniform(800, 6000), -1),
                "sdm_credit_mode": "approval" if i % 5 == 0 else False,
                # one customer in ten is held by its overdue invoices; the others only by their limit
                "sdm_credit_overdue_days": 0 if i % 10 == 3 else 400,
            }
        )
    # A sales plan of the year, so the achievement refresh cron has work.
    plan = env["sdm.sales.plan"].create({"year": today.year})
    plan.action_build_nodes()
    env["ir.config_parameter"].set_param("sdm_load_built", f"{n_customers},{n_sales},{invoices_per_customer}")
    env.cr.commit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--salespeople", type=int, default=50)
    parser.add_argument("--invoices-per-customer", type=int, default=3)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.conf])
    if args.db not in odoo.service.db.list_dbs(force=True):
        install(args.conf, args.db)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CTX)
        if env["ir.config_parameter"].get_param("sdm_load_built"):
            log(f"{args.db} already built ({env['ir.config_parameter'].get_param('sdm_load_built')})")
            return
        started = time.monotonic()
        build(env, args.customers, args.salespeople, args.invoices_per_customer)
        log(f"built {args.db} in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
