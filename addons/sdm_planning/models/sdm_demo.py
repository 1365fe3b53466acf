from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class SdmDemo(models.AbstractModel):
    _inherit = "sdm.demo"

    @api.model
    def _sdm_demo_sales_plan(self):
        """This year's plan for the demo network: the last twelve months' sales plus 10 % for the company,
        distributed down the tree by last year's shares, approved and locked, with its achievement so far."""
        if not self.env["res.users"].search_count([("login", "=", "wang.fang")], limit=1):
            return True
        year = fields.Date.context_today(self).year
        Plan = self.env["sdm.sales.plan"]
        if Plan.search_count([("year", "=", year)], limit=1):
            return True
        plan = Plan.create({"year": year, "use_margin": True})
        plan.action_build_nodes()
        root = plan.node_ids.filtered(lambda n: n.level == "company")
        # The company aims at its last twelve months' monthly average plus 10 %.
        today = fields.Date.context_today(self)
        past = self.env["sdm.sales.achievement"]._sdm_actuals(plan, root, today - relativedelta(years=1), today)
        monthly = sum(values["amount"] for values in past.get(root.id, {}).values()) / 12.0
        root.line_ids.write({"amount": plan.currency_id.round(monthly * 1.1) or 100000.0})
        todo = root
        while todo:
            parents = todo.filtered("child_ids")
            parents._sdm_distribute("last_year")
            todo = parents.child_ids
        plan.action_submit()
        plan.action_approve()
        plan.action_lock()
        self.env["sdm.sales.achievement"]._sdm_refresh(plan)
        return True
