from datetime import date, timedelta
from unittest.mock import patch

from psycopg2.errors import CheckViolation

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .writeoff_common import WriteoffCommon

D1, D2, D3 = date(2026, 2, 10), date(2026, 2, 20), date(2026, 3, 10)


@tagged("post_install", "-at_install")
class TestWriteoffAllocation(WriteoffCommon):
    """Automatic write-off after posting a receipt: the customer's open items, oldest due first, partially."""

    def test_oldest_due_first_partial(self):
        later = self._invoice(500, D2)  # created first: the due date decides, not the id
        older = self._invoice(300, D1)
        receipt = self._receipt(600)
        self.assertEqual(self._open(older), 0)
        self.assertEqual(self._open(later), 200, "500 - (600 - 300)")
        self.assertEqual(self._open(receipt.move_id), 0)
        self.assertFalse(receipt.sdm_writeoff_unmatched)
        self.assertTrue(receipt.sdm_writeoff_date)
        # The collections see both applications, credited to whoever sold.
        lines = self.env["sdm.collection.line"].search([("receipt_move_id", "=", receipt.move_id.id)])
        self.assertEqual(sorted(lines.mapped("amount")), [300, 300])
        self.assertEqual(lines.invoice_id, older | later)

    def test_same_due_date_then_date_then_id(self):
        first_id = self._invoice(100, D1, when=date(2026, 1, 9))
        second_id = self._invoice(100, D1, when=date(2026, 1, 9))
        earliest_date = self._invoice(100, D1, when=date(2026, 1, 2))
        self._receipt(150)
        self.assertEqual(
            [self._open(earliest_date), self._open(first_id), self._open(second_id)],
            [0, 50, 100],
        )

    def test_receipt_larger_than_what_is_open_stays_open(self):
        invoice = self._invoice(300, D1)
        credit_note = self._create_invoice(self.customer_a, [(self.product, 1, 80)], D1, move_type="out_refund")
        receipt = self._receipt(500)
        self.assertEqual(self._open(invoice), 0)
        self.assertEqual(self._open(receipt.move_id), -200, "the rest of the receipt stays open")
        self.assertEqual(self._open(credit_note), -80, "a credit note is not something a receipt pays")
        self.assertFalse(receipt.sdm_writeoff_unmatched)

    def test_two_receipts_in_one_batch_share_out_the_invoices(self):
        self.company.sdm_writeoff_on_receipt = "none"
        first_invoice = self._invoice(300, D1)
        second_invoice = self._invoice(500, D2)
        receipts = self._receipt(200) | self._receipt(400)
        # Odoo's reconciliation is called a few steps at a time: one step per call here, same allocation.
        with patch.object(type(self.env["sdm.writeoff"]), "_sdm_reconcile_chunk", 1):
            receipts.action_sdm_apply_write_off_rules()
        self.assertEqual([self._applied(receipt) for receipt in receipts], [200, 400])
        self.assertEqual([self._open(first_invoice), self._open(second_invoice)], [0, 200], "300 + 100, then 400")

    def test_other_customers_items_are_not_touched(self):
        other = self._invoice(300, D1, partner=self.customer_b)
        mine = self._invoice(300, D2, partner=self.contact_a)  # a contact's invoice belongs to its company
        self._receipt(250)
        self.assertEqual([self._open(other), self._open(mine)], [300, 50])

    def test_receipt_that_matched_nothing_is_flagged_then_matched(self):
        self._invoice(300, D1, partner=self.customer_b)
        receipt = self._receipt(100)
        self.assertTrue(receipt.sdm_writeoff_unmatched)
        Payment = self.env["account.payment"]
        unmatched = Payment.search([("sdm_writeoff_unmatched", "=", True), ("is_reconciled", "=", False)])
        self.assertIn(receipt, unmatched)
        action = self.env.ref("sdm_finance.action_sdm_writeoff_unmatched")
        self.assertIn("search_default_sdm_writeoff_unmatched", action.context)
        invoice = self._invoice(70, D1)
        receipt.action_sdm_apply_write_off_rules()
        self.assertFalse(receipt.sdm_writeoff_unmatched)
        self.assertEqual((self._open(invoice), self._open(receipt.move_id)), (0, -30))

    def test_payment_registered_from_an_invoice_pays_that_invoice(self):
        older = self._invoice(300, D1)
        newer = self._invoice(200, D2, invoice_user_id=self.user_sales_c.id, team_id=self.branch_hz.id)
        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=newer.ids)
            .create({"amount": 200, "payment_date": date(2026, 3, 1)})
            ._create_payments()
        )
        self.assertEqual((self._open(older), self._open(newer)), (300, 0))
        self.assertEqual((payment.sdm_user_id, payment.sdm_team_id), (self.user_sales_c, self.branch_hz))
        self.assertEqual(payment.memo, newer.payment_reference)

    def test_invoicing_user_posts_and_reads_receipts(self):
        """A plain invoicing user (no SDM, no sales role) posts a receipt the rules write off, and reads it whole."""
        accountant = self._new_user("plain.invoicing", "account.group_account_invoice")
        invoice = self._invoice(300, D1)
        order = self._create_order(self.customer_a)
        receipt = self._receipt(120, post=False, sdm_sale_order_id=order.id).with_user(accountant)
        receipt.action_post()
        self.assertEqual(self._open(invoice), 180)
        self.env.invalidate_all()
        receipt.read()

    def test_forms_show_the_keys_and_settings(self):
        payment_form = self.env["account.payment"].get_views([(False, "form")])["views"]["form"]["arch"]
        for name in ("sdm_user_id", "sdm_team_id", "sdm_sale_order_id", "sdm_writeoff_unmatched"):
            self.assertIn(f'name="{name}"', payment_form)
        settings = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        for name in ("sdm_writeoff_key_branch", "sdm_writeoff_key_reference", "sdm_writeoff_mode"):
            self.assertIn(f'name="{name}"', settings)
        wizard = self.env["sdm.writeoff.reconcile.wizard"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="confirmed"', wizard)

    def test_receipt_keys_default_from_the_customer(self):
        receipt = self._receipt(10, partner=self.contact_a, post=False)
        self.assertEqual((receipt.sdm_user_id, receipt.sdm_team_id), (self.user_sales_a, self.branch_sh))

    def test_after_posting_nothing_or_the_manual_reconciliation(self):
        mine = self._invoice(300, D1)
        other_branch = self._invoice(200, D1, team_id=self.branch_gz.id)
        self.company.write({"sdm_writeoff_on_receipt": "none", "sdm_writeoff_key_branch": True})
        receipt = self._receipt(100)
        self.assertEqual(self._open(receipt.move_id), -100)
        self.assertFalse(receipt.sdm_writeoff_date, "nothing ran")
        self.company.sdm_writeoff_on_receipt = "manual"
        receipt = self._receipt(100, post=False)
        action = receipt.action_post()
        self.assertEqual(action["res_model"], "account.move.line")
        shown = self.env["account.move.line"].search(action["domain"])
        self.assertEqual(shown, self._receivable(receipt.move_id | mine), "the same branch only")
        self.assertNotIn(self._receivable(other_branch), shown)
        self.assertEqual(self._open(receipt.move_id), -100, "nothing is reconciled for the user")

    def test_bad_input_writes_nothing(self):
        invoice = self._invoice(300, D1)
        draft = self._receipt(100, post=False)
        vendor = self.env["account.payment"].create(
            {"payment_type": "outbound", "partner_type": "supplier", "partner_id": self.customer_a.id, "amount": 5}
        )
        vendor.action_post()
        with self.assertRaisesRegex(UserError, draft.display_name):
            (draft | vendor).action_sdm_apply_write_off_rules()
        self.assertEqual((draft.state, draft.sdm_writeoff_date, self._open(invoice)), ("draft", False, 300))
        with self.assertRaisesRegex(UserError, "at least two"):
            self.env["sdm.writeoff.reconcile.wizard"].create(
                {"line_ids": [fields.Command.set(self._receivable(invoice).ids)]}
            ).action_reconcile()
        # A negative receipt never reaches the rules: Odoo refuses it.
        with self.assertRaises(CheckViolation), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self._receipt(-100)


@tagged("post_install", "-at_install")
class TestWriteoffKeys(WriteoffCommon):
    """Each key: the receipt skips the older items of another branch, salesperson, order or reference."""

    def _check_key(self, key, skipped_vals, matched_vals, receipt_vals):
        self.company[f"sdm_writeoff_key_{key}"] = True
        skipped = self._invoice(300, D1, **skipped_vals)
        matched = self._invoice(300, D2, **matched_vals)
        receipt = self._receipt(400, **receipt_vals)
        self.assertEqual((self._open(skipped), self._open(matched)), (300, 0))
        self.assertEqual(self._open(receipt.move_id), -100)
        return skipped, matched

    def test_branch(self):
        self._check_key(
            "branch", {"team_id": self.branch_sh.id}, {"team_id": self.branch_gz.id}, {"sdm_team_id": self.branch_gz.id}
        )

    def test_salesperson(self):
        self._check_key(
            "salesperson",
            {"invoice_user_id": self.user_sales_a.id},
            {"invoice_user_id": self.user_sales_c.id},
            {"sdm_user_id": self.user_sales_c.id},
        )

    def test_reference(self):
        self.company.sdm_writeoff_key_reference = True
        skipped = self._invoice(300, D1)
        matched = self._invoice(300, D2)
        receipt = self._receipt(400, memo=f" {matched.name} ")
        self.assertEqual((self._open(skipped), self._open(matched), self._open(receipt.move_id)), (300, 0, -100))
        without_memo = self._receipt(50)
        self.assertTrue(without_memo.sdm_writeoff_unmatched, "no reference: no invoice of that reference")

    def test_sales_order(self):
        self.company.sdm_writeoff_key_order = True
        self.product.taxes_id = [fields.Command.clear()]
        invoices = []
        orders = self._create_order(self.customer_a, qty=3) | self._create_order(self.customer_a, qty=2)
        for order in orders:
            order.action_confirm()
            invoice = order._create_invoices()
            invoice.write({"invoice_date": date(2026, 1, 5), "invoice_date_due": D1})
            invoice.action_post()
            invoices.append(invoice)
        self.assertEqual([self._open(invoice) for invoice in invoices], [300, 200])
        receipt = self._receipt(250, sdm_sale_order_id=orders[1].id)
        self.assertEqual([self._open(invoice) for invoice in invoices], [300, 0])
        self.assertEqual(self._open(receipt.move_id), -50)
        any_order = self._receipt(100)
        self.assertTrue(any_order.sdm_writeoff_unmatched, "no order: only invoices of no order")


@tagged("post_install", "-at_install")
class TestWriteoffManualModes(WriteoffCommon):
    """Manual reconciliations of items whose keys differ: strict refuses, prompt asks, off lets them through."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"sdm_writeoff_on_receipt": "none", "sdm_writeoff_key_branch": True})

    def setUp(self):
        super().setUp()
        self.invoice = self._invoice(300, D1, team_id=self.branch_sh.id)
        self.receipt = self._receipt(100, sdm_team_id=self.branch_gz.id)
        self.lines = self._receivable(self.invoice | self.receipt.move_id)

    def _wizard(self, **vals):
        return (
            self.env["sdm.writeoff.reconcile.wizard"]
            .with_context(active_model="account.move.line", active_ids=self.lines.ids)
            .create(vals)
        )

    def _assert_nothing_written(self):
        self.assertEqual((self._open(self.invoice), self._open(self.receipt.move_id)), (300, -100))

    def test_strict_refuses_naming_each_difference(self):
        self.company.sdm_writeoff_key_salesperson = True
        self.receipt.sdm_user_id = self.user_sales_b
        wizard = self._wizard(confirmed=True)
        self.assertEqual(
            wizard.differences, "Branch: Shanghai Branch ≠ Guangzhou Branch\nSalesperson: Sales A ≠ Sales B"
        )
        with self.assertRaisesRegex(UserError, "Branch: Shanghai Branch ≠ Guangzhou Branch\nSalesperson"):
            wizard.action_reconcile()
        self._assert_nothing_written()
        with self.assertRaisesRegex(UserError, "cannot be reconciled"):
            self.invoice.with_context(sdm_writeoff_confirmed=True).js_assign_outstanding_line(
                self._receivable(self.receipt.move_id).id
            )
        self._assert_nothing_written()

    def test_prompt_needs_the_confirmation(self):
        self.company.sdm_writeoff_mode = "prompt"
        with self.assertRaisesRegex(UserError, "Branch: Shanghai Branch ≠ Guangzhou Branch"):
            self._wizard().action_reconcile()
        self._assert_nothing_written()
        with self.assertRaisesRegex(UserError, "confirm"):
            self.invoice.js_assign_outstanding_line(self._receivable(self.receipt.move_id).id)
        self._assert_nothing_written()
        self._wizard(confirmed=True).action_reconcile()
        self.assertEqual((self._open(self.invoice), self._open(self.receipt.move_id)), (200, 0))

    def test_prompt_confirmed_from_the_invoice(self):
        self.company.sdm_writeoff_mode = "prompt"
        self.invoice.with_context(sdm_writeoff_confirmed=True).js_assign_outstanding_line(
            self._receivable(self.receipt.move_id).id
        )
        self.assertEqual(self._open(self.invoice), 200)

    def test_off_lets_them_through(self):
        self.company.sdm_writeoff_mode = "off"
        self.invoice.js_assign_outstanding_line(self._receivable(self.receipt.move_id).id)
        self.assertEqual(self._open(self.invoice), 200)

    def test_same_key_passes_in_strict_mode(self):
        self.receipt.sdm_team_id = self.branch_sh
        wizard = self._wizard()
        self.assertFalse(wizard.differences)
        wizard.action_reconcile()
        self.assertEqual(self._open(self.invoice), 200)

    def test_another_customer_is_a_difference(self):
        self.company.sdm_writeoff_key_branch = False
        other = self._receipt(100, partner=self.customer_b)
        self.lines = self._receivable(self.invoice | other.move_id)
        with self.assertRaisesRegex(UserError, "Customer: Huadong Distribution ≠ Lingnan Trading"):
            self._wizard().action_reconcile()

    def test_automatic_write_off_is_not_a_manual_one(self):
        """Reconciliations that do not come from a person (payment registration, the rules) are not checked."""
        self.receipt.sdm_team_id = self.branch_sh
        self.receipt.action_sdm_apply_write_off_rules()
        self.assertEqual(self._open(self.invoice), 200)


@tagged("post_install", "-at_install")
class TestWriteoffCron(WriteoffCommon):
    """The daily cron: one batch per call, progress reported, resumable and idempotent after a crash."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sdm_writeoff_on_receipt = "none"
        cls.invoices = cls._invoice(300, D1) | cls._invoice(500, D2) | cls._invoice(400, D3)
        cls.invoice_b = cls._invoice(250, D1, partner=cls.customer_b)
        cls.receipts = cls._receipt(200) | cls._receipt(450) | cls._receipt(100, partner=cls.customer_b)
        cls.receipts[2].date = date(2026, 3, 2)
        cls.company.sdm_writeoff_on_receipt = "auto"

    def _run(self, batch_size=1, lastcall=None):
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": self.env.ref("sdm_finance.ir_cron_sdm_write_off").id, "done": 0, "remaining": 0}
        )
        self.env["account.payment"].with_context(
            ir_cron_progress_id=progress.id, lastcall=lastcall
        )._cron_sdm_write_off(batch_size=batch_size)
        return progress.done, progress.remaining

    def _state(self):
        partials = self.env["account.partial.reconcile"].search(
            [("credit_move_id", "in", self._receivable(self.receipts.move_id).ids)]
        )
        return (
            [self._open(invoice) for invoice in self.invoices | self.invoice_b],
            len(partials),
            sum(partials.mapped("amount")),
        )

    def test_killed_mid_batch_then_run_again(self):
        self.assertEqual(self._run(), (1, 2))
        with self.assertRaisesRegex(RuntimeError, "killed"), self.env.cr.savepoint():
            self.assertEqual(self._run(), (1, 1))
            self.env.flush_all()
            raise RuntimeError("killed")
        self.env.invalidate_all()
        self.assertEqual(self._run(), (1, 1), "the killed batch is done again")
        self.assertEqual(self._run(), (1, 0))
        self.assertEqual(self._run(), (0, 0))
        # Hand-computed: 200 → first 300 (100 left); 450 → 100 + 350 of the 500 (150 left); B's 100 → 150 left.
        expected = ([0, 150, 400, 150], 4, 750)
        self.assertEqual(self._state(), expected)
        self.assertEqual(self._run(batch_size=10), (0, 0), "nothing twice")
        self.assertEqual(self._state(), expected)

    def test_a_call_stops_when_its_time_is_used_up(self):
        """The cron runner's pass of up to ten calls shares the production limits: a call stops at its budget
        after a chunk and reports the rest, which the next call takes."""
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": self.env.ref("sdm_finance.ir_cron_sdm_write_off").id, "done": 0, "remaining": 0}
        )
        Payment = self.env["account.payment"].with_context(ir_cron_progress_id=progress.id)
        Payment._cron_sdm_write_off(batch_size=500, chunk_size=1, budget=0)
        self.assertEqual((progress.done, progress.remaining), (1, 2))
        Payment._cron_sdm_write_off(batch_size=500, chunk_size=1, budget=3600)
        self.assertEqual((progress.done, progress.remaining), (2, 0))
        self.assertEqual(self._state(), ([0, 150, 400, 150], 4, 750))

    def test_next_day_retries_what_matched_nothing(self):
        stranger = self._receipt(60, partner=self.customer_c)
        self.assertTrue(stranger.sdm_writeoff_unmatched)
        self.assertEqual(self._run(batch_size=10), (3, 0), "the stranger was tried when posted")
        invoice = self._invoice(50, D1, partner=self.customer_c)
        self.assertEqual(self._run(batch_size=10), (0, 0), "tried in this run already")
        # The next day: the previous run ended (lastcall) after its stamps.
        now = fields.Datetime.now()
        stranger.sdm_writeoff_date = now - timedelta(days=1)
        self.assertEqual(self._run(batch_size=10, lastcall=now - timedelta(hours=23)), (1, 0))
        self.assertEqual((self._open(invoice), self._open(stranger.move_id)), (0, -10))
        self.assertFalse(stranger.sdm_writeoff_unmatched)


