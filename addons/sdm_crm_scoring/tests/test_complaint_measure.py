from datetime import date, datetime

from odoo import Command
from odoo.addons.sdm_sales.tests.common import SdmSalesCommon
from odoo.exceptions import AccessError, ValidationError


class TestComplaintMeasure(SdmSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["sdm.scorecard.template"].create(
            {
                "name": "Service",
                "criterion_ids": [
                    Command.create(
                        {
                            "name": "Complaints",
                            "weight": 1,
                            "measure": "complaint_response",
                            "measure_days": 90,
                            "higher_is_better": False,
                            "threshold_ids": [
                                Command.create({"value": 12, "score": 9}),
                                Command.create({"value": 24, "score": 7}),
                                Command.create({"value": 48, "score": 5}),
                            ],
                        }
                    )
                ],
            }
        )
        cls.criterion = cls.template.criterion_ids

    def _complaint(self, partner, received, first_response=None, **values):
        return self.env["sdm.customer.complaint"].create(
            {
                "name": "Late parts",
                "partner_id": partner.id,
                "received": received,
                "first_response": first_response,
                **values,
            }
        )

    def test_response_time_and_stage(self):
        complaint = self._complaint(self.customer_a, datetime(2026, 11, 1, 8), datetime(2026, 11, 1, 14))
        self.assertEqual(complaint.response_hours, 6.0)
        self.assertEqual(complaint.stage, "responded")
        complaint.closed = datetime(2026, 11, 3, 8)
        self.assertEqual(complaint.stage, "closed")
        with self.assertRaises(ValidationError) as error:
            self._complaint(self.customer_a, datetime(2026, 11, 5, 8), datetime(2026, 11, 4, 8))
        self.assertIn("cannot be before its reception", str(error.exception))

    def test_average_response_hours_of_the_period(self):
        self._complaint(self.customer_a, datetime(2026, 11, 1, 8), datetime(2026, 11, 1, 14))  # 6 h
        self._complaint(self.contact_a, datetime(2026, 11, 10, 8), datetime(2026, 11, 11, 14))  # 30 h
        self._complaint(self.customer_a, datetime(2026, 11, 29, 0))  # unanswered: 48 h until the period's end
        self._complaint(self.customer_a, datetime(2026, 5, 1, 8), datetime(2026, 5, 20, 8))  # outside the period
        self._complaint(self.customer_b, datetime(2026, 11, 1, 8), datetime(2026, 11, 1, 9))  # other customer
        values = self.criterion._sdm_measure(self.customer_a | self.customer_b, date(2026, 11, 30))
        self.assertEqual(values[self.customer_a.id], 28.0)  # (6 + 30 + 48) / 3
        self.assertEqual(values[self.customer_b.id], 1.0)
        self.assertEqual(self.criterion._sdm_score_for(28.0), 5)  # lower is better: within 48 h
        review = self.env["sdm.defense.review"].create(
            {"partner_id": self.customer_b.id, "template_id": self.template.id, "review_date": date(2026, 11, 30)}
        )
        self.assertEqual(review.line_ids.proposed_score, 9)

    def test_seed_complaint_criterion_is_measured(self):
        seed = self.env.ref("sdm_crm_scoring.criterion_complaints")
        self.assertEqual(seed.measure, "complaint_response")
        self.assertFalse(seed.higher_is_better)
        self.assertEqual(seed._sdm_score_for(10), 9)

    def test_salespeople_see_their_customers_complaints(self):
        own = self._complaint(self.customer_a, datetime(2026, 11, 1, 8))
        other = self._complaint(self.customer_b, datetime(2026, 11, 1, 8))
        Complaint = self.env["sdm.customer.complaint"]
        self.assertEqual(Complaint.with_user(self.user_sales_a).search([("id", "in", (own | other).ids)]), own)
        with self.assertRaises(AccessError):
            other.with_user(self.user_sales_a).read(["name"])
        self.assertEqual(Complaint.with_user(self.user_south_manager).search([("id", "in", (own | other).ids)]), other)
