from odoo import api, fields, models
from odoo.exceptions import UserError

LINE_TYPES = [
    ("payout", "Payout"),
    ("deduction", "Overdue Deduction"),
    ("clawback", "Clawback"),
    ("true_up", "True-up"),
    ("adjustment", "Adjustment"),
]


class SdmIncentiveSettlementLine(models.Model):
    """What a settlement pays one person, and why: the achievement it read, the curve's payout, a failed gate, the
    overdue receivables deducted, an invoice taken back, the year's true-up or a correction. Computed lines are
    written by the settlement only; nobody edits them."""

    _name = "sdm.incentive.settlement.line"
    _description = "Sales Incentive Settlement Line"
    _order = "settlement_id, user_id, id"
    _check_company_auto = True

    settlement_id = fields.Many2one(
        "sdm.incentive.settlement", required=True, index=True, ondelete="cascade", check_company=True
    )
    plan_id = fields.Many2one(related="settlement_id.plan_id", store=True, index=True)
    company_id = fields.Many2one(related="settlement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    state = fields.Selection(related="settlement_id.state", store=True)
    date_from = fields.Date(related="settlement_id.date_from", store=True)
    date_to = fields.Date(related="settlement_id.date_to", store=True)
    participant_id = fields.Many2one("sdm.incentive.participant", index=True, ondelete="restrict")
    user_id = fields.Many2one("res.users", string="Participant User", required=True, index=True)
    line_type = fields.Selection(LINE_TYPES, string="Type", required=True)
    achievement_invoiced = fields.Float(string="Sales Achievement (%)", aggregator="avg")
    achievement_collections = fields.Float(string="Collection Achievement (%)", aggregator="avg")
    achievement_margin = fields.Float(string="Gross Profit Achievement (%)", aggregator="avg")
    achievement = fields.Float(string="Weighted Achievement (%)", aggregator="avg")
    payout_percent = fields.Float(string="Payout (% of Target)", aggregator="avg")
    target_incentive = fields.Monetary(help="The target incentive of the settled period (the year for a true-up).")
    basis_amount = fields.Monetary(string="Invoiced Sales", help="The invoiced sales the payout was measured on.")
    collections_amount = fields.Monetary(string="Collections")
    overdue_amount = fields.Monetary(string="Overdue Receivables")
    paid_amount = fields.Monetary(string="Paid in the Year", help="True-up: what the year's settlements paid.")
    gate_failed = fields.Boolean(help="A gate was not met: the period pays nothing.")
    amount = fields.Monetary()
    note = fields.Text(string="Explanation")
    clawed_line_id = fields.Many2one(
        "sdm.incentive.settlement.line", string="Taken Back From", index="btree_not_null", ondelete="restrict"
    )
    invoice_id = fields.Many2one("account.move", string="Invoice", index="btree_not_null")
    event_move_id = fields.Many2one(
        "account.move", string="Refund or Write-off", index="btree_not_null", help="What the clawback takes back."
    )
    source_ids = fields.One2many("sdm.incentive.settlement.source", "line_id", string="Invoices and Payments")
    source_count = fields.Integer(compute="_compute_source_count")

    def _compute_source_count(self):
        counts = dict(
            self.env["sdm.incentive.settlement.source"]._read_group(
                [("line_id", "in", self.ids)], ["line_id"], ["__count"]
            )
        )
        for line in self:
            line.source_count = counts.get(line, 0)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("sdm_incentive_settlement_compute"):
            for vals in vals_list:
                if vals.get("line_type") != "adjustment":
                    raise UserError(self.env._("Settlement lines are computed; add a correction as an adjustment."))
        lines = super().create(vals_list)
        if not self.env.context.get("sdm_incentive_settlement_compute"):
            lines.settlement_id._sdm_check_open_for_lines()
        return lines

    def write(self, vals):
        if not self.env.context.get("sdm_incentive_settlement_compute"):
            raise UserError(self.env._("Settlement lines are never rewritten; add a correction as an adjustment."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_draft(self):
        if self.env.context.get("sdm_incentive_settlement_compute"):
            return
        for line in self:
            if line.settlement_id.state != "draft":
                raise UserError(
                    self.env._(
                        "%(settlement)s is no longer a draft: its lines stay; add a correction as an adjustment.",
                        settlement=line.settlement_id.display_name,
                    )
                )

    def action_open_sources(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_planning.action_sdm_incentive_settlement_source")
        action["domain"] = [("line_id", "=", self.id)]
        return action
