from odoo import fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    """Disputed invoices (争议发票): the customer contests an invoice; until it is resolved the invoice is left out of
    follow-up and, when the company says so, out of the overdue credit rule (``_sdm_overdue_domain``)."""

    # A concern of its own, apart from account_move.py's region and credit checks.
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    sdm_disputed = fields.Boolean(string="Disputed", readonly=True, copy=False, tracking=True, index=True)
    sdm_dispute_reason = fields.Text(string="Dispute Reason", readonly=True, copy=False, tracking=True)
    sdm_dispute_date = fields.Date(string="Disputed Since", readonly=True, copy=False)

    def _sdm_check_disputable(self):
        for move in self:
            if move.move_type not in ("out_invoice", "out_refund") or move.state != "posted":
                raise UserError(
                    self.env._(
                        "%(move)s: only posted customer invoices and credit notes can be disputed.",
                        move=move.display_name,
                    )
                )

    def _sdm_dispute(self, reason):
        """Mark these invoices disputed with ``reason`` (tracked on each)."""
        if not (reason or "").strip():
            raise UserError(self.env._("Say what the customer disputes: the reason is required."))
        self._sdm_check_disputable()
        self.write(
            {"sdm_disputed": True, "sdm_dispute_reason": reason, "sdm_dispute_date": fields.Date.context_today(self)}
        )

    def action_sdm_resolve_dispute(self):
        """The dispute is settled: the invoice counts again (follow-up, overdue rule)."""
        self.filtered("sdm_disputed").write({"sdm_disputed": False, "sdm_dispute_date": False})
        return True

    def action_sdm_dispute(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispute"),
            "res_model": "sdm.invoice.dispute",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_ids": self.ids},
        }
