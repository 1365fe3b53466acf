from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import SdmSalesCommon


@tagged("post_install", "-at_install")
class TestCollectionLine(SdmSalesCommon):
    """Collections: receipts applied to invoices, credited to whoever sold the invoice; unapplied receipts apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.env["account.tax"].create({"name": "VAT 10 %", "amount": 10, "type_tax_use": "sale"})

    def _register(self, moves, amount, when):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({"amount": amount, "payment_date": when})
            ._create_payments()
        )

    def _lines(self, **domain):
        # A view: the same row (same id) may hold other figures after a reconciliation.
        self.env["sdm.collection.line"].invalidate_model()
        return self.env["sdm.collection.line"].search(
            [("partner_id", "in", (self.customer_a | self.customer_b).ids)]
            + [(key, "=", value) for key, value in domain.items()],
            order="date, id",
        )

    def test_applied_receipts_follow_the_invoice_not_the_customer(self):
        invoice = self._create_invoice(
            self.customer_a,
            [(self.product, 10, 100.0)],
            date(2026, 3, 10),
            line_vals={"tax_ids": [Command.set(self.tax.ids)]},
            invoice_user_id=self.user_sales_a.id,
            team_id=self.branch_sh.id,
        )
        self.assertEqual(invoice.amount_total, 1100)
        # The customer changes hands before paying: the collection stays with whoever sold.
        self.customer_a.user_id = self.user_sales_b
        self._register(invoice, 550, date(2026, 4, 2))
        self._register(invoice, 330, date(2026, 2, 20))  # dated before the invoice: counted when it is paid
        applied = self._lines(applied=True)
        self.assertEqual(
            [(line.date, line.amount, line.amount_untaxed, line.user_id, line.team_id) for line in applied],
            [
                (date(2026, 3, 10), 330, 300, self.user_sales_a, self.branch_sh),
                (date(2026, 4, 2), 550, 500, self.user_sales_a, self.branch_sh),
            ],
        )
        self.assertEqual(applied.invoice_id, invoice)
        self.assertEqual(applied.sdm_region_id, self.region_sh)
        self.assertFalse(self._lines(applied=False))

    def test_unapplied_receipt_is_shown_apart_until_matched(self):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer_b.id,
                "amount": 300,
                "date": date(2026, 5, 6),
            }
        )
        payment.action_post()
        unapplied = self._lines(applied=False)
        self.assertEqual(
            [(line.date, line.amount, line.user_id, line.team_id, line.receipt_move_id) for line in unapplied],
            [(date(2026, 5, 6), 300, self.user_sales_b, self.branch_gz, payment.move_id)],
        )
        # Matched with an invoice of 200 of another salesperson: 200 applied to that salesperson, 100 still open.
        invoice = self._create_invoice(
            self.customer_b, [(self.product, 2, 100.0)], date(2026, 5, 20), invoice_user_id=self.user_sales_c.id
        )
        receivable = (payment.move_id.line_ids | invoice.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        receivable.reconcile()
        self.assertEqual(
            [(line.applied, line.date, line.amount, line.user_id) for line in self._lines()],
            [(False, date(2026, 5, 6), 100, self.user_sales_b), (True, date(2026, 5, 20), 200, self.user_sales_c)],
        )

    def test_refund_paid_back_counts_negative_and_credit_notes_are_not_money(self):
        invoice = self._create_invoice(
            self.customer_a, [(self.product, 5, 100.0)], date(2026, 6, 1), invoice_user_id=self.user_sales_a.id
        )
        refund = self._create_invoice(
            self.customer_a,
            [(self.product, 1, 100.0)],
            date(2026, 6, 5),
            move_type="out_refund",
            invoice_user_id=self.user_sales_a.id,
        )
        self._register(refund, 100, date(2026, 6, 8))  # money paid back to the customer
        self._register(invoice, 500, date(2026, 6, 9))
        self.assertEqual(
            [(line.date, line.amount, line.invoice_id) for line in self._lines()],
            [(date(2026, 6, 8), -100, refund), (date(2026, 6, 9), 500, invoice)],
        )
        # A credit note matched with an invoice settles no money.
        other = self._create_invoice(self.customer_a, [(self.product, 1, 100.0)], date(2026, 7, 1))
        note = self._create_invoice(
            self.customer_a, [(self.product, 1, 100.0)], date(2026, 7, 2), move_type="out_refund"
        )
        (other | note).line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable").reconcile()
        self.assertEqual(len(self._lines()), 2)

    def test_salespeople_see_their_collections(self):
        invoice_a = self._create_invoice(
            self.customer_a, [(self.product, 1, 100.0)], date(2026, 3, 1), invoice_user_id=self.user_sales_a.id
        )
        invoice_b = self._create_invoice(
            self.customer_b, [(self.product, 2, 100.0)], date(2026, 3, 1), invoice_user_id=self.user_sales_b.id
        )
        self._register(invoice_a, 100, date(2026, 3, 2))
        self._register(invoice_b, 200, date(2026, 3, 2))
        Lines = self.env["sdm.collection.line"]
        self.assertEqual(Lines.with_user(self.user_sales_a).search([]).mapped("amount"), [100])
        self.assertEqual(sorted(Lines.with_user(self.user_east_manager).search([]).mapped("amount")), [100])
        self.assertEqual(sorted(Lines.with_user(self.user_credit).search([]).mapped("amount")), [100, 200])
