"""Run in its own process by test_zz_uninstall.py: make an order and an invoice with the SDM addons
installed, uninstall the addons in reverse dependency order, then use those documents again.

Prints one JSON object with what it saw; exits non-zero on any error."""

import json
import sys

import odoo
from odoo import Command

UNINSTALL_ORDER = ["sdm_crm_scoring", "sdm_planning", "sdm_finance", "sdm_sales"]


def _env(cr):
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})


def make_documents(db):
    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = _env(cr)
        region = env["sdm.region"].create({"name": "Uninstall Region"})
        team = env["crm.team"].create({"name": "Uninstall Branch", "sdm_region_id": region.id})
        partner = env["res.partner"].create(
            {"name": "Uninstall Customer", "is_company": True, "sdm_branch_id": team.id}
        )
        product = env["product.product"].create(
            {"name": "Uninstall Product", "type": "consu", "invoice_policy": "order"}
        )
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2, "price_unit": 50})],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        assert order.sdm_region_id == region and invoice.sdm_region_id == region
        return {"order": order.id, "invoice": invoice.id, "partner": partner.id, "product": product.id}


def uninstall(db):
    states = {}
    for name in UNINSTALL_ORDER:
        with odoo.modules.registry.Registry(db).cursor() as cr:
            module = _env(cr)["ir.module.module"].search([("name", "=", name)])
            module.button_immediate_uninstall()
        with odoo.modules.registry.Registry(db).cursor() as cr:
            states[name] = _env(cr)["ir.module.module"].search([("name", "=", name)]).state
    return states


def use_documents(db, ids):
    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = _env(cr)
        order = env["sale.order"].browse(ids["order"])
        invoice = env["account.move"].browse(ids["invoice"])
        result = {
            "models_left": [m for m in ("sdm.region", "sdm.platform.type") if m in env],
            "order_fields_left": [f for f in order._fields if f.startswith("sdm_")],
            "order_state": order.state,
            "order_amount": order.amount_untaxed,
            "invoice_state": invoice.state,
        }
        payment = (
            env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
            ._create_payments()
        )
        result["invoice_payment_state"] = invoice.payment_state
        result["payment_state"] = payment.state
        new_order = env["sale.order"].create(
            {
                "partner_id": ids["partner"],
                "order_line": [Command.create({"product_id": ids["product"], "product_uom_qty": 1, "price_unit": 30})],
            }
        )
        new_order.action_confirm()
        new_invoice = new_order._create_invoices()
        new_invoice.action_post()
        result["new_order_state"] = new_order.state
        result["new_invoice_state"] = new_invoice.state
        result["new_invoice_amount"] = new_invoice.amount_untaxed
        cr.execute(
            "SELECT count(*) FROM information_schema.columns"
            " WHERE table_name IN ('sale_order', 'account_move', 'res_partner', 'crm_team')"
            " AND column_name LIKE 'sdm\\_%%'"
        )
        result["sdm_columns_left"] = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'sdm\\_%%'")
        result["sdm_triggers_left"] = cr.fetchone()[0]
        cr.execute("SELECT to_regclass('sdm_credit_bucket') IS NOT NULL")
        result["sdm_tables_left"] = cr.fetchone()[0]
        return result


def main(conf, db):
    odoo.tools.config.parse_config(["-c", conf, "--log-level=warn", "--max-cron-threads=0"])
    ids = make_documents(db)
    states = uninstall(db)
    result = use_documents(db, ids)
    result["uninstalled"] = states
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
