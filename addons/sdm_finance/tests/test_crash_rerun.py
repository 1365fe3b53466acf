from datetime import date, timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.addons.sdm_sales.tests.crash import CronCrashMixin
from odoo.tests import tagged

from .rebate_common import RebateCommon
from .writeoff_common import WriteoffCommon

D1, D2, D3 = date(2026, 2, 10), date(2026, 2, 20), date(2026, 3, 10)


@tagged("post_install", "-at_install")
class TestWriteoffCrashRerun(CronCrashMixin, WriteoffCommon):
    """The automatic write-off batch killed at several points, then run again: the same matches as an
    uninterrupted run, no receipt applied twice, none forgotten."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sdm_writeoff_on_receipt = "none"
        cls.invoices = (
            cls._invoice(300, D1)
            | cls._invoice(500, D2)
            | cls._invoice(400, D3)
            | cls._invoice(250, D1, partner=cls.customer_b)
        )
        cls.receipts = (
            cls._receipt(200) | cls._receipt(450) | cls._receipt(100, partner=cls.customer_b) | cls._receipt(80)
        )
        cls.company.sdm_writeoff_on_receipt = "auto"
        cls.cron = cls.env.ref("sdm_finance.ir_cron_sdm_write_off")

    def _totals(self):
        self.env.invalidate_all()
        receipt_lines = self._receivable(self.receipts.move_id)
        partials = self.env["account.partial.reconcile"].search([("credit_move_id", "in", receipt_lines.ids)])
        return {
            "open": [self._open(invoice) for invoice in self.invoices],
            "matches": len(partials),
            "applied": sum(partials.mapped("amount")),
            "overapplied": self.env["sdm.invariant"]._sdm_check_receipt_overapplied(),
        }

    def test_batches_killed_then_run_again(self):
        def write_off(env):
            env["account.payment"]._cron_sdm_write_off(batch_size=2, chunk_size=1)

        expected = self._sdm_assert_crash_rerun(
            self.cron,
            write_off,
            self._totals,
            [
                ("account.payment", "_sdm_apply_write_off_rules", 1),  # mid first batch
                ("account.payment", "_sdm_apply_write_off_rules", 2),  # end of the first batch
                ("account.payment", "_sdm_apply_write_off_rules", 4),  # end of the second
                ("ir.cron", "_notify_progress", 1),
                ("ir.cron", "_notify_progress", 2),
            ],
        )
        # 200 → 300 (100 left); 450 → 100 + 350 of 500; 80 → 80 of the 150 left; B's 100 → 150 of 250 left.
        self.assertEqual(expected["open"], [0, 70, 400, 150])
        self.assertEqual(expected["applied"], 830)


@tagged("post_install", "-at_install")
class TestFollowupCrashRerun(CronCrashMixin, RebateCommon):
    """The follow-up run killed at several points, then run again: one follow-up per due customer, as an
    uninterrupted run makes, none twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.customers = cls.customer_a | cls.customer_b | cls.customer_c
        for days_late, partner in zip((40, 10, 70), cls.customers, strict=True):
            move = cls._invoice(cls.today - timedelta(days=days_late + 30), 1000 + days_late, partner=partner)
            move.line_ids.filtered(lambda line: line.account_type == "asset_receivable").date_maturity = (
                cls.today - timedelta(days=days_late)
            )
        cls.cron = cls.env.ref("sdm_finance.ir_cron_sdm_followup")

    def _totals(self):
        followups = self.env["sdm.followup"].search([("partner_id", "in", self.customers.ids)])
        return {
            "followups": len(followups),
            "customers": sorted(followups.partner_id.ids),
            "overdue": sum(followups.mapped("amount_overdue")),
            "levels": sorted(followups.level_id.ids),
            "on_hold": sorted(self.customers.filtered("sdm_credit_hold").ids),
        }

    def test_runs_killed_then_run_again(self):
        def follow_up(env):
            env["sdm.followup"]._cron_run(batch_size=1, today=self.today)

        expected = self._sdm_assert_crash_rerun(
            self.cron,
            follow_up,
            self._totals,
            [
                ("sdm.followup", "_sdm_follow_up", 1),
                ("sdm.followup", "_sdm_follow_up", 2),
                ("sdm.followup", "_sdm_follow_up", 3),
                ("ir.cron", "_notify_progress", 2),
            ],
        )
        self.assertEqual(expected["followups"], 3)
        self.assertEqual(expected["customers"], sorted(self.customers.ids))


