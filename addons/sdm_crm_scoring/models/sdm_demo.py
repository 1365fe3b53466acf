from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class SdmDemo(models.AbstractModel):
    _inherit = "sdm.demo"

    @api.model
    def _sdm_assign_demo_platform_types(self):
        """Distributors buy through the platform (BP), direct customers from us (MP)."""
        for tag_xmlid, type_xmlid in (
            ("sdm_sales.demo_category_distributor", "sdm_crm_scoring.platform_type_bp"),
            ("sdm_sales.demo_category_direct", "sdm_crm_scoring.platform_type_mp"),
        ):
            tag = self.env.ref(tag_xmlid, raise_if_not_found=False)
            if tag:
                partners = self.env["res.partner"].search([("category_id", "in", tag.ids), ("is_company", "=", True)])
                partners.sdm_platform_type_id = self.env.ref(type_xmlid)
        return True

    @api.model
    def _sdm_demo_defense_reviews(self):
        """Two quarters of wall-criteria reviews for the first demo customers of wang.fang."""
        wang = self.env["res.users"].search([("login", "=", "wang.fang")], limit=1)
        if not wang or self.env["sdm.defense.review"].search_count([], limit=1):
            return True
        template = self.env.ref("sdm_crm_scoring.scorecard_wall_criteria")
        customers = self.env["res.partner"].search([("user_id", "=", wang.id), ("is_company", "=", True)], limit=2)
        today = fields.Date.context_today(self)
        Review = self.env["sdm.defense.review"].with_user(wang)
        for rank, customer in enumerate(customers):
            for age, base in ((180, 4), (90, 5 + rank)):
                review = Review.create(
                    {"partner_id": customer.id, "template_id": template.id, "review_date": today - timedelta(days=age)}
                )
                for index, line in enumerate(review.line_ids):
                    # Measured criteria keep the score their measure proposes; the others are scored by hand.
                    vals = {"target_score": 8} if line.proposed_score else {"score": min(9, base + index % 3)}
                    line.write({"target_score": 8, **vals})
                review.line_ids[1].write(
                    {"action": "每周与采购确认交期", "action_date": today + timedelta(days=14 - age // 30)}
                )
                review.action_confirm()
        return True

    @api.model
    def _sdm_demo_platform_usage(self):
        """A year of platform analysis for the demo network: our usage from its deliveries, the customers'
        monthly usage for shares between 45 % and 95 % (one customer losing ground last month), then one run of
        the alerts so *Customers at Risk* has something to show."""
        if not self.env["res.users"].search_count([("login", "=", "wang.fang")], limit=1):
            return True
        Usage = self.env["sdm.platform.usage"]
        company = self.env.company
        today = fields.Date.context_today(self)
        customers = self.env["res.partner"].search([("sdm_platform_type_id", "!=", False), ("is_company", "=", True)])
        Usage._sdm_recompute_partners(company, customers.ids, *Usage._sdm_period(company, today))
        last_month = today.replace(day=1) - relativedelta(months=1)
        rows = Usage.search([("partner_id", "in", customers.ids), ("our_usage", ">", 0)])
        losing = customers[:1]
        for row in rows:
            share = 45 + (row.partner_id.id * 7) % 50 + row.month.month % 3
            if row.partner_id == losing and row.month == last_month:
                share -= 25
            row.total_usage = round(row.our_usage * 100.0 / max(share, 5), 2)
        # The scheduled action's batches, all in this transaction (the cron runner is the one that commits).
        while self.env["res.partner"]._cron_sdm_defense_alerts(today=today):
            pass
        return True
