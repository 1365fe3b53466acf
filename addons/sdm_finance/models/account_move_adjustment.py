from odoo import fields, models


class AccountMove(models.Model):
    """Both sides of a receivable adjustment: the entry it posted, and the invoices it adjusted."""

    # A concern of its own, apart from account_move.py's rebate progress refresh.
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    sdm_ar_adjustment_id = fields.Many2one(
        "sdm.ar.adjustment", string="Receivable Adjustment", readonly=True, copy=False, index="btree_not_null"
    )
    sdm_ar_adjustment_count = fields.Integer(
        compute="_compute_sdm_ar_adjustment_count", groups="sdm_sales.group_sdm_finance,sdm_sales.group_sdm_admin"
    )

    def _sdm_ar_adjustments(self):
        self.ensure_one()
        return self.env["sdm.ar.adjustment"].search(
            ["|", ("move_line_ids.move_id", "=", self.id), ("move_id", "=", self.id)]
        )

    def _compute_sdm_ar_adjustment_count(self):
        for move in self:
            move.sdm_ar_adjustment_count = len(move._sdm_ar_adjustments()) if move.id else 0

    def action_sdm_ar_adjustments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_finance.action_sdm_ar_adjustment")
        action["domain"] = [("id", "in", self._sdm_ar_adjustments().ids)]
        return action
