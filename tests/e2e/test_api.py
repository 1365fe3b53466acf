"""Flows 1-3 through Odoo's external API with a real client library (odoorpc, JSON-RPC) against the running
multi-worker server, each with the credentials of the person who does the step; and the access rules a
salesperson's credentials must respect."""

import datetime
import time

import odoorpc
import pytest


def rpc_error(call, *args, **kwargs):
    """Run an API call that must fail; return Odoo's exception class name and message."""
    with pytest.raises(odoorpc.error.RPCError) as caught:
        call(*args, **kwargs)
    info = caught.value.info or {}
    data = info.get("data", {})
    return data.get("name", ""), data.get("message", str(caught.value))


def _product(admin, label, price=100.0):
    return admin.create(
        "product.product",
        {"name": f"{label} {time.time_ns() % 10**8}", "list_price": price, "type": "consu", "taxes_id": [(5, 0, 0)]},
    )


def _order(rpc, customer, product, qty):
    return rpc.create(
        "sale.order",
        {"partner_id": customer, "order_line": [(0, 0, {"product_id": product, "product_uom_qty": qty})]},
    )


def _invoice(admin, customer, product, qty, price, day):
    move = admin.create(
        "account.move",
        {
            "move_type": "out_invoice",
            "partner_id": customer,
            "invoice_date": str(day),
            "invoice_line_ids": [(0, 0, {"product_id": product, "quantity": qty, "price_unit": price, "tax_ids": []})],
        },
    )
    admin.call("account.move", "action_post", [move])
    return move


def test_api_flow1_credit_approval(admin, rpc_as, world, make_customer):
    admin.write("res.company", world["company"], {"sdm_credit_check_sale": True, "sdm_credit_mode": "approval"})
    sales, sales2, credit = rpc_as("e2e.sales"), rpc_as("e2e.sales2"), rpc_as("e2e.credit")
    customer = make_customer("API Over Limit", sdm_credit_limit=500.0)
    product = _product(admin, "API Valve")

    order = _order(sales, customer, product, 10)  # 1,000.00 > 500.00
    kind, message = rpc_error(sales.call, "sale.order", "action_confirm", [order])
    assert kind == "odoo.exceptions.UserError"
    assert "Credit check for" in message and "500.00" in message and "1,000.00" in message, message

    wizard = sales.create("sdm.credit.approval.request", {"order_id": order, "reason": "API: strategic order"})
    sales.call("sdm.credit.approval.request", "action_request", [wizard])
    approval = sales.search_read("sdm.credit.approval", [("order_id", "=", order)], ["state", "requested_by_id"])
    assert [(a["state"], a["requested_by_id"][0]) for a in approval] == [("pending", sales.uid)]
    approval_id = approval[0]["id"]

    # the salesperson cannot decide, not even through the API
    kind, _message = rpc_error(sales.call, "sdm.credit.approval", "action_approve", [approval_id])
    assert kind == "odoo.exceptions.AccessError"

    # the credit controller approves
    assert approval_id in [a["id"] for a in credit.search_read("sdm.credit.approval", [("state", "=", "pending")], [])]
    decision = credit.create(
        "sdm.credit.approval.decision",
        {"approval_ids": [(6, 0, [approval_id])], "decision": "approve", "comment": "API: approved"},
    )
    credit.call("sdm.credit.approval.decision", "action_confirm", [decision])
    assert admin.read("sdm.credit.approval", approval_id, ["state"])["state"] == "approved"

    sales.call("sale.order", "action_confirm", [order])
    assert sales.read("sale.order", order, ["state"])["state"] == "sale"

    # another salesperson sees neither the customer's credit data nor the approval
    assert not sales2.search_read("res.partner", [("id", "=", customer)], ["sdm_credit_limit"])
    kind, _message = rpc_error(sales2.read, "res.partner", customer, ["sdm_credit_limit"])
    assert kind == "odoo.exceptions.AccessError"
    assert not sales2.search_read("sdm.credit.approval", [("id", "=", approval_id)], ["state"])
    kind, _message = rpc_error(sales2.read, "sale.order", order, ["amount_total"])
    assert kind == "odoo.exceptions.AccessError"
    # and a salesperson cannot raise a credit limit
    kind, _message = rpc_error(sales.write, "res.partner", customer, {"sdm_credit_limit": 999999.0})
    assert kind == "odoo.exceptions.AccessError"
    assert admin.read("res.partner", customer, ["sdm_credit_limit"])["sdm_credit_limit"] == 500.0


