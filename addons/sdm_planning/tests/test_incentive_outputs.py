import base64
import io
from datetime import date, datetime

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError

from .test_incentive_plan import IncentiveCommon

STATEMENT = "sdm_planning.report_incentive_statement"
# Payroll columns: name, login, reference, period from, period to, plan, then the line types and the total.
AMOUNT_COLUMNS = ("payout", "deduction", "clawback", "true_up", "adjustment", "total")


class TestIncentiveOutputs(IncentiveCommon):
    """What a settlement hands on: the payroll XLSX (one row per person, amounts by line type), one statement per
    participant (PDF and XLSX, in the participant's language, their own only for a salesperson) and, when the
    plan names a journal and two accounts, the journal entry of a locked settlement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Settlement = cls.env["sdm.incentive.settlement"]
        cls.expense_account = cls.env["account.account"].create(
            {"name": "Sales Incentives", "code": "660901", "account_type": "expense"}
        )
        cls.accrual_account = cls.env["account.account"].create(
            {"name": "Accrued Payroll", "code": "221101", "account_type": "liability_current"}
        )
        cls.journal = cls.env["account.journal"].create({"name": "Payroll Accruals", "code": "PAYA", "type": "general"})
        cls.accounting = {
            "journal_id": cls.journal.id,
            "expense_account_id": cls.expense_account.id,
            "accrual_account_id": cls.accrual_account.id,
        }
        cls.user_sales_a.partner_id.ref = "E-0001"

    # ------------------------------------------------------------------ helpers

    def _active(self, **kwargs):
        plan = self._incentive(**kwargs)
        plan.action_activate()
        return plan

    def _settle(self, plan, day):
        return self.Settlement.with_user(self.planner)._sdm_settle(plan, day).with_user(self.env.user)

    def _approve(self, settlement):
        settlement.with_user(self.planner).action_review()
        settlement.with_user(self.finance).action_approve()

    def _lock(self, settlement):
        self._approve(settlement)
        settlement.with_user(self.finance).action_lock()

    def _q1_settlement(self):
        """Q1: Sales A at 84 % (sales 100 %, collections 60 %, weights 60/40) → 60 % of 10,000 = 6,000; her
        invoice of 1,000 due on 5 January is open on 31 March: 10 % of it, 100, deducted; a correction of -50
        for her, a bonus of 300 for Sales B. A: 5,850, B: 300, total 6,150."""
        for month, actual in ((1, 900.0), (2, 1000.0), (3, 1100.0)):
            self._row(self.user_sales_a, date(2026, month, 1), 1000.0, actual, 1000.0, 600.0)
        self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 1, 5), 10, due=date(2026, 1, 5))
        plan = self._active(
            measures=[("invoiced", 60.0), ("collections", 40.0)],
            overdue_days=30,
            overdue_deduction_percent=10.0,
            participant_ids=[Command.create({"user_id": self.user_sales_a.id, "target_incentive": 10000.0})],
        )
        settlement = self._settle(plan, date(2026, 1, 1))
        settlement.with_user(self.planner)._sdm_add_adjustment(self.user_sales_a, -50.0, "Sample order returned")
        settlement.with_user(self.planner)._sdm_add_adjustment(self.user_sales_b, 300.0, "Trade fair bonus")
        self.assertEqual(settlement.amount_total, 6150.0)
        return settlement

    def _download(self, action):
        """The workbook an XLSX button hands to the browser."""
        model, record_id = action["url"].split("/")[3:5]
        data = self.env[model].browse(int(record_id)).file_data
        return openpyxl.load_workbook(io.BytesIO(base64.b64decode(data)))

    def _payroll_rows(self, settlement):
        sheet = self._download(settlement.with_user(self.finance).action_payroll_xlsx()).active
        rows = [
            [value.date() if isinstance(value, datetime) else value for value in row]
            for row in sheet.iter_rows(min_row=5, values_only=True)
        ]
        return {row[0]: dict(zip(AMOUNT_COLUMNS, row[6:], strict=True)) | {"row": row} for row in rows}

    def _html(self, user, lines):
        return self.env["ir.actions.report"].with_user(user)._render_qweb_html(STATEMENT, lines.ids)[0].decode()

    # ------------------------------------------------------------------ payroll

    def test_payroll_xlsx_one_row_per_person_netted(self):
        settlement = self._q1_settlement()
        with self.assertRaises(UserError) as caught:
            settlement.with_user(self.finance).action_payroll_xlsx()
        self.assertIn(settlement.name, str(caught.exception), "a draft is refused, naming it")
        self.assertFalse(self.env["sdm.incentive.payroll.xlsx"].search([]), "nothing written")
        self._approve(settlement)
        rows = self._payroll_rows(settlement)
        self.assertEqual(list(rows), ["Sales A", "Sales B", "Total"], "one row per person, then the total")
        a, b, total = rows["Sales A"], rows["Sales B"], rows["Total"]
        self.assertEqual(a["row"][1:6], ["sales.a", "E-0001", date(2026, 1, 1), date(2026, 3, 31), "Salesforce 2026"])
        expected = {
            "Sales A": (6000.0, -100.0, 0.0, 0.0, -50.0, 5850.0),
            "Sales B": (0.0, 0.0, 0.0, 0.0, 300.0, 300.0),
            "Total": (6000.0, -100.0, 0.0, 0.0, 250.0, 6150.0),
        }
        for name, row in (("Sales A", a), ("Sales B", b), ("Total", total)):
            self.assertEqual(tuple(row[key] for key in AMOUNT_COLUMNS), expected[name], name)
        self.assertEqual(b["row"][2], None, "no reference: left blank")
        with self.assertRaises(AccessError):
            settlement.with_user(self.user_sales_a).action_payroll_xlsx()

    # ------------------------------------------------------------------ statements

    def test_statement_pdf_shows_the_figures_and_the_reasons(self):
        settlement = self._q1_settlement()
        html = self._html(self.planner, settlement.line_ids)
        for text in (
            "Sales A",
            "Sales B",
            "Salesforce 2026",
            settlement.name,
            "84.0",  # weighted achievement
            "100.0",  # sales achievement
            "60.0",  # collections achievement, the curve's payout
            "10,000.00",  # target incentive
            "6,000.00",
            "-\ufeff100.00",  # the deduction (Odoo keeps the minus with the number)
            "-\ufeff50.00",  # the correction
            "Sample order returned",
            "Trade fair bonus",
            "5,850.00",  # Sales A's total
            "1,000.00",  # the invoice behind the payout
        ):
            self.assertIn(text, html)
        self.assertEqual(html.count("Incentive Statement"), 2, "one statement per person")

    def test_statement_values_by_hand(self):
        settlement = self._q1_settlement()
        statements = settlement.line_ids._sdm_statements()
        self.assertEqual([s["name"] for s in statements], ["Sales A", "Sales B"])
        a = statements[0]
        (section,) = a["sections"]
        self.assertEqual([m[2] for m in section["measures"]], [100.0, 60.0])
        self.assertAlmostEqual(section["achievement"], 84.0)
        self.assertAlmostEqual(section["payout_percent"], 60.0)
        self.assertEqual(section["target_incentive"], 10000.0)
        self.assertEqual([line["amount"] for line in section["lines"]], [6000.0, -100.0, -50.0])
        self.assertEqual(a["total"], 5850.0)
        self.assertEqual(a["sources"], [{"type": "Invoiced", "count": 1, "amount": 1000.0}])
        self.assertEqual(statements[1]["total"], 300.0)
        self.assertFalse(statements[1]["sections"][0]["measured"], "an adjustment alone measures nothing")

    def test_statement_in_the_participants_language(self):
        """Sales B reads Chinese: her statement's dates are in the zh_CN format, Sales A's in English."""
        self.user_sales_b.lang = "zh_CN"
        settlement = self._q1_settlement()
        statements = {s["name"]: s for s in settlement.line_ids._sdm_statements()}
        self.assertEqual((statements["Sales A"]["lang"], statements["Sales B"]["lang"]), ("en_US", "zh_CN"))
        html = self._html(self.planner, settlement.line_ids)
        self.assertIn("2026年03月31日", html)
        self.assertIn("03/31/2026", html)

    def test_salesperson_prints_only_their_own_statement(self):
        settlement = self._q1_settlement()
        lines_b = settlement.line_ids.filtered(lambda line: line.user_id == self.user_sales_b)
        html = self._html(self.user_sales_a, settlement.line_ids)
        self.assertIn("Sales A", html)
        self.assertNotIn("Sales B", html)
        self.assertNotIn("Trade fair bonus", html)
        with self.assertRaises(UserError):
            self._html(self.user_sales_a, lines_b)
        action = settlement.with_user(self.user_sales_a).action_print_statements()
        self.assertEqual(
            set(action["context"]["active_ids"]), set((settlement.line_ids - lines_b).ids), "her lines only"
        )
        book = self._download(settlement.with_user(self.user_sales_a).action_statements_xlsx())
        self.assertEqual(book.sheetnames, ["Sales A"])

    def test_statement_xlsx_a_sheet_per_person(self):
        settlement = self._q1_settlement()
        book = self._download(settlement.with_user(self.planner).action_statements_xlsx())
        self.assertEqual(book.sheetnames, ["Sales A", "Sales B"])
        cells = [row for row in book["Sales A"].iter_rows(values_only=True) if any(row)]
        by_label = {row[0]: row for row in cells}
        self.assertEqual(by_label["Total"][1], 5850.0)
        self.assertEqual(by_label["Target Incentive"][1], 10000.0)
        self.assertAlmostEqual(by_label["Weighted Achievement"][1], 0.84)
        self.assertEqual(by_label["Invoiced"][1:3], (1000.0, 1))
        self.assertIn("Sample order returned", [row[2] for row in cells])
        # From the lines list: the selected lines' people only.
        lines_a = settlement.line_ids.filtered(lambda line: line.user_id == self.user_sales_a)
        wizard = (
            self.env["sdm.incentive.statement"]
            .with_user(self.planner)
            .with_context(active_model="sdm.incentive.settlement.line", active_ids=lines_a.ids)
            .create({})
        )
        self.assertEqual(wizard.line_ids, lines_a)
        self.assertEqual(self._download(wizard.action_export()).sheetnames, ["Sales A"])

    def test_year_statement_of_one_person(self):
        """Two locked quarters of Sales A in one statement: Q1 5,850, Q2 nothing (no achievement)."""
        settlement = self._q1_settlement()
        self._lock(settlement)
        q2 = self._settle(settlement.plan_id, date(2026, 4, 1))
        self._lock(q2)
        wizard = (
            self.env["sdm.incentive.statement"]
            .with_user(self.user_sales_a)
            .create({"user_id": self.user_sales_a.id, "year": 2026})
        )
        (statement,) = wizard._sdm_lines()._sdm_statements()
        self.assertEqual([s["date_from"] for s in statement["sections"]], [date(2026, 1, 1), date(2026, 4, 1)])
        self.assertEqual(statement["total"], 5850.0)

    # ------------------------------------------------------------------ journal entry

    def _entry(self, move):
        return sorted((line.account_id, line.debit, line.credit) for line in move.line_ids)

    def test_lock_posts_the_entry_and_a_clawback_reverses_it(self):
        """January pays Sales A 3,000: expense 3,000 debit, accrued payroll 3,000 credit, on 31 January. 40 % of
        the invoice is refunded in February: February takes back 1,200 (a clawback, netted in its payroll row),
        its total -1,200 is posted the other way round on 28 February."""
        plan = self._active(
            period="month",
            clawback_months=3,
            participant_ids=[Command.create({"user_id": self.user_sales_a.id, "target_incentive": 3000.0})],
            **self.accounting,
        )
        invoice = self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 1, 10), 10)
        self._row(self.user_sales_a, date(2026, 1, 1), 1000.0, 1000.0)
        january = self._settle(plan, date(2026, 1, 1))
        self._lock(january)
        move = january.move_id
        self.assertEqual((move.state, move.date, move.journal_id), ("posted", date(2026, 1, 31), self.journal))
        self.assertIn(january.name, move.ref)
        self.assertEqual(
            self._entry(move),
            sorted([(self.expense_account, 3000.0, 0.0), (self.accrual_account, 0.0, 3000.0)]),
        )
        self._invoice(
            self.customer_a,
            self.user_sales_a,
            self.branch_sh,
            date(2026, 2, 10),
            4,
            move_type="out_refund",
            reverses=invoice,
        )
        february = self._settle(plan, date(2026, 2, 1))
        self.assertEqual(february.amount_total, -1200.0)
        self._approve(february)
        row = self._payroll_rows(february)["Sales A"]
        self.assertEqual((row["clawback"], row["total"]), (-1200.0, -1200.0))
        february.with_user(self.finance).action_lock()
        self.assertEqual(february.move_id.date, date(2026, 2, 28))
        self.assertEqual(
            self._entry(february.move_id),
            sorted([(self.accrual_account, 1200.0, 0.0), (self.expense_account, 0.0, 1200.0)]),
        )

    def test_no_entry_without_accounts_or_for_nothing(self):
        self._row(self.user_sales_a, date(2026, 1, 1), 1000.0, 1000.0)
        plain = self._active(
            period="month",
            participant_ids=[Command.create({"user_id": self.user_sales_a.id, "target_incentive": 3000.0})],
        )
        settlement = self._settle(plain, date(2026, 1, 1))
        self._lock(settlement)
        self.assertEqual(settlement.amount_total, 3000.0)
        self.assertFalse(settlement.move_id, "no accounts on the plan: no entry")
        configured = self._active(
            period="month",
            participant_ids=[Command.create({"user_id": self.user_sales_b.id, "target_incentive": 3000.0})],
            **self.accounting,
        )
        zero = self._settle(configured, date(2026, 1, 1))
        self._lock(zero)
        self.assertEqual((zero.state, zero.amount_total), ("locked", 0.0))
        self.assertFalse(zero.move_id, "a zero total posts nothing")

    def test_partly_configured_is_refused_naming_what_is_missing(self):
        plan = self._incentive(journal_id=self.journal.id)
        with self.assertRaises(UserError) as caught:
            plan.with_user(self.planner).action_activate()
        for text in (plan.name, "Incentive Expense Account", "Accrued Payroll Account"):
            self.assertIn(text, str(caught.exception))
        self.assertEqual(plan.state, "draft")
        # Set up halfway after activation: the lock is refused and writes nothing.
        self._row(self.user_sales_a, date(2026, 1, 1), 1000.0, 1000.0)
        plan.write({"journal_id": False, "period": "month"})
        plan.participant_ids = [Command.create({"user_id": self.user_sales_a.id, "target_incentive": 3000.0})]
        plan.action_activate()
        settlement = self._settle(plan, date(2026, 1, 1))
        self._approve(settlement)
        plan.write({"expense_account_id": self.expense_account.id})
        moves = self.env["account.move"].search_count([])
        with self.assertRaises(UserError) as caught:
            settlement.with_user(self.finance).action_lock()
        for text in (plan.name, "Journal", "Accrued Payroll Account"):
            self.assertIn(text, str(caught.exception))
        self.assertEqual((settlement.state, settlement.locked_date), ("approved", False))
        self.assertFalse(settlement.move_id)
        self.assertEqual(self.env["account.move"].search_count([]), moves)
