from .compensation_common import CompensationCommon


class TestCompensationAccess(CompensationCommon):
    """Compensation amounts and balances go to the customer's salesperson (and managers, controllers, finance,
    planners, administrators), never to another salesperson."""

    def test_compensation_sources_follow_the_customer(self):
        notice = self._notice()
        notice.action_compute()
        sources = self._line(notice).source_ids
        self.assertTrue(sources)
        Source = self.env["sdm.price.notice.source"]
        self.assertEqual(Source.with_user(self.user_sales_a).search([("id", "in", sources.ids)]), sources)
        self.assertFalse(Source.with_user(self.user_sales_b).search([("id", "in", sources.ids)]))
        self.assertEqual(Source.with_user(self.user_credit).search([("id", "in", sources.ids)]), sources)

    def test_balances_follow_the_customer(self):
        balance = self.env["sdm.customer.balance"].create(
            {"name": "Goodwill", "partner_id": self.customer_a.id, "amount": 50.0, "balance_type": "compensation"}
        )
        Balance = self.env["sdm.customer.balance"]
        self.assertEqual(Balance.with_user(self.user_sales_a).search([("id", "=", balance.id)]), balance)
        self.assertFalse(Balance.with_user(self.user_sales_b).search([("id", "=", balance.id)]))
        self.assertEqual(Balance.with_user(self.user_credit).search([("id", "=", balance.id)]), balance)
        self.assertEqual(self.customer_a.with_user(self.user_sales_a).sdm_compensation_balance, 50.0)
