from odoo.tests import TransactionCase


class TestScoringDemo(TransactionCase):
    def test_demo_loaders_on_the_demo_network(self):
        """What demo/sdm_crm_scoring_demo.xml runs, on the demo network (make run)."""
        Demo = self.env["sdm.demo"]
        Demo._sdm_generate_demo(months=4, orders_per_month=3)
        Demo._sdm_assign_demo_platform_types()
        Demo._sdm_demo_defense_reviews()
        Demo._sdm_demo_platform_usage()
        reviews = self.env["sdm.defense.review"].search([("state", "=", "confirmed")])
        self.assertEqual(len(reviews), 4, "two quarters for two customers")
        measured = reviews.line_ids.filtered("proposed_score")
        self.assertTrue(all(line.score == line.proposed_score for line in measured))
        self.assertTrue(self.env["sdm.platform.usage"].search_count([("total_usage", ">", 0)]))
