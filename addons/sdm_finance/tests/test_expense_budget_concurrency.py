# This test needs committed data and two real transactions: it commits on purpose (and cleans up).
# pylint: disable=invalid-commit
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.addons.sdm_sales.tests.race import two_transactions, write_company_settings
from odoo.tests import TransactionCase


class TestExpenseBudgetConcurrency(TransactionCase):
    """Two expenses of 600 approved at the same moment against a budget of 1,000 in block mode: the budget's lock
    makes the second wait; it fails with a serialization error as Odoo's request retry expects, and its retry sees
    the first one's 600 and is refused (400 left) — the budget is never overspent."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            self.previous = write_company_settings(
                env, {"sdm_expense_budget_mode": "block", "sdm_expense_budget_required": False}
            )
            expense_type = env["sdm.expense.type"].create({"name": "Race Freight", "nature": "borne"})
            partner = env["res.partner"].create({"name": "Race Budget Dealer", "is_company": True})
            budget = env["sdm.expense.budget"].create(
                {
                    "name": "Race fund",
                    "scope": "customer",
                    "partner_id": partner.id,
                    "amount": 1000,
                    "date_from": date(2026, 3, 1),
                    "date_to": date(2026, 3, 31),
                }
            )
            budget.action_open()
            expenses = env["sdm.sales.expense"].create(
                [
                    {
                        "expense_type_id": expense_type.id,
                        "amount": 600,
                        "date": date(2026, 3, 10),
                        "partner_id": partner.id,
                        "payee_id": partner.id,
                    }
                    for _i in range(2)
                ]
            )
            self.ids_ = {
                "type": expense_type.id,
                "partner": partner.id,
                "budget": budget.id,
                "expenses": expenses.ids,
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cr.execute("DELETE FROM sdm_sales_expense WHERE id = ANY(%s)", [self.ids_["expenses"]])
            cr.execute("DELETE FROM sdm_expense_budget WHERE id = %s", [self.ids_["budget"]])
            cr.execute("DELETE FROM sdm_expense_type WHERE id = %s", [self.ids_["type"]])
            write_company_settings(env, self.previous)
            env["res.partner"].browse(self.ids_["partner"]).unlink()

    def _approve(self, cr, index):
        env = api.Environment(cr, SUPERUSER_ID, {})
        expense = env["sdm.sales.expense"].browse(self.ids_["expenses"][index])
        expense.action_submit()
        return expense.state

    def test_two_approvals_against_the_last_of_a_budget(self):
        outcome = two_transactions(self.registry, self._approve)
        self.assertEqual(outcome.get("first"), "approved")
        self.assertEqual(outcome.get("second"), "serialization failure")
        self.assertIn("left on budget Race fund", outcome.get("retry", ""))
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            expenses = env["sdm.sales.expense"].browse(self.ids_["expenses"])
            self.assertEqual(expenses.mapped("state"), ["approved", "draft"])
            self.assertEqual(env["sdm.expense.budget"].browse(self.ids_["budget"]).remaining, 400.0)
