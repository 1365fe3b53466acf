from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tools import SQL

from .compensation_common import CompensationCommon
from .credit_common import SdmCreditCommon


class InvariantCase:
    """Each invariant: a normal flow keeps it empty; a bad row written with SQL is reported."""

    def _rows(self, code, **match):
        self.env.flush_all()
        report = self.env["sdm.invariant"]._sdm_check_all(codes=[code])
        self.assertEqual(list(report), [code], "the check is registered")
        return [row for row in report[code]["rows"] if all(row.get(key) == value for key, value in match.items())]

    def _sql(self, query, **params):
        self.env.flush_all()
        self.env.cr.execute(SQL(query, **params))
        self.env.invalidate_all()


class TestCreditInvariants(InvariantCase, SdmCreditCommon):
    def _flow(self):
        """Invoices, payments (one applied, one unapplied), orders confirmed within the limit of 1,000."""
        invoice = self._invoice(self.customer_a, 300.0, days_ago=5, due_days=30)
        self._pay(invoice, 100.0)
        self._payment(self.customer_a, 50.0)
        self._create_order(self.customer_a, qty=3).action_confirm()
        self._invoice(self.customer_b, 120.0)
        return invoice

    def test_normal_flow_keeps_every_sdm_sales_invariant(self):
        self._flow()
        report = self.env["sdm.invariant"]._sdm_check_all()
        self.assertTrue(
            {"credit_limit", "credit_aggregates", "notice_settled_twice", "channel_stock_negative"} <= set(report)
        )
        failed = {code: result["rows"] for code, result in report.items() if not result["ok"]}
        self.assertEqual(failed, {})
        text = self.env["sdm.invariant"]._sdm_report_text(report)
        self.assertIn("PASS  credit_limit", text)

    def test_exposure_above_the_limit_is_reported(self):
        self._flow()
        self.assertEqual(self._rows("credit_limit", partner_id=self.customer_a.id), [])
        # An order confirmed behind the check's back: 2,000 uninvoiced on the contact (counts for the customer).
        self._sql(
            "INSERT INTO sdm_credit_bucket (partner_id, company_id, exposure, due_date, amount, items)"
            " VALUES (%(partner)s, %(company)s, 'o', '1900-01-01', 2000, 1)"
            " ON CONFLICT (partner_id, company_id, exposure, due_date)"
            " DO UPDATE SET amount = sdm_credit_bucket.amount + 2000",
            partner=self.contact_a.id,
            company=self.company.id,
        )
        rows = self._rows("credit_limit", partner_id=self.customer_a.id)
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows[0]["mode"], rows[0]["credit_limit"]), ("block", 1000.0))
        self.assertGreater(rows[0]["exposure"], 2000)
        # In warn mode the document may go over: nothing to report.
        self.customer_a.sdm_credit_mode = "warn"
        self.assertEqual(self._rows("credit_limit", partner_id=self.customer_a.id), [])

    def test_exposure_above_the_limit_with_a_valid_approval_is_not_reported(self):
        self.company.sdm_credit_mode = "approval"
        order = self._create_order(self.customer_a, qty=15)  # 1,500 > 1,000: waits for an approval
        with self.assertRaises(UserError):
            order.action_confirm()
        wizard = Form(self.env["sdm.credit.approval.request"].with_context(default_order_id=order.id))
        wizard.reason = "Pays at month end"
        wizard.save().action_request()
        approval = order.sdm_credit_approval_ids
        action = approval.with_user(self.user_credit).action_approve()
        decision = Form(self.env[action["res_model"]].with_user(self.user_credit).with_context(**action["context"]))
        decision.comment = "OK"
        decision.save().action_confirm()
        order.action_confirm()
        self.assertEqual((approval.state, order.state), ("approved", "sale"))
        self.assertEqual(self._rows("credit_limit", partner_id=self.customer_a.id), [])
        self._sql("UPDATE sdm_credit_approval SET state = 'expired' WHERE id = %(id)s", id=approval.id)
        self.assertEqual(len(self._rows("credit_limit", partner_id=self.customer_a.id)), 1)

    def test_aggregates_differing_from_a_rebuild_are_reported(self):
        invoice = self._flow()
        self.assertEqual(self._rows("credit_aggregates"), [])
        self._sql(
            "UPDATE sdm_credit_bucket SET amount = amount + 7 WHERE partner_id = %(partner)s AND exposure = 'd'",
            partner=self.customer_a.id,
        )
        rows = self._rows("credit_aggregates", partner_id=self.customer_a.id)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["stored_amount"] - rows[0]["rebuilt_amount"], 7)
        self.assertEqual(rows[0]["due_date"], invoice.invoice_date_due)
        # A bucket the documents do not explain at all, and one missing.
        self.env["sdm.credit.bucket"]._sdm_rebuild()
        self._sql("DELETE FROM sdm_credit_bucket WHERE partner_id = %(partner)s", partner=self.customer_b.id)
        rows = self._rows("credit_aggregates", partner_id=self.customer_b.id)
        self.assertEqual([(row["stored_amount"], row["rebuilt_amount"]) for row in rows], [(None, 120.0)])

    def test_receipt_applied_beyond_its_amount_is_reported(self):
        invoice = self._invoice(self.customer_a, 300.0)
        receipt = self._pay(invoice, 100.0)
        self.assertEqual(self._rows("receipt_overapplied", payment_id=receipt.id), [])
        self._sql(
            "UPDATE account_partial_reconcile SET amount = 150"
            " WHERE credit_move_id IN (SELECT id FROM account_move_line WHERE move_id = %(move)s)",
            move=receipt.move_id.id,
        )
        rows = self._rows("receipt_overapplied", payment_id=receipt.id)
        self.assertEqual([(row["amount"], row["applied"]) for row in rows], [(100.0, 150.0)])


