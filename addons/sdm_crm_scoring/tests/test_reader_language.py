from datetime import date

from odoo import Command

from .test_platform_analysis import PlatformCommon


class TestScoringReaderLanguage(PlatformCommon):
    """Review notes and alerts are written for whoever reads them: in their language, numbers with fixed
    decimals (the test database has 简体中文 loaded with the addons' zh_CN.po)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))
        cls.en = cls.env(context=dict(cls.env.context, lang="en_US"))
        (cls.env.user | cls.user_sales_a | cls.user_sales_b | cls.user_east_manager).write({"lang": "en_US"})
        cls.small = cls.env["sdm.scorecard.template"].create(
            {
                "name": "Small",
                "criterion_ids": [
                    Command.create({"name": "Delivery", "weight": 3, "sequence": 1}),
                    Command.create({"name": "Share", "weight": 1, "sequence": 2}),
                ],
            }
        )

    def _review(self, template, user):
        return (
            self.env["sdm.defense.review"]
            .with_context(lang="en_US")
            .create({"partner_id": self.customer_a.id, "template_id": template.id, "user_id": user.id})
        )

    def test_review_note_in_responsibles_language_with_fixed_decimals(self):
        """Score (3·0 + 1·1)/32 = 3.12, target (3·0 + 1·3)/32 = 9.38: the gap 6.26 is a float 6.260000000000001;
        the note shows 6.26, in the Chinese responsible's language although an English user confirms."""
        self.user_sales_b.lang = "zh_CN"
        review = self._review(self.small, self.user_sales_b)
        delivery, share = review.line_ids
        delivery.write({"score": 1, "target_score": 1})
        share.write({"score": 2, "target_score": 4})
        self.assertEqual((review.score, review.target_score), (3.12, 9.38))
        self.assertNotEqual(str(review.gap), "6.26", "the float is not 6.26: the note must format it")
        review.with_context(lang="en_US").action_confirm()
        expected = self.zh._(
            "Review confirmed: score %(score)s / 100, target %(target)s, gap %(gap)s.",
            score="3.12",
            target="9.38",
            gap="6.26",
        )
        self.assertNotIn("Review confirmed", expected, "the zh_CN translation exists")
        self.assertIn(expected, review.message_ids.mapped("body")[0])

    def test_action_activity_in_assignees_language(self):
        """A planned action becomes an activity whose title (the criterion) is in the assignee's language."""
        self.user_sales_b.lang = "zh_CN"
        wall = self.env.ref("sdm_crm_scoring.scorecard_wall_criteria")
        review = self._review(wall, self.user_sales_a)
        line = review.line_ids.filtered(lambda line: line.criterion_id == wall.criterion_ids[1])
        line.write(
            {
                "action": "Weekly delivery call",
                "action_date": date(2026, 12, 15),
                "action_user_id": self.user_sales_b.id,
            }
        )
        review.line_ids.write({"score": 5, "target_score": 5})
        review.with_context(lang="en_US").action_confirm()
        self.assertEqual(review.activity_ids.summary, "交货及时率")
        self.assertIn("Weekly delivery call", review.activity_ids.note)

    def test_alerts_in_each_assignees_language(self):
        """The Chinese salesperson's alert reads in Chinese, the English regional manager's in English; the
        reason kept on the customer is in the company's language."""
        self.user_sales_a.lang = "zh_CN"
        template = self.env["sdm.scorecard.template"].create(
            {"name": "Alerts", "criterion_ids": [Command.create({"name": "Only", "weight": 1})]}
        )
        self.env.company.write({"sdm_alert_score_below": 50, "sdm_alert_score_drop": 0, "sdm_alert_share_drop": 0})
        self.env.company.partner_id.lang = "en_US"
        review = self.env["sdm.defense.review"].create(
            {"partner_id": self.customer_a.id, "template_id": template.id, "review_date": date(2026, 10, 1)}
        )
        review.line_ids.write({"score": 3, "target_score": 9})
        review.action_confirm()
        self.env["res.partner"].with_context(lang="en_US")._cron_sdm_defense_alerts(today=date(2026, 11, 10))
        alert_type = self.env.ref("sdm_crm_scoring.mail_activity_type_defense_alert")
        alerts = {a.user_id: a for a in self.customer_a.activity_ids if a.activity_type_id == alert_type}
        name = self.customer_a.display_name
        zh_summary = self.zh._("Customer at risk: %s", name)
        self.assertNotEqual(zh_summary, self.en._("Customer at risk: %s", name), "the zh_CN translation exists")
        self.assertEqual(alerts[self.user_sales_a].summary, zh_summary)
        self.assertEqual(alerts[self.user_east_manager].summary, self.en._("Customer at risk: %s", name))
        zh_head = self.zh._("Defense score %(score)s is below %(limit)s.", score="|", limit="|").split("|")[0]
        self.assertNotIn("Defense score", zh_head, "the zh_CN translation exists")
        self.assertIn(zh_head, alerts[self.user_sales_a].note)
        self.assertIn("is below", alerts[self.user_east_manager].note)
        self.assertIn("is below", self.customer_a.sdm_risk_reason)
