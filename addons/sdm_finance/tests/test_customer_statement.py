from datetime import date

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .rebate_common import RebateCommon


@tagged("post_install", "-at_install")
class TestCustomerStatement(RebateCommon):
    """A customer statement (对账单) equals the receivable ledger: opening balance, every item of the period typed,
    running balance, closing balance; balances beside it; status sent / confirmed / disputed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._q1()  # 2,000 on 10 Jan (before the period), 4,000 on 10 Feb, credit note 500 on 5 Mar
        receipt = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": cls.contact_a.id,  # a contact's receipt is the company's
                "amount": 1000,
                "date": date(2026, 4, 1),
            }
        )
        receipt.action_post()
        receivable = cls.customer_a.property_account_receivable_id
        income = cls.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", cls.company.ids)], limit=1
        )
        adjustment = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": date(2026, 4, 20),
                "ref": "Freight charged back",
                "line_ids": [
                    Command.create({"account_id": receivable.id, "partner_id": cls.customer_a.id, "debit": 50}),
                    Command.create({"account_id": income.id, "credit": 50}),
                ],
            }
        )
        adjustment.action_post()
        Balance = cls.env["sdm.customer.balance"]
        for when, amount in ((date(2026, 1, 5), 100), (date(2026, 3, 1), 200), (date(2026, 3, 20), -80)):
            Balance.create(
                {
                    "balance_type": "compensation",
                    "partner_id": cls.customer_a.id,
                    "date": when,
                    "amount": amount,
                    "name": "Compensation",
                }
            )

    def _statement(self, date_from=date(2026, 2, 1), date_to=None):
        return self.env["sdm.customer.statement"].create(
            {
                "partner_id": self.contact_a.id,
                "date_from": date_from,
                "date_to": date_to or fields.Date.context_today(self.env.user),
            }
        )

    def _ledger(self, date_to):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", self.customer_a.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", date_to),
            ]
        )
        return sum(lines.mapped("balance"))

    def test_statement_equals_the_ledger(self):
        agreement = self._agreement()
        self._settle(agreement, date(2026, 3, 31))  # 3 % of 5,500 = 165, a credit note dated today
        statement = self._statement()
        self.assertEqual(statement.partner_id, self.customer_a)
        self.assertEqual(statement.opening_balance, 2000.0)
        self.assertEqual(
            [(line.line_type, line.debit, line.credit, line.balance) for line in statement.line_ids],
            [
                ("invoice", 4000.0, 0.0, 6000.0),
                ("refund", 0.0, 500.0, 5500.0),
                ("receipt", 0.0, 1000.0, 4500.0),
                ("adjustment", 50.0, 0.0, 4550.0),
                ("rebate", 0.0, 165.0, 4385.0),
            ],
        )
        self.assertEqual((statement.total_debit, statement.total_credit), (4050.0, 1665.0))
        self.assertEqual(statement.closing_balance, 4385.0)
        self.assertEqual(statement.closing_balance, self._ledger(statement.date_to))
        # Balances: 100 before the period, 200 credited, 80 used: 220 at the end.
        self.assertEqual(
            (statement.balance_opening, statement.balance_credited, statement.balance_used, statement.balance_closing),
            (100.0, 200.0, 80.0, 220.0),
        )
        # A shorter period: opening and closing still equal the ledger on each side.
        march = self._statement(date(2026, 3, 1), date(2026, 3, 31))
        self.assertEqual((march.opening_balance, march.closing_balance), (6000.0, 5500.0))
        self.assertEqual(march.closing_balance, self._ledger(date(2026, 3, 31)))
        march.action_xlsx()
        self.assertTrue(march.file_data)

    def test_bad_period_is_refused_and_writes_nothing(self):
        count = self.env["sdm.customer.statement"].search_count([])
        with self.assertRaises(ValidationError) as caught:
            self._statement(date(2026, 5, 1), date(2026, 4, 30))
        self.assertIn("before it starts", str(caught.exception))
        self.assertEqual(self.env["sdm.customer.statement"].search_count([]), count)

    def test_send_confirm_dispute(self):
        statement = self._statement(date(2026, 3, 1), date(2026, 3, 31))
        with self.assertRaises(UserError):
            statement.action_confirm()  # not sent yet
        statement.action_send()
        self.assertEqual(statement.state, "sent")
        self.assertEqual(statement.sent_date, fields.Date.context_today(statement))
        sent = statement.message_ids.filtered(lambda m: m.message_type == "comment" and m.attachment_ids)
        self.assertTrue(sent, "the statement went out as a message with its PDF")
        self.assertIn(self.customer_a, sent.partner_ids)
        with self.assertRaises(UserError):
            statement.action_refresh()  # what the customer received does not change
        with self.assertRaises(UserError):
            statement.action_dispute()  # the comment is required
        self.assertEqual(statement.state, "sent")
        statement.response_comment = "The credit note of 5 March is missing on our side."
        statement.action_dispute()
        self.assertEqual(statement.state, "disputed")
        activity = statement.activity_ids
        self.assertEqual(activity.user_id, self.user_sales_a)
        statement.action_confirm()
        self.assertEqual(statement.state, "confirmed")
        with self.assertRaises(UserError):
            statement.unlink()

    def test_statement_pdf_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.customer_a.lang = "zh_CN"
        statement = self._statement(date(2026, 3, 1), date(2026, 3, 31))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sdm_finance.report_customer_statement", statement.ids)[0]
            .decode()
        )
        page = html[html.index('<div class="page">') :]
        self.assertIn(statement.name, page)
        self.assertIn("对账单", page)
        self.assertNotIn("Opening balance", page)

    def test_batch_creates_one_statement_per_customer_with_activity(self):
        self._invoice(date(2026, 3, 10), 300, partner=self.customer_b)
        wizard = self.env["sdm.customer.statement.batch"].create(
            {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
        )
        action = wizard.action_create()
        statements = self.env["sdm.customer.statement"].search(action["domain"])
        mine = statements.filtered(lambda s: s.partner_id in (self.customer_a | self.customer_b))
        self.assertEqual(
            sorted((s.partner_id.name, s.closing_balance) for s in mine),
            sorted([(self.customer_a.name, 5500.0), (self.customer_b.name, 300.0)]),
        )
        self.assertNotIn(self.customer_c, statements.partner_id)
