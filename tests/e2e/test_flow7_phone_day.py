"""Flow 7: a salesperson's working day on a 390x844 phone, from the app menu: My Day opens on her customers (credit
left and defense score on each card), a quotation over the credit limit asks for a credit approval from the red alert
in sight, the approved quotation says until when it is valid and is confirmed, and My Plan shows her sales against
her target month by month. Once in English and once for a salesperson whose language is 简体中文: every text the
screens show her is in her language."""

import re
import time
from datetime import date

import pytest
from playwright.sync_api import expect

CJK = re.compile(r"[\u4e00-\u9fff]")
ORDER_QTY = 20  # 20 x 100.00 = 2,000.00 against a credit limit of 1,000.00
MONTHLY_TARGET = 1_000.0


def money(value):
    return f"{value:,.2f}"


def in_language(lang, text, english):
    """``text`` says ``english`` in English, or is Chinese (and not the English source) for a zh_CN reader."""
    if lang == "en_US":
        assert english in text, (english, text)
    else:
        assert CJK.search(text) and english not in text, (english, text)


def user_date(lang, day):
    return day.strftime("%m/%d/%Y") if lang == "en_US" else day.strftime("%Y年%m月%d日")


def tap_menu(s, xmlid, wait=".o_action_manager .o_view_controller"):
    """Open a menu entry from the phone's menu (top left): an entry of the current app, else an app of the app
    menu ("All Apps"). Returns the taps it took once the app menu is open: the menu button and the current app's
    entry, or the app itself."""
    s.page.locator(".o_menu_toggle:visible").first.click()
    sidebar = s.page.locator(".o_app_menu_sidebar")
    sidebar.wait_for(state="visible")
    entry = sidebar.locator(f"[data-menu-xmlid='{xmlid}']")
    taps = 2
    if not entry.count():
        sidebar.locator("a.btn-primary").first.click()  # "All Apps": the app menu
        taps = 1
    before = s.page.url
    entry.first.click()
    s.page.wait_for_url(lambda url: url != before)  # the previous screen's views are gone
    s.ready(wait)
    return taps


@pytest.fixture
def day_setup(admin, world, make_customer, lang):
    """Her customers, a confirmed defense review, an approved plan with her target and a paid-for month of sales."""
    users = world["users"]
    key = "sales" if lang == "en_US" else "zh"
    salesperson = users[key]
    admin.write(
        "res.company",
        world["company"],
        {"sdm_credit_check_sale": True, "sdm_credit_mode": "approval", "sdm_available_qty_mode": "off"},
    )
    over = make_customer("E2E Day Over Limit", salesperson=key, sdm_credit_limit=1000.0)
    defended = make_customer("E2E Day Defended", salesperson=key, sdm_credit_limit=50000.0)
    template = admin.ref("sdm_crm_scoring.scorecard_wall_criteria")
    review = admin.create(
        "sdm.defense.review", {"partner_id": defended, "template_id": template, "user_id": salesperson}
    )
    lines = admin.read("sdm.defense.review", review, ["line_ids"])["line_ids"]
    admin.write("sdm.defense.review.line", lines, {"score": 5, "target_score": 9})
    admin.call("sdm.defense.review", "action_confirm", [review])

    # the year's plan: earlier runs' plans and teams leave, a branch of hers in region E2E East
    year = date.today().year
    old = admin.search_read(
        "sdm.sales.plan",
        [("company_id", "=", world["company"]), ("year", "=", year), ("state", "!=", "superseded")],
        ["id"],
    )
    if old:
        admin.write("sdm.sales.plan", [p["id"] for p in old], {"state": "superseded"})
    for pattern in ("E2E Plan %", "E2E Day %"):
        teams = admin.search_read("crm.team", [("name", "=like", pattern)], ["id"])
        if teams:
            admin.write("crm.team", [t["id"] for t in teams], {"active": False})
    suffix = f"{int(time.time()) % 1_000_000:06d}"
    team = admin.create(
        "crm.team",
        {"name": f"E2E Day {suffix}", "sdm_region_id": world["region"], "member_ids": [(6, 0, [salesperson])]},
    )
    order = admin.create(
        "sale.order",
        {
            "partner_id": defended,
            "user_id": salesperson,
            "team_id": team,
            "order_line": [
                (0, 0, {"product_id": world["product"], "product_uom_qty": 30, "price_unit": 100.0, "tax_id": []})
            ],
        },
    )
    invoices = admin.confirm_and_invoice(order)
    # The month her sales count in: the invoice's own date (the server dates it in the poster's time zone, which
    # may already be tomorrow, or still yesterday, against this machine's clock).
    invoice_date = admin.read("account.move", invoices[0], ["invoice_date"])["invoice_date"]
    plan = admin.create("sdm.sales.plan", {"year": year})
    admin.call("sdm.sales.plan", "action_build_nodes", [plan])
    nodes = admin.search_read("sdm.sales.plan.node", [("plan_id", "=", plan)], ["user_id", "child_ids", "line_ids"])
    mine = [n for n in nodes if n["user_id"] and n["user_id"][0] == salesperson]
    assert len(mine) == 1, nodes
    admin.write("sdm.sales.plan.line", mine[0]["line_ids"], {"amount": MONTHLY_TARGET})
    admin.write("sdm.sales.plan.node", [n["id"] for n in nodes if n["child_ids"]], {"variance_accepted": True})
    admin.call("sdm.sales.plan", "action_submit", [plan])
    admin.call("sdm.sales.plan", "action_approve", [plan])
    admin.call("sdm.sales.plan", "action_refresh_achievement", [plan])
    return {
        "login": f"e2e.{key}",
        "salesperson": salesperson,
        "over": over,
        "defended": defended,
        "node": mine[0]["id"],
        "month": invoice_date[:8] + "01",
    }


