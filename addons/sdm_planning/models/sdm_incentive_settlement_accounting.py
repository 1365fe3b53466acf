from odoo import Command, models


class SdmIncentiveSettlementAccounting(models.Model):
    """The optional journal entry of a locked settlement: the incentive expense against accrued payroll, for the
    settlement's total, dated the last day of its period, when the plan names a journal and both accounts."""

    # A concern of its own, apart from sdm_incentive_settlement.py's workflow: model files are split by concern.
    _inherit = "sdm.incentive.settlement"  # pylint: disable=consider-merging-classes-inherited

    def action_lock(self):
        # A plan set up halfway is refused before anything is written.
        self.plan_id._sdm_check_accounting()
        return super().action_lock()

    def _sdm_on_lock(self):
        result = super()._sdm_on_lock()
        for settlement in self:
            if settlement.move_id or not settlement.plan_id._sdm_posts_entries():
                continue
            vals = settlement._prepare_incentive_move_vals()
            if not vals:
                continue
            move = self.env["account.move"].with_company(settlement.company_id).create(vals)
            move.action_post()
            settlement.move_id = move
        return result

    def _sdm_move_label(self):
        """The entry's label, in the language of the company's books."""
        self.ensure_one()
        return self._sdm_in_lang(
            self._sdm_company_lang(),
            lambda rec: rec.env._("Sales incentives %(settlement)s", settlement=rec.display_name),
        )

    def _prepare_incentive_move_vals(self):
        """The entry of this settlement: debit expense, credit accrued payroll for the total; a negative total
        (clawbacks above the payouts) the other way round; nothing for a zero total."""
        self.ensure_one()
        currency = self.currency_id
        total = currency.round(self.amount_total)
        if currency.is_zero(total):
            return {}
        plan = self.plan_id
        debit_account, credit_account = plan.expense_account_id, plan.accrual_account_id
        if total < 0:
            debit_account, credit_account = credit_account, debit_account
        amount = abs(total)
        label = self._sdm_move_label()
        return {
            "move_type": "entry",
            "journal_id": plan.journal_id.id,
            "date": self.date_to,
            "ref": label,
            "line_ids": [
                Command.create({"name": label, "account_id": debit_account.id, "debit": amount, "credit": 0.0}),
                Command.create({"name": label, "account_id": credit_account.id, "debit": 0.0, "credit": amount}),
            ],
        }
