"""Flow 6: a consultant (admin) changes each SDM setting in Settings > SDM and the behaviour follows.

Every SDM field of res.config.settings is changed in the browser, saved, read back from res.company through the
API, and its effect is observed on a real outcome (order confirmation, delivery, invoice posting, defaults of new
documents, the scheduled jobs). Each test restores the company's settings in a ``finally``.
"""

import json
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import odoorpc.error

SETTINGS_ACTION = "sdm_sales.action_sdm_config_settings"
TODAY = date.today()
MONTH = TODAY.replace(day=1)


# --------------------------------------------------------------------------- helpers
def month_start(day, months):
    """First day of the month ``months`` after (or before, if negative) the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def uniq():
    return str(time.time_ns())[-9:]


def open_settings(ui):
    s = ui.login("admin", "admin")
    s.action(SETTINGS_ACTION, wait=".o_form_view .o_settings_container")
    return s


def many2one(s, name, text):
    """Pick ``text`` in a many2one/many2many_tags field (autocomplete on desktop, search dialog on phones)."""
    s.many2one(name, text)


def select(s, name, key):
    """Pick a selection value by its key (Odoo's <select> holds the JSON of each key), whatever the language."""
    s.field(name).locator("select").select_option(value=json.dumps(key))
    s.ready(None)


def clear(s, name):
    editor = s.field(name).locator("input").first
    if editor.get_attribute("readonly") is not None:
        editor.click()
        dialog = s.dialog()
        dialog.locator(".o_clear_button").click()
        s.page.wait_for_function("!document.querySelector('.modal')")
        s.ready(None)
    else:
        s.fill(name, "")


def save_settings(s):
    """Save; the settings client action reloads, so wait for a fresh form view."""
    s.page.evaluate("document.querySelectorAll('.o_form_view').forEach(e => e.classList.add('e2e-stale'))")
    s.page.locator(".o_control_panel .o_form_button_save:visible").first.click()
    s.page.locator(".o_form_view:not(.e2e-stale) .o_settings_container").first.wait_for(state="visible")
    s.ready(None)


def block_shot(s, title, step):
    """Bring the title of a settings block to the top of the screen and take a shot (two if the block is taller
    than a phone screen)."""
    heading = s.page.locator(".o_form_view h2", has_text=title).first
    heading.evaluate("e => e.scrollIntoView({block: 'start'})")
    s.ready(None)
    s.shot(step)
    container = heading.locator("xpath=following-sibling::div[contains(@class, 'o_settings_container')][1]")
    box = container.bounding_box()
    viewport = s.page.viewport_size
    if box and box["y"] + box["height"] > viewport["height"]:
        container.evaluate("e => e.scrollIntoView({block: 'end'})")
        s.ready(None)
        s.shot(step + "-end")


def assert_no_overflow(s):
    """Nothing in the SDM settings is wider than the screen."""
    overflow = s.page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll('.o_form_view .o_settings_container *')]
                .filter(e => e.offsetParent && e.getBoundingClientRect().right > width + 1)
                .map(e => e.outerHTML.slice(0, 120));
        }"""
    )
    assert not overflow, overflow[:5]


def snapshot(admin, world, names):
    values = admin.read("res.company", world["company"], names)
    restore = {}
    for name in names:
        value = values[name]
        if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str):
            value = value[0]
        elif isinstance(value, list):
            value = [(6, 0, value)]
        restore[name] = value
    return restore


def stored(admin, world, expected):
    values = admin.read("res.company", world["company"], list(expected))
    got = {}
    for name, value in values.items():
        if name == "id":
            continue
        if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str):
            value = value[0]
        got[name] = value
    assert got == expected, f"settings not stored as chosen: {got} != {expected}"


def error_of(call, *args):
    try:
        call(*args)
    except odoorpc.error.RPCError as error:
        return str(error)
    return None


def product(admin, name, **vals):
    found = admin.search_read("product.product", [("name", "=", name)], ["id"])
    if found:
        return found[0]["id"]
    return admin.create("product.product", {"name": name, "taxes_id": [(5,)], **vals})


def find_or_create(admin, model, domain, vals):
    found = admin.search_read(model, domain, ["id"])
    return found[0]["id"] if found else admin.create(model, vals)


def order(admin, partner, product_id, qty=1, price=100.0):
    line = {"product_id": product_id, "product_uom_qty": qty, "price_unit": price, "tax_id": [(5,)]}
    return admin.create("sale.order", {"partner_id": partner, "order_line": [(0, 0, line)]})


def confirm(admin, order_id):
    return error_of(admin.call, "sale.order", "action_confirm", [order_id])


def invoice(admin, partner, lines, when=None, post=True):
    move = admin.create(
        "account.move",
        {
            "move_type": "out_invoice",
            "partner_id": partner,
            "invoice_date": str(when or TODAY),
            "invoice_line_ids": [
                (0, 0, {"product_id": p, "quantity": qty, "price_unit": price, "tax_ids": [(5,)]})
                for p, qty, price in lines
            ],
        },
    )
    if post:
        admin.call("account.move", "action_post", [move])
    return move


def chatter(admin, model, res_id):
    rows = admin.search_read("mail.message", [("model", "=", model), ("res_id", "=", res_id)], ["body"])
    return "\n".join(row["body"] or "" for row in rows)


def run_cron(admin, xmlid):
    admin.call("ir.cron", "method_direct_trigger", [admin.ref(xmlid)])


# --------------------------------------------------------------------------- sdm_sales
SALES_FIELDS = [
    "sdm_region_from_team",
    "sdm_credit_check_sale",
    "sdm_credit_check_delivery",
    "sdm_credit_check_invoice",
    "sdm_credit_mode",
    "sdm_credit_include_draft_invoices",
    "sdm_credit_approval_days",
    "sdm_credit_default_group_id",
    "sdm_available_qty_mode",
    "sdm_compensation_basis",
    "sdm_compensation_lookback_days",
    "sdm_compensation_settlement",
    "sdm_compensation_product_id",
]


def test_flow6_sales_settings(ui, admin, rpc_as, world, make_customer):
    """Regions, credit control, available quantity and price compensation settings."""
    key = uniq()
    company = world["company"]
    valve = world["product"]
    restore = snapshot(admin, world, SALES_FIELDS)
    grade = admin.create("sdm.credit.group", {"name": f"E2E Grade {key}", "credit_limit": 1234.0})
    north = find_or_create(admin, "sdm.region", [("name", "=", "E2E Settings North")], {"name": "E2E Settings North"})
    branch = admin.create("crm.team", {"name": f"E2E Settings Branch {key}", "sdm_region_id": north})
    compensation = product(admin, "E2E Compensation Service", type="service", list_price=0.0)
    pump = product(admin, f"E2E Scarce Pump {key}", type="consu", is_storable=True, list_price=10.0)
    debtor = make_customer("E2E Settings Debtor", sdm_credit_limit=50.0)
    stocked = make_customer("E2E Settings Stockist")
    admin.create(
        "sdm.customer.balance",
        {"balance_type": "compensation", "partner_id": stocked, "company_id": company, "amount": 20.0, "name": "E2E"},
    )
    manual = invoice(admin, debtor, [(valve, 1, 100.0)], post=False)  # not from an order
    s = open_settings(ui)
    try:
        # ---- A: warn, every checkpoint, drafts counted, 3-day approvals, a default group ------------------
        s.check("sdm_region_from_team", False)
        select(s, "sdm_credit_mode", "warn")
        s.check("sdm_credit_check_delivery", True)
        s.check("sdm_credit_check_invoice", True)
        s.check("sdm_credit_include_draft_invoices", True)
        s.fill("sdm_credit_approval_days", 3)
        many2one(s, "sdm_credit_default_group_id", f"E2E Grade {key}")
        select(s, "sdm_available_qty_mode", "warn")
        select(s, "sdm_compensation_basis", "invoiced")
        s.fill("sdm_compensation_lookback_days", 45)
        select(s, "sdm_compensation_settlement", "balance")
        many2one(s, "sdm_compensation_product_id", "E2E Compensation Service")
        save_settings(s)
        block_shot(s, "Sales Regions and Branches", "regions")
        block_shot(s, "Credit Control", "credit")
        block_shot(s, "Price Adjustment Compensation", "compensation")
        assert_no_overflow(s)
        stored(
            admin,
            world,
            {
                "sdm_region_from_team": False,
                "sdm_credit_check_sale": True,
                "sdm_credit_check_delivery": True,
                "sdm_credit_check_invoice": True,
                "sdm_credit_mode": "warn",
                "sdm_credit_include_draft_invoices": True,
                "sdm_credit_approval_days": 3,
                "sdm_credit_default_group_id": grade,
                "sdm_available_qty_mode": "warn",
                "sdm_compensation_basis": "invoiced",
                "sdm_compensation_lookback_days": 45,
                "sdm_compensation_settlement": "balance",
                "sdm_compensation_product_id": compensation,
            },
        )
        # Region does not follow the branch.
        moved = make_customer("E2E Settings Mover")
        admin.write("res.partner", moved, {"sdm_branch_id": branch})
        assert admin.read("res.partner", moved, ["sdm_region_id"])["sdm_region_id"][0] == world["region"]
        # New customers join the default credit group and take its limit.
        newcomer = admin.read(
            "res.partner", make_customer("E2E Settings Newcomer"), ["sdm_credit_group_id", "sdm_credit_limit"]
        )
        assert newcomer["sdm_credit_group_id"][0] == grade and newcomer["sdm_credit_limit"] == 1234.0
        # Draft invoices not made from an order count in the exposure.
        assert admin.read("res.partner", debtor, ["sdm_credit_draft_invoices"])["sdm_credit_draft_invoices"] == 100
        # Warn: the order over the limit is confirmed with a warning in its chatter.
        first = order(admin, debtor, valve)
        assert confirm(admin, first) is None
        assert admin.read("sale.order", first, ["state"])["state"] == "sale"
        assert "Credit check for" in chatter(admin, "sale.order", first)
        # Invoice checkpoint, warn: posting goes through with the warning on the invoice.
        admin.call("account.move", "action_post", [manual])
        assert "invoice posting" in chatter(admin, "account.move", manual)
        # Available quantity, warn; the compensation balance is taken with the chosen product.
        short = order(admin, stocked, pump, qty=5, price=10.0)
        assert confirm(admin, short) is None
        assert "Not enough forecasted stock" in chatter(admin, "sale.order", short)
        lines = admin.search_read("sale.order.line", [("order_id", "=", short), ("price_unit", "<", 0)], ["product_id"])
        assert [line["product_id"][0] for line in lines] == [compensation]
        # A new price notice takes the compensation defaults.
        defaults = admin.call("sdm.price.notice", "default_get", ["basis", "lookback_days", "settlement_mode"])
        assert defaults == {"basis": "invoiced", "lookback_days": 45, "settlement_mode": "balance"}

        # ---- B: block, region follows the branch, quantity blocks, stock basis ----------------------------
        s.check("sdm_region_from_team", True)
        select(s, "sdm_credit_mode", "block")
        select(s, "sdm_available_qty_mode", "block")
        select(s, "sdm_compensation_basis", "stock")
        assert not s.field("sdm_compensation_lookback_days").is_visible(), "look-back is for invoiced bases"
        select(s, "sdm_compensation_settlement", "credit_note")
        save_settings(s)
        stored(
            admin,
            world,
            {
                "sdm_region_from_team": True,
                "sdm_credit_mode": "block",
                "sdm_available_qty_mode": "block",
                "sdm_compensation_basis": "stock",
                "sdm_compensation_settlement": "credit_note",
            },
        )
        follower = make_customer("E2E Settings Follower")
        admin.write("res.partner", follower, {"sdm_branch_id": branch})
        assert admin.read("res.partner", follower, ["sdm_region_id"])["sdm_region_id"][0] == north
        second = order(admin, debtor, valve)
        refused = confirm(admin, second)
        assert refused and "Credit check for" in refused and "credit limit" in refused and "50.00" in refused, refused
        assert "order confirmation" in refused
        picking = admin.search_read("stock.picking", [("sale_id", "=", first)], ["id"])[0]["id"]
        refused = error_of(admin.call, "stock.picking", "button_validate", [picking])
        assert refused and "delivery validation" in refused, refused
        refused = confirm(admin, order(admin, stocked, pump, qty=5, price=10.0))
        assert refused and "Not enough forecasted stock" in refused, refused
        defaults = admin.call("sdm.price.notice", "default_get", ["basis", "settlement_mode"])
        assert defaults == {"basis": "stock", "settlement_mode": "credit_note"}

        # ---- C: approval; delivery and invoice checks off; drafts not counted; no default group -----------
        select(s, "sdm_credit_mode", "approval")
        s.check("sdm_credit_check_delivery", False)
        s.check("sdm_credit_check_invoice", False)
        s.check("sdm_credit_include_draft_invoices", False)
        clear(s, "sdm_credit_default_group_id")
        save_settings(s)
        stored(
            admin,
            world,
            {
                "sdm_credit_mode": "approval",
                "sdm_credit_check_delivery": False,
                "sdm_credit_check_invoice": False,
                "sdm_credit_include_draft_invoices": False,
                "sdm_credit_default_group_id": False,
            },
        )
        refused = confirm(admin, second)
        assert refused and "Request Credit Approval" in refused, refused
        s.record("sale.order", second)
        request = s.page.locator("button[name='action_sdm_request_credit_approval']:visible")
        if not request.count():  # phones move the header buttons into the gear menu of the control panel
            s.page.locator(".o_control_panel .o_cp_action_menus .dropdown-toggle:visible").first.click()
            request = s.page.locator(".dropdown-menu:visible").get_by_text("Request Credit Approval")
        request.first.wait_for(state="visible")
        s.shot("order-needs-approval")
        wizard = admin.create("sdm.credit.approval.request", {"order_id": second, "reason": "E2E settings"})
        admin.call("sdm.credit.approval.request", "action_request", [wizard])
        approval = admin.search_read("sdm.credit.approval", [("order_id", "=", second)], ["id"])[0]["id"]
        credit = rpc_as("e2e.credit")
        decision = credit.create(
            "sdm.credit.approval.decision",
            {"approval_ids": [(6, 0, [approval])], "decision": "approve", "comment": "E2E"},
        )
        credit.call("sdm.credit.approval.decision", "action_confirm", [decision])
        decided = admin.read("sdm.credit.approval", approval, ["expiry_date", "decision_date"])
        day = datetime.fromisoformat(decided["decision_date"]).replace(tzinfo=ZoneInfo("UTC"))
        day = day.astimezone(ZoneInfo("Asia/Shanghai")).date()
        assert decided["expiry_date"] == str(day + timedelta(days=3)), decided
        assert confirm(admin, second) is None
        # Drafts no longer count; posting is not checked any more; nor is the delivery.
        late = invoice(admin, debtor, [(valve, 1, 30.0)], post=False)
        assert admin.read("res.partner", debtor, ["sdm_credit_draft_invoices"])["sdm_credit_draft_invoices"] == 0
        admin.call("account.move", "action_post", [late])
        assert "Credit check for" not in chatter(admin, "account.move", late)
        assert error_of(admin.call, "stock.picking", "button_validate", [picking]) is None
        assert admin.read("stock.picking", picking, ["state"])["state"] == "done"
        assert not admin.read("res.partner", make_customer("E2E Settings Loner"), ["sdm_credit_group_id"])[
            "sdm_credit_group_id"
        ]

        # ---- D: block without the confirmation checkpoint: no check at all --------------------------------
        s.go(f"/odoo/action-{SETTINGS_ACTION}", ".o_form_view .o_settings_container")
        select(s, "sdm_credit_mode", "block")
        s.check("sdm_credit_check_sale", False)
        save_settings(s)
        stored(admin, world, {"sdm_credit_mode": "block", "sdm_credit_check_sale": False})
        third = order(admin, debtor, valve)
        assert confirm(admin, third) is None
        assert "Credit check for" not in chatter(admin, "sale.order", third)
    finally:
        admin.write("res.company", company, restore)


# --------------------------------------------------------------------------- sdm_finance
FINANCE_FIELDS = [
    "sdm_rebate_product_id",
    "sdm_rebate_settlement_mode",
    "sdm_rebate_order_cap_percent",
    "sdm_rebate_accrual",
    "sdm_rebate_accrual_journal_id",
    "sdm_rebate_expense_account_id",
    "sdm_rebate_liability_account_id",
]


def test_flow6_finance_settings(ui, admin, world, make_customer):
    """Rebate settlement default, deduction cap and product, month-end accruals."""
    key = uniq()
    company = world["company"]
    valve = world["product"]
    restore = snapshot(admin, world, FINANCE_FIELDS)
    rebate = product(admin, "E2E Rebate Service", type="service", list_price=0.0)
    journal = find_or_create(
        admin,
        "account.journal",
        [("code", "=", "E2EAC")],
        {"name": "E2E Accruals", "code": "E2EAC", "type": "general"},
    )
    expense = find_or_create(
        admin,
        "account.account",
        [("code", "=", "E2E601")],
        {"name": "E2E Rebate Expense", "code": "E2E601", "account_type": "expense"},
    )
    liability = find_or_create(
        admin,
        "account.account",
        [("code", "=", "E2E221")],
        {"name": "E2E Accrued Rebates", "code": "E2E221", "account_type": "liability_current"},
    )
    # An accruing agreement: 2 % of what the customer was invoiced last month.
    earner = make_customer("E2E Settings Earner")
    last_month = month_start(MONTH, -1)
    invoice(admin, earner, [(valve, 10, 100.0)], when=last_month + timedelta(days=14))
    agreement = admin.create(
        "sdm.rebate.agreement",
        {
            "title": f"E2E accrual {key}",
            "partner_ids": [(6, 0, [earner])],
            "date_start": str(last_month),
            "date_end": str(month_start(MONTH, 12) - timedelta(days=1)),
            "frequency": "monthly",
            "accrue": True,
            "tier_ids": [(0, 0, {"threshold": 0, "rate": 2})],
        },
    )
    admin.call("sdm.rebate.agreement", "action_activate", [agreement])
    spender = make_customer("E2E Settings Spender")
    admin.create(
        "sdm.customer.balance",
        {"balance_type": "rebate", "partner_id": spender, "company_id": company, "amount": 1000.0, "name": "E2E"},
    )
    # Accruals off: the month-end job leaves the agreement alone.
    run_cron(admin, "sdm_finance.ir_cron_sdm_rebate_accrual")
    assert not admin.search_read("sdm.rebate.accrual", [("agreement_id", "=", agreement)], ["id"])
    s = open_settings(ui)
    try:
        select(s, "sdm_rebate_settlement_mode", "balance")
        many2one(s, "sdm_rebate_product_id", "E2E Rebate Service")
        s.fill("sdm_rebate_order_cap_percent", 30)
        s.check("sdm_rebate_accrual", True)
        many2one(s, "sdm_rebate_accrual_journal_id", "E2E Accruals")
        many2one(s, "sdm_rebate_expense_account_id", "E2E Rebate Expense")
        many2one(s, "sdm_rebate_liability_account_id", "E2E Accrued Rebates")
        save_settings(s)
        block_shot(s, "Rebates", "rebates")
        assert_no_overflow(s)
        stored(
            admin,
            world,
            {
                "sdm_rebate_product_id": rebate,
                "sdm_rebate_settlement_mode": "balance",
                "sdm_rebate_order_cap_percent": 30.0,
                "sdm_rebate_accrual": True,
                "sdm_rebate_accrual_journal_id": journal,
                "sdm_rebate_expense_account_id": expense,
                "sdm_rebate_liability_account_id": liability,
            },
        )
        # New agreements settle to a balance.
        defaults = admin.call("sdm.rebate.agreement", "default_get", ["settlement_mode"])
        assert defaults == {"settlement_mode": "balance"}
        # An order takes at most 30 % of its amount from the rebate balance, with the chosen product.
        spend = order(admin, spender, valve, qty=1, price=100.0)
        assert confirm(admin, spend) is None
        lines = admin.search_read(
            "sale.order.line", [("order_id", "=", spend), ("price_unit", "<", 0)], ["product_id", "price_unit"]
        )
        assert [(line["product_id"][0], line["price_unit"]) for line in lines] == [(rebate, -30.0)]
        # Accruals on: last month's 2 % of 1,000 is accrued in the chosen journal and accounts.
        run_cron(admin, "sdm_finance.ir_cron_sdm_rebate_accrual")
        accruals = admin.search_read(
            "sdm.rebate.accrual", [("agreement_id", "=", agreement), ("state", "=", "posted")], ["amount", "move_id"]
        )
        assert [row["amount"] for row in accruals] == [20.0], accruals
        move = admin.read("account.move", accruals[0]["move_id"][0], ["journal_id", "line_ids"])
        assert move["journal_id"][0] == journal
        accounts = admin.read("account.move.line", move["line_ids"], ["account_id", "debit", "credit"])
        assert {(a["account_id"][0], a["debit"], a["credit"]) for a in accounts} == {
            (expense, 20.0, 0.0),
            (liability, 0.0, 20.0),
        }
    finally:
        admin.write("res.company", company, restore)
        admin.write("sdm.rebate.agreement", agreement, {"accrue": False})


# --------------------------------------------------------------------------- sdm_planning
def test_flow6_planning_settings(ui, admin, world, make_customer):
    """What counts as a plan's actual sales, and regional allocations (warn vs block)."""
    key = uniq()
    company = world["company"]
    restore = snapshot(admin, world, ["sdm_plan_actual_basis", "sdm_allocation_mode"])
    plans = admin.search_read(
        "sdm.sales.plan", [("year", "=", TODAY.year), ("state", "!=", "superseded")], ["id", "node_ids"]
    )
    if plans:
        plan = plans[0]["id"]
    else:
        plan = admin.create("sdm.sales.plan", {"year": TODAY.year})
        admin.call("sdm.sales.plan", "action_build_nodes", [plan])
    top = admin.search_read("sdm.sales.plan.node", [("plan_id", "=", plan), ("level", "=", "company")], ["id"])
    top = top[0]["id"]

    def actual():
        admin.call("sdm.sales.plan", "action_refresh_achievement", [plan])
        return admin.read("sdm.sales.plan.node", top, ["ytd_actual"])["ytd_actual"]

    scarce = product(admin, f"E2E Scarce Seal {key}", type="consu", list_price=10.0)
    admin.create(
        "sdm.allocation",
        {
            "product_id": scarce,
            "region_id": world["region"],
            "quantity": 2,
            "date_from": str(MONTH),
            "date_to": str(month_start(MONTH, 1) - timedelta(days=1)),
        },
    )
    buyer = make_customer("E2E Settings Planner Buyer")
    invoiced_before = actual()
    s = open_settings(ui)
    try:
        select(s, "sdm_plan_actual_basis", "ordered")
        select(s, "sdm_allocation_mode", "warn")
        save_settings(s)
        block_shot(s, "Sales Plans and Quotas", "planning")
        assert_no_overflow(s)
        stored(admin, world, {"sdm_plan_actual_basis": "ordered", "sdm_allocation_mode": "warn"})
        ordered_before = actual()
        over = order(admin, buyer, scarce, qty=5, price=10.0)
        assert confirm(admin, over) is None
        assert "exceeds the regional allocation" in chatter(admin, "sale.order", over)
        assert round(actual() - ordered_before, 2) == 50.0, "a confirmed order counts on the ordered basis"

        select(s, "sdm_plan_actual_basis", "invoiced")
        select(s, "sdm_allocation_mode", "block")
        save_settings(s)
        stored(admin, world, {"sdm_plan_actual_basis": "invoiced", "sdm_allocation_mode": "block"})
        refused = confirm(admin, order(admin, buyer, scarce, qty=5, price=10.0))
        assert refused and "exceeds the regional allocation" in refused, refused
        assert actual() == invoiced_before, "uninvoiced orders do not count on the invoiced basis"
    finally:
        admin.write("res.company", company, restore)


