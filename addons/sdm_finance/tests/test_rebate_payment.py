from datetime import date

from odoo.exceptions import UserError

from .rebate_common import RebateCommon


class TestRebatePayment(RebateCommon):
    """Rebate settlements pay and take back through the customer settlement service (sdm_sales): more than zero
    is paid by the agreement's mode, less than zero is taken back the same way, and cancelling reverses it."""

    def _draft(self, agreement, amount, settlement_type="final"):
        return self.env["sdm.rebate.settlement"].create(
            {
                "agreement_id": agreement.id,
                "partner_id": self.customer_a.id,
                "settlement_type": settlement_type,
                "period_start": date(2026, 1, 1),
                "period_end": date(2026, 3, 31),
                "date": date(2026, 3, 31),
                "amount": amount,
            }
        )

    def test_credit_note_numbered_with_the_rebate_product(self):
        settlement = self._draft(self._agreement(), 120)
        settlement.action_validate()
        self.assertNotEqual(settlement.name, "/")
        self.assertRecordValues(
            settlement.move_id,
            [{"move_type": "out_refund", "state": "posted", "amount_total": 120, "invoice_origin": settlement.name}],
        )
        self.assertEqual(settlement.move_id.invoice_line_ids.product_id, self.env.ref("sdm_finance.product_sdm_rebate"))
        self.assertIn(settlement.agreement_id.name, settlement.move_id.ref)

    def test_negative_settlement_is_taken_back_by_an_invoice_and_cancelled_by_its_reversal(self):
        settlement = self._draft(self._agreement(), -30)
        settlement.action_validate()
        self.assertRecordValues(
            settlement.move_id, [{"move_type": "out_invoice", "state": "posted", "amount_total": 30}]
        )
        settlement.action_cancel()
        self.assertRecordValues(
            settlement.reversal_move_id,
            [{"move_type": "out_refund", "state": "posted", "reversed_entry_id": settlement.move_id.id}],
        )
        self.assertEqual(settlement.state, "cancel")

    def test_negative_settlement_by_balance_is_debited_and_given_back_on_cancel(self):
        agreement = self._agreement(settlement_mode="balance")
        credit = self._draft(agreement, 50, settlement_type="partial")
        credit.action_validate()
        debit = self._draft(agreement, -20)
        debit.action_validate()
        self.assertEqual((debit.balance_id.amount, debit.balance_id.balance_type), (-20, "rebate"))
        self.assertEqual(debit.balance_id.rebate_settlement_id, debit)
        self.assertEqual(self.customer_a.sdm_rebate_balance, 30)
        debit.action_cancel()
        self.assertEqual(self.customer_a.sdm_rebate_balance, 50, "the debit given back")

    def test_missing_rebate_product_is_one_clear_error(self):
        self.company.sdm_rebate_product_id = False
        self.env["ir.model.data"].search([("module", "=", "sdm_finance"), ("name", "=", "product_sdm_rebate")]).unlink()
        settlement = self._draft(self._agreement(), 120)
        with self.assertRaises(UserError) as caught:
            settlement.action_validate()
        self.assertIn(self.company.display_name, str(caught.exception))
        self.assertIn("Rebate Product", str(caught.exception))
        self.assertEqual((settlement.state, settlement.move_id.id), ("draft", False))
