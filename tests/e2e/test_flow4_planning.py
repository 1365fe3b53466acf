"""Flow 4: a planner splits the year's sales plan down to the branches and approves it in the browser; a salesperson
then follows their target on the Plan Progress screen, fed by a real invoiced order."""

import calendar
import math
import re
import time

from playwright.sync_api import expect

MONTHLY = 10_000  # what the planner types for each month of the company's target


def at(s, title, wait):
    """Wait until the screen titled ``title`` (last breadcrumb) is shown."""
    expect(s.page.locator(".o_last_breadcrumb_item")).to_contain_text(title)
    s.ready(wait)


def go_back(s, title, wait):
    """The breadcrumb back (desktop) or the back arrow (phone)."""
    s.page.locator(".o_back_button:visible").first.click()
    at(s, title, wait)


def records(s, scope=".o_action_manager"):
    """The rows of a list (desktop) or the cards of a kanban (phones open kanban views where they can)."""
    return s.page.locator(f"{scope} .o_data_row, {scope} .o_kanban_record:not(.o_kanban_ghost)")


def name_of(record):
    """The name cell of a node's row, or the bold name of its card."""
    return record.locator("td[name='name'], .fw-bold").first


def money(value):
    return f"{value:,.2f}"


def _plan_world(admin, world, make_customer, suffix, year):
    """Two fresh branches of region E2E East (the salesperson in the first), and an invoiced order of theirs.
    Earlier runs' plans of the year are superseded and their branches archived, so the test starts clean on a
    reused database."""
    old = admin.search_read(
        "sdm.sales.plan",
        [("company_id", "=", world["company"]), ("year", "=", year), ("state", "!=", "superseded")],
        ["id"],
    )
    if old:
        admin.write("sdm.sales.plan", [p["id"] for p in old], {"state": "superseded"})
    old_teams = admin.search_read("crm.team", [("name", "=like", "E2E Plan %")], ["id"])
    if old_teams:
        admin.write("crm.team", [t["id"] for t in old_teams], {"active": False})
    users = world["users"]
    north, south = (
        admin.create(
            "crm.team",
            {
                "name": f"E2E Plan {side} {suffix}",
                "sdm_region_id": world["region"],
                "sequence": sequence,
                "member_ids": [(6, 0, [users[member]])],
            },
        )
        for sequence, (side, member) in enumerate((("North", "sales"), ("South", "sales2")))
    )
    customer = make_customer(f"E2E Plan Customer {suffix}")
    order = admin.create(
        "sale.order",
        {
            "partner_id": customer,
            "user_id": users["sales"],
            "team_id": north,
            "order_line": [
                (0, 0, {"product_id": world["product"], "product_uom_qty": 30, "price_unit": 100.0, "tax_id": []})
            ],
        },
    )
    invoices = admin.confirm_and_invoice(order)
    return {"north": north, "south": south, "customer": customer, "order": order, "invoices": invoices}


