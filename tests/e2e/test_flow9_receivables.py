"""Flow 9: the money after the invoice. A customer of the salesperson owes 1,000 (overdue for 40 days) and 500 (not
due); finance records a receipt of 1,200 in the browser; with automatic write-off on, it pays the oldest invoice and
200 of the other at once. Aged Receivables (opened as of today from its wizard) and the customer's card in
*To Collect* show what is left, the plan's collections of the salesperson grow by 1,200, and the customer's
statement comes out as a PDF in 简体中文."""

import re
import time
from datetime import timedelta

import pytest

PDF_TEXT = re.compile(r"对账单")


def _invoice(admin, partner, amount, when, due, salesperson):
    move = admin.create(
        "account.move",
        {
            "move_type": "out_invoice",
            "partner_id": partner,
            "invoice_user_id": salesperson,
            "invoice_date": when.isoformat(),
            "invoice_date_due": due.isoformat(),
            "invoice_line_ids": [(0, 0, {"name": "E2E goods", "quantity": 1, "price_unit": amount, "tax_ids": [(5,)]})],
        },
    )
    admin.call("account.move", "action_post", [move])
    return move


def _plan_collections(admin, world, year, month):
    """The salesperson's collections of ``month`` in the approved plan of the year (one made when there is none
    with a node of hers), after a refresh."""
    sales = world["users"]["sales"]
    plans = admin.search_read(
        "sdm.sales.plan",
        [("company_id", "=", world["company"]), ("year", "=", year), ("state", "=", "approved")],
        ["id"],
    )
    plan = plans[0]["id"] if plans else None
    if plan and not admin.search_read("sdm.sales.plan.node", [("plan_id", "=", plan), ("user_id", "=", sales)], ["id"]):
        plan = None
    if not plan:
        teams = admin.search_read("crm.team", [("name", "=like", "E2E Collect %")], ["id"])
        if teams:
            admin.write("crm.team", [t["id"] for t in teams], {"active": False})
        admin.create(
            "crm.team",
            {
                "name": f"E2E Collect {int(time.time()) % 1_000_000:06d}",
                "sdm_region_id": world["region"],
                "member_ids": [(6, 0, [sales])],
            },
        )
        old = admin.search_read(
            "sdm.sales.plan",
            [("company_id", "=", world["company"]), ("year", "=", year), ("state", "!=", "superseded")],
            ["id"],
        )
        if old:
            admin.write("sdm.sales.plan", [p["id"] for p in old], {"state": "superseded"})
        plan = admin.create("sdm.sales.plan", {"year": year})
        admin.call("sdm.sales.plan", "action_build_nodes", [plan])
        nodes = admin.search_read("sdm.sales.plan.node", [("plan_id", "=", plan)], ["child_ids"])
        admin.write("sdm.sales.plan.node", [n["id"] for n in nodes if n["child_ids"]], {"variance_accepted": True})
        admin.call("sdm.sales.plan", "action_submit", [plan])
        admin.call("sdm.sales.plan", "action_approve", [plan])
    admin.call("sdm.sales.plan", "action_refresh_achievement", [plan])
    rows = admin.search_read(
        "sdm.sales.achievement",
        [("plan_id", "=", plan), ("level", "=", "salesperson"), ("user_id", "=", sales), ("month", "=", month)],
        ["actual_collections"],
    )
    return sum(row["actual_collections"] for row in rows)


