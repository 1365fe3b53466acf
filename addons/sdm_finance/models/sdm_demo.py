from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models


class SdmDemo(models.AbstractModel):
    _inherit = "sdm.demo"

    @api.model
    def _sdm_demo_rebates(self):
        """A quarterly volume rebate (返利) for the demo distributors over the last year, the quarters already
        over settled by credit note, and the progress of the running quarter."""
        tag = self.env.ref("sdm_sales.demo_category_distributor", raise_if_not_found=False)
        if not tag or self.env["sdm.rebate.agreement"].search_count([], limit=1):
            return True
        today = fields.Date.context_today(self)
        start = (today.replace(day=1) - relativedelta(months=12)).replace(month=1, day=1)
        agreement = self.env["sdm.rebate.agreement"].create(
            {
                "title": "经销商季度返利",
                "partner_category_ids": [Command.set(tag.ids)],
                "date_start": start,
                "date_end": start + relativedelta(years=2, days=-1),
                "frequency": "quarterly",
                "basis": "amount",
                "tier_method": "retroactive",
                "tier_ids": [
                    Command.create({"threshold": 0, "rate": 1}),
                    Command.create({"threshold": 50000, "rate": 2}),
                    Command.create({"threshold": 150000, "rate": 3}),
                ],
            }
        )
        agreement.action_activate()
        settlements = self.env["sdm.rebate.settlement"]._sdm_prepare(agreement, today, "final")
        settlements.action_validate()
        return True

    @api.model
    def _sdm_demo_expenses(self):
        """Sales expenses (销售费用) of the last six months for the demo distributors: freight and promotion the
        company bears, freight advanced for customers (代垫), a promotion budget per region and one for the whole
        company this year (checked in Warn mode), two large promotions still waiting for Finance."""
        tag = self.env.ref("sdm_sales.demo_category_distributor", raise_if_not_found=False)
        finance = self.env["res.users"].search([("login", "=", "he.xue")], limit=1)
        if not tag or not finance or self.env["sdm.expense.type"].search_count([], limit=1):
            return True
        company = self.env.company
        Account = self.env["account.account"].with_company(company)
        account = Account.search([("code", "=like", "6601%")], limit=1) or Account.search(
            [("account_type", "=", "expense")], limit=1
        )
        journal = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
        )
        company.write({"sdm_expense_journal_id": journal.id, "sdm_expense_budget_mode": "warn"})
        Type = self.env["sdm.expense.type"]
        freight = Type.create({"name": "运费", "nature": "borne", "account_id": account.id, "approval_amount": 5000})
        promotion = Type.create(
            {"name": "促销费", "nature": "borne", "account_id": account.id, "approval_amount": 10000}
        )
        advance = Type.create(
            {"name": "代垫运费", "nature": "advanced", "account_id": account.id, "approval_amount": 5000}
        )
        today = fields.Date.context_today(self)
        year_start, year_end = today.replace(month=1, day=1), today.replace(month=12, day=31)
        Budget = self.env["sdm.expense.budget"]
        budgets = Budget.create(
            {"name": f"{today.year} 全公司销售费用", "date_from": year_start, "date_to": year_end, "amount": 300000}
        )
        for key in ("ec", "sc", "nc"):
            region = self.env.ref(f"sdm_sales.demo_region_{key}", raise_if_not_found=False)
            if region:
                budgets |= Budget.create(
                    {
                        "name": f"{today.year} {region.name}促销费",
                        "date_from": year_start,
                        "date_to": year_end,
                        "scope": "region",
                        "sdm_region_id": region.id,
                        "expense_type_id": promotion.id,
                        "amount": 40000,
                    }
                )
        budgets.action_open()
        carrier = self.env["res.partner"].create({"name": "顺丰速运有限公司", "is_company": True})
        agency = self.env["res.partner"].create({"name": "上海博展会展服务有限公司", "is_company": True})
        customers = self.env["res.partner"].search(
            [("category_id", "in", tag.ids), ("user_id", "!=", False), ("is_company", "=", True)], order="id", limit=12
        )
        Expense = self.env["sdm.sales.expense"]
        waiting = Expense
        for index, customer in enumerate(customers):
            when = today - relativedelta(days=15 * index + 3)
            rows = [(freight, carrier, 800 + 150 * index, "发货运费")]
            if index % 2 == 0:
                rows.append((promotion, agency, 6000 + 1500 * index, "门店促销活动"))
            if index % 3 == 0:
                rows.append((advance, carrier, 1200 + 100 * index, "代客户垫付的运费，下次回款时扣回"))
            for expense_type, payee, amount, description in rows:
                expense = Expense.with_user(customer.user_id).create(
                    {
                        "expense_type_id": expense_type.id,
                        "amount": amount,
                        "date": when,
                        "partner_id": customer.id,
                        "payee_id": payee.id,
                        "description": description,
                    }
                )
                expense.action_submit()
                if expense.state == "to_approve":
                    waiting |= expense
        # Finance approves all but the two latest large promotions, then posts what is approved.
        Expense = Expense.with_user(finance)
        for expense in Expense.browse((waiting - waiting.sorted("date", reverse=True)[:2]).ids):
            expense.action_approve()
        Expense.search([("state", "=", "approved")]).action_post()
        return True
