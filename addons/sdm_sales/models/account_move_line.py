from datetime import timedelta

from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.model
    def _sdm_open_receivable_domain(self, company):
        """Open, posted receivable items of a partner in ``company``: what the credit aggregates count (the same
        rule as ``sdm_credit_aml_open`` in sdm_credit_bucket.py)."""
        return [
            ("company_id", "=", company.id),
            ("partner_id", "!=", False),
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
        ]

    @api.model
    def _sdm_overdue_cutoff(self, as_of=None, tolerance_days=0):
        """Items due before this date are overdue on ``as_of`` (today) by more than ``tolerance_days`` days."""
        return (as_of or fields.Date.context_today(self)) - timedelta(days=tolerance_days or 0)

    @api.model
    def _sdm_overdue_domain(self, company, as_of=None, tolerance_days=0, exclude_disputes=None):
        """The one definition of overdue in SDM, on journal items: open receivable items still owed (positive
        residual) whose own due date (``date_maturity``, else the accounting date) is before the cutoff.

        Each installment of a payment term is an item with its own due date, so an invoice is overdue as soon as
        one installment is (its ``invoice_date_due`` is the last installment's). Disputed invoices are left out
        when the company says so (``sdm_dispute_excludes_overdue``) or the caller does (follow-up always
        does: ``exclude_disputes``). The credit position's overdue
        figures (aggregated by the same due date), the blocking message's invoice list, the drill-down and the
        tolerance rule (``tolerance_days``) all use it."""
        cutoff = fields.Date.to_string(self._sdm_overdue_cutoff(as_of, tolerance_days))
        if exclude_disputes is None:
            exclude_disputes = company.sdm_dispute_excludes_overdue
        disputes = [("move_id.sdm_disputed", "=", False)] if exclude_disputes else []
        return (
            self._sdm_open_receivable_domain(company)
            + disputes
            + [
                ("amount_residual", ">", 0),
                "|",
                ("date_maturity", "<", cutoff),
                "&",
                ("date_maturity", "=", False),
                ("date", "<", cutoff),
            ]
        )