@pytest.mark.parametrize("size", ["desktop"])
def test_flow9_receivables(ui, admin, world, make_customer, users_today):
    company = world["company"]
    sales = world["users"]["sales"]
    previous = admin.read("res.company", company, ["sdm_writeoff_on_receipt"])["sdm_writeoff_on_receipt"]
    admin.write("res.company", company, {"sdm_writeoff_on_receipt": "auto"})
    try:
        customer = make_customer("E2E Receivables Payer")
        name = admin.read("res.partner", customer, ["name"])["name"]
        old = _invoice(
            admin, customer, 1000.0, users_today - timedelta(days=70), users_today - timedelta(days=40), sales
        )
        new = _invoice(admin, customer, 500.0, users_today - timedelta(days=5), users_today + timedelta(days=10), sales)
        as_of = {"sdm_as_of": users_today.isoformat()}
        before = admin.call(
            "sdm.aging.line",
            "read_group",
            [("partner_id", "=", customer)],
            ["amount_residual:sum", "amount_overdue:sum"],
            [],
            context=as_of,
        )[0]
        assert (before["amount_residual"], before["amount_overdue"]) == (1500.0, 1000.0), before
        # Paid yesterday: the server's "today" (the plan's refresh date) may still be yesterday in Shanghai terms.
        paid_on = users_today - timedelta(days=1)
        month = paid_on.replace(day=1).isoformat()
        collected_before = _plan_collections(admin, world, users_today.year, month)

        # Finance records the receipt in the browser: Invoicing > Customers > Payments > New.
        finance = ui.login("e2e.finance")
        finance.action("account.action_account_payments")
        finance.new_record()
        finance.many2one("partner_id", name)
        finance.fill("amount", "1200")
        finance.fill("date", paid_on.strftime("%m/%d/%Y"))
        finance.save()
        finance.button("action_post")
        finance.shot("receipt-posted")
        # Written off at once, oldest due first: the 1,000 paid, 200 of the 500.
        assert admin.read("account.move", old, ["amount_residual"])["amount_residual"] == 0.0
        assert admin.read("account.move", new, ["amount_residual"])["amount_residual"] == 300.0
        applied = admin.search_read(
            "sdm.collection.line", [("partner_id", "=", customer)], ["applied", "amount", "user_id"]
        )
        assert sorted((c["applied"], c["amount"], c["user_id"][0]) for c in applied) == [
            (True, 200.0, sales),
            (True, 1000.0, sales),
        ], applied

        # Aged Receivables as of today: 300 left, not due.
        finance.action("sdm_sales.action_sdm_aging_report", wait=".modal .o_form_view")
        finance.page.locator(".modal button[name='action_open']").click()
        finance.ready(".o_list_view")
        finance.page.locator(".o_searchview_input").fill(name)
        finance.page.keyboard.press("Enter")
        finance.ready(".o_list_view")
        finance.shot("aged-receivables")
        after = admin.call(
            "sdm.aging.line",
            "read_group",
            [("partner_id", "=", customer)],
            ["amount_residual:sum", "amount_overdue:sum"],
            [],
            context=as_of,
        )[0]
        assert (after["amount_residual"], after["amount_overdue"]) == (300.0, 0.0), after
        totals = finance.page.locator(".o_list_view tfoot").inner_text().replace("\u00a0", " ")
        assert "300.00" in totals, totals

        # The plan's collections of the salesperson: + 1,200 in the month of the receipt.
        assert abs(_plan_collections(admin, world, users_today.year, month) - collected_before - 1200.0) < 0.01

        # The customer's statement, in 简体中文, as a PDF.
        admin.write("res.partner", customer, {"lang": "zh_CN"})
        statement = admin.create(
            "sdm.customer.statement",
            {
                "partner_id": customer,
                "date_from": (users_today - timedelta(days=90)).isoformat(),
                "date_to": users_today.isoformat(),
            },
        )
        values = admin.read("sdm.customer.statement", statement, ["opening_balance", "closing_balance", "line_ids"])
        assert (values["opening_balance"], values["closing_balance"], len(values["line_ids"])) == (0.0, 300.0, 3)
        report = "sdm_finance.report_customer_statement"
        pdf = finance.page.request.get(f"{ui.url}/report/pdf/{report}/{statement}")
        assert pdf.ok and pdf.body()[:4] == b"%PDF", (pdf.status, pdf.body()[:200])
        finance.page.goto(f"{ui.url}/report/html/{report}/{statement}")
        page = finance.page.locator(".page")
        page.wait_for(state="visible")
        text = page.inner_text()
        assert PDF_TEXT.search(text) and "期初余额" in text and "Opening balance" not in text, text
        finance.shot("statement-zh")
    finally:
        admin.write("res.company", company, {"sdm_writeoff_on_receipt": previous})
