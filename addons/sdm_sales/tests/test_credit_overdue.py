from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tools import format_date

from .credit_common import SdmCreditCommon


class TestCreditOverdue(SdmCreditCommon):
    """Overdue is one definition on journal items' due dates: with installment payment terms an invoice is overdue
    as soon as one installment is, although its "due date" (the last installment in Odoo 18) is still ahead.
    The figure, the blocking message's invoice list and the drill-down agree."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.installments = cls.env["account.payment.term"].create(
            {
                "name": "30% now, 70% in 60 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30.0, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 70.0, "nb_days": 60}),
                ],
            }
        )

    def _installment_invoice(self, amount, days_ago):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer_a.id,
                "invoice_date": self.today - timedelta(days=days_ago),
                "invoice_payment_term_id": self.installments.id,
                "invoice_line_ids": [
                    Command.create({"product_id": self.product.id, "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        return invoice

    def test_first_installment_overdue(self):
        invoice = self._installment_invoice(1000.0, days_ago=10)
        self.assertGreater(invoice.invoice_date_due, self.today, "the invoice's due date is the last installment")
        partner = self._position()
        self.assertEqual(partner.sdm_credit_overdue_amount, 300.0)
        self.assertEqual(partner.sdm_credit_oldest_overdue_days, 10)
        # The drill-down lists the invoice whose first installment is overdue.
        drill_down = self.env["account.move"].search(partner.action_sdm_credit_overdue_invoices()["domain"])
        self.assertEqual(drill_down, invoice)
        # So does the blocking message, with the due date of its overdue installment.
        self.customer_a.write({"sdm_credit_overdue_days": 5, "sdm_credit_limit": 100000.0})
        order = self._create_order(self.customer_a)
        first_due = format_date(self.env, self.today - timedelta(days=10))  # in the reader's date format
        with self.assertRaisesRegex(UserError, rf"Overdue invoices: {invoice.name} \({first_due}\)"):
            order.action_confirm()

    def test_figure_list_and_drill_down_agree(self):
        paid_first = self._installment_invoice(500.0, days_ago=20)
        self._pay(paid_first, 150.0)  # its overdue installment is paid: not overdue any more
        overdue = self._installment_invoice(200.0, days_ago=15)
        self._invoice(self.customer_a, 80.0, days_ago=40, due_days=10)  # single due date, 30 days overdue
        not_due = self._installment_invoice(100.0, days_ago=0)
        partner = self._position()
        lines = self.env["account.move.line"].search(
            self.env["account.move.line"]._sdm_overdue_domain(self.company, self.today)
            + [("partner_id.commercial_partner_id", "=", self.customer_a.id)]
        )
        self.assertEqual(partner.sdm_credit_overdue_amount, 60.0 + 80.0)
        self.assertEqual(sum(lines.mapped("amount_residual")), partner.sdm_credit_overdue_amount)
        drill_down = self.env["account.move"].search(partner.action_sdm_credit_overdue_invoices()["domain"])
        listed = partner._sdm_overdue_invoices(self.company)  # (invoice, due date of its oldest overdue item)
        self.assertEqual(drill_down, lines.move_id)
        self.assertEqual({move for move, _due in listed}, set(drill_down))
        self.assertEqual([due for _move, due in listed], sorted(due for _move, due in listed))
        self.assertNotIn(paid_first, drill_down)
        self.assertNotIn(not_due, drill_down)
        self.assertIn(overdue, drill_down)
        # The tolerance rule: only what is overdue by more days than the tolerance.
        beyond = self.env["account.move.line"].search(
            self.env["account.move.line"]._sdm_overdue_domain(self.company, self.today, tolerance_days=20)
            + [("partner_id.commercial_partner_id", "=", self.customer_a.id)]
        )
        self.assertEqual(beyond.mapped("amount_residual"), [80.0])
