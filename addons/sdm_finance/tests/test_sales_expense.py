from datetime import date

from odoo import Command
from odoo.addons.sdm_sales.tests.common import SdmSalesCommon
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestSalesExpense(SdmSalesCommon):
    """Sales expenses (销售费用): borne by the company (expense against payable, or already booked by a bill) or
    advanced for the customer (代垫: a receivable from the customer, in its credit exposure, aging and statement);
    approved by finance above the type's amount; cancelling a posted one reverses its entry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_finance = cls._new_user("finance.user", "sdm_sales.group_sdm_finance")
        Account = cls.env["account.account"]
        cls.freight_account = Account.create({"name": "Freight Out", "code": "660101", "account_type": "expense"})
        cls.clearing = Account.create({"name": "Advances Clearing", "code": "122101", "account_type": "asset_current"})
        cls.company.sdm_expense_journal_id = cls.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", cls.company.id)], limit=1
        )
        Type = cls.env["sdm.expense.type"]
        cls.freight = Type.create(
            {"name": "Freight", "nature": "borne", "account_id": cls.freight_account.id, "approval_amount": 1000.0}
        )
        cls.promotion = Type.create(
            {"name": "Promotion Advance", "nature": "advanced", "account_id": cls.clearing.id, "approval_amount": 500}
        )
        cls.carrier = cls.env["res.partner"].create({"name": "Swift Carriers", "is_company": True})
        cls.Expense = cls.env["sdm.sales.expense"]

    def _expense(self, expense_type, amount, partner=None, user=None, **vals):
        return self.Expense.with_user(user or self.user_sales_a).create(
            {
                "expense_type_id": expense_type.id,
                "amount": amount,
                "date": date(2026, 3, 10),
                "partner_id": (partner or self.customer_a).id,
                "payee_id": self.carrier.id,
                **vals,
            }
        )

    def test_borne_expense_below_the_threshold_posts_expense_against_payable(self):
        expense = self._expense(self.freight, 800.0)
        self.assertEqual((expense.user_id, expense.team_id), (self.user_sales_a, self.branch_sh))
        self.assertEqual(expense.sdm_region_id, self.customer_a.sdm_region_id)
        self.assertTrue(expense.name.startswith("EXP/"))
        expense.action_submit()
        self.assertEqual(expense.state, "approved", "no approval needed below 1,000")
        with self.assertRaises(UserError):
            expense.with_user(self.user_sales_a).action_post()
        expense.with_user(self.user_finance).action_post()
        lines = expense.move_id.line_ids
        self.assertEqual(expense.state, "posted")
        self.assertEqual(lines.filtered("debit").account_id, self.freight_account)
        self.assertEqual(lines.filtered("debit").debit, 800.0)
        credit = lines.filtered("credit")
        payable = self.carrier.property_account_payable_id
        self.assertEqual((credit.account_id, credit.partner_id), (payable, self.carrier))
        expense.with_user(self.user_finance).action_cancel()
        self.assertEqual(expense.state, "cancel")
        self.assertEqual(expense.reversal_move_id.reversed_entry_id, expense.move_id)

    def test_borne_expense_booked_by_its_bill_posts_nothing_more(self):
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.carrier.id,
                "invoice_date": date(2026, 3, 9),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Freight", "quantity": 1, "price_unit": 300.0, "account_id": self.freight_account.id}
                    )
                ],
            }
        )
        bill.action_post()
        expense = self._expense(self.freight, 300.0, bill_id=bill.id, payee_id=False)
        expense.action_submit()
        expense.with_user(self.user_finance).action_post()
        self.assertEqual(expense.state, "posted")
        self.assertFalse(expense.move_id)

    def test_advanced_expense_is_a_receivable_of_the_customer(self):
        """600 advanced for customer A (above 500: finance approves) is owed by A: exposure +600, an aging item,
        and a line of A's statement."""
        exposure = self.customer_a.sdm_credit_exposure
        expense = self._expense(self.promotion, 600.0)
        expense.action_submit()
        self.assertEqual(expense.state, "to_approve")
        self.assertTrue(expense.activity_ids.filtered(lambda a: a.user_id == self.user_finance))
        with self.assertRaises(UserError):
            expense.with_user(self.user_sales_a).action_approve()
        expense.with_user(self.user_finance).action_approve()
        self.assertEqual((expense.state, expense.approver_id), ("approved", self.user_finance))
        self.assertFalse(expense.activity_ids)
        expense.with_user(self.user_finance).action_post()
        receivable = expense.move_id.line_ids.filtered("debit")
        self.assertEqual(
            (receivable.account_id, receivable.partner_id, receivable.debit),
            (self.customer_a.property_account_receivable_id, self.customer_a, 600.0),
        )
        self.customer_a.invalidate_recordset()
        self.assertEqual(self.customer_a.sdm_credit_exposure, exposure + 600.0)
        aging = (
            self.env["sdm.aging.line"]
            .with_context(sdm_as_of=date(2026, 3, 31))
            .search([("partner_id", "=", self.customer_a.id), ("move_id", "=", expense.move_id.id)])
        )
        self.assertEqual(aging.amount_residual, 600.0)
        statement = self.env["sdm.customer.statement"].create(
            {"partner_id": self.customer_a.id, "date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
        )
        line = statement.line_ids.filtered(lambda line: line.move_id == expense.move_id)
        self.assertEqual((line.line_type, line.debit), ("expense", 600.0))

    def test_bad_input_writes_nothing(self):
        count = self.Expense.search_count([])
        with self.assertRaises(UserError) as caught:
            self._expense(self.freight, -50.0)
        self.assertIn("50", str(caught.exception))
        with self.assertRaises(UserError):
            self._expense(self.freight, 0.0)
        self.assertEqual(self.Expense.search_count([]), count)
        expense = self._expense(self.promotion, 100.0, partner_id=False)
        with self.assertRaises(UserError) as caught:
            expense.action_submit()
        self.assertIn(expense.name, str(caught.exception))
        self.assertEqual(expense.state, "draft")
        with self.assertRaises(ValidationError):
            self.freight.approval_amount = -1.0
        posted = self._expense(self.freight, 100.0)
        posted.action_submit()
        with self.assertRaises(UserError):
            posted.write({"amount": 10.0})
        with self.assertRaises(UserError):
            posted.unlink()

    def test_salespeople_see_their_own_expenses_finance_all(self):
        mine = self._expense(self.freight, 100.0)
        theirs = self._expense(self.freight, 200.0, partner=self.customer_b, user=self.user_sales_b)
        self.assertEqual(self.Expense.with_user(self.user_sales_a).search([("id", "in", (mine | theirs).ids)]), mine)
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_sales_a).read(["amount"])
        self.assertEqual(
            self.Expense.with_user(self.user_finance).search([("id", "in", (mine | theirs).ids)]), mine | theirs
        )
