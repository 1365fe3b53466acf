from odoo.tests import Form

from .common import SdmSalesCommon


class TestSettings(SdmSalesCommon):
    def test_region_from_branch_setting_is_per_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.assertTrue(self.company.sdm_region_from_team)
        with Form(self.env["res.config.settings"]) as settings:
            self.assertTrue(settings.sdm_region_from_team)
            settings.sdm_region_from_team = False
        settings.save().execute()
        self.assertFalse(self.company.sdm_region_from_team)
        self.assertTrue(other.sdm_region_from_team)

    def test_settings_block_and_menus_exist(self):
        arch = self.env["res.config.settings"].get_view(self.env.ref("base.res_config_settings_view_form").id)["arch"]
        self.assertIn('name="sdm_sales"', arch)
        self.assertIn("sdm_region_from_team", arch)
        sdm_menu = self.env.ref("sdm_sales.menu_sdm_root")
        self.assertEqual(sdm_menu.parent_id, self.env.ref("sale.sale_menu_root"))
        menus = self.env["ir.ui.menu"].with_user(self.user_sales_a)._visible_menu_ids()
        self.assertIn(sdm_menu.id, menus)
        self.assertIn(self.env.ref("sdm_sales.menu_sdm_customers").id, menus)
        self.assertNotIn(self.env.ref("sdm_sales.menu_sdm_config").id, menus)