@tagged("post_install", "-at_install")
class TestReceiptApproval(WriteoffCommon):
    """Receipt approval (收款单审核): a posted receipt waits for Finance before the write-off rules apply."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sdm_receipt_approval = True
        cls.finance = cls._new_user("receipt.finance", "sdm_sales.group_sdm_finance")
        cls.invoice = cls._invoice(300, date(2026, 2, 1))

    def test_posted_receipt_waits_for_approval_then_is_written_off(self):
        receipt = self._receipt(200)
        self.assertTrue(receipt.sdm_receipt_to_approve)
        self.assertEqual(self._applied(receipt), 0.0)  # not written off yet
        self.assertIn(self.finance, receipt.activity_ids.user_id)
        # The daily run leaves it alone too.
        self.env["account.payment"]._cron_sdm_write_off()
        self.assertEqual(self._open(self.invoice), 300.0)
        with self.assertRaises(UserError):
            receipt.with_user(self.user_sales_a).action_sdm_approve_receipt()
        receipt.with_user(self.finance).action_sdm_approve_receipt()
        self.assertEqual((receipt.sdm_receipt_approved, receipt.sdm_receipt_approver_id), (True, self.finance))
        self.assertEqual(self._open(self.invoice), 100.0)
        self.assertFalse(receipt.activity_ids)
        with self.assertRaises(UserError):
            receipt.with_user(self.finance).action_sdm_approve_receipt()  # nothing waits any more
