"""Flow 3: a rebate agreement (返利) reaches its second tier after last month's invoices; finance settles it into
the customer's rebate balance; the salesperson's next order takes the rebate as a deduction line."""

import datetime
import time

import pytest

INVOICED = 6000.0  # last month, untaxed
TIERS = [(1000.0, 2.0), (5000.0, 5.0)]  # threshold -> rate %
REBATE = INVOICED * 5.0 / 100  # retroactive: the whole volume at the tier reached = 300.00


def last_month():
    first_this = datetime.date.today().replace(day=1)
    end = first_this - datetime.timedelta(days=1)
    return end.replace(day=1), end


@pytest.fixture
def rebate_setup(admin, world, make_customer):
    admin.write(
        "res.company",
        world["company"],
        {"sdm_rebate_order_cap_percent": 100.0, "sdm_rebate_settlement_mode": "balance", "sdm_credit_mode": "off"},
    )
    suffix = f"{time.time_ns() % 10**8}"
    product = admin.create(
        "product.product",
        {"name": f"E2E Motor {suffix}", "list_price": 100.0, "type": "consu", "taxes_id": [(5, 0, 0)]},
    )
    customer = make_customer("Rebate Distributor")
    start, end = last_month()
    for day, amount in ((start + datetime.timedelta(days=3), 2500.0), (end - datetime.timedelta(days=3), 3500.0)):
        invoice = admin.create(
            "account.move",
            {
                "move_type": "out_invoice",
                "partner_id": customer,
                "invoice_date": str(day),
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {"product_id": product, "quantity": amount / 100, "price_unit": 100.0, "tax_ids": [(5, 0, 0)]},
                    )
                ],
            },
        )
        admin.call("account.move", "action_post", [invoice])
    return {
        "customer": customer,
        "customer_name": admin.read("res.partner", customer, ["name"])["name"],
        "product": product,
        "product_name": admin.read("product.product", product, ["name"])["name"],
        "start": start,
        "end": end,
    }


def test_flow3_rebate(ui, admin, rebate_setup):
    data = rebate_setup
    finance = ui.login("e2e.finance")
    finance.action("sdm_finance.action_sdm_rebate_agreement")
    finance.new_record()
    finance.fill("title", "E2E volume rebate")
    finance.many2many_tag("partner_ids", data["customer_name"])
    finance.fill("date_start", data["start"].strftime("%m/%d/%Y"))
    finance.fill("date_end", data["end"].strftime("%m/%d/%Y"))
    finance.select("frequency", "end")
    finance.select("settlement_mode", "balance")
    for threshold, rate in TIERS:
        finance.add_line("tier_ids", {"threshold": threshold, "rate": rate})
    finance.save()
    agreement_id = finance.record_id()
    finance.shot("agreement-draft")
    finance.button("action_activate")
    assert admin.read("sdm.rebate.agreement", agreement_id, ["state"])["state"] == "active"

    # the customer reached the 5,000 tier: progress shows it
    finance.button("action_refresh_progress")
    progress = admin.search_read(
        "sdm.rebate.progress",
        [("agreement_id", "=", agreement_id), ("partner_id", "=", data["customer"])],
        ["basis_value", "tier_threshold", "estimated_rebate"],
    )
    assert [(p["basis_value"], p["tier_threshold"], p["estimated_rebate"]) for p in progress] == [
        (INVOICED, 5000.0, REBATE)
    ]
    finance.page.get_by_role("tab", name="Progress").click()
    shown = finance.field("progress_ids").inner_text()
    assert data["customer_name"] in shown and f"{REBATE:,.2f}" in shown, shown
    finance.shot("progress-tier-reached", focus=finance.field("progress_ids"))

    # the salesperson's Rebate Progress (her customers' cards): the tier reached by name, never "0.00"; at the top
    # tier no "next tier" amount but "Top tier reached"; the estimate as computed.
    sales = ui.login("e2e.sales")
    sales.action("sdm_finance.action_sdm_rebate_progress")
    card = sales.page.locator(".o_kanban_record, .o_data_row").filter(has_text=data["customer_name"])
    card.first.wait_for(state="visible")
    shown = card.first.inner_text()
    assert f"5 % from {TIERS[1][0]:,.2f}" in shown, shown
    assert "Top tier reached" in shown and "Still needed" not in shown, shown
    assert f"{INVOICED:,.2f}" in shown and f"{REBATE:,.2f}" in shown, shown
    sales.shot("rebate-progress", focus=card.first)

    # finance settles the period that ended: validated at once into the rebate balance
    finance.button(str(admin.ref("sdm_finance.action_sdm_rebate_settle_wizard")))  # the header's "Settle"
    wizard = ".modal:visible"
    finance.dialog()
    finance.radio("settlement_type", "Final: periods ended by that date", scope=wizard)
    finance.check("validate", True, scope=wizard)
    finance.shot("settle-wizard")
    finance.button("action_settle", scope=wizard)
    settlements = admin.search_read(
        "sdm.rebate.settlement",
        [("agreement_id", "=", agreement_id)],
        ["state", "settlement_type", "amount", "partner_id", "balance_id"],
    )
    assert [(s["settlement_type"], s["state"], s["amount"], s["partner_id"][0]) for s in settlements] == [
        ("final", "validated", REBATE, data["customer"])
    ]
    assert settlements[0]["balance_id"]
    finance.ready()
    finance.shot("settlement")

    # the salesperson's next order takes the rebate
    order_id = sales.new_order(data["customer_name"], data["product_name"], 10)  # 1,000.00
    sales.button("action_confirm")
    order = admin.read("sale.order", order_id, ["state", "amount_untaxed", "order_line"])
    assert order["state"] == "sale"
    assert order["amount_untaxed"] == pytest.approx(1000.0 - REBATE)
    lines = admin.read("sale.order.line", order["order_line"], ["price_unit", "product_uom_qty", "name"])
    deduction = [line for line in lines if line["price_unit"] < 0]
    assert [(line["price_unit"] * line["product_uom_qty"]) for line in deduction] == [-REBATE]
    shown = sales.field("order_line").inner_text()
    assert f"-{REBATE:,.2f}" in shown.replace("- ", "-") or f"({REBATE:,.2f})" in shown, shown
    sales.shot("order-with-rebate-deduction")
    balance = admin.call(
        "sdm.customer.balance",
        "read_group",
        [("partner_id", "=", data["customer"]), ("balance_type", "=", "rebate")],
        ["amount:sum"],
        [],
    )
    assert balance[0]["amount"] == pytest.approx(0.0)
