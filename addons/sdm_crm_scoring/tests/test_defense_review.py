from datetime import date

from odoo import Command
from odoo.addons.sdm_sales.tests.common import SdmSalesCommon
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form


class TestDefenseReview(SdmSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wall = cls.env.ref("sdm_crm_scoring.scorecard_wall_criteria")
        cls.small = cls.env["sdm.scorecard.template"].create(
            {
                "name": "Small",
                "criterion_ids": [
                    Command.create({"name": "Delivery", "weight": 3, "sequence": 1}),
                    Command.create({"name": "Share", "weight": 1, "sequence": 2}),
                ],
            }
        )

    def _review(self, partner=None, template=None, user=None):
        env = self.env if user is None else self.env(user=user)
        return env["sdm.defense.review"].create(
            {"partner_id": (partner or self.customer_a).id, "template_id": (template or self.small).id}
        )

    def test_seed_criteria_and_their_chinese(self):
        criteria = self.wall.criterion_ids
        self.assertEqual(len(criteria), 8)
        self.assertEqual(criteria[1].full_marks, "Fully met.")
        self.assertTrue(all(c.weight > 0 for c in criteria))
        chinese = criteria.with_context(lang="zh_CN")
        self.assertEqual(chinese[0].name, "积极参与客户商业计划的推进")
        self.assertEqual(chinese[1].name, "交货及时率")
        self.assertEqual(chinese[5].name, "占有率")
        self.assertEqual(self.wall.with_context(lang="zh_CN").name, "既有客户销售防御评估表（围墙准则）")

    def test_weighted_and_normalised_scores_by_hand(self):
        review = self._review()
        self.assertEqual(review.line_ids.criterion_id, self.small.criterion_ids, "one line per criterion")
        delivery, share = review.line_ids
        delivery.write({"score": 7, "target_score": 9})
        share.write({"score": 3, "target_score": 7})
        # Σ w·s = 3·7 + 1·3 = 24; normalised: (3·6 + 1·2) / (4·8) = 20/32 = 62.5; target (3·8 + 1·6)/32 = 93.75.
        self.assertEqual(review.weighted_total, 24.0)
        self.assertEqual(review.score, 62.5)
        self.assertEqual(review.target_score, 93.75)
        self.assertEqual(review.gap, 31.25)

    def test_actions_become_activities_on_confirmation(self):
        review = self._review()
        review.line_ids[0].write(
            {
                "action": "Weekly delivery call",
                "action_date": date(2026, 12, 15),
                "action_user_id": self.user_sales_b.id,
            }
        )
        review.line_ids[1].write({"action": "Joint product day", "action_date": date(2027, 1, 10)})
        review.line_ids.score = 5
        self.assertFalse(review.activity_ids)
        review.action_confirm()
        activities = review.activity_ids.sorted("date_deadline")
        self.assertEqual(activities.mapped("summary"), ["Delivery", "Share"])
        self.assertEqual(activities[0].user_id, self.user_sales_b)
        self.assertEqual(activities[1].user_id, review.user_id)
        self.assertEqual(activities[0].date_deadline, date(2026, 12, 15))

    def test_confirmed_reviews_are_snapshots(self):
        review = self._review()
        review.line_ids.write({"score": 6})
        review.action_confirm()
        with self.assertRaisesRegex(UserError, "snapshot"):
            review.line_ids[0].score = 9
        with self.assertRaisesRegex(UserError, "snapshot"):
            review.review_date = date(2020, 1, 1)
        with self.assertRaisesRegex(UserError, "snapshot"):
            review.unlink()
        # Weights edited on the scorecard later do not change the confirmed score.
        before = review.score
        self.small.criterion_ids[0].weight = 10
        self.assertEqual(review.score, before)
        # A new review starts from the last confirmed scores.
        review.line_ids.flush_recordset()
        again = self._review()
        self.assertEqual(again.line_ids.mapped("score"), review.line_ids.mapped("score"))
        self.assertEqual(again.line_ids[0].weight, 10)

    def test_score_history_on_the_customer(self):
        first = self._review()
        first.line_ids.write({"score": 5})
        first.action_confirm()
        second = self._review()
        second.line_ids.write({"score": 9})
        second.action_confirm()
        self.assertEqual(self.customer_a.sdm_defense_score, 100.0)
        action = self.customer_a.action_sdm_defense_reviews()
        self.assertEqual(self.env["sdm.defense.review"].search(action["domain"]), first | second)
        self.assertIn("graph", action["view_mode"])

    def test_bad_input(self):
        with self.assertRaisesRegex(ValidationError, "must be positive"):
            self.env["sdm.scorecard.template"].create(
                {"name": "Broken", "criterion_ids": [Command.create({"name": "Zero", "weight": 0})]}
            )
        review = self._review()
        with self.assertRaisesRegex(ValidationError, "from 1 to 9"):
            review.line_ids[0].score = 10
        with self.assertRaisesRegex(ValidationError, "from 1 to 9"):
            review.line_ids[0].target_score = 0
        with self.assertRaises(ValidationError) as error:  # assertRaises rolls back: nothing is written
            self._review()
        self.assertIn("already has an open review", str(error.exception))
        self.assertEqual(self.env["sdm.defense.review"].search_count([("partner_id", "=", self.customer_a.id)]), 1)

    def test_form_on_the_phone_flow(self):
        with Form(self.env["sdm.defense.review"].with_user(self.user_sales_a)) as form:
            form.partner_id = self.customer_a
            form.template_id = self.small
            with form.line_ids.edit(0) as line:
                line.score = 6
                line.action = "Visit the plant"
                line.action_date = date(2026, 12, 20)
            with form.line_ids.edit(1) as line:
                line.score = 4
        review = form.save()
        self.assertEqual(len(review.line_ids), 2)
        self.assertEqual(review.line_ids[0].score, 6)
        review.with_user(self.user_sales_a).action_confirm()
        self.assertEqual(review.activity_ids.user_id, self.user_sales_a)

    def test_access_rules(self):
        own = self._review(user=self.user_sales_a)
        other = self._review(partner=self.customer_b, user=self.user_sales_b)
        Review = self.env["sdm.defense.review"]
        self.assertEqual(Review.with_user(self.user_sales_a).search([]), own)
        with self.assertRaises(AccessError):
            other.with_user(self.user_sales_a).read(["score"])
        with self.assertRaises(AccessError):
            self._review(partner=self.customer_b, template=self.wall, user=self.user_sales_a)
        self.assertEqual(Review.with_user(self.user_east_manager).search([]), own)
        self.assertEqual(Review.with_user(self.user_south_manager).search([]), other)
        planner = self._new_user("planner.x", "sdm_sales.group_sdm_planner")
        self.assertEqual(Review.with_user(planner).search([]), own | other)
        with self.assertRaises(AccessError):
            self.wall.with_user(self.user_sales_a).name = "Mine"
