import base64
import io
from datetime import date

import openpyxl

from odoo import Command
from odoo.exceptions import UserError, ValidationError

from .rebate_common import RebateCommon


class TestRebates(RebateCommon):
    def test_amount_basis_retroactive_and_incremental(self):
        self._q1()
        retro = self._agreement()
        settlement = self._settle(retro, date(2026, 3, 31), validate=False)
        self.assertEqual(len(settlement), 1)
        # 2,000 + 4,000 - 500 = 5,500 net, at the tier reached (3 %): 165.
        self.assertEqual((settlement.basis_amount, settlement.tier_threshold, settlement.amount), (5500, 5000, 165))
        self.assertEqual(len(settlement.line_ids), 3, "each counted invoice line is traceable")
        self.assertEqual(sorted(settlement.line_ids.mapped("amount")), [-500, 2000, 4000])
        incremental = self._agreement(tier_method="incremental")
        settlement = self._settle(incremental, date(2026, 3, 31), validate=False)
        # 1,000 × 1 % + 4,000 × 2 % + 500 × 3 % = 10 + 80 + 15.
        self.assertEqual(settlement.amount, 105)

    def test_quantity_basis_in_the_agreement_unit(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        self._invoice(date(2026, 1, 10), 240, qty=24)
        self._invoice(date(2026, 1, 20), 120, qty=1, uom=dozen)
        agreement = self._agreement(tiers=(), activate=False, basis="quantity", uom_id=dozen.id, reward="per_unit")
        agreement.tier_ids = [Command.create({"threshold": 0, "amount_per_unit": 2.0})]
        agreement.action_activate()
        settlement = self._settle(agreement, date(2026, 3, 31), validate=False)
        self.assertEqual(settlement.basis_qty, 3, "24 units + 1 dozen = 3 dozen")
        self.assertEqual(settlement.amount, 6.0)

    def test_quantity_basis_in_tonnes_from_kilograms_other_categories_left_out(self):
        kg, tonne = self.env.ref("uom.product_uom_kgm"), self.env.ref("uom.product_uom_ton")
        steel = self.env["product.product"].create(
            {"name": "Steel", "type": "consu", "uom_id": kg.id, "uom_po_id": kg.id, "taxes_id": [Command.clear()]}
        )
        self._invoice(date(2026, 1, 10), 500, product=steel, qty=500)
        self._invoice(date(2026, 1, 20), 2000, product=steel, qty=2, uom=tonne)
        self._invoice(date(2026, 2, 1), 100, product=steel, qty=100, move_type="out_refund")
        self._invoice(date(2026, 2, 5), 300, qty=3)  # valves, in units: not a weight
        agreement = self._agreement(tiers=(), activate=False, basis="quantity", uom_id=tonne.id, reward="per_unit")
        agreement.tier_ids = [Command.create({"threshold": 0, "amount_per_unit": 10.0})]
        agreement.action_activate()
        settlement = self._settle(agreement, date(2026, 3, 31), validate=False)
        self.assertAlmostEqual(settlement.basis_qty, 2.4, msg="0.5 t + 2 t - 0.1 t; the 3 units do not weigh")
        self.assertEqual(settlement.amount, 24.0)

    def test_collected_basis_counts_payments_of_the_period(self):
        invoice = self._invoice(date(2026, 1, 10), 1000)
        for amount, when in ((400, date(2026, 2, 1)), (300, date(2026, 4, 5))):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"amount": amount, "payment_date": when})._create_payments()
        agreement = self._agreement(basis="collected")
        q1 = self._settle(agreement, date(2026, 3, 31), validate=False)
        self.assertEqual((q1.basis_amount, q1.amount), (400, 4.0), "only the payment of Q1, 1 %")
        self.assertTrue(q1.line_ids.partial_id, "the payment match is kept")
        q2 = self._settle(agreement, date(2026, 6, 30), validate=False).filtered(
            lambda s: s.period_start == date(2026, 4, 1)
        )
        self.assertEqual(q2.basis_amount, 300)

    def test_include_and_exclude_filters(self):
        other = self.env["product.product"].create({"name": "Pump", "type": "consu", "taxes_id": []})
        self._invoice(date(2026, 1, 10), 1000)
        self._invoice(date(2026, 1, 11), 700, product=self.seal)
        self._invoice(date(2026, 1, 12), 900, product=other)
        agreement = self._agreement(
            categ_ids=[Command.set(self.categ_valves.ids)], exclude_product_ids=[Command.set(self.seal.ids)]
        )
        settlement = self._settle(agreement, date(2026, 3, 31), validate=False)
        self.assertEqual(settlement.basis_amount, 1000, "valves only, seals excluded")

    def test_growth_conditions_and_cap(self):
        self._q1()
        self._invoice(date(2025, 2, 1), 3000)  # the same quarter last year
        above = self._agreement(growth="above_last_year")
        settlement = self._settle(above, date(2026, 3, 31), validate=False)
        # Only 5,500 - 3,000 = 2,500 counts: tier 1,000 (2 %) = 50.
        self.assertEqual((settlement.basis_value, settlement.last_year_value, settlement.amount), (2500, 3000, 50))
        growth_tiers = self._agreement(growth="growth_tiers", tiers=((0, 1), (50, 3)))
        settlement = self._settle(growth_tiers, date(2026, 3, 31), validate=False)
        self.assertEqual(settlement.amount, 165, "+83 % growth reaches the 50 % tier: 3 % of 5,500")
        capped = self._agreement(cap_amount=100)
        self.assertEqual(self._settle(capped, date(2026, 3, 31), validate=False).amount, 100)

    def test_partial_then_final_pays_the_difference(self):
        self._q1()
        agreement = self._agreement(frequency="yearly")
        partial = self._settle(agreement, date(2026, 3, 31), settlement_type="partial")
        self.assertEqual((partial.settlement_type, partial.amount, partial.state), ("partial", 165, "validated"))
        self.assertFalse(self._settle(agreement, date(2026, 3, 31), settlement_type="partial"), "nothing new to settle")
        self._invoice(date(2026, 6, 1), 1000)
        final = self._settle(agreement, date(2026, 12, 31))
        # 6,500 at 3 % = 195, of which 165 were paid.
        self.assertEqual((final.rebate_total, final.previous_amount, final.amount), (195, 165, 30))

    def test_credit_note_and_refund_after_settlement(self):
        self._q1()
        agreement = self._agreement()
        q1 = self._settle(agreement, date(2026, 3, 31))
        self.assertEqual(
            (q1.move_id.move_type, q1.move_id.state, q1.move_id.amount_total), ("out_refund", "posted", 165)
        )
        # A credit note dated in Q1 arrives after Q1 was settled: Q1 stays as it is; Q2 takes it back at Q1's rate.
        self._invoice(date(2026, 3, 20), 1000, move_type="out_refund")
        self._invoice(date(2026, 5, 10), 2000)
        self.assertEqual(q1.amount, 165)
        q2 = self._settle(agreement, date(2026, 6, 30))
        # Q2: 2,000 at 2 % = 40; adjustment: -1,000 at Q1's 3 % = -30.
        self.assertEqual((q2.rebate_total, q2.adjustment_amount, q2.amount), (40, -30, 10))
        self.assertEqual(q2.line_ids.filtered("adjustment").amount, -1000)
        self.assertFalse(self._settle(agreement, date(2026, 6, 30)), "no period settled twice")

    def test_balance_deduction_with_cap_and_cancellation(self):
        self._q1()
        self.company.sdm_rebate_order_cap_percent = 50
        agreement = self._agreement(settlement_mode="balance")
        settlement = self._settle(agreement, date(2026, 3, 31))
        self.assertFalse(settlement.move_id)
        self.assertEqual(self.customer_a.sdm_rebate_balance, 165)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "order_line": [Command.create({"product_id": self.valve.id, "product_uom_qty": 2, "price_unit": 100})],
            }
        )
        order.action_confirm()
        deduction = order.order_line.filtered(lambda line: line.price_unit < 0)
        self.assertEqual(deduction.price_unit, -100, "at most 50 % of the 200 order")
        self.assertEqual(self.customer_a.sdm_rebate_balance, 65)
        with self.assertRaises(UserError) as caught:
            settlement.action_cancel()
        self.assertIn("165.00", str(caught.exception))
        self.assertEqual(settlement.state, "validated")
        order._action_cancel()
        self.assertEqual(self.customer_a.sdm_rebate_balance, 165)
        settlement.action_cancel()
        self.assertEqual((settlement.state, self.customer_a.sdm_rebate_balance), ("cancel", 0))

    def test_cancel_reverses_the_credit_note(self):
        self._q1()
        settlement = self._settle(self._agreement(), date(2026, 3, 31))
        settlement.action_cancel()
        self.assertEqual(settlement.reversal_move_id.reversed_entry_id, settlement.move_id)
        self.assertEqual(settlement.reversal_move_id.state, "posted")
        self.assertTrue(
            self._settle(settlement.agreement_id, date(2026, 3, 31), validate=False),
            "a cancelled period can be settled again",
        )

    def test_accruals_and_their_reversal(self):
        Account = self.env["account.account"]
        expense = Account.create({"name": "Rebate expense", "code": "660100", "account_type": "expense"})
        liability = Account.create({"name": "Accrued rebates", "code": "224100", "account_type": "liability_current"})
        journal = self.env["account.journal"].create({"name": "Rebate accruals", "code": "RBA", "type": "general"})
        self.company.write(
            {
                "sdm_rebate_accrual": True,
                "sdm_rebate_accrual_journal_id": journal.id,
                "sdm_rebate_expense_account_id": expense.id,
                "sdm_rebate_liability_account_id": liability.id,
            }
        )
        self._q1()
        agreement = self._agreement(accrue=True)
        accrual = self.env["sdm.rebate.accrual"]._sdm_accrue(agreement, date(2026, 2, 28))
        # January and February: 6,000 at 3 % = 180.
        self.assertEqual((accrual.amount, accrual.move_id.state), (180, "posted"))
        self.assertEqual(accrual.move_id.line_ids.filtered(lambda line: line.account_id == expense).debit, 180)
        self._settle(agreement, date(2026, 3, 31))
        self.assertEqual(accrual.state, "reversed")
        reversed_expense = accrual.reversal_move_id.line_ids.filtered(lambda line: line.account_id == expense)
        self.assertEqual(reversed_expense.credit, 180)

    def test_editing_active_tiers_makes_a_new_version(self):
        self._q1()
        agreement = self._agreement()
        old_tiers = agreement.tier_ids
        top = old_tiers.filtered(lambda t: t.threshold == 5000)
        agreement.write({"tier_ids": [Command.update(top.id, {"rate": 4})]})
        self.assertEqual(agreement.version, 2)
        self.assertFalse(old_tiers.exists().filtered("active"), "the old table is archived, not rewritten")
        self.assertEqual(old_tiers.mapped("rate"), [1, 2, 3])
        self.assertEqual(agreement.tier_ids.sorted("threshold").mapped("rate"), [1, 2, 4])
        self.assertEqual(len(agreement.tier_history_ids), 3)
        settlement = self._settle(agreement, date(2026, 3, 31), validate=False)
        self.assertEqual((settlement.amount, settlement.tier_version), (220, 2))

    def test_bad_input_is_refused(self):
        Agreement = self.env["sdm.rebate.agreement"]
        before = Agreement.search_count([])
        with self.assertRaises(ValidationError) as caught:
            self._agreement(tiers=((0, 1), (1000, 2), (1000, 3)), activate=False)
        self.assertIn("1000.0", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self._agreement(tiers=((0, 120),), activate=False)
        self.assertIn("120", str(caught.exception))
        with self.assertRaises(ValidationError):
            self._agreement(tiers=((0, -1),), activate=False)
        with self.assertRaises(ValidationError):
            self._agreement(basis="quantity", activate=False)
        self.assertEqual(Agreement.search_count([]), before)
        agreement = self._agreement()
        with self.assertRaises(UserError) as caught:
            agreement._sdm_period_of(date(2027, 2, 1))
        self.assertIn(agreement.name, str(caught.exception))

    def test_live_progress_and_next_tier(self):
        agreement = self._agreement()
        self._invoice(date(2026, 11, 2), 800)
        progress = agreement.progress_ids.filtered(lambda p: p.partner_id == self.customer_a)
        self.assertEqual((progress.basis_value, progress.next_threshold, progress.needed_for_next), (800, 1000, 200))
        self.assertEqual(progress.estimated_rebate, 8.0)
        self.assertEqual(progress.progress_percent, 80.0)
        self.assertIn(progress, self.customer_a.sdm_rebate_progress_ids)

    def test_statement_xlsx(self):
        self._q1()
        agreement = self._agreement(settlement_mode="balance")
        settlement = self._settle(agreement, date(2026, 3, 31))
        wizard = self.env["sdm.rebate.statement"].create({"partner_id": self.customer_a.id})
        wizard.action_export()
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data))).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=1)]
        self.assertIn("Huadong Distribution", rows[0][0])
        self.assertEqual(rows[4][:2], ["Settlement", "Agreement"])
        self.assertEqual(rows[5][0], settlement.name)
        self.assertEqual(rows[5][4:8], [5500, 165, 165, "Rebate balance"])
        self.assertEqual(rows[6][6], 165)
        remaining = [row for row in rows if row[1] == "Remaining balance"]
        self.assertEqual(remaining[0][2], 165)

    def test_salespeople_see_their_customers_settlements(self):
        self._q1()
        self._invoice(date(2026, 1, 15), 1000, partner=self.customer_b)
        agreement = self._agreement(partner_ids=[Command.set((self.customer_a | self.customer_b).ids)])
        settlements = self._settle(agreement, date(2026, 3, 31), validate=False)
        self.assertEqual(len(settlements), 2)
        Settlement = self.env["sdm.rebate.settlement"]
        self.assertEqual(Settlement.with_user(self.user_sales_a).search([]).partner_id, self.customer_a)
        self.assertEqual(Settlement.with_user(self.user_finance).search([("id", "in", settlements.ids)]), settlements)

    def test_two_runs_in_one_transaction(self):
        """A second settlement run in the same transaction starts from clean working tables."""
        self._q1()
        first = self._agreement()
        second = self._agreement()
        self.assertEqual(len(self._settle(first, date(2026, 6, 30), validate=False)), 1, "Q1; Q2 had no sales")
        self.assertEqual(self._settle(second, date(2026, 3, 31), validate=False).amount, 165)
