from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError

from .compensation_common import CompensationCommon


class TestCustomerSettlement(CompensationCommon):
    """The customer money settlement service (sdm.customer.settlement.mixin), through its first consumer, the
    price notice: credit note, debit note, balance, reversal, the "already consumed" guard, the hooks, and the
    one settlement product lookup."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Balance = cls.env["sdm.customer.balance"]
        cls.compensation_product = cls.env.ref("sdm_sales.product_sdm_compensation")

    def _approved_notice(self, **vals):
        notice = self._notice(basis="invoiced", **vals)
        notice.action_compute()
        notice.with_user(self.manager).action_approve()
        return notice

    def _balance_of(self, partner):
        return self.Balance._sdm_balance_of(partner, self.company, "compensation")

    def test_credit_note_and_its_debit_twin(self):
        notice = self._approved_notice()
        line_vals = notice._sdm_prepare_credit_note_line_vals(50.0)
        credit_note = notice._sdm_create_credit_note(self.customer_b, [line_vals])
        self.assertRecordValues(
            credit_note,
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "partner_id": self.customer_b.id,
                    "amount_total": 50.0,
                    "invoice_origin": notice.name,
                    "ref": f"Price adjustment {notice.name}",
                    "sdm_price_notice_id": notice.id,
                }
            ],
        )
        self.assertEqual(credit_note.invoice_line_ids.product_id, self.compensation_product)
        debit_note = notice._sdm_create_debit_note(self.customer_b, [notice._sdm_prepare_credit_note_line_vals(20.0)])
        self.assertEqual(
            (debit_note.move_type, debit_note.state, debit_note.amount_total), ("out_invoice", "posted", 20)
        )
        self.assertEqual(debit_note.sdm_price_notice_id, notice)

    def test_balance_credit_and_debit_in_company_currency(self):
        notice = self._approved_notice()
        credit = notice._sdm_create_balance(self.contact_a, 40.0)
        self.assertRecordValues(
            credit,
            [
                {
                    "balance_type": "compensation",
                    "partner_id": self.customer_a.id,
                    "amount": 40.0,
                    "notice_id": notice.id,
                }
            ],
        )
        notice._sdm_create_balance(self.customer_a, -15.0)
        self.assertEqual(self._balance_of(self.customer_a), 25.0)
        # A document in another currency: converted at the given date.
        usd = self.env.ref("base.USD") if self.currency != self.env.ref("base.USD") else self.env.ref("base.EUR")
        usd.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": usd.id, "name": date(2026, 10, 1), "rate": 2.0, "company_id": self.company.id}
        )
        converted = self._notice(currency_id=usd.id)._sdm_create_balance(self.customer_b, 100.0, date=date(2026, 10, 1))
        self.assertEqual(converted.amount, 50.0)

    def test_reversal_reverses_credit_notes_and_takes_balances_back(self):
        notice = self._approved_notice()
        credit_note = notice._sdm_create_credit_note(self.customer_a, [notice._sdm_prepare_credit_note_line_vals(70)])
        balance = notice._sdm_create_balance(self.customer_a, 30.0)
        reversals, taken_back = notice._sdm_reverse_settlement_money(credit_note, balance)
        self.assertRecordValues(
            reversals,
            [
                {
                    "move_type": "out_invoice",
                    "state": "posted",
                    "reversed_entry_id": credit_note.id,
                    "amount_total": 70.0,
                    "sdm_price_notice_id": notice.id,
                    "ref": f"Cancellation of price adjustment {notice.name}",
                }
            ],
        )
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual), "matched by its reversal")
        self.assertEqual((taken_back.amount, taken_back.notice_id), (-30.0, notice))
        self.assertEqual(self._balance_of(self.customer_a), 0.0)

    def test_consumed_balance_refuses_the_reversal_and_writes_nothing(self):
        self._invoice(self.customer_b, 5, 100, date(2026, 9, 15))
        notice = self._approved_notice(settlement_mode="balance")
        notice.action_settle()
        balances = notice.balance_ids
        self.assertEqual(len(balances), 2, "customers A (90) and B (100)")
        # Customer A spends 60 of its 90 on an order; B keeps everything.
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 60})],
            }
        )
        order.order_line.tax_id = [Command.clear()]
        order.action_confirm()
        before = self.Balance.search_count([])
        # Not assertRaises: its savepoint would roll back, and so hide, what was written before the refusal.
        try:
            notice.action_cancel()
        except UserError as error:
            message = str(error)
        else:
            self.fail("cancelled although customer A spent its balance")
        for expected in (notice.name, self.customer_a.display_name, "90.00", "30.00"):
            self.assertIn(expected, message)
        self.assertEqual(self.Balance.search_count([]), before, "no movement written, not even B's take-back")
        self.assertEqual((self._balance_of(self.customer_a), self._balance_of(self.customer_b)), (30.0, 100.0))
        self.assertEqual(notice.state, "settled")

    def test_hooks_shape_what_the_flow_writes(self):
        Notice = self.registry["sdm.price.notice"]
        original = Notice._sdm_prepare_credit_note_line_vals

        def hooked(notice, amount, name=None):
            vals = original(notice, amount, name=name)
            vals["name"] += " [by a consumer's hook]"
            return vals

        notice = self._approved_notice()
        with patch.object(Notice, "_sdm_prepare_credit_note_line_vals", hooked):
            notice.action_settle()
        self.assertEqual(len(notice.move_ids), 1)
        self.assertTrue(notice.move_ids.invoice_line_ids.name.endswith(" [by a consumer's hook]"))
        self.assertIn("Valve", notice.move_ids.invoice_line_ids.name, "the notice's own label is kept")

    def test_the_one_settlement_product_and_its_error(self):
        other = self.env["product.product"].create({"name": "Compensation (own)", "type": "service"})
        self.assertEqual(self.company._sdm_settlement_product("compensation"), self.compensation_product)
        self.company.sdm_compensation_product_id = other
        self.assertEqual(self.company._sdm_settlement_product("compensation"), other)
        self.assertEqual(self.company._sdm_settlement_products("compensation"), other | self.compensation_product)
        # Neither a setting nor the default product: one clear error, and nothing paid.
        self.company.sdm_compensation_product_id = False
        self.env["ir.model.data"].search(
            [("module", "=", "sdm_sales"), ("name", "=", "product_sdm_compensation")]
        ).unlink()
        notice = self._approved_notice()
        with self.assertRaises(UserError) as caught:
            notice.action_settle()
        self.assertIn(self.company.display_name, str(caught.exception))
        self.assertIn("Compensation Product", str(caught.exception))
        self.assertFalse(notice.move_ids)
        self.assertEqual(notice.state, "approved")
        # Orders using a compensation balance ask the same question.
        self.Balance.create(
            {"balance_type": "compensation", "partner_id": self.customer_a.id, "amount": 10.0, "name": "Credit"}
        )
        order = self._create_order(self.customer_a)
        with self.assertRaises(UserError) as caught:
            order.action_confirm()
        self.assertIn("Compensation Product", str(caught.exception))
