from datetime import date, datetime

from odoo import Command
from odoo.tools.safe_eval import safe_eval

from .test_platform_analysis import PlatformCommon

TODAY = date(2026, 11, 10)


class TestDefenseAlerts(PlatformCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["sdm.scorecard.template"].create(
            {"name": "Alerts", "criterion_ids": [Command.create({"name": "Only", "weight": 1})]}
        )
        cls.alert_type = cls.env.ref("sdm_crm_scoring.mail_activity_type_defense_alert")
        cls.env.company.write({"sdm_alert_score_below": 50, "sdm_alert_score_drop": 10, "sdm_alert_share_drop": 10})

    def _confirmed(self, partner, score, when, target=9):
        review = self.env["sdm.defense.review"].create(
            {"partner_id": partner.id, "template_id": self.template.id, "review_date": when}
        )
        review.line_ids.write({"score": score, "target_score": target})
        review.action_confirm()
        return review

    def _alerts(self, partner):
        return partner.activity_ids.filtered(lambda a: a.activity_type_id == self.alert_type)

    def test_customer_shows_score_target_and_trend(self):
        self._confirmed(self.customer_c, 9, date(2026, 6, 1))
        self._confirmed(self.customer_c, 7, date(2026, 9, 1), target=8)  # 75, target 87.5
        self.assertEqual(self.customer_c.sdm_defense_score, 75.0)
        self.assertEqual(self.customer_c.sdm_defense_target, 87.5)
        self.assertEqual(self.customer_c.sdm_defense_trend, -25.0)
        self.assertEqual(self.customer_c.sdm_defense_date, date(2026, 9, 1))
        falling = self.env["res.partner"].search([("sdm_defense_trend", "<", 0)])
        self.assertIn(self.customer_c, falling, "stored: the kanban and filters can use it")

    def test_low_score_alerts_salesperson_and_regional_manager_once(self):
        self._confirmed(self.customer_a, 3, date(2026, 10, 1))  # (3 - 1) / 8 = 25 < 50
        Partner = self.env["res.partner"]
        Partner._cron_sdm_defense_alerts(today=TODAY)
        self.assertTrue(self.customer_a.sdm_at_risk)
        self.assertIn("25.0 is below 50", self.customer_a.sdm_risk_reason)
        # Shanghai has no manager: the alert goes up to East China's manager.
        self.assertEqual(self._alerts(self.customer_a).user_id, self.user_sales_a | self.user_east_manager)
        Partner._cron_sdm_defense_alerts(today=TODAY)
        self.assertEqual(len(self._alerts(self.customer_a)), 2, "idempotent: no second activity per person")
        at_risk = self.env.ref("sdm_crm_scoring.action_sdm_customers_at_risk")
        found = Partner.search(safe_eval(at_risk.domain))
        self.assertIn(self.customer_a, found)
        self.assertNotIn(self.customer_c, found)
        # A better review clears the flag at the next run.
        self._confirmed(self.customer_a, 6, date(2026, 11, 1))  # 62.5, up by 37.5
        Partner._cron_sdm_defense_alerts(today=TODAY)
        self.assertFalse(self.customer_a.sdm_at_risk)
        self.assertFalse(self.customer_a.sdm_risk_reason)

    def test_score_drop_between_reviews(self):
        self._confirmed(self.customer_c, 9, date(2026, 6, 1))  # 100
        self._confirmed(self.customer_c, 8, date(2026, 9, 1))  # 87.5: -12.5 > 10
        self._confirmed(self.customer_b, 9, date(2026, 6, 1))
        self._confirmed(self.customer_b, 9, date(2026, 9, 1))
        self.env["res.partner"]._cron_sdm_defense_alerts(today=TODAY)
        self.assertTrue(self.customer_c.sdm_at_risk)
        self.assertIn("from 100.0 to 87.5", self.customer_c.sdm_risk_reason)
        self.assertEqual(self._alerts(self.customer_c).user_id, self.user_sales_c | self.user_east_manager)
        self.assertFalse(self.customer_b.sdm_at_risk)
        self.env.company.sdm_alert_score_drop = 0  # switched off
        self.env["res.partner"]._cron_sdm_defense_alerts(today=TODAY)
        self.assertFalse(self.customer_c.sdm_at_risk)

    def test_share_drop_month_over_month(self):
        self._move(self.customer_b, 80, datetime(2026, 9, 3))
        self._move(self.customer_b, 50, datetime(2026, 10, 3))
        self._move(self.customer_a, 80, datetime(2026, 9, 3))
        self._move(self.customer_a, 75, datetime(2026, 10, 3))
        self.Usage.create(
            [
                {"partner_id": partner.id, "month": date(2026, month, 1), "total_usage": 100}
                for partner in (self.customer_a, self.customer_b)
                for month in (9, 10)
            ]
        )
        self.env["res.partner"]._cron_sdm_defense_alerts(today=TODAY)
        self.assertTrue(self.customer_b.sdm_at_risk, "80 % to 50 %: -30 points")
        self.assertIn("2026-10", self.customer_b.sdm_risk_reason)
        self.assertIn("-30", self.customer_b.sdm_risk_reason)
        self.assertEqual(self._alerts(self.customer_b).user_id, self.user_sales_b | self.user_south_manager)
        self.assertFalse(self.customer_a.sdm_at_risk, "80 % to 75 %: within 10 points")
        self.assertEqual(self.customer_b.sdm_share_last, 50.0)

    def test_scheduled_alerts_go_by_batches_with_progress(self):
        """One call alerts one batch of customers and reports its progress to ir.cron; the runner calls again
        while customers remain; a run with everything up to date does nothing."""
        for partner in (self.customer_a, self.customer_b, self.customer_c):
            self._confirmed(partner, 3, date(2026, 10, 1))
        cron = self.env.ref("sdm_crm_scoring.ir_cron_sdm_defense_alerts")
        cron.code = "model._cron_sdm_defense_alerts(batch_size=2, today=datetime.date(2026, 11, 10))"
        customers = self.customer_a | self.customer_b | self.customer_c
        progress = self._run_cron_once(cron)
        self.assertEqual((progress.done, progress.remaining), (2, 1))
        self.assertEqual(len(customers.filtered("sdm_at_risk")), 2, "one batch only")
        progress = self._run_cron_once(cron)
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertEqual(customers.filtered("sdm_at_risk"), customers)
        self.assertEqual(self._alerts(self.customer_a).user_id, self.user_sales_a | self.user_east_manager)
        progress = self._run_cron_once(cron)
        self.assertEqual((progress.done, progress.remaining), (0, 0), "nothing left to do")
        self.assertEqual(len(self._alerts(self.customer_a)), 2, "idempotent: no second activity per person")
        # An alert closed by hand is given again; the others stay as they are.
        self._alerts(self.customer_a).filtered(lambda a: a.user_id == self.user_sales_a).unlink()
        progress = self._run_cron_once(cron)
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertEqual(self._alerts(self.customer_a).user_id, self.user_sales_a | self.user_east_manager)