def test_flow4_planning(ui, admin, world, make_customer, users_today):
    today = users_today
    year = today.year
    suffix = f"{ui.size[0].upper()}{int(time.time()) % 1_000_000:06d}"
    data = _plan_world(admin, world, make_customer, suffix, year)
    users = world["users"]

    # ---------------------------------------------------------------- the planner builds, splits and approves
    s = ui.login("e2e.planner")
    s.action("sdm_planning.action_sdm_sales_plan")
    s.page.locator("button.o_list_button_add:visible, button.o-kanban-button-new:visible").first.click()
    s.ready(".o_form_view")
    s.fill("year", year)
    s.save()
    plan_id = int(re.search(r"/(\d+)(?:\?|$)", s.page.url).group(1))
    s.state_is("Draft")
    s.button("action_build_nodes")
    records(s, ".o_field_widget[name='node_ids']").first.wait_for(state="visible")
    assert f"E2E Plan North {suffix}" in s.text()
    s.shot("plan-structure")

    s.button("action_open_nodes")
    at(s, "Targets", ".o_list_view, .o_kanban_view")
    company_row = records(s).filter(has=s.page.locator(":is(td, span)", has_text=re.compile(r"^\s*Company\s*$")))
    assert company_row.count() == 1, s.text()
    name_of(company_row).click()
    at(s, admin.read("res.company", world["company"], ["name"])["name"], ".o_form_view")
    months = s.page.locator(".o_field_widget[name='line_ids'] .o_data_row")
    assert months.count() == 12
    for index in range(12):
        cell = months.nth(index).locator("td[name='amount']")
        cell.click()
        editor = cell.locator("input")
        editor.fill(str(MONTHLY))
    s.page.locator(".o_form_view .oe_title").click()  # leave the last cell
    s.save()
    expect(s.field("amount_total")).to_contain_text(money(12 * MONTHLY))
    s.shot("company-target")
    s.button("action_distribute_even")
    expect(s.field("children_amount")).to_contain_text(money(12 * MONTHLY))

    # Distribute every node whose children do not add up yet (shown in red), top-down: regions, then branches.
    go_back(s, "Targets", ".o_list_view, .o_kanban_view")
    distributed = []
    for _ in range(15):
        red = s.page.locator(".o_data_row.text-danger, .o_kanban_record:has(.o_sdm_variance)")
        if not red.count():
            break
        distributed.append(name_of(red.first).inner_text().strip())
        name_of(red.first).click()
        at(s, distributed[-1], ".o_form_view")
        if len(distributed) == 2:
            s.shot("branch-before-split")
        s.button("action_distribute_even")
        expect(s.field("children_amount")).to_have_text(s.field("amount_total").inner_text())
        go_back(s, "Targets", ".o_list_view, .o_kanban_view")
    assert "E2E East" in distributed and f"E2E Plan North {suffix}" in distributed, distributed
    s.shot("targets-split")

    go_back(s, "Sales Plan", ".o_form_view")
    s.button("action_submit")
    s.state_is("Submitted")
    s.button("action_approve")
    s.state_is("Approved")
    s.button("action_refresh_achievement")
    if not s.phone:
        mine_row = records(s, ".o_field_widget[name='node_ids']").filter(has_text="Lin Sales")
        expect(mine_row.locator("td[name='ytd_achievement']")).not_to_have_text("0.00")
    s.shot("plan-approved")

    # ---------------------------------------------------------------- the API agrees
    plan = admin.read("sdm.sales.plan", plan_id, ["state", "amount_total", "year"])
    assert plan["state"] == "approved" and plan["year"] == year
    assert plan["amount_total"] == 12 * MONTHLY
    fields = ["level", "name", "amount_total", "children_amount", "variance", "child_ids", "user_id", "team_id"]
    fields += ["ytd_target", "ytd_actual", "ytd_achievement"]
    nodes = {n["id"]: n for n in admin.search_read("sdm.sales.plan.node", [("plan_id", "=", plan_id)], fields)}
    assert all(abs(n["variance"]) < 0.01 for n in nodes.values()), [n for n in nodes.values() if n["variance"]]
    region = next(n for n in nodes.values() if n["level"] == "region" and n["name"] == "E2E East")
    branches = [nodes[i] for i in region["child_ids"]]
    north = next(n for n in branches if n["team_id"] and n["team_id"][0] == data["north"])
    south = next(n for n in branches if n["team_id"] and n["team_id"][0] == data["south"])
    assert region["amount_total"] > 0
    assert abs(sum(b["amount_total"] for b in branches) - region["amount_total"]) < 0.01
    share = region["amount_total"] / len(branches)
    assert abs(north["amount_total"] - share) < 1 and abs(south["amount_total"] - share) < 1, branches
    mine = next(n for n in nodes.values() if n["level"] == "salesperson" and n["user_id"][0] == users["sales"])
    assert mine["id"] in north["child_ids"]
    assert abs(mine["amount_total"] - north["amount_total"]) < 0.01, "the only salesperson of the branch gets it all"
    # Achievement: every posted invoice of the salesperson this year up to this month (other runs and flows
    # invoice them too), against the target of the months done.
    month_end = today.replace(day=calendar.monthrange(year, today.month)[1])
    moves = admin.search_read(
        "account.move",
        [
            ("invoice_user_id", "=", users["sales"]),
            ("state", "=", "posted"),
            ("move_type", "in", ["out_invoice", "out_refund"]),
            ("invoice_date", ">=", f"{year}-01-01"),
            ("invoice_date", "<=", month_end.isoformat()),
            ("company_id", "=", world["company"]),
        ],
        ["amount_untaxed_signed"],
    )
    actual = sum(m["amount_untaxed_signed"] for m in moves)
    assert actual >= 3000, moves
    lines = admin.search_read("sdm.sales.plan.line", [("node_id", "=", mine["id"])], ["month", "amount"])
    target = sum(line["amount"] for line in lines if line["month"] <= today.isoformat())
    assert abs(mine["ytd_actual"] - actual) < 0.01, (mine, actual)
    assert abs(mine["ytd_target"] - target) < 0.01, (mine, target)
    assert abs(mine["ytd_achievement"] - round(100 * actual / target, 2)) < 0.01, mine

    # ---------------------------------------------------------------- the salesperson sees their progress
    p = ui.login("e2e.sales")
    p.action("sdm_planning.action_sdm_salesperson_progress", wait=".o_kanban_view")
    cards = p.page.locator(".o_kanban_record:not(.o_kanban_ghost)")
    assert cards.count() == 1, p.text()
    card = cards.first
    text = card.inner_text()
    assert "Lin Sales" in text and "Salesperson" in text, text
    assert money(mine["ytd_actual"]) in text and money(mine["ytd_target"]) in text, text
    bar = card.locator(".o_progress")
    assert bar.is_visible()
    assert abs(float(bar.get_attribute("aria-valuenow")) - mine["ytd_achievement"]) < 0.01
    # The bar rounds half up (44.5 → 45); Python's format rounds half to even.
    shown = card.locator(".o_progressbar_value").inner_text()
    assert str(math.floor(mine["ytd_achievement"] + 0.5)) in shown, (shown, mine["ytd_achievement"])
    assert card.bounding_box()["width"] <= p.page.viewport_size["width"]
    p.shot("salesperson-progress")
