from datetime import date, datetime

from odoo import Command
from odoo.addons.sdm_sales.tests.common import SdmSalesCommon
from odoo.exceptions import UserError


class TestAutomaticMeasures(SdmSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        thresholds = [Command.create({"value": v, "score": s}) for v, s in ((95, 9), (90, 7), (75, 5), (50, 3))]
        cls.template = cls.env["sdm.scorecard.template"].create(
            {
                "name": "Measured",
                "criterion_ids": [
                    Command.create(
                        {
                            "name": "Delivery",
                            "weight": 2,
                            "measure": "on_time_delivery",
                            "measure_days": 90,
                            "threshold_ids": thresholds,
                        }
                    ),
                    Command.create({"name": "Relationship", "weight": 1}),
                ],
            }
        )
        cls.delivery = cls.template.criterion_ids[0]
        cls.out_type = cls.env.ref("stock.picking_type_out")
        cls.stock = cls.env.ref("stock.stock_location_stock")
        cls.customers_loc = cls.env.ref("stock.stock_location_customers")

    def _delivery(self, partner, deadline, done):
        picking = self.env["stock.picking"].create(
            {
                "partner_id": partner.id,
                "picking_type_id": self.out_type.id,
                "location_id": self.stock.id,
                "location_dest_id": self.customers_loc.id,
                "scheduled_date": deadline,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.product.name,
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "location_id": self.stock.id,
                            "location_dest_id": self.customers_loc.id,
                            "date_deadline": deadline,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.quantity = 1
        picking.button_validate()
        picking.date_done = done
        return picking

    def test_thresholds_map_values_to_scores(self):
        self.assertEqual(self.delivery._sdm_score_for(100), 9)
        self.assertEqual(self.delivery._sdm_score_for(92.5), 7)
        self.assertEqual(self.delivery._sdm_score_for(75), 5)
        self.assertEqual(self.delivery._sdm_score_for(10), 1)
        response = self.env["sdm.scorecard.criterion"].create(
            {
                "template_id": self.template.id,
                "name": "Complaint response (hours)",
                "higher_is_better": False,
                "threshold_ids": [Command.create({"value": 12, "score": 9}), Command.create({"value": 48, "score": 5})],
            }
        )
        self.assertEqual(response._sdm_score_for(6), 9)
        self.assertEqual(response._sdm_score_for(24), 5)
        self.assertEqual(response._sdm_score_for(72), 1)

    def test_on_time_delivery_rate_from_done_deliveries(self):
        # In the 90 days before 2026-11-30: three on time (one to the customer's contact), one late.
        self._delivery(self.customer_a, datetime(2026, 10, 1, 10), datetime(2026, 10, 1, 9))
        self._delivery(self.customer_a, datetime(2026, 10, 5, 10), datetime(2026, 10, 5, 18))  # same day
        self._delivery(self.contact_a, datetime(2026, 11, 2, 10), datetime(2026, 10, 30, 10))
        self._delivery(self.customer_a, datetime(2026, 11, 10, 10), datetime(2026, 11, 14, 10))  # late
        self._delivery(self.customer_a, datetime(2026, 5, 1, 10), datetime(2026, 6, 1, 10))  # outside the period
        self._delivery(self.customer_b, datetime(2026, 11, 1, 10), datetime(2026, 11, 20, 10))  # other customer
        values = self.delivery._sdm_measure(self.customer_a | self.customer_b, date(2026, 11, 30))
        self.assertEqual(values[self.customer_a.id], 75.0)
        self.assertEqual(values[self.customer_b.id], 0.0)

    def test_review_proposes_the_score_and_overrides_need_a_reason(self):
        for day in (1, 2, 3, 4, 5, 6, 7, 8, 9):
            self._delivery(self.customer_a, datetime(2026, 11, day, 10), datetime(2026, 11, day, 9))
        self._delivery(self.customer_a, datetime(2026, 11, 10, 10), datetime(2026, 11, 12, 9))  # 90 % on time
        review = self.env["sdm.defense.review"].create(
            {"partner_id": self.customer_a.id, "template_id": self.template.id, "review_date": date(2026, 11, 30)}
        )
        line = review.line_ids.filtered(lambda line: line.criterion_id == self.delivery)
        self.assertEqual(line.measured_value, 90.0)
        self.assertEqual(line.proposed_score, 7)
        self.assertEqual(line.score, 7)
        manual = review.line_ids - line
        self.assertFalse(manual.proposed_score)
        self.assertEqual(manual.score, 0, "no measure: left unscored for people")
        manual.score = 6
        line.score = 9
        with self.assertRaises(UserError) as error:
            review.action_confirm()
        self.assertIn("proposes 7", str(error.exception))
        self.assertEqual(review.state, "draft")
        line.override_reason = "Two late deliveries were the customer's own request"
        review.action_confirm()
        self.assertEqual(review.state, "confirmed")

    def test_no_data_leaves_the_score_to_people(self):
        review = self.env["sdm.defense.review"].create(
            {"partner_id": self.customer_c.id, "template_id": self.template.id}
        )
        self.assertFalse(review.line_ids.mapped("proposed_score")[0])
        self.assertEqual(review.line_ids.mapped("score"), [0, 0], "nothing measured: nothing scored")
        with self.assertRaises(UserError) as error:
            review.action_confirm()
        self.assertIn("Not scored yet", str(error.exception))
        self.assertEqual(review.state, "draft")
        review.line_ids.score = 5
        review.action_confirm()
        self.assertEqual(review.state, "confirmed")

    def test_seed_delivery_criterion_is_measured(self):
        seed = self.env.ref("sdm_crm_scoring.criterion_delivery")
        self.assertEqual(seed.measure, "on_time_delivery")
        self.assertEqual(seed._sdm_score_for(99.5), 9)
        self.assertEqual(seed._sdm_score_for(60), 1)