class RebateRunCommon(CronCrashMixin, RebateCommon):
    """Invoices of customers A and B over two quarters, and the totals a rebate settlement run leaves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._q1()
        cls._invoice(date(2026, 4, 10), 3000)
        cls._invoice(date(2026, 1, 20), 1500, partner=cls.customer_b)

    def _totals(self):
        settlements = self.env["sdm.rebate.settlement"].search([("agreement_id", "in", self.agreements.ids)])
        moves = settlements.move_id
        return {
            "settlements": sorted(
                (s.partner_id.id, str(s.period_start), s.settlement_type, s.state, s.amount) for s in settlements
            ),
            "credit_notes": len(moves),
            "credited": sum(moves.mapped("amount_total")),
            "settled_twice": self.env["sdm.invariant"]._sdm_check_rebate_settled_twice(),
        }


@tagged("post_install", "-at_install")
class TestRebateSettlementCrashRerun(RebateRunCommon):
    """A rebate settlement run (one transaction: prepare and validate) killed at several points, then run
    again: the same settlements, credit notes and amounts as an uninterrupted run, no period settled twice."""

    def test_settlement_run_killed_then_run_again(self):
        self.agreements = self._agreement(partner_ids=[Command.set((self.customer_a | self.customer_b).ids)])

        def settle(env):
            env["sdm.rebate.settle.wizard"].create(
                {"agreement_ids": [Command.set(self.agreements.ids)], "date": date(2026, 7, 1), "validate": True}
            ).action_settle()

        expected = self._sdm_assert_crash_rerun(
            None,
            settle,
            self._totals,
            [
                ("sdm.rebate.settlement", "_sdm_insert", 1),  # drafts written, nothing paid
                ("sdm.rebate.settlement", "_sdm_pay", 1),
                ("sdm.rebate.settlement", "_sdm_pay", 3),
                ("sdm.rebate.settlement", "_sdm_notify_customer", 1),  # all paid, before the commit
            ],
        )
        # A: Q1 5,500 at 3 % = 165, Q2 3,000 at 2 % = 60; B: Q1 1,500 at 2 % = 30, Q2 nothing.
        self.assertEqual(expected["credited"], 165 + 60 + 30)
        self.assertEqual(expected["credit_notes"], 3)


@tagged("post_install", "-at_install")
class TestRebateInvariant(RebateCommon):
    def test_rebate_period_settled_twice_is_reported(self):
        self._q1()
        agreement = self._agreement()
        settlement = self._settle(agreement, date(2026, 4, 1))
        self.assertEqual(settlement.settlement_type, "final")
        check = self.env["sdm.invariant"]._sdm_check_rebate_settled_twice
        self.assertEqual(check(), [])
        # Settled a second time behind the agreement lock's back (the one-final index dropped, in this test only).
        self.env.cr.execute("DROP INDEX sdm_rebate_settlement_final_uniq")
        second = settlement.copy()
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE sdm_rebate_settlement s
                  SET state = 'validated', counted_documents = o.counted_documents, period_start = o.period_start
                 FROM sdm_rebate_settlement o WHERE s.id = %s AND o.id = %s""",
            (second.id, settlement.id),
        )
        self.env.invalidate_all()
        rows = check()
        self.assertEqual(len(rows), 4, "the period settled twice, and each of its three documents counted twice")
        self.assertEqual({row["agreement_id"] for row in rows}, {agreement.id})
        self.assertEqual(rows[0]["settlements"], 2)
        second.state = "cancel"
        self.assertEqual(check(), [])


@tagged("post_install", "-at_install")
class TestRebateBackgroundValidation(RebateRunCommon):
    """A settlement run too large for one request is validated by the cron in batches: killed at several
    points and run again, the same credit notes and amounts as an uninterrupted run, nothing paid twice
    (the invoices and totals of the run in one request, plus the queue)."""

    def _totals(self):
        settlements = self.env["sdm.rebate.settlement"].search([("agreement_id", "in", self.agreements.ids)])
        return {**super()._totals(), "queued": settlements.filtered("validate_queued").ids}

    def test_large_run_is_queued_then_validated_in_batches(self):
        self.agreements = self._agreement(partner_ids=[Command.set((self.customer_a | self.customer_b).ids)])
        queue = "odoo.addons.sdm_finance.models.sdm_rebate_settlement_queue"
        with patch(f"{queue}.ONLINE_VALIDATE_LIMIT", 0):
            self.env["sdm.rebate.settle.wizard"].create(
                {"agreement_ids": [Command.set(self.agreements.ids)], "date": date(2026, 7, 1), "validate": True}
            ).action_settle()
        queued = self._totals()
        self.assertEqual(queued["credit_notes"], 0, "nothing paid inside the request")
        self.assertGreaterEqual(len(queued["queued"]), 3, "every settlement of the run waits for the cron")
        cron = self.env.ref("sdm_finance.ir_cron_sdm_rebate_validate")
        with patch(f"{queue}.VALIDATE_BATCH", 1):
            expected = self._sdm_assert_crash_rerun(
                cron,
                lambda env: env["sdm.rebate.settlement"]._cron_validate_queued(),
                self._totals,
                [
                    ("sdm.rebate.settlement", "_sdm_pay", 1),
                    ("sdm.rebate.settlement", "_sdm_pay", 2),
                    ("ir.cron", "_notify_progress", 3),
                ],
            )
        self.assertEqual(expected["queued"], [])
        self.assertEqual((expected["credit_notes"], expected["credited"]), (3, 165 + 60 + 30))
        self.assertFalse(expected["settled_twice"])
