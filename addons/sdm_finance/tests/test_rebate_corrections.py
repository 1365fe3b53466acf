from datetime import date

from odoo import Command

from .rebate_common import RebateCommon


class TestRebateCorrections(RebateCommon):
    """Documents dated in a period that was finally settled, posted afterwards (a late credit note): carried by
    the next period's settlement when one is still to come, otherwise settled by a correction settlement of
    that same period at the effective rate it was settled at (SAP's correction settlement)."""

    def _pending(self, agreement):
        agreement.invalidate_recordset(["late_pending_amount", "late_pending_count"])
        return agreement.late_pending_amount, agreement.late_pending_count

    def test_only_period_credit_note_after_final_is_corrected_by_invoice(self):
        self._q1()
        agreement = self._agreement(frequency="end")
        final = self._settle(agreement, date(2026, 12, 31))
        self.assertEqual((final.settlement_type, final.amount), ("final", 165), "5,500 at 3 %")
        self.assertEqual(self._pending(agreement), (0, 0))
        # A 1,000 credit note dated in the (only) period, posted after its final settlement.
        self._invoice(date(2026, 6, 1), 1000, move_type="out_refund")
        self.assertEqual(self._pending(agreement), (-30, 1), "pending until settled: -1,000 at the period's 3 %")
        self.assertTrue(
            self.env["sdm.rebate.agreement"].search([("id", "=", agreement.id), ("late_pending_count", ">", 0)])
        )
        # The agreement's "Late Pending" button opens the settle wizard on it.
        action = agreement.action_view_late_pending()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"date": date(2027, 1, 15), "validate": True})
        )
        self.assertEqual(wizard.agreement_ids, agreement)
        correction = self.env["sdm.rebate.settlement"].search(wizard.action_settle()["domain"])
        self.assertEqual(len(correction), 1)
        self.assertEqual(
            (
                correction.settlement_type,
                correction.period_start,
                correction.period_end,
                correction.amount,
                correction.state,
            ),
            ("correction", date(2026, 1, 1), date(2026, 12, 31), -30, "validated"),
        )
        self.assertEqual((correction.previous_amount, correction.rebate_total), (165, 135))
        self.assertEqual(correction.line_ids.mapped("amount"), [-1000])
        self.assertTrue(correction.line_ids.adjustment)
        # Taken back by a customer invoice, as any negative settlement paid by credit notes.
        self.assertEqual(
            (correction.move_id.move_type, correction.move_id.state, correction.move_id.amount_total),
            ("out_invoice", "posted", 30),
        )
        self.assertEqual(self._pending(agreement), (0, 0))
        self.assertFalse(self._settle(agreement, date(2027, 1, 15)), "settling twice pays once")
        self.assertFalse(self._settle(agreement, date(2027, 1, 15), settlement_type="partial"), "partial runs too")
        self.assertEqual(final.amount, 165, "the final settlement is never rewritten")

    def test_last_quarter_credit_note_after_final_is_corrected_from_the_balance(self):
        self._q1()
        self._invoice(date(2026, 11, 10), 2000)
        agreement = self._agreement(settlement_mode="balance")
        finals = self._settle(agreement, date(2026, 12, 31))
        self.assertEqual(sorted(finals.mapped("amount")), [40, 165], "Q1 5,500 at 3 %, Q4 2,000 at 2 %")
        self.assertEqual(self.customer_a.sdm_rebate_balance, 205)
        self._invoice(date(2026, 12, 20), 500, move_type="out_refund")
        progress = agreement.progress_ids.filtered(lambda p: p.partner_id == self.customer_a)
        self.assertEqual((progress.late_pending_amount, progress.late_pending_count), (-10, 1))
        # A partial run after the end of the agreement finds the last period settled: the correction is made.
        correction = self._settle(agreement, date(2027, 1, 10), settlement_type="partial", validate=False)
        self.assertEqual(
            (correction.settlement_type, correction.period_start, correction.amount),
            ("correction", date(2026, 10, 1), -10),
        )
        self.assertFalse(self._settle(agreement, date(2027, 1, 10), validate=False), "a draft holds its documents")
        correction.action_validate()
        self.assertEqual(self.customer_a.sdm_rebate_balance, 195, "taken back from the rebate balance")
        self.assertFalse(correction.move_id)
        self.assertFalse(self._settle(agreement, date(2027, 1, 10)))
        self.assertEqual(self._pending(agreement), (0, 0))
        agreement.action_close()
        self._invoice(date(2026, 12, 21), 100, move_type="out_refund")
        self.assertEqual(self._pending(agreement), (-2, 1), "a closed agreement still shows what is pending")
        self.assertEqual(self._settle(agreement, date(2027, 2, 1)).amount, -2)

    def test_late_credit_note_waits_for_the_next_period(self):
        self._q1()
        agreement = self._agreement()
        self._settle(agreement, date(2026, 3, 31))
        self._invoice(date(2026, 3, 20), 1000, move_type="out_refund")
        self.assertFalse(self._settle(agreement, date(2026, 4, 15)), "Q2 is still to come: it will carry it")
        self.assertEqual(self._pending(agreement), (-30, 1))

    def test_late_document_is_carried_once_by_a_run_of_several_periods(self):
        self._q1()
        agreement = self._agreement()
        self._settle(agreement, date(2026, 3, 31))
        self._invoice(date(2026, 3, 20), 1000, move_type="out_refund")
        self._invoice(date(2026, 5, 10), 2000)
        self._invoice(date(2026, 8, 10), 2000)
        q2_q3 = self._settle(agreement, date(2026, 9, 30))
        self.assertEqual(len(q2_q3), 2)
        self.assertEqual(sum(q2_q3.mapped("adjustment_amount")), -30, "the credit note counts once, not per period")
        self.assertEqual(len(q2_q3.line_ids.filtered("adjustment")), 1)

    def test_correction_of_several_customers_and_quantities(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        self._invoice(date(2026, 2, 1), 1200, qty=120)
        self._invoice(date(2026, 2, 1), 600, qty=60, partner=self.customer_b)
        agreement = self._agreement(
            tiers=(),
            activate=False,
            basis="quantity",
            uom_id=dozen.id,
            reward="per_unit",
            frequency="end",
            partner_ids=[Command.set((self.customer_a | self.customer_b).ids)],
        )
        agreement.tier_ids = [Command.create({"threshold": 0, "amount_per_unit": 3.0})]
        agreement.action_activate()
        finals = self._settle(agreement, date(2026, 12, 31))
        self.assertEqual(sorted(finals.mapped("amount")), [15, 30], "5 and 10 dozen at 3")
        self._invoice(date(2026, 3, 1), 240, qty=24, move_type="out_refund")
        self._invoice(date(2026, 3, 1), 120, qty=1, uom=dozen, move_type="out_refund", partner=self.customer_b)
        self.assertEqual(self._pending(agreement), (-9, 2))
        corrections = self._settle(agreement, date(2027, 1, 5))
        self.assertEqual(
            {(c.partner_id, c.amount, c.basis_qty) for c in corrections},
            {(self.customer_a, -6, -2), (self.customer_b, -3, -1)},
        )

    def test_late_invoice_of_a_customer_the_final_run_did_not_settle(self):
        """Customer B bought nothing when the only period was settled: its invoices posted afterwards are
        settled by corrections at the tier its whole period reaches, each adding what it changes."""
        self._q1()
        agreement = self._agreement(frequency="end", partner_ids=[Command.set((self.customer_a | self.customer_b).ids)])
        final = self._settle(agreement, date(2026, 12, 31))
        self.assertEqual(final.partner_id, self.customer_a)
        self._invoice(date(2026, 6, 1), 2000, partner=self.customer_b)
        progress = agreement.progress_ids.filtered(lambda p: p.partner_id == self.customer_b)
        self.assertEqual((progress.late_pending_amount, progress.late_pending_count), (40, 1), "2,000 at 2 %")
        correction = self._settle(agreement, date(2027, 1, 15))
        self.assertEqual(
            (
                correction.partner_id,
                correction.settlement_type,
                correction.period_start,
                correction.period_end,
                correction.amount,
                correction.previous_amount,
                correction.rebate_total,
                correction.tier_threshold,
            ),
            (self.customer_b, "correction", date(2026, 1, 1), date(2026, 12, 31), 40, 0, 40, 1000),
        )
        self.assertEqual(correction.line_ids.mapped("amount"), [2000])
        self.assertFalse(self._settle(agreement, date(2027, 1, 15)), "settled once")
        # 4,000 more: the period reaches 6,000 at 3 % = 180, of which 40 was paid.
        self._invoice(date(2026, 7, 1), 4000, partner=self.customer_b)
        self.assertEqual(self._pending(agreement), (140, 1))
        second = self._settle(agreement, date(2027, 1, 20))
        self.assertEqual(
            (second.amount, second.previous_amount, second.rebate_total, second.tier_threshold), (140, 40, 180, 5000)
        )
        self.assertEqual(final.amount, 165, "customer A's settlement is untouched")

    def test_late_invoice_of_an_unsettled_customer_is_carried_at_its_own_tier(self):
        self._q1()
        agreement = self._agreement(partner_ids=[Command.set((self.customer_a | self.customer_b).ids)])
        self.assertEqual(self._settle(agreement, date(2026, 3, 31)).partner_id, self.customer_a)
        self._invoice(date(2026, 3, 20), 2000, partner=self.customer_b)
        self.assertEqual(self._pending(agreement), (40, 1), "Q1 2,000 at 2 %")
        q2 = self._settle(agreement, date(2026, 6, 30)).filtered(lambda s: s.partner_id == self.customer_b)
        self.assertEqual(
            (q2.period_start, q2.rebate_total, q2.adjustment_amount, q2.amount), (date(2026, 4, 1), 0, 40, 40)
        )
        self.assertEqual(self._pending(agreement), (0, 0))

    def test_late_invoice_waits_for_a_draft_final_of_its_customer(self):
        self._q1()
        agreement = self._agreement(frequency="end")
        self._settle(agreement, date(2026, 12, 31), validate=False)
        self._invoice(date(2026, 6, 1), 1000)
        self.assertEqual(self._pending(agreement), (0, 0), "the draft final is still to validate")
