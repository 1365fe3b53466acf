"""Flow 8: the analyses a sales director reads, as the administrator on a desktop — each opened from its action
as the web client does (its default filters and groupings), screenshotted, and its grand total checked against
the same figure computed through the external API: Salesperson Ranking (confirmed orders of this year, not OR'd
with other filters), Collections (receipts applied to invoices and unapplied ones) and Compensation Analysis
(cancelled notices left out), Channel Stock Reports (the latest report per customer and product, never levels
added across dates), Targets (no total across the levels of the plan tree) and Platform Analysis (a customer's share
hand-computed, no wall score before any review, the list's total); Sales Trend and Target vs Actual are
screenshotted."""

import re
from datetime import timedelta

import pytest

NUMBER = re.compile(r"-?[\d,]+(?:\.\d+)?")


def cell_number(text):
    found = NUMBER.search(text.replace("\u00a0", " "))
    assert found, text
    return float(found.group().replace(",", ""))


def pivot_total(s, last=False):
    """The grand total of the first measure (or of the last cell: the last measure of the total column)."""
    cells = s.page.locator(".o_pivot table tbody tr").first.locator("td.o_pivot_cell_value")
    cells.first.wait_for(state="visible")
    return cell_number((cells.last if last else cells.first).inner_text())


def total(admin, model, domain, field):
    groups = admin.call(model, "read_group", domain, [f"{field}:sum"], [])
    return round(groups[0][field] or 0.0, 2) if groups else 0.0


