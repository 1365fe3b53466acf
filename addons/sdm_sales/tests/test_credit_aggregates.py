from datetime import timedelta
from unittest.mock import patch

from odoo.addons.sdm_sales.models.sdm_credit_bucket import SdmCreditBucket

from .credit_common import SdmCreditCommon


class TestCreditAggregates(SdmCreditCommon):
    """The trigger-maintained aggregates always equal a recomputation from the documents."""

    def _buckets(self):
        self.env.flush_all()
        self.cr.execute(
            """SELECT partner_id, company_id, exposure, due_date, ROUND(SUM(amount), 2), SUM(items)
                 FROM sdm_credit_bucket GROUP BY 1, 2, 3, 4
               HAVING ROUND(SUM(amount), 2) <> 0 OR SUM(items) <> 0 ORDER BY 1, 2, 3, 4"""
        )
        return self.cr.fetchall()

    def test_incremental_aggregates_equal_a_rebuild(self):
        self.customer_a.sdm_credit_limit = 0.0
        first = self._invoice(self.customer_a, 300.0, days_ago=40, due_days=10)
        second = self._invoice(self.contact_a, 200.0)
        self._invoice(self.customer_b, 120.0)
        self._pay(first, 100.0)  # partial
        self._pay(second)  # full: reconciled, leaves the aggregates
        refund = self._invoice(self.customer_a, 50.0, move_type="out_refund")
        self._payment(self.customer_a, 70.0)  # unapplied
        first.button_draft()  # back to draft: its open items leave
        first.invoice_date_due = self.today + timedelta(days=5)
        first.action_post()
        order = self._create_order(self.customer_a, qty=3)
        order.action_confirm()
        cancelled = self._create_order(self.customer_b, qty=2)
        cancelled.action_confirm()
        cancelled._action_cancel()
        half = order._create_invoices()
        half.invoice_line_ids.quantity = 1
        half.action_post()
        refund.button_draft()
        refund.unlink()
        self.contact_a.parent_id = self.customer_b  # a contact moves to another company
        incremental = self._buckets()
        self.env["sdm.credit.bucket"]._sdm_rebuild()
        self.assertEqual(incremental, self._buckets())
        partner = self._position()
        self.assertEqual(partner.sdm_credit_receivable, 300.0 + 100.0)  # re-posted first + half of the order
        # Resetting the first invoice to draft unreconciled its partial payment: 70 + 100 unapplied.
        self.assertEqual(partner.sdm_credit_unapplied, -170.0)
        self.assertEqual(partner.sdm_credit_uninvoiced, 200.0)

    def test_account_type_change_rebuilds(self):
        self._invoice(self.customer_a, 300.0)
        receivable = self.customer_a.property_account_receivable_id
        self.assertEqual(self._position().sdm_credit_receivable, 300.0)
        receivable.account_type = "asset_current"
        self.assertEqual(self._position().sdm_credit_receivable, 0.0)

    def test_module_update_rebuilds_only_a_changed_definition(self):
        """``init()`` on every module update: what is missing is created, the aggregates are rebuilt only when
        their definition changed since the last build (a fingerprint is stored), never on a plain update."""
        self._invoice(self.customer_a, 300.0)
        expected = self._buckets()
        Bucket = self.env["sdm.credit.bucket"]
        with patch.object(
            SdmCreditBucket, "_sdm_rebuild", autospec=True, side_effect=SdmCreditBucket._sdm_rebuild
        ) as rebuild:
            self.env["sale.order"].init()  # a module update with the same definition
            self.assertEqual(rebuild.call_count, 0, "an unchanged definition is not rebuilt")
            self.env["ir.config_parameter"].sudo().set_param(Bucket._sdm_fingerprint_key, "an older definition")
            self.env["sale.order"].init()
            self.assertEqual(rebuild.call_count, 1, "a changed definition is rebuilt")
            self.env["sale.order"].init()
            self.assertEqual(rebuild.call_count, 1)
        self.assertEqual(self._buckets(), expected)
