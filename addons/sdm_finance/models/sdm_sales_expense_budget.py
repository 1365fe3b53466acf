from odoo import fields, models
from odoo.exceptions import UserError


class SdmSalesExpense(models.Model):
    """A sales expense checked against the budget it draws from when it is approved (company setting
    ``sdm_expense_budget_mode``: off, warn, block)."""

    # A concern of its own, apart from sdm_sales_expense.py's document and posting.
    _inherit = "sdm.sales.expense"  # pylint: disable=consider-merging-classes-inherited

    sdm_budget_id = fields.Many2one(
        "sdm.expense.budget",
        string="Budget",
        compute="_compute_sdm_budget_id",
        compute_sudo=True,
        help="The budget (trade fund) this expense draws from: the most specific open or closed one holding it.",
    )

    def _compute_sdm_budget_id(self):
        saved = self.filtered(lambda expense: isinstance(expense.id, int))
        budgets = self.env["sdm.expense.budget"].sudo()._sdm_budget_of_expenses(saved)
        for expense in self:
            expense.sdm_budget_id = budgets.get(expense, False)

    def _sdm_budget(self):
        """The budget this expense draws from (see ``sdm.expense.budget._sdm_budget_of_expenses``)."""
        self.ensure_one()
        return self.env["sdm.expense.budget"].sudo()._sdm_budget_of_expenses(self)[self]

    def _sdm_check_budget(self):
        """The expense against its budget at approval. The budget is locked (the shared SDM lock) and its
        remaining recomputed after the lock from what is committed: of two approvals at once against the last of
        a budget, the second waits, is retried by Odoo with a fresh snapshot and sees the first. Block: refused
        (a translated error naming the numbers, nothing written); warn: the warning to post. No budget holding
        the expense (or a closed one): refused or warned only when the company requires a budget."""
        warning = super()._sdm_check_budget()
        company = self.company_id
        mode = company.sdm_expense_budget_mode
        if mode == "off":
            return warning
        budget = self._sdm_budget()
        message = None
        if not budget:
            if company.sdm_expense_budget_required:
                message = self.env._(
                    "%(expense)s (%(amount)s, %(date)s) is outside any open budget of its scope and type.",
                    expense=self.name,
                    amount=self._sdm_money(self.amount, self.currency_id),
                    date=self._sdm_date(self.date),
                )
        elif budget.state != "open":
            budget._sdm_lock_rows()
            message = self.env._(
                "%(expense)s (%(amount)s) draws from %(budget)s, which is closed.",
                expense=self.name,
                amount=self._sdm_money(self.amount, self.currency_id),
                budget=budget.name,
            )
        else:
            remaining = budget._sdm_remaining_locked()[budget]
            if self.currency_id.compare_amounts(self.amount, remaining) > 0:
                message = self.env._(
                    "%(expense)s (%(amount)s) is more than the %(remaining)s left on budget %(budget)s.",
                    expense=self.name,
                    amount=self._sdm_money(self.amount, self.currency_id),
                    remaining=self._sdm_money(remaining, self.currency_id),
                    budget=budget.name,
                )
        if message and mode == "block":
            raise UserError(message)
        return "\n".join(text for text in (warning, message) if text) or False
