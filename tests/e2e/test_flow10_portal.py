"""Flow 10: the distributor portal (经销商门户), in 简体中文. A distributor's contact logs in to Odoo's ``/my`` and sees
its credit left; it opens its statement, downloads the PDF and confirms it; it reports its channel stock by the form
and by the XLSX template it downloads and fills; it sees how far it is from the next rebate tier, and the credit note
a price notice paid it. Every figure the pages show is checked against what the server computed."""

import datetime
import io
import time

import openpyxl
import pytest
from conftest import PASSWORD, USERS_TZ

LIMIT = 50_000.0
INVOICED = 7_000.0  # this year, untaxed: 70 units; net of the compensation (1,400.00) still above the first tier
TIERS = [(5_000.0, 2.0), (10_000.0, 5.0)]  # the first reached (2 %), the second still ahead
OLD, NEW = 100.0, 80.0  # the notice pays the 70 units invoiced 20.00 each: 1,400.00


def money(amount):
    return f"{amount:,.2f}"


@pytest.fixture
def distributor(admin, world, make_customer, users_today):
    """A distributor with a portal contact (简体中文), invoices of this year, an active rebate agreement, a settled
    price notice with its credit note, and a statement sent for this month — made through the API."""
    company = world["company"]
    admin.write(
        "res.company",
        company,
        {
            "sdm_compensation_basis": "invoiced",
            "sdm_compensation_lookback_days": 90,
            "sdm_compensation_settlement": "credit_note",
            "sdm_credit_mode": "off",
        },
    )
    suffix = f"{time.time_ns() % 10**8}"
    product = admin.create(
        "product.product",
        {"name": f"E2E Portal Pump {suffix}", "list_price": OLD, "type": "consu", "taxes_id": [(5, 0, 0)]},
    )
    customer = make_customer("Portal Distributor", sdm_credit_limit=LIMIT)
    contact = admin.create(
        "res.partner",
        {
            "name": f"门户联系人 {suffix}",
            "parent_id": customer,
            "email": f"portal{suffix}@example.com",
            "lang": "zh_CN",
        },
    )
    login = f"e2e.portal.{suffix}"
    admin.create(
        "res.users",
        {
            "login": login,
            "password": PASSWORD,
            "partner_id": contact,
            "groups_id": [(6, 0, [admin.ref("base.group_portal")])],
            "lang": "zh_CN",
            "tz": USERS_TZ,
        },
        no_reset_password=True,
    )
    today = users_today
    invoice_day = max(today.replace(month=1, day=1), today - datetime.timedelta(days=20))
    invoice = admin.create(
        "account.move",
        {
            "move_type": "out_invoice",
            "partner_id": customer,
            "invoice_date": str(invoice_day),
            "invoice_line_ids": [
                (0, 0, {"product_id": product, "quantity": INVOICED / OLD, "price_unit": OLD, "tax_ids": [(5, 0, 0)]})
            ],
        },
    )
    admin.call("account.move", "action_post", [invoice])
    # The rebate agreement of this year.
    agreement = admin.create(
        "sdm.rebate.agreement",
        {
            "title": f"E2E portal rebate {suffix}",
            "partner_ids": [(6, 0, [customer])],
            "date_start": str(today.replace(month=1, day=1)),
            "date_end": str(today.replace(month=12, day=31)),
            "frequency": "end",
            "settlement_mode": "balance",
            "tier_ids": [(0, 0, {"threshold": threshold, "rate": rate}) for threshold, rate in TIERS],
        },
    )
    admin.call("sdm.rebate.agreement", "action_activate", [agreement])
    admin.call("sdm.rebate.agreement", "action_refresh_progress", [agreement])
    # A price decrease of the product: the notice pays the distributor a credit note.
    notice = admin.create(
        "sdm.price.notice",
        {
            "basis": "invoiced",
            # in force ten days ago: channel stock reported after that is not locked by the notice
            "effective_date": str(today - datetime.timedelta(days=10)),
            "product_line_ids": [(0, 0, {"product_id": product, "old_price": OLD, "new_price": NEW})],
        },
    )
    for step in ("action_compute", "action_approve", "action_settle"):
        admin.call("sdm.price.notice", step, [notice])
    credit_notes = admin.search_read(
        "account.move", [("sdm_price_notice_id", "=", notice), ("partner_id", "=", customer)], ["name", "amount_total"]
    )
    # This month's statement, sent.
    statement = admin.create(
        "sdm.customer.statement",
        {
            "partner_id": customer,
            "date_from": str(today.replace(day=1) - datetime.timedelta(days=31)),
            "date_to": str(today),
        },
    )
    admin.call("sdm.customer.statement", "action_refresh", [statement])
    admin.call("sdm.customer.statement", "action_send", [statement])
    names = {
        "customer": admin.read("res.partner", customer, ["name"])["name"],
        "product": admin.read("product.product", product, ["name"])["name"],
        "notice": admin.read("sdm.price.notice", notice, ["name"])["name"],
    }
    return {
        "login": login,
        "customer": customer,
        "product": product,
        "agreement": agreement,
        "notice": notice,
        "credit_notes": credit_notes,
        "statement": statement,
        "today": today,
        "names": names,
    }


