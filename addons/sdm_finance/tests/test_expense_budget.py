import base64
import io
from datetime import date

from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .rebate_common import RebateCommon

MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}


@tagged("post_install", "-at_install")
class TestExpenseBudget(RebateCommon):
    """Budgets (trade funds) per period × company / region / branch / customer × expense type: used up by approved
    expenses (and, by setting, validated rebates and compensation paid), each amount drawn from the most specific
    budget holding it; checked when an expense is approved (warn / block); transfers with approval.

    Fixtures: customer A (salesperson A) is in the Shanghai branch and the Shanghai region (under East China);
    customer C in the Hangzhou branch, region East China; customer B in the Guangzhou branch, South China."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_finance_2 = cls._new_user("finance.two", "sdm_sales.group_sdm_finance")
        cls.user_admin = cls._new_user("sdm.admin", "sdm_sales.group_sdm_admin")
        Type = cls.env["sdm.expense.type"]
        cls.freight = Type.create({"name": "Freight", "nature": "borne", "approval_amount": 0.0})
        cls.promotion = Type.create({"name": "Promotion", "nature": "borne", "approval_amount": 0.0})
        cls.carrier = cls.env["res.partner"].create({"name": "Swift Carriers", "is_company": True})
        cls.Budget = cls.env["sdm.expense.budget"]
        cls.Transfer = cls.env["sdm.expense.budget.transfer"]
        cls.company.write(
            {
                "sdm_expense_budget_mode": "off",
                "sdm_expense_budget_required": False,
                "sdm_budget_rebates": False,
                "sdm_budget_compensation": False,
            }
        )

    def _budget(self, name, amount, scope="company", state="open", **vals):
        budget = self.Budget.create({"name": name, "amount": amount, "scope": scope, **MARCH, **vals})
        if state == "open":
            budget.action_open()
        return budget

    def _expense(self, amount, partner=None, expense_type=None, when=date(2026, 3, 10), submit=True):
        expense = self.env["sdm.sales.expense"].create(
            {
                "expense_type_id": (expense_type or self.freight).id,
                "amount": amount,
                "date": when,
                "partner_id": (partner or self.customer_a).id,
                "payee_id": self.carrier.id,
            }
        )
        if submit:
            expense.action_submit()
        return expense

    def test_each_expense_draws_from_the_most_specific_budget(self):
        """Company 10,000, East China 5,000, Shanghai (sub-region) 1,500, Shanghai branch 2,000, customer A
        freight 1,000, customer C (draft) 800. Freight 300 for A → A's freight budget; promotion 200 for A → the
        branch (A's budget is for freight only, branch before region); freight 400 for C → Shanghai is not C's
        region, the branch is not C's: East China (the draft budget of C draws nothing); freight 500 for B →
        company-wide. Not counted: 700 for A in April (no budget), 50 in draft, 80 cancelled."""
        company = self._budget("Company", 10000)
        east = self._budget("East", 5000, "region", sdm_region_id=self.region_east.id)
        shanghai = self._budget("Shanghai", 1500, "region", sdm_region_id=self.region_sh.id)
        branch = self._budget("Branch SH", 2000, "branch", team_id=self.branch_sh.id)
        customer_a = self._budget(
            "A freight", 1000, "customer", partner_id=self.customer_a.id, expense_type_id=self.freight.id
        )
        customer_c = self._budget("C draft", 800, "customer", state="draft", partner_id=self.customer_c.id)
        self.assertEqual(
            (self.customer_c.sdm_branch_id, self.customer_c.sdm_region_id), (self.branch_hz, self.region_east)
        )
        self.assertEqual(self.customer_a.sdm_region_id, self.region_sh)
        e_a = self._expense(300)
        e_promo = self._expense(200, expense_type=self.promotion)
        e_c = self._expense(400, partner=self.customer_c)
        e_b = self._expense(500, partner=self.customer_b)
        e_april = self._expense(700, when=date(2026, 4, 2))
        self._expense(50, submit=False)
        cancelled = self._expense(80)
        cancelled.with_user(self.user_finance).action_cancel()
        drawn = {e: e._sdm_budget() for e in (e_a, e_promo, e_c, e_b, e_april)}
        self.assertEqual([drawn[e] for e in (e_a, e_promo, e_c, e_b)], [customer_a, branch, east, company])
        self.assertFalse(drawn[e_april])
        self.assertEqual((e_a | e_c | e_april).mapped("sdm_budget_id"), customer_a | east)
        budgets = company | east | shanghai | branch | customer_a | customer_c
        self.assertEqual(budgets.mapped("consumed"), [500.0, 400.0, 0.0, 200.0, 300.0, 0.0])
        self.assertEqual(customer_a.remaining, 700.0)
        self.assertAlmostEqual(customer_a.used_percent, 30.0)
        report = self.env["sdm.expense.budget.report"].search([("budget_id", "in", budgets.ids)])
        by_budget = {row.budget_id: row for row in report}
        self.assertEqual((by_budget[east].consumed, by_budget[east].remaining), (400.0, 4600.0))
        self.assertAlmostEqual(by_budget[customer_a].used_percent, 30.0)
        # Grouped: Σ consumed / Σ available, not an average of percentages: 1,400 / 19,500 (draft C excluded).
        group = self.env["sdm.expense.budget.report"].read_group(
            [("budget_id", "in", budgets.ids), ("state", "=", "open")], ["consumed:sum", "used_percent"], []
        )[0]
        self.assertEqual(group["consumed"], 1400.0)
        self.assertAlmostEqual(group["used_percent"], round(100.0 * 1400 / 19500, 2))
        action = customer_a.action_view_expenses()
        self.assertEqual(self.env["sdm.sales.expense"].search(action["domain"]), e_a)

    def test_rebates_and_compensation_use_up_untyped_budgets_by_setting(self):
        """A validated rebate of 250 for customer A on 31 March and compensation of 120 paid on 15 March use up
        A's budget of all types (1,000) only when the company says so; A's freight budget never."""
        untyped = self._budget("A all types", 1000, "customer", partner_id=self.customer_a.id)
        typed = self._budget(
            "A freight", 600, "customer", partner_id=self.customer_a.id, expense_type_id=self.freight.id
        )
        agreement = self._agreement()
        self.env["sdm.rebate.settlement"].create(
            {
                "agreement_id": agreement.id,
                "partner_id": self.customer_a.id,
                "sdm_region_id": self.region_sh.id,
                "settlement_type": "final",
                "period_start": date(2026, 1, 1),
                "period_end": date(2026, 3, 31),
                "date": date(2026, 3, 31),
                "amount": 250.0,
                "state": "validated",
            }
        )
        notice = self.env["sdm.price.notice"].create(
            {
                "effective_date": date(2026, 3, 15),
                "product_line_ids": [Command.create({"product_id": self.valve.id, "new_price": 0.5})],
            }
        )
        balance = self.env["sdm.customer.balance"].create(
            {
                "balance_type": "compensation",
                "partner_id": self.customer_a.id,
                "amount": 120.0,
                "date": date(2026, 3, 15),
                "name": "Compensation",
                "notice_id": notice.id,
            }
        )
        line_vals = {"notice_id": notice.id, "partner_id": self.customer_a.id, "product_id": self.valve.id}
        self.env["sdm.price.notice.line"].create(
            [
                {**line_vals, "amount": 120.0, "balance_id": balance.id},
                {**line_vals, "amount": 999.0},  # computed, not paid
            ]
        )
        notice.state = "settled"
        self._expense(100)
        self.assertEqual((untyped.consumed, typed.consumed), (0.0, 100.0))
        self.company.sdm_budget_rebates = True
        untyped.invalidate_recordset()
        self.assertEqual((untyped.consumed_rebate, untyped.consumed), (250.0, 250.0))
        self.company.sdm_budget_compensation = True
        (untyped | typed).invalidate_recordset()
        self.assertEqual((untyped.consumed_compensation, untyped.consumed, untyped.remaining), (120.0, 370.0, 630.0))
        self.assertEqual(typed.consumed, 100.0)
        notice.state = "cancel"
        untyped.invalidate_recordset()
        self.assertEqual(untyped.consumed, 250.0, "a cancelled notice's compensation was taken back")

    def test_block_mode_refuses_an_expense_above_what_is_left_warn_mode_notes_it(self):
        """A's budget 1,000; 600 approved; 500 more: block → refused naming 500, the 400 left and the budget,
        nothing written; warn → approved with a note."""
        budget = self._budget("A fund", 1000, "customer", partner_id=self.customer_a.id)
        self.company.sdm_expense_budget_mode = "block"
        self._expense(600)
        second = self._expense(500, submit=False)
        messages = len(second.message_ids)
        with self.assertRaises(UserError) as caught:
            second.with_user(self.user_sales_a).action_submit()
        text = str(caught.exception)
        for part in (second.name, "A fund", "400", "500"):
            self.assertIn(part, text)
        self.assertEqual((second.state, len(second.message_ids)), ("draft", messages))
        self.assertEqual(budget.remaining, 400.0)
        self.company.sdm_expense_budget_mode = "warn"
        second.action_submit()
        self.assertEqual(second.state, "approved")
        self.assertIn("A fund", second.message_ids[0].body)
        budget.invalidate_recordset()
        self.assertEqual(budget.remaining, -100.0)
        # Off: no check, no note.
        self.company.sdm_expense_budget_mode = "off"
        third = self._expense(50)
        self.assertEqual(third.state, "approved")

    def test_closed_budget_takes_nothing_more(self):
        budget = self._budget("A fund", 1000, "customer", partner_id=self.customer_a.id)
        budget.action_close()
        self.company.sdm_expense_budget_mode = "block"
        expense = self._expense(10, submit=False)
        with self.assertRaises(UserError) as caught:
            expense.action_submit()
        self.assertIn("closed", str(caught.exception))
        self.assertEqual(expense.state, "draft")

    def test_expense_outside_any_budget_period(self):
        """Block mode with budgets required: an expense of 2 April, outside March's budget, is refused with its
        date; without the requirement it goes through."""
        self._budget("A fund", 1000, "customer", partner_id=self.customer_a.id)
        self.company.write({"sdm_expense_budget_mode": "block", "sdm_expense_budget_required": True})
        expense = self._expense(100, when=date(2026, 4, 2), submit=False)
        with self.assertRaises(UserError) as caught:
            expense.action_submit()
        self.assertIn(expense.name, str(caught.exception))
        self.assertIn("outside any open budget", str(caught.exception))
        self.assertEqual(expense.state, "draft")
        self.company.sdm_expense_budget_required = False
        expense.action_submit()
        self.assertEqual(expense.state, "approved")

    def test_transfer_with_approval_and_above_what_is_left(self):
        """X 1,000 with 700 drawn (300 left), Y 500. 400 from X: refused at submit naming 300 and 400. 200: asks
        the approvers (not the requester); the requester cannot approve; a salesperson cannot; another finance
        user does: X has 100 left, Y 700 available."""
        x = self._budget("X", 1000, "customer", partner_id=self.customer_a.id)
        y = self._budget("Y", 500, "customer", partner_id=self.customer_b.id)
        self._expense(700)
        Transfer = self.Transfer.with_user(self.user_finance)
        too_much = Transfer.create({"budget_from_id": x.id, "budget_to_id": y.id, "amount": 400, "reason": "Q1"})
        with self.assertRaises(UserError) as caught:
            too_much.action_submit()
        for part in ("300", "400", "X"):
            self.assertIn(part, str(caught.exception))
        self.assertEqual(too_much.state, "draft")
        transfer = Transfer.create({"budget_from_id": x.id, "budget_to_id": y.id, "amount": 200, "reason": "Q1"})
        transfer.action_submit()
        self.assertEqual(transfer.state, "to_approve")
        approvers = transfer.activity_ids.user_id
        self.assertIn(self.user_finance_2, approvers)
        self.assertIn(self.user_admin, approvers)
        self.assertNotIn(self.user_finance, approvers)
        with self.assertRaises(UserError):
            transfer.action_approve()
        with self.assertRaises(UserError):
            transfer.with_user(self.user_sales_a).action_approve()
        transfer.with_user(self.user_finance_2).action_approve()
        self.assertEqual((transfer.state, transfer.approver_id), ("done", self.user_finance_2))
        self.assertFalse(transfer.activity_ids)
        (x | y).invalidate_recordset()
        self.assertEqual((x.transferred_out, x.remaining), (200.0, 100.0))
        self.assertEqual((y.transferred_in, y.available, y.remaining), (200.0, 700.0, 700.0))
        # Approved later than submitted, when the source no longer has it: refused with the numbers.
        late = Transfer.create({"budget_from_id": x.id, "budget_to_id": y.id, "amount": 100, "reason": "Q1"})
        late.action_submit()
        self._expense(50)
        with self.assertRaises(UserError) as caught:
            late.with_user(self.user_admin).action_approve()
        self.assertIn("50", str(caught.exception))
        self.assertEqual(late.state, "to_approve")
        late.with_user(self.user_admin).action_refuse()
        self.assertEqual(late.state, "refused")

    def test_bad_input_writes_nothing(self):
        count = self.Budget.search_count([])
        with self.assertRaises(ValidationError) as caught:
            self._budget("Negative", -1.0)
        self.assertIn("Negative", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.Budget.create(
                {"name": "Inverted", "amount": 10, "date_from": date(2026, 3, 31), "date_to": date(2026, 3, 1)}
            )
        self.assertIn("Inverted", str(caught.exception))
        with self.assertRaises(ValidationError):
            self._budget("No region", 10, "region")
        self.assertEqual(self.Budget.search_count([]), count)
        x = self._budget("X", 100)
        y = self._budget("Y", 100, "customer", partner_id=self.customer_a.id)
        with self.assertRaises(ValidationError):
            self._budget("X twin", 100)
        with self.assertRaises(UserError):
            x.date_to = date(2026, 4, 30)
        transfers = self.Transfer.search_count([])
        with self.assertRaises(UserError) as caught:
            self.Transfer.create({"budget_from_id": x.id, "budget_to_id": y.id, "amount": -5, "reason": "oops"})
        self.assertIn("5.00", str(caught.exception))
        self.assertIn("Transfer from X to Y", str(caught.exception))
        self.assertEqual(self.Transfer.search_count([]), transfers)

    def test_salespeople_read_their_scope_finance_all(self):
        budgets = (
            self._budget("Company", 100)
            | self._budget("A", 100, "customer", partner_id=self.customer_a.id)
            | self._budget("Branch SH", 100, "branch", team_id=self.branch_sh.id)
            | self._budget("B", 100, "customer", partner_id=self.customer_b.id)
            | self._budget("East", 100, "region", sdm_region_id=self.region_east.id)
        )
        seen = self.Budget.with_user(self.user_sales_a).search([("id", "in", budgets.ids)])
        self.assertEqual(set(seen.mapped("name")), {"Company", "A", "Branch SH"})
        seen = self.Budget.with_user(self.user_east_manager).search([("id", "in", budgets.ids)])
        self.assertEqual(set(seen.mapped("name")), {"Company", "A", "East"})
        self.assertEqual(self.Budget.with_user(self.user_finance).search([("id", "in", budgets.ids)]), budgets)
        with self.assertRaises(AccessError):
            budgets[0].with_user(self.user_sales_a).amount = 5

    def test_budget_vs_actual_xlsx(self):
        a = self._budget("A fund", 1000, "customer", partner_id=self.customer_a.id)
        b = self._budget("B fund", 500, "customer", partner_id=self.customer_b.id)
        self._expense(250)
        wizard = (
            self.env["sdm.expense.budget.xlsx"]
            .with_context(active_model="sdm.expense.budget", active_ids=(a | b).ids)
            .create({})
        )
        wizard.action_export()
        sheet = load_workbook(io.BytesIO(base64.b64decode(wizard.file_data))).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        header = rows[3]
        self.assertEqual(rows[4][header.index("Consumed")], 250)
        self.assertEqual(rows[4][header.index("Remaining")], 750)
        self.assertAlmostEqual(rows[4][header.index("% Used")], 0.25)
        self.assertEqual(rows[6][header.index("Amount")], 1500)
        self.assertAlmostEqual(rows[6][header.index("% Used")], 250 / 1500)
        self.assertEqual(wizard.budget_ids, a | b)

    def test_salesperson_opens_a_budget_of_their_customer(self):
        """The budget form as a salesperson (no access to transfers): it opens, figures included."""
        budget = self._budget("A fund", 1000, "customer", partner_id=self.customer_a.id)
        self._expense(100)
        values = budget.with_user(self.user_sales_a).get_views([(False, "form")])
        self.assertNotIn("transfer_in_ids", values["views"]["form"]["arch"])
        data = budget.with_user(self.user_sales_a).web_read({"name": {}, "remaining": {}, "used_percent": {}})
        self.assertEqual(data[0]["remaining"], 900.0)
