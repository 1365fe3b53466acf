from odoo.exceptions import AccessError, UserError

from .credit_common import SdmCreditCommon

# What stock Odoo keeps from users outside invoicing (res.partner.credit_limit, credit, debit) and SDM keeps
# from users outside SDM and invoicing: the credit profile, the credit position and the balances.
GUARDED_PARTNER_FIELDS = (
    "sdm_credit_limit",
    "sdm_credit_hold",
    "sdm_credit_mode",
    "sdm_credit_group_id",
    "sdm_credit_overdue_days",
    "sdm_credit_overdue_max",
    "sdm_credit_exposure",
    "sdm_credit_remaining",
    "sdm_credit_receivable",
    "sdm_credit_overdue_amount",
    "sdm_compensation_balance",
)


class TestCreditFieldAccess(SdmCreditCommon):
    """Field-level security of the credit figures, as strict as stock Odoo's credit limit and receivable."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_plain = cls._new_user("plain.clerk", "base.group_user")
        cls.user_stock_sales = cls._new_user("stock.sales", "sales_team.group_sale_salesman")
        cls.user_stock_sales_all = cls._new_user("stock.sales.all", "sales_team.group_sale_salesman_all_leads")
        cls.user_invoicing = cls._new_user("invoicing", "account.group_account_invoice")
        cls.user_readonly = cls._new_user("account.readonly", "account.group_account_readonly")
        cls.customer_a.user_id = cls.user_stock_sales

    def _assert_denied(self, user, fname):
        Partner = self.env["res.partner"].with_user(user)
        partner = self.customer_a.with_user(user)
        with self.assertRaises(AccessError, msg=f"{user.login} read {fname}"):
            partner.read([fname])
        with self.assertRaises(AccessError, msg=f"{user.login} search_read {fname}"):
            Partner.search_read([("id", "=", self.customer_a.id)], [fname])
        with self.assertRaises(AccessError, msg=f"{user.login} web_read {fname}"):
            partner.web_read({fname: {}})

    def test_users_outside_sdm_and_invoicing_cannot_read_credit_figures(self):
        for user in (self.user_plain, self.user_stock_sales, self.user_stock_sales_all):
            for fname in GUARDED_PARTNER_FIELDS:
                self._assert_denied(user, fname)
            Partner = self.env["res.partner"].with_user(user)
            with self.assertRaises(AccessError):
                Partner.read_group([("id", "=", self.customer_a.id)], ["sdm_credit_limit:sum"], ["is_company"])
            with self.assertRaises(AccessError):
                Partner.search([("sdm_credit_limit", ">", 0)])
            with self.assertRaises(AccessError):
                Partner.search([("sdm_credit_hold", "=", True)])
            # The form leaves the figures out, without error.
            self.assertFalse(set(GUARDED_PARTNER_FIELDS) & set(Partner.fields_get(attributes=["type"])), user.login)
        # (stock Odoo keeps invoices from a plain internal user, so only salespeople read the whole customer)
        for user in (self.user_stock_sales, self.user_stock_sales_all):
            values = self.customer_a.with_user(user).read()[0]
            self.assertFalse(set(GUARDED_PARTNER_FIELDS) & set(values), user.login)

    def test_order_remaining_credit_is_guarded(self):
        order = self._create_order(self.customer_a, user=self.user_stock_sales, price=100.0)
        with self.assertRaises(AccessError):
            order.with_user(self.user_stock_sales).read(["sdm_credit_remaining"])
        self.assertEqual(
            order.with_user(self.user_credit).read(["sdm_credit_remaining"])[0]["sdm_credit_remaining"], 900.0
        )

    def test_sdm_roles_and_invoicing_users_read_credit_figures(self):
        self.customer_a.user_id = self.user_sales_a
        for user in (self.user_sales_a, self.user_credit, self.user_invoicing, self.user_readonly):
            values = self.customer_a.with_user(user).read(list(GUARDED_PARTNER_FIELDS))[0]
            self.assertEqual(values["sdm_credit_limit"], 1000.0, user.login)
            self.assertEqual(values["sdm_credit_remaining"], 1000.0, user.login)
            Partner = self.env["res.partner"].with_user(user)
            self.assertIn(self.customer_a, Partner.search([("sdm_credit_limit", ">", 0)]), user.login)

    def test_stock_salesperson_still_gets_the_credit_check(self):
        """The credit rule reads the profile for the check; the user who cannot read it is still checked and
        told why (as stock Odoo's credit warning tells any salesperson)."""
        ok = self._create_order(self.customer_a, user=self.user_stock_sales, price=400.0)
        self.env.invalidate_all()
        ok.with_user(self.user_stock_sales).read()  # the form, banner included
        self.assertTrue(ok.with_user(self.user_stock_sales).sdm_credit_banner)
        ok.with_user(self.user_stock_sales).action_confirm()
        self.assertEqual(ok.state, "sale")
        too_much = self._create_order(self.customer_a, user=self.user_stock_sales, price=800.0)
        self.env.invalidate_all()
        with self.assertRaisesRegex(UserError, "Huadong Distribution"):
            too_much.with_user(self.user_stock_sales).action_confirm()
        self.assertEqual(too_much.state, "draft")

    def test_held_customer_blocks_a_stock_salesperson(self):
        self.customer_a.sdm_credit_hold = True
        order = self._create_order(self.customer_a, user=self.user_stock_sales, price=10.0)
        self.env.invalidate_all()
        with self.assertRaises(UserError) as caught:
            order.with_user(self.user_stock_sales).action_confirm()
        self.assertNotIsInstance(caught.exception, AccessError)

    def test_credit_grades_are_kept_from_users_outside_sdm_and_invoicing(self):
        grade = self.env["sdm.credit.group"].create({"name": "Grade Z", "credit_limit": 5000.0})
        for user in (self.user_plain, self.user_stock_sales):
            with self.assertRaises(AccessError, msg=user.login):
                self.env["sdm.credit.group"].with_user(user).search_read([], ["credit_limit"])
        for user in (self.user_sales_a, self.user_invoicing, self.user_readonly):
            self.assertIn(grade, self.env["sdm.credit.group"].with_user(user).search([]), user.login)
        # A customer created by a salesperson outside SDM still takes the company's default grade.
        self.company.sdm_credit_default_group_id = grade
        partner = (
            self.env["res.partner"].with_user(self.user_stock_sales).create({"name": "New Co", "is_company": True})
        )
        self.assertEqual(partner.sudo().sdm_credit_group_id, grade)
        self.assertEqual(partner.sudo().sdm_credit_limit, 5000.0)