def test_flow10_portal(ui, admin, distributor, size):
    data = distributor
    portal = ui.login(data["login"], wait=".o_portal_my_home", locale="zh-CN")
    page = portal.page
    page.locator(".o_portal_doc_spinner").wait_for(state="detached")  # the home's counters are in: cards shown
    portal.shot("home")
    home = page.locator(".o_portal_my_home").inner_text()
    for card in ("信用", "对账单", "返利", "渠道库存"):
        assert card in home, home

    # Credit left: the figures the server computes for the distributor.
    position = admin.read(
        "res.partner", data["customer"], ["sdm_credit_limit", "sdm_credit_exposure", "sdm_credit_remaining"]
    )
    assert position["sdm_credit_limit"] == LIMIT
    assert position["sdm_credit_remaining"] == pytest.approx(LIMIT - position["sdm_credit_exposure"])
    portal.go("/my/sdm/credit", wait="#wrap, main")
    shown = page.locator("main, #wrap").first.inner_text()
    assert money(LIMIT) in shown and money(position["sdm_credit_remaining"]) in shown, shown
    portal.shot("credit")

    # The statement: PDF downloaded, then confirmed with a comment.
    statement = admin.read("sdm.customer.statement", data["statement"], ["name", "closing_balance", "state"])
    assert statement["state"] == "sent"
    portal.go("/my/sdm/statements", wait="#wrap, main")
    page.get_by_role("link", name=statement["name"]).first.click()
    page.wait_for_url(f"**/my/sdm/statements/{data['statement']}**")
    shown = page.locator("main, #wrap").first.inner_text()
    assert money(statement["closing_balance"]) in shown, shown
    portal.shot("statement")
    with page.expect_download() as download:
        page.locator("a[href*='report_type=pdf']").first.click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF"), pdf[:20]
    page.fill("#sdm_confirm_comment", "金额无误")
    page.locator("form[action$='/confirm'] button[type=submit]").click()
    page.wait_for_load_state()
    assert admin.read("sdm.customer.statement", data["statement"], ["state"])["state"] == "confirmed"
    portal.shot("statement-confirmed")

    # Channel stock by the form: 12 of the product as of today.
    Stock = "sdm.channel.stock"
    portal.go("/my/sdm/channel-stock", wait="#wrap, main")
    row = page.locator(".o_sdm_stock_form tr, .o_sdm_stock_form .row").filter(has_text=data["names"]["product"]).first
    row.locator("input[name^=quantity_]").fill("12")
    portal.shot("channel-stock-form")
    page.locator(".o_sdm_stock_form button[type=submit]").click()
    page.wait_for_load_state()
    reports = admin.search_read(
        Stock,
        [("partner_id", "=", data["customer"]), ("product_id", "=", data["product"])],
        ["quantity", "source", "date"],
    )
    assert [(r["quantity"], r["source"]) for r in reports] == [(12.0, "portal")], reports
    portal.shot("channel-stock-reported")

    # ... and by the XLSX template: downloaded, filled (yesterday: 15), uploaded.
    template = page.request.get(ui.url + "/my/sdm/channel-stock/template.xlsx")
    assert template.ok, template.status
    book = openpyxl.load_workbook(io.BytesIO(template.body()))
    sheet = book.active
    # The header row is under a title and an instruction: the row whose cells name the columns (简体中文 here).
    header_row, header = next(
        (number, [str(cell.value or "") for cell in sheet[number]])
        for number in range(1, min(sheet.max_row, 10) + 1)
        if {"Product ID", "产品 ID"} & {str(cell.value or "") for cell in sheet[number]}
    )
    stock_column = next(i for i, v in enumerate(header) if v in ("Stock on Hand", "库存数量")) + 1
    date_column = next(i for i, v in enumerate(header) if v in ("Date", "日期")) + 1
    yesterday = data["today"] - datetime.timedelta(days=1)
    filled = False
    for number in range(header_row + 1, sheet.max_row + 1):
        if any(data["names"]["product"] in str(cell.value or "") for cell in sheet[number]):
            sheet.cell(number, stock_column, 15)
            sheet.cell(number, date_column, yesterday)
            filled = True
    assert filled, "the template lists the distributor's product"
    upload = io.BytesIO()
    book.save(upload)
    page.set_input_files(
        "#sdm_stock_file",
        files=[{"name": "stock.xlsx", "mimeType": "application/vnd.ms-excel", "buffer": upload.getvalue()}],
    )
    page.locator("form[action$='/upload'] button[type=submit]").click()
    page.wait_for_load_state()
    reports = admin.search_read(
        Stock,
        [("partner_id", "=", data["customer"]), ("product_id", "=", data["product"])],
        ["quantity", "date"],
        order="date",
    )
    assert [(r["date"], r["quantity"]) for r in reports] == [(str(yesterday), 15.0), (str(data["today"]), 12.0)]
    portal.shot("channel-stock-uploaded")

    # Rebate progress: the tier of 5,000 (2 %) reached, the next one at 10,000 — the figures the server computed
    # (its net sales basis: the compensation credit note may have lowered the 6,000 invoiced).
    admin.call("sdm.rebate.agreement", "action_refresh_progress", [data["agreement"]])
    progress = admin.search_read(
        "sdm.rebate.progress",
        [("agreement_id", "=", data["agreement"]), ("partner_id", "=", data["customer"])],
        ["basis_value", "estimated_rebate", "tier_threshold", "next_threshold", "needed_for_next"],
    )
    assert len(progress) == 1, progress
    progress = progress[0]
    assert (progress["tier_threshold"], progress["next_threshold"]) == (TIERS[0][0], TIERS[1][0]), progress
    assert progress["needed_for_next"] == pytest.approx(TIERS[1][0] - progress["basis_value"])
    assert progress["estimated_rebate"] == pytest.approx(progress["basis_value"] * TIERS[0][1] / 100)
    portal.go("/my/sdm/rebates", wait="#wrap, main")
    shown = page.locator("main, #wrap").first.inner_text()
    for figure in ("basis_value", "estimated_rebate", "needed_for_next"):
        assert money(progress[figure]) in shown, (figure, progress, shown)
    assert page.locator(".progress .progress-bar").count() >= 1
    portal.shot("rebates", focus=page.locator(".progress").first)

    # The compensation credit note: the 70 units invoiced × (100.00 − 80.00) = 1,400.00.
    assert [note["amount_total"] for note in data["credit_notes"]] == [INVOICED / OLD * (OLD - NEW)]
    credit_note = data["credit_notes"][0]
    portal.go("/my/sdm/compensation", wait="#wrap, main")
    shown = page.locator("main, #wrap").first.inner_text()
    assert data["names"]["notice"] in shown, shown
    page.get_by_text(data["names"]["notice"]).first.click()
    page.wait_for_load_state()
    shown = page.locator("main, #wrap").first.inner_text()
    assert credit_note["name"] in shown and money(credit_note["amount_total"]) in shown, shown
    portal.shot("compensation-credit-note")
