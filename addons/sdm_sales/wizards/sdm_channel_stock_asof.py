from odoo import fields, models


class SdmChannelStockAsOf(models.TransientModel):
    """Channel stock as of a date: the latest report of each customer and product on or before it."""

    _name = "sdm.channel.stock.asof"
    _description = "Channel Stock as of a Date"

    date = fields.Date(required=True, default=fields.Date.context_today)

    def action_open(self):
        self.ensure_one()
        ids = self.env["sdm.channel.stock"]._sdm_latest_ids(self.date)
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_sales.action_sdm_channel_stock")
        action.update(
            {
                "name": self.env._("Channel Stock on %s", fields.Date.to_string(self.date)),
                "domain": [("id", "in", ids)],
                "view_mode": "pivot,list,graph",
                "views": [(False, "pivot"), (False, "list"), (False, "graph")],
                # Region, customer, then the date of the report giving each level.
                "context": {
                    "search_default_group_region": 1,
                    "search_default_group_partner": 2,
                    "search_default_group_report_date": 3,
                },
            }
        )
        return action
