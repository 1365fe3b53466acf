from odoo import fields

from .rebate_common import RebateCommon


class TestRebateCrons(RebateCommon):
    """The rebate crons work one batch per call and report their progress to the cron runner
    (ir.cron._notify_progress), which commits and calls again while some remain."""

    def _progress(self, xmlid):
        cron = self.env.ref(xmlid)
        return self.env["ir.cron.progress"].create({"cron_id": cron.id, "done": 0, "remaining": 0})

    def test_progress_refresh_in_batches(self):
        self._q1()
        agreements = self._agreement() | self._agreement()
        agreements.progress_ids.unlink()
        agreements.write({"progress_date": False})
        progress = self._progress("sdm_finance.ir_cron_sdm_rebate_progress")
        Progress = self.env["sdm.rebate.progress"].with_context(
            ir_cron_progress_id=progress.id, lastcall=fields.Datetime.now()
        )
        Progress._cron_refresh(batch_size=1)
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        self.assertEqual(len(agreements.progress_ids), 1)
        Progress._cron_refresh(batch_size=1)
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertEqual(len(agreements.progress_ids), 2, "one row per agreement and customer")
        self.assertTrue(all(agreements.mapped("progress_date")))

    def test_accruals_in_batches(self):
        Account = self.env["account.account"]
        self.company.write(
            {
                "sdm_rebate_accrual": True,
                "sdm_rebate_accrual_journal_id": self.env["account.journal"]
                .create({"name": "Rebate accruals", "code": "RBA", "type": "general"})
                .id,
                "sdm_rebate_expense_account_id": Account.create(
                    {"name": "Rebate expense", "code": "660100", "account_type": "expense"}
                ).id,
                "sdm_rebate_liability_account_id": Account.create(
                    {"name": "Accrued rebates", "code": "224100", "account_type": "liability_current"}
                ).id,
            }
        )
        self._q1()
        agreements = self._agreement(accrue=True) | self._agreement(accrue=True)
        progress = self._progress("sdm_finance.ir_cron_sdm_rebate_accrual")
        Accrual = self.env["sdm.rebate.accrual"].with_context(ir_cron_progress_id=progress.id)
        Accrual._cron_accrue(batch_size=1)
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        Accrual._cron_accrue(batch_size=1)
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        month_end = agreements[0].accrued_until
        self.assertTrue(month_end)
        self.assertEqual(agreements.mapped("accrued_until"), [month_end, month_end])
        Accrual._cron_accrue(batch_size=1)
        self.assertEqual((progress.done, progress.remaining), (0, 0), "each agreement is accrued once a month")
