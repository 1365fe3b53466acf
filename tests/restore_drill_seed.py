"""Run in its own process by test_zy_restore_drill.py (a registry loaded in the test process would run the
addons' tests). ``seed``: commit SDM data into the database — a customer with a credit limit, its posted invoice,
a stored file — and print {"residual": open amount} as JSON. ``unseed``: cancel the invoices it posted, archive
its customers and delete its files, so the rest of the run sees no open receivable of it."""

import datetime
import json
import sys

import odoo
from odoo import Command

PREFIX = "演练客户 Drill"


def seed(env, name):
    customer = env["res.partner"].create({"name": f"{PREFIX} {name}", "is_company": True, "sdm_credit_limit": 50000.0})
    product = env["product.product"].create({"name": f"{PREFIX} valve", "type": "consu", "list_price": 1200.0})
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_date": datetime.date.today(),
            "invoice_line_ids": [
                Command.create(
                    {"product_id": product.id, "quantity": 3, "price_unit": 1200.0, "tax_ids": [Command.clear()]}
                )
            ],
        }
    )
    invoice.action_post()
    env["ir.attachment"].create(
        {"name": "contract.txt", "raw": "经销合同 2026".encode(), "res_model": "res.partner", "res_id": customer.id}
    )
    return {"residual": invoice.amount_residual}


def unseed(env):
    customers = env["res.partner"].search([("name", "=like", f"{PREFIX}%")])
    invoices = env["account.move"].search([("partner_id", "in", customers.ids), ("state", "=", "posted")])
    invoices.button_draft()
    invoices.button_cancel()
    env["ir.attachment"].search([("res_model", "=", "res.partner"), ("res_id", "in", customers.ids)]).unlink()
    customers.action_archive()
    return {"customers": len(customers), "invoices": len(invoices)}


def main(conf, db, action, name="A"):
    odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])
    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        result = seed(env, name) if action == "seed" else unseed(env)
    print(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:5])
