from odoo import Command, fields
from odoo.addons.sdm_sales.tests.common import SdmSalesCommon


class TestContactMeasure(SdmSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.criterion = cls.env["sdm.scorecard.criterion"].create(
            {
                "template_id": cls.env["sdm.scorecard.template"].create({"name": "Relations"}).id,
                "name": "Decision makers",
                "measure": "contact_frequency",
                "measure_days": 90,
                "threshold_ids": [Command.create({"value": 1, "score": 9}), Command.create({"value": 0.5, "score": 5})],
            }
        )
        cls.boss_a = cls.env["res.partner"].create(
            {"name": "General Manager A", "parent_id": cls.customer_a.id, "sdm_decision_maker": True}
        )
        cls.boss_b = cls.env["res.partner"].create(
            {"name": "General Manager B", "parent_id": cls.customer_b.id, "sdm_decision_maker": True}
        )

    def _done_activity(self, partner):
        activity = partner.activity_schedule("mail.mail_activity_data_meeting", summary="Dinner", user_id=self.env.uid)
        activity.action_feedback(feedback="Discussed next year's plan")

    def test_contacts_per_month_with_decision_makers(self):
        for _i in range(3):
            self._done_activity(self.boss_a)
        self._done_activity(self.contact_a)  # not a decision maker: does not count
        self.boss_b.activity_schedule("mail.mail_activity_data_todo", summary="Open, not done", user_id=self.env.uid)
        today = fields.Date.context_today(self.criterion)
        values = self.criterion._sdm_measure(self.customer_a | self.customer_b | self.customer_c, today)
        self.assertEqual(values[self.customer_a.id], 1.0)  # 3 in 90 days = 1 a month
        self.assertEqual(values[self.customer_b.id], 0.0)
        self.assertNotIn(self.customer_c.id, values, "no decision maker known: nothing to measure")
        self.assertEqual(self.criterion._sdm_score_for(values[self.customer_a.id]), 9)
        self.assertEqual(self.criterion._sdm_score_for(values[self.customer_b.id]), 1)

    def test_seed_social_criterion_is_measured(self):
        seed = self.env.ref("sdm_crm_scoring.criterion_social")
        self.assertEqual(seed.measure, "contact_frequency")
        self.assertEqual(seed._sdm_score_for(1.2), 9)
