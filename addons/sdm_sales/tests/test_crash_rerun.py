from datetime import date
from unittest.mock import patch

from .compensation_common import CompensationCommon
from .crash import CronCrashMixin

NOTICE = "sdm.price.notice"


class TestCompensationCrashRerun(CronCrashMixin, CompensationCommon):
    """The background settlement of a price notice killed at several points, then run again: the same credit
    notes (or balances) and amounts as an uninterrupted run, none twice, none lost."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._invoice(cls.customer_b, 5, 100, date(2026, 9, 15))
        cls._invoice(cls.customer_c, 5, 100, date(2026, 9, 16))
        cls.cron = cls.env.ref("sdm_sales.ir_cron_sdm_price_notice_settle")

    def _queued_notice(self, **vals):
        notice = self._notice(basis="invoiced", **vals)
        notice.action_compute()
        notice.with_user(self.manager).action_approve()
        with patch("odoo.addons.sdm_sales.models.sdm_price_notice_settlement.SETTLE_BATCH", 1):
            notice.action_settle()  # 3 customers > 2 × batch: queued for the scheduled action
        self.assertTrue(notice.settle_queued)
        return notice

    def _totals(self, notice):
        def totals():
            notice.invalidate_recordset()
            moves = notice.move_ids.filtered(lambda m: m.move_type == "out_refund")
            return {
                "state": notice.state,
                "credit_notes": len(moves),
                "customers": sorted(moves.partner_id.ids),
                "credited": sum(moves.mapped("amount_total")),
                "balances": len(notice.balance_ids),
                "balance_total": sum(notice.balance_ids.mapped("amount")),
                "lines_paid": len(notice.line_ids.filtered(lambda line: line.move_id or line.balance_id)),
                "paid_twice": self.env["sdm.invariant"]._sdm_check_notice_settled_twice(),
            }

        return totals

    def _settle(self, env):
        with patch("odoo.addons.sdm_sales.models.sdm_price_notice_settlement.SETTLE_BATCH", 2):
            env[NOTICE]._cron_settle()

    def test_credit_notes_killed_mid_batch_and_between_batches(self):
        notice = self._queued_notice()
        # Batches of two customers: the 1st credit note dies mid-batch, the 2nd at the end of the first batch,
        # the 3rd in the second; the progress report dies after the first and the second batch.
        expected = self._sdm_assert_crash_rerun(
            self.cron,
            self._settle,
            self._totals(notice),
            [
                (NOTICE, "_sdm_create_credit_note", 1),
                (NOTICE, "_sdm_create_credit_note", 2),
                (NOTICE, "_sdm_create_credit_note", 3),
                ("ir.cron", "_notify_progress", 1),
                ("ir.cron", "_notify_progress", 2),
            ],
        )
        self.assertEqual(expected["state"], "settled")
        self.assertEqual(expected["credit_notes"], 3)
        self.assertEqual(expected["credited"], 90.0 + 100.0 + 100.0)

    def test_balances_killed_mid_batch_and_between_batches(self):
        notice = self._queued_notice(settlement_mode="balance")
        expected = self._sdm_assert_crash_rerun(
            self.cron,
            self._settle,
            self._totals(notice),
            [
                (NOTICE, "_sdm_create_balance", 1),
                (NOTICE, "_sdm_create_balance", 3),
                ("ir.cron", "_notify_progress", 2),
            ],
        )
        self.assertEqual((expected["balances"], expected["balance_total"]), (3, 290.0))
