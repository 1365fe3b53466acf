"""Flow 1: a salesperson's order for a customer over its credit limit is blocked, the salesperson requests an
approval, a credit controller approves it from the approvals menu, the salesperson confirms the order."""

import pytest

ORDER_QTY = 20  # 20 x 100.00 = 2,000.00 against a credit limit of 1,000.00

LABELS = {
    "en_US": {
        "blocked": ["Credit check for", "credit limit", "excess", "Request a credit approval from the order"],
        "request": "Request Credit Approval",
        "menu": "Credit Approvals",
        "confirmed": "Sales Order",
    },
    "zh_CN": {
        "blocked": ["信用检查", "信用额度", "超出", "请在订单中申请信用审批"],
        "request": "申请信用审批",
        "menu": "信用审批",
        "confirmed": "销售订单",
    },
}


@pytest.fixture
def credit_setup(admin, world):
    admin.write(
        "res.company",
        world["company"],
        {"sdm_credit_check_sale": True, "sdm_credit_mode": "approval", "sdm_available_qty_mode": "off"},
    )
    return world


def run_credit_flow(ui, admin, rpc_as, make_customer, world, salesperson="e2e.sales", lang="en_US"):
    labels = LABELS[lang]
    key = salesperson.split(".")[1]
    customer = make_customer("Over Limit Trading", salesperson=key, sdm_credit_limit=1000.0)
    customer_name = admin.read("res.partner", customer, ["name"])["name"]
    product_name = admin.read("product.product", world["product"], ["name"])["name"]

    # 1. the salesperson's order is blocked at confirmation
    sales = ui.login(salesperson)
    sales.new_order(customer_name, product_name, ORDER_QTY)
    order_id = int(sales.page.url.rstrip("/").split("/")[-1])
    order = admin.read("sale.order", order_id, ["amount_untaxed", "amount_total", "state", "user_id"])
    assert order["amount_untaxed"] == pytest.approx(2000.0)
    assert order["user_id"][0] == world["users"][key]
    banner = sales.page.locator(".alert:visible .o_field_widget[name=sdm_credit_banner]").first.inner_text()
    assert labels["blocked"][0] in banner and f"{order['amount_total']:,.2f}" in banner, banner
    if not sales.phone:  # phones fold the header buttons into the gear menu
        assert labels["request"] in sales.page.locator(".o_form_statusbar").inner_text()
    sales.shot("quotation-over-limit")
    message = sales.button("action_confirm", expect_warning=True)
    for words in labels["blocked"]:
        assert words in message, message
    # the exposure is what the customer will owe: the order with its taxes
    assert f"{order['amount_total']:,.2f}" in message and "1,000.00" in message, message
    sales.shot("confirmation-blocked")
    sales.close_warning()
    assert admin.read("sale.order", order_id, ["state"])["state"] == "draft"

    # 2. the salesperson requests an approval
    sales.button("action_sdm_request_credit_approval")
    wizard = ".modal:visible"
    sales.dialog()
    sales.fill("reason", "Strategic order; the customer pays at the end of the month.", scope=wizard)
    sales.shot("approval-request")
    sales.button("action_request", scope=wizard)
    sales.page.locator(wizard).wait_for(state="detached")
    approvals = admin.search_read("sdm.credit.approval", [("order_id", "=", order_id)], ["state", "name"])
    assert [a["state"] for a in approvals] == ["pending"]
    approval = approvals[0]
    activities = admin.search_read(
        "mail.activity",
        [("res_model", "=", "sdm.credit.approval"), ("res_id", "=", approval["id"])],
        ["user_id"],
    )
    assert world["users"]["credit"] in [a["user_id"][0] for a in activities]

    # 3. the credit controller approves it from the approvals menu
    credit = ui.login("e2e.credit")
    credit.action("sdm_sales.action_sdm_credit_approval")
    assert approval["name"] in credit.text()
    credit.shot("approvals-menu")
    credit.page.locator(".o_action_manager").get_by_text(approval["name"]).first.click()
    credit.ready(".o_form_view")
    credit.shot("approval-form")
    credit.button("action_approve")
    decision = ".modal:visible"
    credit.dialog()
    credit.fill("comment", "Approved: good payment history.", scope=decision)
    credit.button("action_confirm", scope=decision)
    credit.page.locator(decision).wait_for(state="detached")
    assert admin.read("sdm.credit.approval", approval["id"], ["state"])["state"] == "approved"
    credit.ready(".o_form_view")
    credit.shot("approved")

    # 4. the salesperson confirms the order
    sales.page.reload()
    sales.ready(".o_form_view")
    sales.button("action_confirm")
    sales.page.locator(".o_statusbar_status button.active, .o_statusbar_status .o_arrow_button_current").filter(
        has_text=labels["confirmed"]
    ).first.wait_for(state="attached")
    assert admin.read("sale.order", order_id, ["state"])["state"] == "sale"
    sales.shot("order-confirmed")
    return sales


def test_flow1_credit(ui, admin, rpc_as, make_customer, credit_setup):
    run_credit_flow(ui, admin, rpc_as, make_customer, credit_setup)


def test_flow1_credit_zh(ui, admin, rpc_as, make_customer, credit_setup):
    """The same flow for a salesperson whose language is 简体中文: Chinese labels and messages on screen."""
    sales = run_credit_flow(ui, admin, rpc_as, make_customer, credit_setup, salesperson="e2e.zh", lang="zh_CN")
    form = sales.page.locator(".o_form_view").inner_text()
    for label in ("客户", "订单明细", "销售订单"):  # Customer, Order Lines, Sales Order
        assert label in form, form
    # the control panel's 新建 (New) stays on one line on phones (sdm_sales/static/src/scss/sdm_backend.scss)
    new = sales.page.locator(".o_control_panel_main_buttons .btn:visible").first
    assert new.inner_text().strip() == "新建"
    assert new.bounding_box()["height"] < 48, new.bounding_box()