class TestSettlementInvariants(InvariantCase, CompensationCommon):
    def _settled_notice(self, **vals):
        notice = self._notice(basis="invoiced", **vals)
        notice.action_compute()
        notice.with_user(self.manager).action_approve()
        notice.action_settle()
        self.assertEqual(notice.state, "settled")
        return notice

    def test_notice_paid_twice_by_credit_note_is_reported(self):
        notice = self._settled_notice()
        self.assertEqual(self._rows("notice_settled_twice", notice_id=notice.id), [])
        # A second credit note of the notice for the same customer (a settlement run twice).
        second = notice.move_ids.copy()
        self._sql(
            "UPDATE account_move SET sdm_price_notice_id = %(notice)s WHERE id = %(move)s",
            notice=notice.id,
            move=second.id,
        )
        rows = self._rows("notice_settled_twice", notice_id=notice.id)
        self.assertEqual([(row["partner_id"], row["documents"]) for row in rows], [(self.customer_a.id, 2)])
        # Cancelled (reversed) notices do not count: their money was taken back.
        self._sql("UPDATE sdm_price_notice SET state = 'cancel' WHERE id = %(notice)s", notice=notice.id)
        self.assertEqual(self._rows("notice_settled_twice", notice_id=notice.id), [])

    def test_notice_paid_twice_by_balance_is_reported(self):
        notice = self._settled_notice(settlement_mode="balance")
        self.assertEqual(self._rows("notice_settled_twice", notice_id=notice.id), [])
        balance = notice.balance_ids
        self.assertEqual(len(balance), 1)
        balance.copy({"notice_id": notice.id})
        self.assertEqual(len(self._rows("notice_settled_twice", notice_id=notice.id)), 1)

    def test_negative_channel_stock_is_reported(self):
        report = self.env["sdm.channel.stock"].search([("partner_id", "=", self.customer_a.id)], limit=1)
        self.assertTrue(report)
        self.assertEqual(self._rows("channel_stock_negative", partner_id=self.customer_a.id), [])
        self._sql("UPDATE sdm_channel_stock SET quantity = -5 WHERE id = %(id)s", id=report.id)
        rows = self._rows("channel_stock_negative", partner_id=self.customer_a.id)
        self.assertEqual([(row["id"], row["quantity"]) for row in rows], [(report.id, -5.0)])
        self.assertEqual(rows[0]["date"], report.date)
        self.assertLess(report.date, date(2026, 10, 1))