# --------------------------------------------------------------------------- sdm_crm_scoring
SCORING_FIELDS = [
    "sdm_usage_basis",
    "sdm_usage_categ_ids",
    "sdm_usage_months",
    "sdm_alert_score_below",
    "sdm_alert_score_drop",
    "sdm_alert_share_drop",
]


def test_flow6_scoring_settings(ui, admin, world, make_customer):
    """Where our usage comes from (basis, categories, months) and the three alert thresholds."""
    company = world["company"]
    restore = snapshot(admin, world, SCORING_FIELDS)
    scope = find_or_create(admin, "product.category", [("name", "=", "E2E Scope Valves")], {"name": "E2E Scope Valves"})
    inside = product(admin, "E2E Scope Valve", type="consu", categ_id=scope)
    outside = product(admin, "E2E Out-of-scope Gasket", type="consu")
    customer = make_customer("E2E Settings Defended")
    months = [month_start(MONTH, -n) for n in range(5)]
    invoice(admin, customer, [(inside, 50, 1.0), (outside, 40, 1.0)], when=months[1] + timedelta(days=14))
    invoice(admin, customer, [(inside, 80, 1.0)], when=months[2] + timedelta(days=14))
    invoice(admin, customer, [(inside, 10, 1.0)], when=months[4] + timedelta(days=14))
    template = find_or_create(
        admin,
        "sdm.scorecard.template",
        [("name", "=", "E2E Alerts")],
        {"name": "E2E Alerts", "criterion_ids": [(0, 0, {"name": "Only", "weight": 1})]},
    )
    for when, score in ((months[2], 9), (TODAY, 4)):  # 100, then (4 - 1) / 8 = 37.5
        review = admin.create(
            "sdm.defense.review", {"partner_id": customer, "template_id": template, "review_date": str(when)}
        )
        lines = admin.read("sdm.defense.review", review, ["line_ids"])["line_ids"]
        admin.write("sdm.defense.review.line", lines, {"score": score, "target_score": 9})
        admin.call("sdm.defense.review", "action_confirm", [review])

    def usage():
        rows = admin.search_read("sdm.platform.usage", [("partner_id", "=", customer)], ["month", "our_usage"])
        return {row["month"]: row["our_usage"] for row in rows}

    def risk():
        run_cron(admin, "sdm_crm_scoring.ir_cron_sdm_defense_alerts")
        partner = admin.read("res.partner", customer, ["sdm_at_risk", "sdm_risk_reason"])
        return partner["sdm_at_risk"], partner["sdm_risk_reason"] or ""

    s = open_settings(ui)
    try:
        select(s, "sdm_usage_basis", "invoiced")
        s.fill("sdm_usage_months", 3)
        many2one(s, "sdm_usage_categ_ids", "E2E Scope Valves")
        s.fill("sdm_alert_score_below", 40)
        s.fill("sdm_alert_score_drop", 0)
        s.fill("sdm_alert_share_drop", 0)
        save_settings(s)
        block_shot(s, "Customer Defense (Wall Criteria)", "defense")
        assert_no_overflow(s)
        stored(
            admin,
            world,
            {
                "sdm_usage_basis": "invoiced",
                "sdm_usage_categ_ids": [scope],
                "sdm_usage_months": 3,
                "sdm_alert_score_below": 40.0,
                "sdm_alert_score_drop": 0.0,
                "sdm_alert_share_drop": 0.0,
            },
        )
        # Invoiced basis, in-scope category only, the last three months only.
        run_cron(admin, "sdm_crm_scoring.ir_cron_sdm_platform_usage")
        assert usage() == {str(months[1]): 50.0, str(months[2]): 80.0}, usage()
        rows = admin.search_read("sdm.platform.usage", [("partner_id", "=", customer)], ["id"])
        admin.write("sdm.platform.usage", [row["id"] for row in rows], {"total_usage": 100.0})  # share 80 % → 50 %
        at_risk, reason = risk()
        assert at_risk and "below 40" in reason, reason
        assert "fell from" not in reason and "Share of usage" not in reason, reason

        select(s, "sdm_usage_basis", "delivered")
        s.fill("sdm_usage_months", 12)
        s.page.locator(".o_field_widget[name='sdm_usage_categ_ids'] .o_delete").first.click()
        s.fill("sdm_alert_score_below", 0)
        s.fill("sdm_alert_score_drop", 50)
        s.fill("sdm_alert_share_drop", 20)
        save_settings(s)
        stored(
            admin,
            world,
            {
                "sdm_usage_basis": "delivered",
                "sdm_usage_categ_ids": [],
                "sdm_usage_months": 12,
                "sdm_alert_score_below": 0.0,
                "sdm_alert_score_drop": 50.0,
                "sdm_alert_share_drop": 20.0,
            },
        )
        at_risk, reason = risk()
        assert at_risk and "from 100.0 to 37.5" in reason and "Share of usage fell" in reason, reason
        assert "below" not in reason, reason
        # Delivered basis: nothing was delivered, our usage drops to zero.
        run_cron(admin, "sdm_crm_scoring.ir_cron_sdm_platform_usage")
        assert set(usage().values()) == {0.0}, usage()
    finally:
        admin.write("res.company", company, restore)
