from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SdmSalesCommon


@tagged("post_install", "-at_install")
class TestInvoiceDispute(SdmSalesCommon):
    """A disputed invoice shows in the credit position; by setting it leaves the overdue rule until resolved."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        cls.old = cls._create_invoice(
            cls.customer_a,
            [(cls.product, 10, 100.0)],
            today - timedelta(days=90),
            invoice_date_due=today - timedelta(days=60),
        )
        cls.recent = cls._create_invoice(
            cls.customer_a,
            [(cls.product, 5, 100.0)],
            today - timedelta(days=40),
            invoice_date_due=today - timedelta(days=10),
        )

    def _position(self):
        self.customer_a.invalidate_recordset()
        partner = self.customer_a
        return (
            partner.sdm_credit_overdue_amount,
            partner.sdm_credit_oldest_overdue_days,
            partner.sdm_credit_disputed_amount,
        )

    def _overdue_moves(self):
        return self.env["account.move.line"].search(self.customer_a._sdm_overdue_line_domain(self.env.company)).move_id

    def test_dispute_counts_in_overdue_unless_the_company_says_otherwise(self):
        self.assertEqual(self._position(), (1500.0, 60, 0.0))
        wizard = self.env["sdm.invoice.dispute"].create(
            {"move_ids": [(6, 0, self.old.ids)], "reason": "Ten units arrived broken."}
        )
        wizard.action_confirm()
        self.assertTrue(self.old.sdm_disputed)
        self.assertEqual(self.old.sdm_dispute_reason, "Ten units arrived broken.")
        # Default: the dispute is shown, the invoice still counts as overdue.
        self.assertEqual(self._position(), (1500.0, 60, 1000.0))
        self.assertEqual(self._overdue_moves(), self.old | self.recent)
        # The company leaves disputes out: 500 overdue for 10 days, and only the recent invoice is listed.
        self.env.company.sdm_dispute_excludes_overdue = True
        self.assertEqual(self._position(), (500.0, 10, 1000.0))
        self.assertEqual(self._overdue_moves(), self.recent)
        # Resolved: it counts again.
        self.old.action_sdm_resolve_dispute()
        self.assertEqual(self._position(), (1500.0, 60, 0.0))
        self.assertEqual(self._overdue_moves(), self.old | self.recent)

    def test_bad_disputes_are_refused(self):
        draft = self._create_invoice(self.customer_a, [(self.product, 1, 100.0)], fields.Date.today(), post=False)
        with self.assertRaises(UserError):
            draft._sdm_dispute("Wrong price")
        with self.assertRaises(UserError):
            self.old._sdm_dispute("  ")
        self.assertFalse((draft | self.old).filtered("sdm_disputed"))
