from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .rebate_common import RebateCommon


@tagged("post_install", "-at_install")
class TestArAdjustment(RebateCommon):
    """Receivable adjustments (应收调帐): each type's entries and reconciliations, hand-computed; approval; reversal;
    bad input refused with nothing written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.company.write(
            {
                "sdm_ar_journal_id": cls.env["account.journal"]
                .create({"name": "Receivable adjustments", "code": "RADJ", "type": "general"})
                .id,
                "sdm_ar_writeoff_account_id": Account.create(
                    {"name": "Small differences", "code": "660900", "account_type": "expense"}
                ).id,
                "sdm_ar_bad_debt_account_id": Account.create(
                    {"name": "Bad debts", "code": "660800", "account_type": "expense"}
                ).id,
                "sdm_ar_writeoff_tolerance": 5.0,
                "sdm_ar_approval_amount": 0.0,
            }
        )
        cls.user_sdm_admin = cls._new_user("sdm.admin", "sdm_sales.group_sdm_admin")
        cls.i1 = cls._invoice(date(2026, 3, 1), 300)
        cls.i2 = cls._invoice(date(2026, 4, 1), 500)

    def _items(self, *invoices):
        return self.env["account.move.line"].concat(
            *(inv.line_ids.filtered(lambda line: line.account_type == "asset_receivable") for inv in invoices)
        )

    def _adjust(self, adjustment_type, invoices, amount=None, user=None, **vals):
        env = self.env(user=user) if user else self.env
        return env["sdm.ar.adjustment"].create(
            {
                "adjustment_type": adjustment_type,
                "partner_id": self.customer_a.id,
                "move_line_ids": [Command.set(self._items(*invoices).ids)],
                "amount": amount or 0.0,
                **vals,
            }
        )

    def _open(self, partner):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", partner.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("amount_residual"))

    def test_transfer_to_head_office_oldest_first_and_reverse(self):
        adjustment = self._adjust("transfer", [self.i2, self.i1], 600, partner_dest_id=self.customer_b.id)
        adjustment.action_submit()
        self.assertEqual(adjustment.state, "done")
        entry = adjustment.move_id
        self.assertEqual(
            sorted((line.partner_id, line.debit, line.credit) for line in entry.line_ids),
            sorted([(self.customer_b, 600.0, 0.0), (self.customer_a, 0.0, 600.0)]),
        )
        # Oldest due first: I1 (300) paid in full, 300 of I2's 500.
        self.assertEqual((self.i1.amount_residual, self.i2.amount_residual), (0.0, 200.0))
        self.assertEqual((self._open(self.customer_a), self._open(self.customer_b)), (200.0, 600.0))
        # Traceable from both sides.
        self.assertEqual(entry.sdm_ar_adjustment_id, adjustment)
        self.assertEqual(self.i1.sdm_ar_adjustment_count, 1)
        adjustment.action_reverse()
        self.assertEqual(adjustment.state, "reversed")
        self.assertEqual((self.i1.amount_residual, self.i2.amount_residual), (300.0, 500.0))
        self.assertEqual((self._open(self.customer_a), self._open(self.customer_b)), (800.0, 0.0))

    def test_reassign_changes_who_is_credited_not_the_partner(self):
        self.i1.write({"invoice_user_id": self.user_sales_a.id, "team_id": self.branch_sh.id})
        adjustment = self._adjust(
            "reassign", [self.i1], user_dest_id=self.user_sales_b.id, team_dest_id=self.branch_gz.id
        )
        adjustment.action_submit()
        self.assertEqual((self.i1.invoice_user_id, self.i1.team_id), (self.user_sales_b, self.branch_gz))
        self.assertEqual(self.i1.sdm_region_id, self.region_south)
        self.assertEqual(self.i1.partner_id, self.customer_a)
        self.assertFalse(adjustment.move_id)
        aging = self.env["sdm.aging.line"].search([("move_id", "=", self.i1.id)])
        self.assertEqual(aging.user_id, self.user_sales_b)
        adjustment.action_reverse()
        self.assertEqual((self.i1.invoice_user_id, self.i1.team_id), (self.user_sales_a, self.branch_sh))

    def test_net_against_payable(self):
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.customer_a.id,
                "invoice_date": date(2026, 4, 10),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Freight", "quantity": 1, "price_unit": 200.0, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        bill.action_post()
        with self.assertRaises(UserError):
            self._adjust("net", [self.i1], 250).action_submit()  # only 200 is owed to the customer
        adjustment = self._adjust("net", [self.i1], 150)
        adjustment.action_submit()
        self.assertEqual((self.i1.amount_residual, bill.amount_residual), (150.0, 50.0))

    def test_writeoffs(self):
        with self.assertRaises(UserError) as caught:
            self._adjust("writeoff", [self.i1], 8).action_submit()
        self.assertIn("tolerance", str(caught.exception))
        small = self._adjust("writeoff", [self.i1], 3)
        small.action_submit()
        self.assertEqual(self.i1.amount_residual, 297.0)
        self.assertEqual(small.move_id.line_ids.filtered("debit").account_id, self.company.sdm_ar_writeoff_account_id)
        with self.assertRaises(UserError):
            self._adjust("bad_debt", [self.i2], 500).action_submit()  # the reason is required
        bad = self._adjust("bad_debt", [self.i2], 500, reason="Customer bankrupt (court ruling 2026-05)")
        bad.action_submit()
        self.assertEqual(self.i2.amount_residual, 0.0)
        self.assertEqual(bad.move_id.line_ids.filtered("debit").account_id, self.company.sdm_ar_bad_debt_account_id)
        # What the invoice lost, as incentive clawbacks read it: the bad debt, not the small write-off.
        self.env.flush_all()
        self.env.cr.execute(self.env["account.move"]._sdm_lost_invoice_query(self.company))
        lost = {(row[0], row[1]): float(row[3]) for row in self.env.cr.fetchall()}
        self.assertEqual(lost.get((self.i2.id, bad.move_id.id)), 500.0)
        self.assertNotIn((self.i1.id, small.move_id.id), lost)

    def test_bad_input_writes_nothing(self):
        moves = self.env["account.move"].search_count([])
        for adjustment_type, amount, vals in (
            ("transfer", 900, {"partner_dest_id": self.customer_b.id}),  # more than the 800 open
            ("transfer", -5, {"partner_dest_id": self.customer_b.id}),
            ("transfer", 100, {"partner_dest_id": self.contact_a.id}),  # to itself
            ("reassign", 0, {}),  # nobody to credit
        ):
            adjustment = self._adjust(adjustment_type, [self.i1, self.i2], amount, **vals)
            with self.assertRaises(UserError):
                adjustment.action_submit()
            self.assertEqual(adjustment.state, "draft")
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        self.assertEqual((self.i1.amount_residual, self.i2.amount_residual), (300.0, 500.0))

    def test_approval_above_the_threshold(self):
        self.company.sdm_ar_approval_amount = 100.0
        adjustment = self._adjust(
            "transfer", [self.i1], 300, user=self.user_finance, partner_dest_id=self.customer_b.id
        )
        adjustment.with_user(self.user_finance).action_submit()
        self.assertEqual(adjustment.state, "to_approve")
        self.assertEqual(self.i1.amount_residual, 300.0)
        self.assertIn(self.user_sdm_admin, adjustment.activity_ids.user_id)
        with self.assertRaises(UserError):
            adjustment.with_user(self.user_finance).action_approve()
        adjustment.with_user(self.user_sdm_admin).action_approve()
        self.assertEqual((adjustment.state, adjustment.approver_id), ("done", self.user_sdm_admin))
        self.assertEqual(self.i1.amount_residual, 0.0)
        self.assertFalse(adjustment.activity_ids)
