from odoo import fields, models


class SdmRebateSettleWizard(models.TransientModel):
    """Settle rebates as of a date: final settlements of the periods ended by then, or partial settlements
    of the periods running; for the chosen agreements or every active one."""

    _name = "sdm.rebate.settle.wizard"
    _description = "Settle Rebates"

    agreement_ids = fields.Many2many("sdm.rebate.agreement", string="Agreements", help="Empty: all active agreements.")
    date = fields.Date(string="As of", required=True, default=fields.Date.context_today)
    settlement_type = fields.Selection(
        [("final", "Final: periods ended by that date"), ("partial", "Partial: the running period to date")],
        default="final",
        required=True,
        help="Either run also settles the documents that came in late in periods already settled: the next "
        "period's settlement carries them, or a correction settlement of their period when none is left.",
    )
    validate = fields.Boolean(string="Validate at Once", help="Otherwise the settlements stay drafts to review.")

    def action_settle(self):
        self.ensure_one()
        agreements = self.agreement_ids or self.env["sdm.rebate.agreement"].search(
            [("state", "=", "active"), ("company_id", "in", self.env.companies.ids)]
        )
        settlements = self.env["sdm.rebate.settlement"]._sdm_prepare(agreements, self.date, self.settlement_type)
        if self.validate and settlements and settlements._sdm_validate_or_queue():
            self.env.user._bus_send(
                "simple_notification",
                {
                    "type": "info",
                    "title": self.env._("Validating in the background"),
                    "message": self.env._(
                        "%(count)s settlements are validated and paid in the background; they leave the draft "
                        "state as they are paid.",
                        count=len(settlements),
                    ),
                },
            )
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_finance.action_sdm_rebate_settlement")
        action["domain"] = [("id", "in", settlements.ids)]
        return action