def run_phone_day(ui, admin, rpc_as, world, data, lang):
    """The day itself; ``data`` from ``day_setup``."""
    names = {p["id"]: p["name"] for p in admin.read("res.partner", [data["over"], data["defended"]], ["name"])}
    s = ui.login(data["login"])

    # ---------------------------------------------------------------- My Day: her customers, from the app menu
    taps = tap_menu(s, "sdm_sales.menu_sdm_my_day", wait=".o_kanban_view")
    assert taps <= 2, taps
    title = s.page.locator(".o_last_breadcrumb_item, .o_breadcrumb").first.inner_text()
    in_language(lang, title, "My Customers")
    cards = s.page.locator(".o_kanban_record:not(.o_kanban_ghost)")
    over_card = cards.filter(has_text=names[data["over"]]).first
    over_text = over_card.inner_text()
    in_language(lang, over_text, "Credit Left")
    assert money(1000.0) in over_text, over_text
    defended_card = cards.filter(has_text=names[data["defended"]]).first
    score = admin.read("res.partner", data["defended"], ["sdm_defense_score"])["sdm_defense_score"]
    assert f"{score:.2f}" in defended_card.inner_text(), defended_card.inner_text()
    in_language(lang, defended_card.inner_text(), "Defense")
    assert over_card.bounding_box()["width"] <= s.page.viewport_size["width"]
    s.shot("my-customers")

    # the customer's form: remaining credit first in the Credit tab, the defense score in sight
    defended_card.click()
    s.ready(".o_form_view")
    expect(s.page.locator(".o_form_view .o_field_widget[name='sdm_defense_score']:visible").first).to_contain_text(
        f"{score:.2f}"
    )
    s.page.locator(".o_notebook .nav-link[name='sdm_credit']").click()
    remaining = s.page.locator(".o_field_widget[name='sdm_credit_remaining']:visible").first
    group = s.page.locator(".o_field_widget[name='sdm_credit_group_id']:visible").first
    assert remaining.bounding_box()["y"] < group.bounding_box()["y"]
    s.shot("customer-credit-tab", focus=remaining)

    # ---------------------------------------------------------------- a quotation over the limit
    product_name = admin.read("product.product", world["product"], ["name"])["name"]
    order_id = s.new_order(names[data["over"]], product_name, ORDER_QTY)
    alert = s.page.locator(".o_form_view .alert-danger:visible").first
    request = alert.locator("button[name='action_sdm_request_credit_approval']")
    expect(request).to_be_visible()  # in sight, not folded in the gear menu
    in_language(lang, request.inner_text(), "Request Credit Approval")
    message = s.button("action_confirm", expect_warning=True)
    in_language(lang, message, "Credit check for")
    in_language(lang, message, "in the red credit alert")
    s.shot("confirmation-blocked")
    s.close_warning()
    s.button("action_sdm_request_credit_approval", scope=".o_form_view .alert-danger")
    wizard = ".modal:visible"
    s.dialog()
    expect(s.page.locator(f"{wizard} .o_field_widget[name='reason'].o_required_modifier")).to_be_visible()
    s.fill("reason", "Strategic order; pays at month end.", scope=wizard)
    s.shot("approval-request")
    s.button("action_request", scope=wizard)
    s.page.locator(wizard).wait_for(state="detached")
    approval = admin.search_read("sdm.credit.approval", [("order_id", "=", order_id)], ["id", "name", "state"])
    assert [a["state"] for a in approval] == ["pending"], approval

    # the credit controller approves (the comment is required there too)
    credit = rpc_as("e2e.credit")
    decision = credit.create(
        "sdm.credit.approval.decision",
        {"approval_ids": [(6, 0, [approval[0]["id"]])], "decision": "approve", "comment": "Good payer"},
    )
    credit.call("sdm.credit.approval.decision", "action_confirm", [decision])
    expiry = admin.read("sdm.credit.approval", approval[0]["id"], ["expiry_date"])["expiry_date"]

    # ---------------------------------------------------------------- My Day: quotations waiting for credit
    tap_menu(s, "sdm_sales.menu_sdm_my_day", wait=".o_kanban_view")  # back to My Day from the Sales app
    taps = tap_menu(s, "sdm_sales.menu_sdm_my_credit_quotations", wait=".o_kanban_view")
    assert taps <= 2, taps
    order_name = admin.read("sale.order", order_id, ["name"])["name"]
    card = s.page.locator(".o_kanban_record:not(.o_kanban_ghost)").filter(has_text=order_name).first
    in_language(lang, card.inner_text(), "Approved")
    s.shot("quotations-waiting-for-credit")
    card.click()
    s.ready(".o_form_view")
    banner = s.page.locator(".o_form_view .alert-info:visible").first.inner_text()
    in_language(lang, banner, "Credit approved")
    if expiry:
        assert user_date(lang, date.fromisoformat(expiry)) in banner, banner
    assert approval[0]["name"] in banner, banner
    s.shot("quotation-approved")
    s.button("action_confirm")
    assert admin.read("sale.order", order_id, ["state"])["state"] == "sale"

    # ---------------------------------------------------------------- My Plan: her sales against her target
    taps = tap_menu(s, "sdm_planning.menu_sdm_my_plan", wait=".o_kanban_view")
    assert taps <= 2, taps
    node = admin.read("sdm.sales.plan.node", data["node"], ["ytd_actual", "ytd_target"])
    plan_card = s.page.locator(".o_kanban_record:not(.o_kanban_ghost)")
    expect(plan_card).to_have_count(1)
    assert money(node["ytd_actual"]) in plan_card.first.inner_text()
    s.shot("my-plan")
    plan_card.first.click()
    s.ready(".o_form_view")
    form = s.page.locator(".o_form_view")
    for planner_field in ("proposal_amount", "variance_accepted", "distribution_weight"):
        expect(form.locator(f".o_field_widget[name='{planner_field}']")).to_have_count(0)
    rows = admin.search_read(
        "sdm.sales.achievement",
        [("node_id", "=", data["node"]), ("month", "=", data["month"])],
        ["actual_amount", "target_amount"],
    )
    # Her sales of that month: every posted invoice and credit note of hers (other flows sell and refund for the
    # same salesperson in the same month), the day's 3,000 among them.
    year_month = data["month"][:7]
    moves = admin.search_read(
        "account.move",
        [
            ("invoice_user_id", "=", data["salesperson"]),
            ("state", "=", "posted"),
            ("move_type", "in", ["out_invoice", "out_refund"]),
            ("invoice_date", ">=", data["month"]),
            ("company_id", "=", world["company"]),
        ],
        ["amount_untaxed_signed", "invoice_date"],
    )
    month_sales = sum(m["amount_untaxed_signed"] for m in moves if m["invoice_date"].startswith(year_month))
    assert any(m["amount_untaxed_signed"] == 3000 for m in moves), moves
    assert rows and rows[0]["target_amount"] == MONTHLY_TARGET, rows
    assert abs(rows[0]["actual_amount"] - month_sales) < 0.01, (rows, month_sales)
    months = form.locator(".o_field_widget[name='achievement_ids']")
    this_month = (
        months.locator(".o_kanban_record, .o_data_row")
        .filter(has_text=money(rows[0]["actual_amount"]))
        .filter(has_text=money(MONTHLY_TARGET))
    )
    expect(this_month.first).to_be_visible()
    s.shot("my-plan-months", focus=months)
    # the planner's form stays out of her way
    expect(s.page.locator("button[name='action_distribute_even']")).to_have_count(0)


@pytest.mark.parametrize("size", ["phone"])
@pytest.mark.parametrize("lang", ["en_US"])
def test_flow7_phone_day(ui, admin, rpc_as, world, day_setup, lang):
    run_phone_day(ui, admin, rpc_as, world, day_setup, lang)


@pytest.mark.parametrize("size", ["phone"])
@pytest.mark.parametrize("lang", ["zh_CN"])
def test_flow7_phone_day_zh(ui, admin, rpc_as, world, day_setup, lang):
    """The same day for a salesperson whose language is 简体中文: every label and message she meets is Chinese."""
    run_phone_day(ui, admin, rpc_as, world, day_setup, lang)
