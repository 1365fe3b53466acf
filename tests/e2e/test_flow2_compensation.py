"""Flow 2: a sales manager creates a price adjustment notice (调价通知), computes, approves and settles it; the
customer receives a credit note for the price difference on what it bought before the decrease."""

import datetime
import time

import pytest

OLD, NEW, INVOICED = 100.0, 80.0, 30.0


@pytest.fixture
def compensation_setup(admin, world, make_customer):
    """What happened before the notice: the customer bought 30 units at 100.00 ten days ago (posted invoice)."""
    suffix = f"{time.time_ns() % 10**8}"
    admin.write(
        "res.company",
        world["company"],
        {
            "sdm_compensation_basis": "invoiced",
            "sdm_compensation_lookback_days": 90,
            "sdm_compensation_settlement": "credit_note",
        },
    )
    product = admin.create(
        "product.product",
        {"name": f"E2E Pump {suffix}", "list_price": OLD, "type": "consu", "taxes_id": [(5, 0, 0)]},
    )
    customer = make_customer("Price Notice Distributor")
    invoice = admin.create(
        "account.move",
        {
            "move_type": "out_invoice",
            "partner_id": customer,
            "invoice_date": str(datetime.date.today() - datetime.timedelta(days=10)),
            "invoice_line_ids": [
                (0, 0, {"product_id": product, "quantity": INVOICED, "price_unit": OLD, "tax_ids": [(5, 0, 0)]})
            ],
        },
    )
    admin.call("account.move", "action_post", [invoice])
    names = {
        "product": admin.read("product.product", product, ["name"])["name"],
        "customer": admin.read("res.partner", customer, ["name"])["name"],
    }
    return {"product": product, "customer": customer, "names": names}


def test_flow2_compensation(ui, admin, compensation_setup):
    data = compensation_setup
    manager = ui.login("e2e.manager")
    manager.action("sdm_sales.action_sdm_price_notice")
    manager.shot("notices")
    manager.new_record()
    manager.select("basis", "invoiced")
    manager.add_line(
        "product_line_ids", {"product_id": ("many2one", data["names"]["product"]), "old_price": OLD, "new_price": NEW}
    )
    manager.save()
    notice_id = int(manager.page.url.rstrip("/").split("/")[-1])
    manager.shot("notice-draft")

    manager.button("action_compute")
    notice = admin.read("sdm.price.notice", notice_id, ["state", "amount_total", "customer_count", "name"])
    assert notice["state"] == "computed"
    expected = INVOICED * (OLD - NEW)  # 30 x (100.00 - 80.00) = 600.00
    lines = admin.search_read(
        "sdm.price.notice.line",
        [("notice_id", "=", notice_id)],
        ["partner_id", "eligible_qty", "price_paid", "amount"],
    )
    assert [(row["partner_id"][0], row["eligible_qty"], row["price_paid"], row["amount"]) for row in lines] == [
        (data["customer"], INVOICED, OLD, expected)
    ]
    manager.page.get_by_role("tab", name="Compensation").click()
    compensation = manager.field("line_ids").inner_text()
    assert data["names"]["customer"] in compensation and f"{expected:,.2f}" in compensation, compensation
    manager.shot("computed", focus=manager.field("line_ids"))

    manager.button("action_approve")
    assert admin.read("sdm.price.notice", notice_id, ["state"])["state"] == "approved"
    manager.shot("approved")
    manager.button("action_settle")
    assert admin.read("sdm.price.notice", notice_id, ["state"])["state"] == "settled"
    manager.shot("settled")

    credit_notes = admin.search_read(
        "account.move",
        [("sdm_price_notice_id", "=", notice_id)],
        ["move_type", "state", "partner_id", "amount_untaxed", "name"],
    )
    assert [(m["move_type"], m["state"], m["partner_id"][0]) for m in credit_notes] == [
        ("out_refund", "posted", data["customer"])
    ]
    assert credit_notes[0]["amount_untaxed"] == pytest.approx(expected)
    manager.button("action_view_credit_notes")
    manager.ready()
    if not manager.page.locator(".o_form_view").count():
        manager.page.locator(".o_action_manager .o_data_row, .o_action_manager .o_kanban_record").first.click()
        manager.ready(".o_form_view")
    page = manager.text()
    assert credit_notes[0]["name"] in page and f"{expected:,.2f}" in page, page
    manager.shot("credit-note")
