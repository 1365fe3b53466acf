from datetime import date

from odoo import Command
from odoo.exceptions import AccessError

from .rebate_common import RebateCommon


class TestRebateAccess(RebateCommon):
    """Agreements, tiers, progress and settlements follow the customers' visibility: a salesperson sees the
    agreements of their own customers and of unassigned ones named on the agreement; agreements defined by
    region or customer group when they cover one of their own customers. Regional managers: the customers of
    their regions and branches. Credit controllers, finance, planners and administrators: everything."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.group_c = cls.env["res.partner.category"].create({"name": "Key accounts"})
        cls.customer_c.category_id = [Command.link(cls.group_c.id)]
        Agreement = cls.env["sdm.rebate.agreement"]
        tiers = [Command.create({"threshold": 0, "rate": 1})]
        common = {"date_start": date(2026, 1, 1), "date_end": date(2026, 12, 31), "tier_ids": tiers}

        def make(title, **vals):
            return Agreement.create({"title": title, **common, **vals})

        cls.ag_a = make("A", partner_ids=[Command.set(cls.customer_a.ids)])
        cls.ag_b = make("B", partner_ids=[Command.set(cls.customer_b.ids)])
        cls.ag_free = make("Free", partner_ids=[Command.set(cls.customer_free.ids)])
        cls.ag_south = make("South region", region_ids=[Command.set(cls.region_south.ids)])
        cls.ag_group = make("Key accounts", partner_category_ids=[Command.set(cls.group_c.ids)])
        cls.agreements = cls.ag_a | cls.ag_b | cls.ag_free | cls.ag_south | cls.ag_group
        for agreement in cls.agreements:
            agreement.action_activate()
        cls.user_planner = cls._new_user("planner.user", "sdm_sales.group_sdm_planner")
        cls.user_admin_sdm = cls._new_user("admin.sdm", "sdm_sales.group_sdm_admin")

    def _visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_salespeople_see_the_agreements_of_their_customers(self):
        self.assertEqual(self._visible(self.user_sales_a, self.agreements), self.ag_a | self.ag_free)
        self.assertEqual(self._visible(self.user_sales_b, self.agreements), self.ag_b | self.ag_free | self.ag_south)
        self.assertEqual(self._visible(self.user_sales_c, self.agreements), self.ag_free | self.ag_group)
        with self.assertRaises(AccessError):
            self.ag_b.with_user(self.user_sales_a).read(["date_start", "tier_ids"])
        tiers = self.agreements.tier_ids
        self.assertEqual(self._visible(self.user_sales_a, tiers), (self.ag_a | self.ag_free).tier_ids)
        with self.assertRaises(AccessError):
            self.ag_b.tier_ids.with_user(self.user_sales_a).read(["threshold", "rate"])

    def test_visibility_follows_the_customer_owner(self):
        self.assertNotIn(self.ag_b, self._visible(self.user_sales_a, self.agreements))
        self.customer_b.user_id = self.user_sales_a
        self.assertIn(self.ag_b, self._visible(self.user_sales_a, self.agreements))

    def test_regional_managers_see_their_regions_agreements(self):
        self.assertEqual(
            self._visible(self.user_east_manager, self.agreements), self.ag_a | self.ag_free | self.ag_group
        )
        self.assertEqual(
            self._visible(self.user_south_manager, self.agreements), self.ag_b | self.ag_free | self.ag_south
        )
        self.assertEqual(self._visible(self.user_sh_leader, self.agreements), self.ag_a | self.ag_free)

    def test_roles_that_see_every_agreement(self):
        for user in (self.user_credit, self.user_finance, self.user_planner, self.user_admin_sdm):
            self.assertEqual(self._visible(user, self.agreements), self.agreements, user.login)
            self.assertEqual(self._visible(user, self.agreements.tier_ids), self.agreements.tier_ids, user.login)

    def test_progress_and_settlements_follow_the_customers(self):
        self._invoice(date(2026, 2, 1), 1000)
        self._invoice(date(2026, 2, 1), 1000, partner=self.customer_b)
        progress = self.agreements.progress_ids
        self.assertEqual(self._visible(self.user_sales_a, progress).partner_id, self.customer_a | self.customer_free)
        self.assertEqual(
            self._visible(self.user_south_manager, progress).partner_id, self.customer_b | self.customer_free
        )
        settlements = self._settle(self.agreements, date(2026, 3, 31), validate=False)
        self.assertEqual(self._visible(self.user_sales_a, settlements).partner_id, self.customer_a)
        self.assertEqual(self._visible(self.user_south_manager, settlements).partner_id, self.customer_b)
        self.assertEqual(self._visible(self.user_finance, settlements), settlements)
        lines = settlements.line_ids
        self.assertEqual(self._visible(self.user_sales_a, lines).settlement_id.partner_id, self.customer_a)
        self.customer_b.user_id = self.user_sales_a
        self.assertEqual(self._visible(self.user_sales_a, settlements).partner_id, self.customer_a | self.customer_b)

    def test_other_company_agreements_stay_hidden(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.env["sdm.rebate.agreement"].create(
            {
                "company_id": other.id,
                "partner_ids": [Command.set(self.customer_free.ids)],
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "tier_ids": [Command.create({"threshold": 0, "rate": 1})],
            }
        )
        for user in (self.user_finance, self.user_sales_a):
            self.assertFalse(self._visible(user, foreign), user.login)
            self.assertFalse(self._visible(user, foreign.tier_ids), user.login)