def test_api_flow2_price_notice(admin, rpc_as, world, make_customer):
    admin.write(
        "res.company",
        world["company"],
        {"sdm_compensation_basis": "invoiced", "sdm_compensation_settlement": "credit_note"},
    )
    manager, sales = rpc_as("e2e.manager"), rpc_as("e2e.sales")
    customer = make_customer("API Notice Customer")
    product = _product(admin, "API Pump")
    _invoice(admin, customer, product, 12, 100.0, datetime.date.today() - datetime.timedelta(days=5))

    notice = manager.create(
        "sdm.price.notice",
        {
            "scope": "customer",
            "partner_ids": [(6, 0, [customer])],
            "product_line_ids": [(0, 0, {"product_id": product, "old_price": 100.0, "new_price": 75.0})],
        },
    )
    manager.call("sdm.price.notice", "action_compute", [notice])
    computed = manager.read("sdm.price.notice", notice, ["state", "amount_total", "customer_count"])
    assert (computed["state"], computed["amount_total"], computed["customer_count"]) == ("computed", 300.0, 1)

    # a salesperson may read the notice but not approve it
    kind, _message = rpc_error(sales.call, "sdm.price.notice", "action_approve", [notice])
    assert kind == "odoo.exceptions.AccessError"

    manager.call("sdm.price.notice", "action_approve", [notice])
    manager.call("sdm.price.notice", "action_settle", [notice])
    assert manager.read("sdm.price.notice", notice, ["state"])["state"] == "settled"
    # settling twice is refused and makes no second credit note
    kind, _message = rpc_error(manager.call, "sdm.price.notice", "action_settle", [notice])
    assert kind == "odoo.exceptions.UserError"
    refunds = admin.search_read(
        "account.move", [("sdm_price_notice_id", "=", notice)], ["move_type", "state", "partner_id", "amount_untaxed"]
    )
    assert [(m["move_type"], m["state"], m["partner_id"][0], m["amount_untaxed"]) for m in refunds] == [
        ("out_refund", "posted", customer, 300.0)
    ]


def test_api_flow3_rebate(admin, rpc_as, world, make_customer):
    admin.write(
        "res.company",
        world["company"],
        {"sdm_rebate_order_cap_percent": 100.0, "sdm_rebate_settlement_mode": "balance", "sdm_credit_mode": "off"},
    )
    finance, sales, sales2 = rpc_as("e2e.finance"), rpc_as("e2e.sales"), rpc_as("e2e.sales2")
    customer = make_customer("API Rebate Customer")
    product = _product(admin, "API Motor")
    first_this = datetime.date.today().replace(day=1)
    end = first_this - datetime.timedelta(days=1)
    start = end.replace(day=1)
    _invoice(admin, customer, product, 30, 100.0, start + datetime.timedelta(days=1))  # 3,000.00

    agreement = finance.create(
        "sdm.rebate.agreement",
        {
            "title": "API rebate",
            "partner_ids": [(6, 0, [customer])],
            "date_start": str(start),
            "date_end": str(end),
            "frequency": "end",
            "settlement_mode": "balance",
            "tier_ids": [(0, 0, {"threshold": 1000.0, "rate": 2.0}), (0, 0, {"threshold": 2500.0, "rate": 4.0})],
        },
    )
    finance.call("sdm.rebate.agreement", "action_activate", [agreement])
    finance.call("sdm.rebate.agreement", "action_refresh_progress", [agreement])
    progress = finance.search_read(
        "sdm.rebate.progress", [("agreement_id", "=", agreement)], ["partner_id", "tier_threshold", "estimated_rebate"]
    )
    assert [(p["partner_id"][0], p["tier_threshold"], p["estimated_rebate"]) for p in progress] == [
        (customer, 2500.0, 120.0)
    ]
    # the salesperson follows the customer's progress; another salesperson does not see it
    assert [
        p["estimated_rebate"]
        for p in sales.search_read("sdm.rebate.progress", [("partner_id", "=", customer)], ["estimated_rebate"])
    ] == [120.0]
    assert not sales2.search_read("sdm.rebate.progress", [("partner_id", "=", customer)], ["estimated_rebate"])

    wizard = finance.create(
        "sdm.rebate.settle.wizard",
        {
            "agreement_ids": [(6, 0, [agreement])],
            "date": str(datetime.date.today()),
            "settlement_type": "final",
            "validate": True,
        },
    )
    finance.call("sdm.rebate.settle.wizard", "action_settle", [wizard])
    settlements = finance.search_read("sdm.rebate.settlement", [("agreement_id", "=", agreement)], ["state", "amount"])
    assert [(s["state"], s["amount"]) for s in settlements] == [("validated", 120.0)]

    order = _order(sales, customer, product, 5)  # 500.00
    sales.call("sale.order", "action_confirm", [order])
    confirmed = sales.read("sale.order", order, ["state", "amount_untaxed"])
    assert (confirmed["state"], confirmed["amount_untaxed"]) == ("sale", 380.0)


def test_api_scores_stay_with_the_salesperson(admin, rpc_as, world, make_customer):
    """A salesperson reads the defense scores of their own customers only."""
    sales, sales2 = rpc_as("e2e.sales"), rpc_as("e2e.sales2")
    customer = make_customer("API Scored Customer")
    template = admin.search_read("sdm.scorecard.template", [], ["id"], limit=1)
    review = sales.create("sdm.defense.review", {"partner_id": customer, "template_id": template[0]["id"]})
    assert sales.read("sdm.defense.review", review, ["partner_id"])["partner_id"][0] == customer
    assert not sales2.search_read("sdm.defense.review", [("partner_id", "=", customer)], ["score"])
    kind, _message = rpc_error(sales2.read, "sdm.defense.review", review, ["score"])
    assert kind == "odoo.exceptions.AccessError"
    kind, _message = rpc_error(sales2.write, "sdm.defense.review", review, {"review_date": "2020-01-01"})
    assert kind == "odoo.exceptions.AccessError"
