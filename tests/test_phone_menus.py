"""The SDM menus with the four addons installed: Sales > SDM in sections, and a salesperson's My Day app."""

from odoo.tests import TransactionCase, new_test_user

MAX_SECTION_ENTRIES = 8


class TestPhoneMenus(TransactionCase):
    # Outside an addon, Odoo's test metaclass does not tag the class: do it here.
    test_tags = {"standard", "post_install"}
    test_module = "sdm_sales"
    test_class = "TestPhoneMenus"
    test_sequence = 0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(cls.env, login="phone.sales", groups="sdm_sales.group_sdm_user")
        cls.admin = new_test_user(
            cls.env, login="phone.admin", groups="sdm_sales.group_sdm_admin,sdm_sales.group_sdm_planner"
        )

    def _visible_children(self, menu, user):
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        return menu.child_id.filtered(lambda m: m.id in visible).sorted("sequence")

    def test_sales_sdm_is_in_sections(self):
        root = self.env.ref("sdm_sales.menu_sdm_root")
        for user in (self.admin, self.salesperson):
            sections = self._visible_children(root, user)
            self.assertGreaterEqual(len(sections), 4, user.login)
            entries = 0
            for section in sections:
                self.assertFalse(section.action, f"{section.name} is a section, not an entry")
                leaves = self._visible_children(section, user)
                self.assertTrue(leaves, section.name)
                self.assertLessEqual(len(leaves), MAX_SECTION_ENTRIES, section.name)
                for leaf in leaves:
                    self.assertTrue(leaf.action, leaf.complete_name)
                    self.assertFalse(leaf.child_id, "three levels at most: Sales > SDM > section > entry")
                entries += len(leaves)
            self.assertLessEqual(entries, 30, user.login)
        names = self._visible_children(root, self.admin).mapped("name")
        for name in ("Customers & Credit", "Prices & Compensation", "Rebates", "Plans", "Analysis"):
            self.assertIn(name, names)

    def test_my_day_two_taps_from_the_app_menu(self):
        """My Day is an app of the home menu; each of its entries is one tap from it, kanban first."""
        my_day = self.env.ref("sdm_sales.menu_sdm_my_day")
        self.assertFalse(my_day.parent_id, "an app of the home menu")
        self.assertTrue(my_day.web_icon)
        menus = self.env["ir.ui.menu"].with_user(self.salesperson).load_web_menus(False)
        self.assertIn(my_day.id, menus["root"]["children"])
        entries = self._visible_children(my_day, self.salesperson)
        self.assertEqual(
            [e.action.get_external_id()[e.action.id] for e in entries],
            [
                "sdm_sales.action_sdm_my_customers",
                "sdm_sales.action_sdm_aging_customer",
                "sdm_sales.action_sdm_my_credit_quotations",
                "sdm_planning.action_sdm_my_plan",
                "sdm_planning.action_sdm_my_incentive",
                "sdm_finance.action_sdm_my_expenses",
            ],
        )
        for entry in entries:
            self.assertFalse(entry.child_id)
            if entry.action._name == "ir.actions.server":  # computes the page, then opens it
                action = entry.action.with_user(self.salesperson).run()
            else:
                action = (
                    self.env["ir.actions.act_window"]
                    .with_user(self.salesperson)
                    ._for_xml_id(entry.action.get_external_id()[entry.action.id])
                )
            self.assertEqual(action["views"][0][1], "kanban", entry.name)
            self.env[action["res_model"]].with_user(self.salesperson).check_access("read")
        # the app opens on her customers
        self.assertEqual(menus[my_day.id]["actionID"], self.env.ref("sdm_sales.action_sdm_my_customers").id)
