from odoo.tests import TransactionCase


class TestRebateDemo(TransactionCase):
    def test_demo_rebate_agreement_on_the_demo_network(self):
        self.env["sdm.demo"]._sdm_generate_demo(months=4, orders_per_month=3)
        self.env["sdm.demo"]._sdm_demo_rebates()
        agreement = self.env["sdm.rebate.agreement"].search([("title", "=", "经销商季度返利")])
        self.assertEqual(agreement.state, "active")
        self.assertTrue(agreement.progress_ids, "the running quarter shows its progress")
        settled = agreement.settlement_ids.filtered(lambda s: s.state == "validated")
        self.assertTrue(settled, "the quarters over are settled")
        self.assertTrue(all(s.move_id.state == "posted" for s in settled if s.amount > 0))
