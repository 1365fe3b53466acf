"""Flow 11 (简体中文, phone): 王芳 changes her customer's address on her phone; the change does not write, it waits
for her manager (数据更改须经上级批准), who opens the request on his phone and approves it; the address changes, as
her change, and the audit trail shows it."""

import re

import pytest
from playwright.sync_api import expect

CJK = re.compile(r"[\u4e00-\u9fff]")
OLD, NEW = "人民路 1号", "世纪大道 88号"


@pytest.mark.parametrize("size", ["phone"])
def test_flow11_customer_change_zh(ui, admin, world, make_customer):
    users = world["users"]
    customer = make_customer("E2E 变更客户", salesperson="zh", street=OLD, city="杭州")
    manager = users["manager"]
    admin.write("res.users", manager, {"lang": "zh_CN"})
    try:
        # ---------------------------------------------------------------- her change, on her phone
        s = ui.login("e2e.zh", locale="zh-CN")
        s.record("res.partner", customer)
        banner = s.page.locator(".alert-info:has(.o_field_widget[name='sdm_change_reason'])").first
        banner.wait_for(state="visible")
        assert CJK.search(banner.inner_text()), banner.inner_text()
        s.fill("street", NEW)
        s.fill("sdm_change_reason", "客户已搬迁到新办公室")
        s.shot("change-typed", focus=banner)
        s.save()
        # Saved, not written: the form shows the old address and the change waiting (the "Sent for approval" toast
        # comes over the bus, which needs the server's websocket worker).
        expect(s.field("street").locator("input")).to_have_value(OLD)
        expect(banner).to_contain_text("待审批")
        expect(banner.locator(".o_field_widget[name='sdm_change_pending_count']")).to_contain_text("1")
        s.shot("change-sent", focus=banner)
        assert admin.read("res.partner", customer, ["street"])["street"] == OLD, "nothing written yet"
        [request] = admin.search_read(
            "sdm.partner.change", [("partner_id", "=", customer)], ["state", "approver_ids", "reason", "name"]
        )
        assert (request["state"], request["approver_ids"], request["reason"]) == (
            "pending",
            [manager],
            "客户已搬迁到新办公室",
        )

        # ---------------------------------------------------------------- her manager approves on his phone
        m = ui.login("e2e.manager", locale="zh-CN")
        m.action("sdm_sales.action_sdm_partner_change", request["id"], wait=".o_form_view")
        body = m.page.locator(".o_form_view").first.inner_text()
        assert NEW in body and OLD in body and "客户已搬迁到新办公室" in body, body
        m.shot("request")
        m.button("action_approve")
        expect(m.page.locator(".o_field_widget[name='state'] .o_arrow_button_current").first).to_contain_text("已批准")
        m.shot("approved")
        assert admin.read("res.partner", customer, ["street"])["street"] == NEW
        # the change is hers in the customer's history, and in the audit trail
        audit = admin.search_read(
            "sdm.audit.line",
            [("res_model", "=", "res.partner"), ("res_id", "=", customer), ("new_value", "ilike", NEW)],
            ["user_id", "old_value"],
        )
        assert [a["user_id"][1] for a in audit] == ["王芳"] and OLD in audit[0]["old_value"], audit
    finally:
        admin.write("res.users", manager, {"lang": "en_US"})
