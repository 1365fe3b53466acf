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