@pytest.mark.parametrize("size", ["desktop"])
def test_flow8_analyses(ui, admin, world, make_customer, users_today):
    year = users_today.year
    # Money received for sure in this run: an invoice of 1,500 paid 600 (applied) and an advance of 250 (unapplied).
    customer = make_customer("E2E Analyses Payer")
    invoice = admin.create(
        "account.move",
        {
            "move_type": "out_invoice",
            "partner_id": customer,
            "invoice_user_id": world["users"]["sales"],
            "invoice_date": users_today.isoformat(),
            "invoice_line_ids": [
                (0, 0, {"product_id": world["product"], "quantity": 15, "price_unit": 100.0, "tax_ids": [(6, 0, [])]})
            ],
        },
    )
    admin.call("account.move", "action_post", [invoice])
    wizard = admin.create(
        "account.payment.register",
        {"amount": 600.0, "payment_date": users_today.isoformat()},
        active_model="account.move",
        active_ids=[invoice],
    )
    admin.call("account.payment.register", "action_create_payments", [wizard])
    advance = admin.create(
        "account.payment",
        {"payment_type": "inbound", "partner_type": "customer", "partner_id": customer, "amount": 250.0},
    )
    admin.call("account.payment", "action_post", [advance])
    mine = admin.search_read("sdm.collection.line", [("partner_id", "=", customer)], ["applied", "amount"])
    assert sorted((line["applied"], line["amount"]) for line in mine) == [(False, 250.0), (True, 600.0)], mine

    s = ui.login("admin", "admin")

    # Salesperson Ranking: confirmed orders of this year only.
    s.action("sdm_planning.action_sdm_salesperson_ranking", wait=".o_pivot")
    expected = total(
        admin,
        "sale.report",
        [("state", "not in", ["draft", "cancel", "sent"]), ("date", ">=", f"{year}-01-01 00:00:00")],
        "price_subtotal",
    )
    assert expected > 0
    s.shot("salesperson-ranking")
    assert abs(pivot_total(s) - expected) < 0.01, (pivot_total(s), expected)

    # Collections: every receipt, applied and unapplied.
    s.action("sdm_sales.action_sdm_collection_line", wait=".o_pivot")
    expected = total(admin, "sdm.collection.line", [], "amount")
    assert expected >= 850
    s.shot("collections")
    assert abs(pivot_total(s, last=True) - expected) < 0.01, (pivot_total(s, last=True), expected)

    # Compensation Analysis: the compensation of notices that are not cancelled.
    s.action("sdm_sales.action_sdm_price_notice_line", wait=".o_action_manager .o_view_controller")
    expected = total(admin, "sdm.price.notice.line", [("state", "!=", "cancel")], "amount")
    s.shot("compensation-analysis")
    if expected:
        assert abs(pivot_total(s, last=True) - expected) < 0.01, (pivot_total(s, last=True), expected)

    # Channel Stock Reports: opens on the latest report of each customer and product.
    s.action("sdm_sales.action_sdm_channel_stock", wait=".o_list_view")
    latest = admin.call("sdm.channel.stock", "search_count", [("is_latest", "=", True)])
    s.shot("channel-stock-latest")
    assert s.page.locator(".o_searchview_facet").filter(has_text="Latest").count() == 1, s.text()
    if latest:
        assert cell_number(s.page.locator(".o_pager_limit").first.inner_text()) == latest

    # Targets: every level of the plan tree, with no total adding them up.
    s.action("sdm_planning.action_sdm_sales_plan_node", wait=".o_list_view")
    s.shot("targets")
    footer = s.page.locator(".o_list_view tfoot .o_list_number")
    assert all(not cell.inner_text().strip() for cell in footer.all()), [cell.inner_text() for cell in footer.all()]

    # Platform Analysis: the delivery month's row of a customer we delivered 15 to, who uses 60 a month: share 25.00 %,
    # no wall score (never reviewed, not "0.00"); the list, grouped as it opens, totals what the API sums.
    platform_customer = make_customer("E2E Platform User")
    order = admin.create(
        "sale.order",
        {
            "partner_id": platform_customer,
            "order_line": [(0, 0, {"product_id": world["product"], "product_uom_qty": 15, "price_unit": 100.0})],
        },
    )
    admin.call("sale.order", "action_confirm", [order])
    pickings = admin.read("sale.order", order, ["picking_ids"])["picking_ids"]
    admin.call("stock.picking", "button_validate", pickings)
    assert {p["state"] for p in admin.read("stock.picking", pickings, ["state"])} == {"done"}
    done = admin.read("stock.picking", pickings[0], ["date_done"])["date_done"]  # UTC: the month it counts in
    usage = admin.create(
        "sdm.platform.usage",
        {"partner_id": platform_customer, "month": done[:8] + "01", "total_usage": 60.0},
    )
    last_month = (users_today.replace(day=1) - timedelta(days=1)).replace(day=1)  # what the action opens on
    if done[:8] + "01" != last_month.isoformat():  # (just after midnight in Shanghai on the 1st, it is that row)
        admin.create(
            "sdm.platform.usage",
            {"partner_id": platform_customer, "month": last_month.isoformat(), "total_usage": 40.0},
        )
    row = admin.read("sdm.platform.usage", usage, ["our_usage", "share", "has_review"])
    assert (row["our_usage"], row["share"], row["has_review"]) == (15.0, 25.0, False), row
    s.record("sdm.platform.usage", usage)
    form = s.page.locator(".o_form_view")
    assert s.field("share").inner_text().strip() == "25.00", s.field("share").inner_text()
    assert form.locator(".o_field_widget[name='wall_score']").count() == 0, form.inner_text()
    s.shot("platform-analysis-row")
    s.action("sdm_crm_scoring.action_sdm_platform_usage", wait=".o_list_view")
    shown_total = s.page.locator(".o_list_view tfoot .o_list_number").first
    s.shot("platform-analysis")
    expected = total(admin, "sdm.platform.usage", [("month", "=", last_month.isoformat())], "total_usage")
    assert expected >= 40
    assert abs(cell_number(shown_total.inner_text()) - expected) < 0.01, (shown_total.inner_text(), expected)

    # Sales Trend and Target vs Actual: graphs, as they open.
    s.action("sdm_planning.action_sdm_sales_trend", wait=".o_graph_renderer")
    s.shot("sales-trend")
    s.action("sdm_planning.action_sdm_sales_achievement_figure", wait=".o_action_manager .o_view_controller")
    s.shot("target-vs-actual")
