from odoo.tests import TransactionCase


class TestExpenseDemo(TransactionCase):
    def test_demo_expenses_on_the_demo_network(self):
        self.env["sdm.demo"]._sdm_generate_demo(months=4, orders_per_month=3)
        self.env["sdm.demo"]._sdm_demo_expenses()
        Expense = self.env["sdm.sales.expense"]
        self.assertEqual(Expense.search_count([("state", "=", "to_approve")]), 2, "two promotions wait for Finance")
        posted = Expense.search([("state", "=", "posted")])
        self.assertEqual(set(posted.mapped("nature")), {"borne", "advanced"})
        self.assertTrue(all(e.move_id.state == "posted" for e in posted))
        advanced = posted.filtered(lambda e: e.nature == "advanced")
        self.assertTrue(all(e.partner_id in e.move_id.line_ids.partner_id for e in advanced))
        budgets = self.env["sdm.expense.budget"].search([("state", "=", "open")])
        self.assertEqual(len(budgets), 4, "the company's and one promotion budget per top region")
        self.assertGreater(sum(budgets.mapped("consumed")), 0)
        # Run twice: nothing more.
        self.env["sdm.demo"]._sdm_demo_expenses()
        self.assertEqual(self.env["sdm.expense.type"].search_count([]), 3)
