from odoo import api, fields, models


class SdmDemo(models.AbstractModel):
    _inherit = "sdm.demo"

    @api.model
    def _sdm_demo_sales_plan(self):
        """This year's plan for the demo network: last year's sales plus 10 % for the company, distributed down
        the tree by last year's shares, approved and locked, with its achievement so far."""
        if not self.env["res.users"].search_count([("login", "=", "wang.fang")], limit=1):
            return True
        year = fields.Date.context_today(self).year
        Plan = self.env["sdm.sales.plan"]
        if Plan.search_count([("year", "=", year)], limit=1):
            return True
        plan = Plan.create({"year": year, "use_margin": True})
        plan.action_build_nodes()
        root = plan.node_ids.filtered(lambda n: n.kind == "company")
        last_year = (
            self.env["sdm.sales.achievement"]
            ._sdm_actuals(plan, root, plan.date_from.replace(year=year - 1), plan.date_to.replace(year=year - 1))
            .get(root.id, {})
        )
        for line in root.line_ids:
            before = last_year.get(line.month.replace(year=year - 1), {})
            line.amount = plan.currency_id.round(before.get("amount", 0.0) * 1.1) or 100000.0
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
