from datetime import date, datetime

from odoo.addons.sdm_sales.tests.crash import CronCrashMixin

from .test_platform_analysis import CURSOR, PlatformCommon

USAGE = "sdm.platform.usage"


class TestPlatformAnalysisCrashRerun(CronCrashMixin, PlatformCommon):
    """The platform analysis recomputation killed at several points, then run again: the same rows and usage as
    an uninterrupted run (none doubled, none missing), and the place kept for the next run reset."""

    def _totals(self):
        self.env.invalidate_all()
        rows = self.Usage.search([("partner_id", "in", self.customers.ids)])
        return {
            "rows": sorted((row.partner_id.id, str(row.month), row.our_usage) for row in rows),
            "usage": sum(rows.mapped("our_usage")),
            "cursor": int(self.env["ir.config_parameter"].sudo().get_param(CURSOR, 0) or 0),
        }

    def test_recomputation_killed_then_run_again(self):
        self.customers = self.customer_a | self.customer_b | self.customer_c
        for qty, partner in zip((10, 20, 30), self.customers, strict=True):
            self._move(partner, qty, datetime(2026, 9, 3))
        self._move(self.customer_a, 4, datetime(2026, 8, 3))

        def recompute(env):
            env[USAGE]._cron_sdm_recompute(batch_size=2, today=date(2026, 10, 5))

        expected = self._sdm_assert_crash_rerun(
            self.env.ref("sdm_crm_scoring.ir_cron_sdm_platform_usage"),
            recompute,
            self._totals,
            [
                (USAGE, "_sdm_recompute_partners", 1),
                (USAGE, "_sdm_recompute_partners", 2),
                (USAGE, "_sdm_recompute_partners", 3),
                ("ir.cron", "_notify_progress", 1),
                ("ir.cron", "_notify_progress", 2),
            ],
        )
        self.assertEqual(expected["usage"], 64)
        self.assertEqual(expected["cursor"], 0)
